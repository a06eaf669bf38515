/*
** frame.h - pktgen's frame builder: byte order, a seeded PRNG, the Internet
** checksum (written independently of src/checksum, so generated captures
** can serve as its oracle) and one function that lays out a whole frame.
*/
#ifndef PKTGEN_FRAME_H
#define PKTGEN_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define MAXFRAME 1600

typedef struct Rng { uint64_t s; } Rng;
uint64_t rng_next (Rng *r);
uint32_t rng_below (Rng *r, uint32_t n);   /* uniform in [0, n), n > 0 */
void rng_fill (Rng *r, uint8_t *p, size_t n);

void put16 (uint8_t *p, unsigned v);       /* network byte order */
void put32 (uint8_t *p, uint32_t v);
void put16le (uint8_t *p, unsigned v);
void put32le (uint8_t *p, uint32_t v);

/* RFC 1071: the running sum of n bytes, and its folded complement */
uint64_t sum_bytes (uint64_t acc, const uint8_t *p, size_t n);
uint16_t sum_fold (uint64_t acc);

enum { P_ICMP = 1, P_IGMP = 2, P_TCP = 6, P_UDP = 17, P_ICMP6 = 58 };
enum { F_FIN = 0x01, F_SYN = 0x02, F_RST = 0x04, F_PSH = 0x08, F_ACK = 0x10 };

/* The link layer in front of the packet (the file's link type says which) */
enum Link {
  LINK_ETH = 0,   /* Ethernet II, with s->vlans tags and s->mpls labels */
  LINK_SLL,       /* Linux cooked v1, 16 bytes */
  LINK_SLL2,      /* Linux cooked v2, 20 bytes */
  LINK_NULL,      /* BSD loopback: address family, little-endian */
  LINK_LOOP,      /* OpenBSD loopback: address family, big-endian */
  LINK_RAW,       /* nothing: the IP header first */
  LINK_PPP,       /* PPP (LINKTYPE_PPP): 0xff 0x03, protocol, s->mpls labels */
  LINK_CHDLC      /* Cisco HDLC: 0x0f 0x00, ethertype, s->mpls labels */
};

/* checksums made wrong on purpose (Spec.badsum) */
enum { BAD_IP = 1, BAD_L4 = 2 };

/* What one frame holds. Zero-initialised fields give sensible defaults. */
typedef struct Spec {
  int link;                 /* enum Link */
  int vlans;                /* 802.1Q tags: 0, 1, or 2 (802.1ad + 802.1Q) */
  int mpls;                 /* MPLS labels between the tags and IP */
  int pppoe;                /* Ethernet: a PPPoE session (PPP inside) */
  int v6;                   /* IPv6 instead of IPv4 */
  int reply;                /* swap MAC addresses (server -> client) */
  uint8_t proto;            /* P_TCP, P_UDP, P_ICMP, P_ICMP6, P_IGMP; any
                               other: no transport header, the payload
                               right after IP (IP in IP, GRE) */
  const uint8_t *ext6;      /* IPv6 extension headers before the transport */
  size_t ext6len;           /* header (a chain ending in proto) ... */
  uint8_t ext6nh;           /* ... and the IPv6 next header naming the first */
  uint8_t src[16], dst[16]; /* IPv4 uses the first 4 bytes */
  uint8_t ttl;              /* TTL / hop limit; 0 means 64 */
  uint8_t tos;              /* IPv4 TOS / IPv6 traffic class */
  uint32_t flow;            /* IPv6 flow label */
  uint16_t ident;           /* IPv4 identification */
  int df;                   /* IPv4 don't-fragment flag */
  const uint8_t *ipopt;     /* IPv4 options, ipoptlen a multiple of 4 */
  size_t ipoptlen;
  uint16_t sport, dport;    /* TCP/UDP ports; ICMP echo ident, sequence */
  uint8_t icmptype;         /* ICMP/ICMPv6/IGMP type (echo: 8/0, 128/129) */
  uint8_t icmpcode;
  uint8_t tcpflags;
  uint32_t seq, ack;
  const uint8_t *tcpopt;    /* TCP options, tcpoptlen a multiple of 4 */
  size_t tcpoptlen;
  int nocsum;               /* UDP over IPv4 without checksum (0) */
  int badsum;               /* BAD_IP | BAD_L4 */
  const uint8_t *payload;   /* NULL: paylen pseudo-random bytes */
  size_t paylen;
  size_t minlen;            /* Ethernet: pad with zeros up to this length */
} Spec;

/* the length of the link-layer header s describes */
size_t link_len (const Spec *s);

/* Writes the link-layer header for a packet of the given ethertype (or
** 802.3 length) and returns its length. */
size_t put_link (uint8_t *f, const Spec *s, unsigned ethertype);

/* Writes the frame described by s into f (room bytes) and returns its
** length, with every length and checksum field filled in. */
size_t build (uint8_t *f, size_t room, const Spec *s, Rng *r);

/* The IPv4 frame whole (build's output, n bytes) cut into the fragment
** number k (0-based) carrying at most chunk bytes (a multiple of 8) of IP
** payload; returns its length, 0 past the last one. */
size_t fragment (uint8_t *f, const uint8_t *whole, size_t n, const Spec *s,
                 size_t chunk, size_t k);

#endif
