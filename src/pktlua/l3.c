/*
** l3.c - where the IPv4/IPv6 header starts, for the link types pktlua
** knows, through VLAN tags, MPLS label stacks and PPPoE sessions. Every
** read is checked against caplen: packet bytes are untrusted. The same
** walk serves the tunnels of layers.c (an Ethernet frame or an MPLS stack
** inside GRE, VXLAN, Geneve).
*/
#include "layers.h"

/* LINKTYPE_ values (tcpdump.org/linktypes.html): what files carry and what
** scripts compare info.linktype with. DLT_ values differ for a few. */
#define LT_NULL     0
#define LT_ETHERNET 1
#define LT_PPP      9
#define LT_PPP_HDLC 50   /* PPP in HDLC-like framing, or Cisco HDLC */
#define LT_RAW      101
#define LT_C_HDLC   104
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
#define ET_MPLS   0x8847
#define ET_MPLSMC 0x8848  /* MPLS multicast */
#define ET_PPPOES 0x8864  /* PPPoE session stage */

/* PPP protocol numbers (RFC 1332, 5072, 3032) */
#define PPP_IPV4   0x0021
#define PPP_IPV6   0x0057
#define PPP_MPLS   0x0281
#define PPP_MPLSMC 0x0283

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

/* the ethertype a PPP protocol number carries, 0 for none we follow */
static unsigned pppethertype (unsigned proto) {
  switch (proto) {
    case PPP_IPV4: return ET_IPV4;
    case PPP_IPV6: return ET_IPV6;
    case PPP_MPLS: return ET_MPLS;
    case PPP_MPLSMC: return ET_MPLSMC;
    default: return 0;
  }
}

/*
** The IP header in a payload of ethertype `type` starting at `off`:
** through any number of VLAN tags (a TCI, then the next type), an MPLS
** label stack (whose payload names no type: the first nibble after the
** bottom of the stack says 4 or 6, as tcpdump guesses) and a PPPoE session
** header (6 bytes, then a PPP protocol number).
*/
static long payload (const unsigned char *p, size_t caplen, unsigned type,
                     size_t off) {
  for (;;) {
    switch (type) {
      case ET_IPV4: case ET_IPV6:
        return off < caplen ? (long)off : -1;
      case ET_8021Q: case ET_8021AD: case ET_QINQ:
        if (caplen < 4 || off > caplen - 4) return -1;
        type = get16(p + off + 2);
        off += 4;
        break;
      case ET_MPLS: case ET_MPLSMC:
        for (;;) {  /* 4-byte entries; bit 8 of each: bottom of stack */
          if (caplen < 4 || off > caplen - 4) return -1;
          off += 4;
          if (p[off - 2] & 1) break;
        }
        if (off >= caplen) return -1;
        return (p[off] >> 4 == 4 || p[off] >> 4 == 6) ? (long)off : -1;
      case ET_PPPOES:  /* version/type 0x11, code 0 (session data) */
        if (caplen < 8 || off > caplen - 8 || p[off] != 0x11 || p[off + 1])
          return -1;
        type = pppethertype(get16(p + off + 6));
        off += 8;
        break;
      default:
        return -1;
    }
  }
}

long pkt_l3_payload (const unsigned char *p, size_t caplen, unsigned type,
                     size_t off) {
  return payload(p, caplen, type, off);
}

/* the ethertype at `off` and what follows it (inlined in pkt_l3) */
static long ethertype (const unsigned char *p, size_t caplen, size_t off) {
  if (caplen < 2 || off > caplen - 2) return -1;
  return payload(p, caplen, get16(p + off), off + 2);
}

long pkt_l3_ethernet (const unsigned char *p, size_t caplen, size_t off) {
  return caplen >= 12 && off <= caplen - 12
         ? ethertype(p, caplen, off + 12) : -1;
}

/*
** A PPP frame from `off`: the address and control bytes (0xff 0x03) when
** present, then a protocol number of 2 bytes, or 1 when compressed (an odd
** first byte, RFC 1661 6.5).
*/
long pkt_l3_ppp (const unsigned char *p, size_t caplen, size_t off) {
  unsigned proto;
  if (caplen >= 2 && off <= caplen - 2 && p[off] == 0xff && p[off + 1] == 3)
    off += 2;
  if (off >= caplen) return -1;
  if (p[off] & 1) proto = p[off++];
  else {
    if (caplen - off < 2) return -1;  /* off < caplen: no wrap */
    proto = get16(p + off);
    off += 2;
  }
  return payload(p, caplen, pppethertype(proto), off);
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
      return payload(p, caplen, get16(p), 20);
    case LT_RAW:   /* IPv4 or IPv6, told apart by the version nibble */
      if (caplen == 0) return -1;
      return (p[0] >> 4 == 4 || p[0] >> 4 == 6) ? 0 : -1;
    case LT_IPV4: case LT_IPV6:
      return caplen > 0 ? 0 : -1;
    case LT_NULL: case LT_LOOP:
      return loopback(p, caplen);
    case LT_PPP_HDLC:  /* Cisco HDLC's address is 0x0f or 0x8f, PPP's 0xff */
      if (caplen > 0 && (p[0] & 0x7f) == 0x0f) return ethertype(p, caplen, 2);
      return pkt_l3_ppp(p, caplen, 0);
    case LT_PPP:
      return pkt_l3_ppp(p, caplen, 0);
    case LT_C_HDLC:  /* address, control, then an ethertype */
      return ethertype(p, caplen, 2);
    default:
      return -1;
  }
}
