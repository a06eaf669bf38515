-- ICMPv6 header (RFC 4443; 8 bytes) with the echo request/reply fields; for
-- other types ident and sequence are the 4 "rest of header" bytes.
-- The header is laid out as ICMP's (RFC 792), so this is that struct: only
-- what the checksum covers differs (ICMPv6 adds the IPv6 pseudo-header),
-- and a write through a pointer updates it incrementally (RFC 1624) the
-- same way, whatever the pseudo-header is.
return require "pktlua.layouts.icmp"
