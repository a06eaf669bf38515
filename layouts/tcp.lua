-- the old name of pktlua.layouts.tcp, kept working
return require "pktlua.layouts.tcp"
