-- the old name of pktlua.layouts.sll, kept working
return require "pktlua.layouts.sll"
