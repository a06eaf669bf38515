-- the old name of pktlua.layouts.ipv4, kept working
return require "pktlua.layouts.ipv4"
