/*
** fixup.c - after a packet changed length: every length and checksum the
** IP layers hold, set to what the bytes now are (pktlua.fixup). From the
** IP header the link layer leads to (l3.c): the IPv4 total length and
** header checksum, the IPv6 payload length, the UDP length, the TCP, UDP,
** ICMP, IGMP and ICMPv6 checksums (and PPPoE's and GTP-U's lengths,
** GRE's checksum, where there are some), then the same for the packet a
** tunnel carries (IP in IP, GRE, VXLAN, Geneve, GTP-U: layers.c), innermost
** first, so that an outer checksum covers inner bytes already fixed.
**
** An IP packet reaches to the end of what encloses it (the frame on the
** wire, or the outer packet), but for the frame's trailer: the bytes
** after the IP packet in the frame as it came (Ethernet padding, an FCS),
** which stay out of the IP length whatever the edits did before them. A
** checksum over bytes that were not captured (caplen < len) is updated
** for the length fields that changed (RFC 1624), the rest being as it
** was; fragments' transport checksums, which cover other packets, are
** left alone. Every read is checked against caplen.
*/
#include "cksum.h"
#include "layers.h"

#define IP_ICMP   1
#define IP_IGMP   2
#define IP_TCP    6
#define IP_UDP    17
#define IP_GRE    47
#define IP_ICMPV6 58

#define ET_8021Q  0x8100
#define ET_8021AD 0x88a8
#define ET_QINQ   0x9100
#define ET_PPPOES 0x8864

#define MAXDEPTH  8    /* tunnels in tunnels fixed, at most */

typedef struct Frame {
  unsigned char *p;
  size_t caplen;            /* bytes there */
  size_t len;               /* bytes on the wire: len >= caplen */
  size_t trailer;           /* bytes after the outer IP packet */
  size_t outerend;          /* where the outer IP packet ends */
} Frame;

static unsigned get16 (const unsigned char *p) {
  return (unsigned)p[0] << 8 | p[1];
}

static void put16 (unsigned char *p, unsigned v) {
  p[0] = (unsigned char)(v >> 8);
  p[1] = (unsigned char)v;
}

/* the pseudo-header's sum (RFC 768, 793; RFC 8200 8.1) for `ulen` bytes of
** protocol `proto` */
static uint64_t pseudo (const unsigned char *ip, int v6, unsigned proto,
                        size_t ulen) {
  unsigned char w[8];
  uint64_t sum = v6 ? cksum_add(0, ip + 8, 32) : cksum_add(0, ip + 12, 8);
  w[0] = (unsigned char)(ulen >> 24);
  w[1] = (unsigned char)(ulen >> 16);
  w[2] = (unsigned char)(ulen >> 8);
  w[3] = (unsigned char)ulen;
  w[4] = w[5] = w[6] = 0;
  w[7] = (unsigned char)proto;
  return cksum_add(sum, w, 8);
}

/* the 16-bit checksum at c after a value it covers went from o to v */
static void update (unsigned char *c, size_t o, size_t v) {
  if (o != v && o <= 0xffff && v <= 0xffff)
    put16(c, cksum_update16((uint16_t)get16(c), (uint16_t)o, (uint16_t)v));
}

/*
** The transport header t, ulen bytes to the end of its IP packet: the
** UDP length, then the checksum, in full when every byte is captured,
** else updated for the lengths that changed: the pseudo-header's (it was
** oldulen) and UDP's own field.
*/
static void transport (Frame *fr, const unsigned char *ip, int v6,
                       const pkt_L4 *t, size_t ulen, size_t oldulen) {
  unsigned char *h = fr->p + t->off;
  size_t off = (size_t)t->off, ck;
  int pseudohdr = 1;
  switch (t->proto) {
    case IP_UDP: ck = 6; break;
    case IP_TCP: ck = 16; break;
    case IP_ICMP: case IP_IGMP: if (v6) return; ck = 2; pseudohdr = 0; break;
    case IP_ICMPV6: if (!v6) return; ck = 2; break;
    default: return;
  }
  if (off + ck + 2 > fr->caplen || ulen < ck + 2 || ulen > 0xffff) return;
  if (t->proto == IP_UDP) {
    size_t old = get16(h + 4);
    put16(h + 4, (unsigned)ulen);
    if (!v6 && get16(h + 6) == 0) return;  /* IPv4 without a checksum */
    if (off + ulen > fr->caplen) {  /* its field, the pseudo-header's */
      update(h + ck, old, ulen);
      update(h + ck, oldulen, ulen);
      return;
    }
  }
  if (off + ulen <= fr->caplen) {
    uint64_t sum = pseudohdr ? pseudo(ip, v6, (unsigned)t->proto, ulen) : 0;
    uint16_t c;
    put16(h + ck, 0);
    c = cksum_finish(cksum_add(sum, h, ulen));
    if (c == 0 && t->proto == IP_UDP) c = 0xffff;  /* 0: no checksum */
    put16(h + ck, c);
  } else if (pseudohdr) {
    update(h + ck, oldulen, ulen);
  }
}

