-- the old name of pktlua.layouts.ipv6, kept working
return require "pktlua.layouts.ipv6"
