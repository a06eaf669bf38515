-- the old name of pktlua.layouts.sll2, kept working
return require "pktlua.layouts.sll2"