/*
** The GRE checksum (RFC 2784), when its C bit says there is one: over the
** GRE header and payload, all captured.
*/
static void grecksum (Frame *fr, const pkt_L4 *t, size_t end) {
  unsigned char *h = fr->p + t->off;
  size_t off = (size_t)t->off;
  if (end > fr->caplen || end - off < 8 || !(h[0] & 0x80)) return;
  put16(h + 4, 0);
  put16(h + 4, cksum_inet(h, end - off));
}

/* the stored length of the IP packet at ip (hl bytes of it there) */
static size_t storedlen (const unsigned char *ip) {
  return ip[0] >> 4 == 6 ? 40 + (size_t)get16(ip + 4) : get16(ip + 2);
}

/*
** The IP packet at l3, reaching at most to `end` (on the wire): what it
** carries first (depth: tunnels so far), then its own fields. Returns the
** IP headers fixed.
*/
static int fixip (Frame *fr, size_t l3, size_t end, int depth) {
  unsigned char *ip = fr->p + l3;
  pkt_L4 t;
  size_t hl, iplen;
  long in;
  int v6, n = 1, kind = PKT_TUN_NONE;
  unsigned oldpl = 0;
  if (l3 >= fr->caplen || end <= l3) return 0;
  v6 = ip[0] >> 4 == 6;
  if (!v6 && ip[0] >> 4 != 4) return 0;
  hl = v6 ? 40 : (size_t)(ip[0] & 15) * 4;
  if (hl < 20 || l3 + hl > fr->caplen) return 0;
  if (depth == 0) {
    if (end - l3 > fr->trailer + hl) end -= fr->trailer;
    fr->outerend = end;
  }
  iplen = end - l3;
  if (iplen < hl || (v6 ? iplen - 40 : iplen) > 0xffff) return 0;
  /* the lengths first: the walk to l4 and the tunnel reads them */
  if (v6) {
    oldpl = get16(ip + 4);
    if (oldpl != 0 || iplen == 40)  /* 0 with data: a jumbogram, left */
      put16(ip + 4, (unsigned)(iplen - 40));
  } else {
    oldpl = get16(ip + 2);
    put16(ip + 2, (unsigned)iplen);
  }
  pkt_l4(fr->p, fr->caplen < end ? fr->caplen : end, (long)l3, &t);
  if (t.off >= 0 && t.frag == PKT_FRAG_NONE) {
    if (depth < MAXDEPTH &&
        (in = pkt_inner(fr->p, fr->caplen < end ? fr->caplen : end, &t,
                        &kind)) >= 0)
      n += fixip(fr, (size_t)in, end, depth + 1);
    /* GTP-U (TS 29.281) counts what follows its 8-byte header */
    if (kind == PKT_TUN_GTPU && (size_t)t.off + 16 <= fr->caplen &&
        end - (size_t)t.off - 16 <= 0xffff)
      put16(fr->p + t.off + 10, (unsigned)(end - (size_t)t.off - 16));
    if (t.proto == IP_GRE) grecksum(fr, &t, end);
    else {
      size_t before = (size_t)t.off - l3, old = v6 ? oldpl + 40u : oldpl;
      transport(fr, ip, v6, &t, end - (size_t)t.off,
                old > before ? old - before : (size_t)-1);
    }
  }
  if (!v6) {  /* last: the header checksum covers the fields set above */
    put16(ip + 10, 0);
    put16(ip + 10, cksum_inet(ip, hl));
  }
  return n;
}

/*
** The PPPoE session header (RFC 2516) on the way from an Ethernet header
** at `eth` to l3, through VLAN tags: its offset, or -1. Its length field
** counts the PPP frame: the protocol number and the IP packet.
*/
static long pppoe (const unsigned char *p, size_t l3, long eth) {
  size_t off;
  if (eth < 0) return -1;
  for (off = (size_t)eth + 12; off + 2 <= l3; off += 4) {
    unsigned type = get16(p + off);
    if (type == ET_PPPOES)
      return off + 2 + 8 <= l3 ? (long)(off + 2) : -1;
    if (type != ET_8021Q && type != ET_8021AD && type != ET_QINQ) break;
  }
  return -1;
}

size_t pkt_trailer (const unsigned char *p, size_t caplen, size_t len,
                    long l3) {
  size_t stored;
  if (l3 < 0 || caplen < len || (size_t)l3 + 20 > caplen) return 0;
  if (p[l3] >> 4 != 4 && p[l3] >> 4 != 6) return 0;
  stored = storedlen(p + l3);
  if (stored < 20 || (p[l3] >> 4 == 4 && get16(p + l3 + 2) == 0)) return 0;
  return caplen - (size_t)l3 > stored ? caplen - (size_t)l3 - stored : 0;
}

int pkt_fixup (unsigned char *p, size_t caplen, size_t len, long l3,
               long eth, size_t trailer) {
  Frame fr;
  long ses;
  int n;
  if (l3 < 0 || (size_t)l3 >= caplen) return 0;
  fr.p = p;
  fr.caplen = caplen;
  fr.len = len > caplen ? len : caplen;
  fr.trailer = trailer;
  fr.outerend = 0;
  n = fixip(&fr, (size_t)l3, fr.len, 0);
  ses = pppoe(p, (size_t)l3, eth);
  if (n > 0 && ses >= 0 && fr.outerend - (size_t)ses - 6 <= 0xffff)
    put16(p + ses + 4, (unsigned)(fr.outerend - (size_t)ses - 6));
  return n;
}
