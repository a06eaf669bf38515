/*
** cksum_pkt.c - where a packet's checksums are and what they cover
** (cksum_pkt.h). Every length comes from the packet, so every one is
** checked against the bytes present before use.
*/
#include "cksum.h"
#include "cksum_pkt.h"

static unsigned get16 (const unsigned char *p) {
  return ((unsigned)p[0] << 8) | p[1];
}


/* checks the IPv4 header at p; returns its length or 0 with *msg set */
size_t cksum_ipv4header (const unsigned char *p, size_t len,
                         const char **msg) {
  size_t hlen;
  if (len < 20) { *msg = "truncated IPv4 header"; return 0; }
  if ((p[0] >> 4) != 4) { *msg = "not an IPv4 header"; return 0; }
  hlen = (size_t)(p[0] & 0x0f) * 4;
  if (hlen < 20) { *msg = "bad IPv4 header length"; return 0; }
  if (hlen > len) { *msg = "truncated IPv4 header"; return 0; }
  return hlen;
}


/* checksum of an even-length block whose 16-bit word at `off` counts as 0 */
uint16_t cksum_skip (uint64_t sum, const unsigned char *p, size_t len,
                     size_t off) {
  sum = cksum_add(sum, p, off);  /* off is even: the chain stays exact */
  sum = cksum_add(sum, p + off + 2, len - off - 2);
  return cksum_finish(sum);
}


const char cksum_unsupported[] = "unsupported protocol";


/* offset of the checksum and the smallest header of a transport protocol;
** returns 0 for protocols this module does not handle */
static int l4proto (int proto, int v6, size_t *ckoff, size_t *minlen) {
  switch (proto) {
    case PROTO_TCP: *ckoff = 16; *minlen = 20; return 1;
    case PROTO_UDP: *ckoff = 6; *minlen = 8; return 1;
    case PROTO_ICMP: *ckoff = 2; *minlen = 4; return !v6;
    case PROTO_ICMPV6: *ckoff = 2; *minlen = 4; return v6;
    default: return 0;
  }
}


/* common checks once the segment [seg, seg+len) is known; `avail` is what
** the capture holds from seg on */
static const char *l4segment (cksum_L4 *k, int v6, size_t avail) {
  size_t minlen;
  if (!l4proto(k->proto, v6, &k->ckoff, &minlen))
    return cksum_unsupported;
  if (k->len < minlen) return "bad transport length";
  if (k->len > avail) return "truncated transport segment";
  if (k->proto == PROTO_UDP) {
    /* trust the UDP length when it fits: bytes after it are not UDP's */
    size_t ulen = get16(k->seg + 4);
    if (ulen < 8 || ulen > k->len) return "bad UDP length";
    k->len = ulen;
  }
  if (k->proto != PROTO_ICMP) {  /* length and protocol words */
    k->pseudo += (uint64_t)(k->len >> 16) + (k->len & 0xffff);
    k->pseudo += (uint64_t)k->proto;
  }
  return NULL;
}


static const char *l4ipv4 (const unsigned char *p, size_t len, cksum_L4 *k) {
  const char *msg;
  size_t hlen = cksum_ipv4header(p, len, &msg);
  size_t total;
  if (hlen == 0) return msg;
  total = get16(p + 2);
  if (total < hlen) return "bad IPv4 total length";
  if ((p[6] & 0x3f) != 0 || p[7] != 0) return "fragment";  /* MF, offset */
  k->proto = p[9];
  k->seg = p + hlen;
  k->len = total - hlen;
  k->zeroisnone = (k->proto == PROTO_UDP);
  k->pseudo = (k->proto == PROTO_ICMP) ? 0 : cksum_add(0, p + 12, 8);
  return l4segment(k, 0, len - hlen);
}


/* walks the IPv6 extension headers to the transport header */
static const char *l4ipv6 (const unsigned char *p, size_t len, cksum_L4 *k) {
  size_t off = 40, end;
  int nh;
  if (len < 40) return "truncated IPv6 header";
  end = 40 + get16(p + 4);
  if (end == 40 && p[6] != PROTO_NONE)
    return "unsupported payload length 0 (jumbogram)";
  nh = p[6];
  for (;;) {
    size_t hl;
    switch (nh) {
      case PROTO_HOPOPTS: case PROTO_DSTOPTS: case PROTO_ROUTING:
        if (off + 2 > end || off + 2 > len) return "truncated IPv6 header";
        hl = ((size_t)p[off + 1] + 1) * 8;
        if (nh == PROTO_ROUTING) {
          if (off + 4 > len) return "truncated IPv6 header";
          /* segments left: the pseudo-header would need the final
          ** destination from inside the routing header */
          if (p[off + 3] != 0) return "unsupported routing header";
        }
        break;
      case PROTO_FRAGMENT:
        if (off + 8 > end || off + 8 > len) return "truncated IPv6 header";
        if ((get16(p + off + 2) & 0xfff9) != 0)  /* offset or M flag */
          return "fragment";
        hl = 8;
        break;
      case PROTO_AH:
        if (off + 2 > end || off + 2 > len) return "truncated IPv6 header";
        hl = ((size_t)p[off + 1] + 2) * 4;
        break;
      case PROTO_NONE:
        return "no transport header";
      default:
        goto transport;
    }
    nh = p[off];
    off += hl;
    if (off > end) return "bad IPv6 extension header length";
  }
transport:
  if (off > len) return "truncated IPv6 header";
  k->proto = nh;
  k->seg = p + off;
  k->len = end - off;
  k->zeroisnone = 0;
  k->pseudo = cksum_add(0, p + 8, 32);
  return l4segment(k, 1, len - off);
}


const char *cksum_l4find (const unsigned char *p, size_t len, cksum_L4 *k) {
  if (len < 1) return "truncated IP header";
  if ((p[0] >> 4) == 4) return l4ipv4(p, len, k);
  if ((p[0] >> 4) == 6) return l4ipv6(p, len, k);
  return "not an IP header";
}


uint16_t cksum_l4compute (const cksum_L4 *k) {
  uint16_t ck = cksum_skip(k->pseudo, k->seg, k->len, k->ckoff);
  if (k->zeroisnone && ck == 0) ck = 0xffff;  /* RFC 768: 0 means none */
  return ck;
}
