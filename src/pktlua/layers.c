/*
** layers.c - what follows the IP header: the transport header behind
** IPv4 options and IPv6 extension headers (info.l4, info.proto,
** info.fragment), and the packet a tunnel carries (pktlua.inner). The
** link-layer part of the walk, which tunnels carrying Ethernet or MPLS
** reuse, is l3.c's. Every read is checked against caplen.
*/
#include "layers.h"

#define IP_HOPOPTS  0
#define IP_IPIP     4
#define IP_UDP      17
#define IP_IPV6     41
#define IP_ROUTING  43
#define IP_FRAGMENT 44
#define IP_GRE      47
#define IP_AH       51
#define IP_NONE     59
#define IP_DSTOPTS  60

#define ET_TEB    0x6558  /* transparent Ethernet bridging */
#define ET_PPP    0x880b  /* PPTP's enhanced GRE carries PPP */

#define PORT_VXLAN  4789
#define PORT_GENEVE 6081
#define PORT_GTPU   2152

static unsigned get16 (const unsigned char *p) {
  return (unsigned)p[0] << 8 | p[1];
}

/* at least n bytes from off */
static int have (size_t caplen, size_t off, size_t n) {
  return off <= caplen && caplen - off >= n;
}

void pkt_l4 (const unsigned char *p, size_t caplen, long l3, pkt_L4 *r) {
  size_t off, hl;
  unsigned proto;
  int v6, frag;
  r->off = -1;
  r->proto = -1;
  r->frag = PKT_FRAG_UNKNOWN;
  if (l3 < 0 || (size_t)l3 >= caplen) return;
  off = (size_t)l3;
  v6 = p[off] >> 4 == 6;
  if (p[off] >> 4 == 4) {
    unsigned fo;
    hl = (size_t)(p[off] & 15) * 4;
    if (hl < 20 || !have(caplen, off, hl)) return;  /* options cut */
    fo = get16(p + off + 6);
    frag = fo & 0x1fff ? PKT_FRAG_LATER
         : fo & 0x2000 ? PKT_FRAG_FIRST : PKT_FRAG_NONE;
    r->frag = frag;
    proto = p[off + 9];
    if (frag == PKT_FRAG_LATER) { r->proto = (int)proto; return; }
  } else if (v6) {
    if (!have(caplen, off, 40)) return;
    hl = 40;
    proto = p[off + 6];
    frag = PKT_FRAG_UNKNOWN;  /* until a fragment header or the end */
  } else {
    return;
  }
  off += hl;
  for (;;) {  /* each header is 8 bytes or more: the loop ends */
    switch (proto) {
      case IP_HOPOPTS: case IP_ROUTING: case IP_DSTOPTS:
        if (!v6) goto chain;
        if (!have(caplen, off, 2)) return;  /* cut: what follows unknown */
        hl = ((size_t)p[off + 1] + 1) * 8;
        break;
      case IP_AH:  /* its length is in 4-byte words, minus 2 */
        if (!have(caplen, off, 2)) return;
        hl = ((size_t)p[off + 1] + 2) * 4;
        break;
      case IP_FRAGMENT: {
        unsigned fo;
        if (!v6) goto chain;
        if (!have(caplen, off, 8)) return;
        fo = get16(p + off + 2);
        /* offset 0 without more fragments: an atomic fragment, whole */
        frag = fo & 0xfff8 ? PKT_FRAG_LATER
             : fo & 1 ? PKT_FRAG_FIRST : PKT_FRAG_NONE;
        r->frag = frag;
        if (frag == PKT_FRAG_LATER) { r->proto = p[off]; return; }
        hl = 8;
        break;
      }
      default:
        goto chain;
    }
    if (!have(caplen, off, hl)) return;
    proto = p[off];
    off += hl;
  }
chain:  /* proto is the header after the chain */
  if (frag == PKT_FRAG_UNKNOWN) frag = PKT_FRAG_NONE;
  r->frag = frag;
  if (proto == IP_NONE) return;
  r->proto = (int)proto;
  if (off < caplen) r->off = (long)off;
}

