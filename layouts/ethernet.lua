-- the old name of pktlua.layouts.ethernet, kept working
return require "pktlua.layouts.ethernet"
