-- the old name of pktlua.layouts.ipv4addrs, kept working
return require "pktlua.layouts.ipv4addrs"