/* a GRE header at off (RFC 2784, 2890; version 1: RFC 2637's PPTP) */
static long gre (const unsigned char *p, size_t caplen, size_t off) {
  unsigned flags, type;
  size_t hl = 4;
  if (!have(caplen, off, 4)) return -1;
  flags = get16(p + off);
  type = get16(p + off + 2);
  switch (flags & 7) {
    case 0:
      if (flags & 0x4000) return -1;  /* RFC 1701 source routing */
      if (flags & 0x8000) hl += 4;    /* checksum, reserved */
      if (flags & 0x2000) hl += 4;    /* key */
      if (flags & 0x1000) hl += 4;    /* sequence number */
      break;
    case 1:  /* key (payload length, call ID) always; seq; ack */
      if (type != ET_PPP) return -1;
      hl = 8 + (flags & 0x1000 ? 4 : 0) + (flags & 0x0080 ? 4 : 0);
      return pkt_l3_ppp(p, caplen, off + hl);
    default:
      return -1;
  }
  if (type == ET_TEB) return pkt_l3_ethernet(p, caplen, off + hl);
  return pkt_l3_payload(p, caplen, type, off + hl);
}

/* a GTP-U header (3GPP TS 29.281) at off: a G-PDU carries an IP packet */
static long gtpu (const unsigned char *p, size_t caplen, size_t off) {
  unsigned flags;
  if (!have(caplen, off, 8)) return -1;
  flags = p[off];
  /* version 1, protocol type GTP, message type 255 (G-PDU) */
  if (flags >> 5 != 1 || !(flags & 0x10) || p[off + 1] != 0xff) return -1;
  off += 8;
  if (flags & 7) {  /* E, S or PN: sequence, N-PDU, next extension type */
    unsigned next;
    if (!have(caplen, off, 4)) return -1;
    next = flags & 4 ? p[off + 3] : 0;
    off += 4;
    while (next != 0) {  /* extensions: a length in 4-byte words first */
      size_t n;
      if (!have(caplen, off, 1) || p[off] == 0) return -1;
      n = (size_t)p[off] * 4;
      if (!have(caplen, off, n)) return -1;
      next = p[off + n - 1];
      off += n;
    }
  }
  if (off >= caplen) return -1;
  return (p[off] >> 4 == 4 || p[off] >> 4 == 6) ? (long)off : -1;
}

/* the tunnel a UDP datagram at off is, by its destination port */
static long udp (const unsigned char *p, size_t caplen, size_t off,
                 int *kind) {
  size_t u = off + 8;
  if (!have(caplen, off, 8)) return -1;
  switch (get16(p + off + 2)) {
    case PORT_VXLAN:  /* flags (I: the VNI is valid), VNI: 8 bytes */
      *kind = PKT_TUN_VXLAN;
      if (!have(caplen, u, 8) || !(p[u] & 0x08)) return -1;
      return pkt_l3_ethernet(p, caplen, u + 8);
    case PORT_GENEVE: {  /* version 0, options in 4-byte words */
      unsigned type;
      *kind = PKT_TUN_GENEVE;
      if (!have(caplen, u, 8) || p[u] >> 6 != 0) return -1;
      type = get16(p + u + 2);
      u += 8 + (size_t)(p[u] & 0x3f) * 4;
      if (type == ET_TEB) return pkt_l3_ethernet(p, caplen, u);
      return pkt_l3_payload(p, caplen, type, u);
    }
    case PORT_GTPU:
      *kind = PKT_TUN_GTPU;
      return gtpu(p, caplen, u);
    default:
      return -1;
  }
}

long pkt_inner (const unsigned char *p, size_t caplen, const pkt_L4 *l4,
                int *kind) {
  long r = -1;
  size_t off = (size_t)l4->off;
  *kind = PKT_TUN_NONE;
  if (l4->off < 0) return -1;
  switch (l4->proto) {
    case IP_IPIP: case IP_IPV6:  /* pkt_l4 saw a byte of it */
      *kind = PKT_TUN_IP;
      r = p[off] >> 4 == (l4->proto == IP_IPIP ? 4 : 6) ? (long)off : -1;
      break;
    case IP_GRE:
      *kind = PKT_TUN_GRE;
      r = gre(p, caplen, off);
      break;
    case IP_UDP:
      r = udp(p, caplen, off, kind);
      break;
    default:
      break;
  }
  if (r < 0) *kind = PKT_TUN_NONE;
  return r;
}

const char *pkt_tunnelname (int kind) {
  switch (kind) {
    case PKT_TUN_IP: return "ip";
    case PKT_TUN_GRE: return "gre";
    case PKT_TUN_VXLAN: return "vxlan";
    case PKT_TUN_GENEVE: return "geneve";
    case PKT_TUN_GTPU: return "gtpu";
    default: return NULL;
  }
}
