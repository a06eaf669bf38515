-- the old name of pktlua.layouts.arp, kept working
return require "pktlua.layouts.arp"
