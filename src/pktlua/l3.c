/*
** l3.c - where the IPv4/IPv6 header starts, for the link types pktlua
** knows. Every read is checked against caplen: packet bytes are untrusted.
*/
#include "pkt.h"

/* LINKTYPE_ values (tcpdump.org/linktypes.html): what files carry and what
** scripts compare info.linktype with. DLT_ values differ for a few. */
#define LT_NULL     0
#define LT_ETHERNET 1
#define LT_RAW      101
#define LT_LOOP     108
#define LT_SLL      113
#define LT_IPV4     228
#define LT_IPV6     229
#define LT_SLL2     276

#define ET_IPV4   0x0800
#define ET_IPV6   0x86dd
#define ET_8021Q  0x8100
#define ET_8021AD 0x88a8
#define ET_QINQ   0x9100  /* the older, non-standard outer tag */

/*
** libpcap hands out DLT_ values, which are the LINKTYPE_ values except
** where platforms disagreed historically (DLT_RAW is 12 on Linux, 14 on
** OpenBSD; LINKTYPE_RAW is 101).
*/
int pkt_linktype (int dlt) {
  if (dlt == DLT_RAW) return LT_RAW;
  if (dlt == DLT_LOOP) return LT_LOOP;
  return dlt;
}

int pkt_dlt (int linktype) {
  switch (linktype) {
    case LT_RAW: return DLT_RAW;
    case LT_LOOP: return DLT_LOOP;
    case 100: return DLT_ATM_RFC1483;
    case 102: return DLT_SLIP_BSDOS;
    case 103: return DLT_PPP_BSDOS;
    default: return linktype;
  }
}

static unsigned get16 (const unsigned char *p) {
  return (unsigned)p[0] << 8 | p[1];
}

/*
** An ethertype at `off`, possibly behind any number of VLAN tags (each a
** 2-byte TPID we already read plus a 2-byte TCI, then the next type).
*/
static long ethertype (const unsigned char *p, size_t caplen, size_t off) {
  unsigned type;
  for (;;) {
    if (caplen < 2 || off > caplen - 2) return -1;
    type = get16(p + off);
    if (type != ET_8021Q && type != ET_8021AD && type != ET_QINQ) break;
    off += 4;  /* TPID + TCI; the next 2 bytes are the inner type */
  }
  off += 2;
  if ((type == ET_IPV4 || type == ET_IPV6) && off < caplen) return (long)off;
  return -1;
}

/*
** BSD loopback: a 4-byte address family, host order of the capturing
** machine for NULL, network order for LOOP; both are seen in the wild, so
** both byte orders are accepted. IPv6 has a different AF number per BSD.
*/
static long loopback (const unsigned char *p, size_t caplen) {
  uint32_t be, le;
  if (caplen <= 4) return -1;
  be = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
  le = (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
  switch (be == 2 || be == 24 || be == 28 || be == 30 ? be : le) {
    case 2:                       /* AF_INET everywhere */
    case 24: case 28: case 30:    /* AF_INET6: NetBSD/OpenBSD, FreeBSD, macOS */
      return 4;
    default:
      return -1;
  }
}

long pkt_l3 (int linktype, const unsigned char *p, size_t caplen) {
  switch (linktype) {
    case LT_ETHERNET:
      return ethertype(p, caplen, 12);
    case LT_SLL:   /* 16-byte header, protocol in its last 2 bytes */
      return caplen >= 16 ? ethertype(p, caplen, 14) : -1;
    case LT_SLL2:  /* 20-byte header, protocol first */
      if (caplen <= 20) return -1;
      switch (get16(p)) {
        case ET_IPV4: case ET_IPV6: return 20;
        case ET_8021Q: case ET_8021AD: case ET_QINQ:
          /* a tag after the header: TCI, then the inner type */
          return caplen >= 24 ? ethertype(p, caplen, 22) : -1;
        default: return -1;
      }
    case LT_RAW:   /* IPv4 or IPv6, told apart by the version nibble */
      if (caplen == 0) return -1;
      return (p[0] >> 4 == 4 || p[0] >> 4 == 6) ? 0 : -1;
    case LT_IPV4: case LT_IPV6:
      return caplen > 0 ? 0 : -1;
    case LT_NULL: case LT_LOOP:
      return loopback(p, caplen);
    default:
      return -1;
  }
}
