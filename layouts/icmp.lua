-- the old name of pktlua.layouts.icmp, kept working
return require "pktlua.layouts.icmp"
