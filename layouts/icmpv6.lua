-- the old name of pktlua.layouts.icmpv6, kept working
return require "pktlua.layouts.icmpv6"
