-- the old name of pktlua.layouts.udp, kept working
return require "pktlua.layouts.udp"
