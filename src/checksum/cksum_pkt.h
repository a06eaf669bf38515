/*
** cksum_pkt.h - the checksums of a packet's headers, in C: where the IPv4
** header and the TCP/UDP/ICMP/ICMPv6 checksum are, and what they cover
** (the pseudo-header). The `checksum` module's packet functions and the
** daemon's --fix-checksums (src/pktlua/loop.c) share them.
*/
#ifndef CKSUM_PKT_H
#define CKSUM_PKT_H

#include <stddef.h>
#include <stdint.h>

/* IP protocol / IPv6 next-header numbers (IANA) */
#define PROTO_HOPOPTS  0
#define PROTO_ICMP     1
#define PROTO_TCP      6
#define PROTO_UDP      17
#define PROTO_ROUTING  43
#define PROTO_FRAGMENT 44
#define PROTO_AH       51
#define PROTO_ICMPV6   58
#define PROTO_NONE     59
#define PROTO_DSTOPTS  60

/* where a transport checksum is and what it covers */
typedef struct cksum_L4 {
  const unsigned char *seg;  /* first byte of the transport header */
  size_t len;                /* bytes the checksum covers */
  size_t ckoff;              /* offset of the checksum field in seg */
  uint64_t pseudo;           /* sum of the pseudo-header (0 for ICMP) */
  int zeroisnone;            /* UDP over IPv4: a stored 0 means no checksum */
  int proto;                 /* transport protocol number */
} cksum_L4;

/* the message of cksum_l4find for a protocol without a checksum here */
extern const char cksum_unsupported[];

/* the length of the IPv4 header at p (len bytes there), or 0 with *msg */
size_t cksum_ipv4header (const unsigned char *p, size_t len,
                         const char **msg);
/* checksum of an even-length block whose 16-bit word at `off` counts as 0,
** added to `sum` */
uint16_t cksum_skip (uint64_t sum, const unsigned char *p, size_t len,
                     size_t off);
/* the transport checksum of the IP packet at p (len bytes from the IP
** header on) into *k: NULL, or why not (a fragment, a truncated header,
** cksum_unsupported for another protocol: k->proto says which) */
const char *cksum_l4find (const unsigned char *p, size_t len, cksum_L4 *k);
/* the value the checksum field *k found should hold */
uint16_t cksum_l4compute (const cksum_L4 *k);

#endif
