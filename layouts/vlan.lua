-- the old name of pktlua.layouts.vlan, kept working
return require "pktlua.layouts.vlan"
