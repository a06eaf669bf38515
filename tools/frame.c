/*
** frame.c - pktgen's frame builder (see frame.h). Every length and checksum
** is computed here, independently of src/checksum.
*/
#include "frame.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* PRNG: splitmix64 (Steele, Lea, Flood 2014), small and well mixed */
uint64_t rng_next (Rng *r) {
  uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* the modulo bias is below 2^-32 for our n */
uint32_t rng_below (Rng *r, uint32_t n) {
  return (uint32_t)(rng_next(r) % n);
}

void rng_fill (Rng *r, uint8_t *p, size_t n) {
  while (n >= 8) {
    uint64_t v = rng_next(r);
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
    p += 8; n -= 8;
  }
  if (n > 0) {
    uint64_t v = rng_next(r);
    for (size_t i = 0; i < n; i++) p[i] = (uint8_t)(v >> (8 * i));
  }
}

void put16 (uint8_t *p, unsigned v) {
  p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v;
}

void put32 (uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

void put16le (uint8_t *p, unsigned v) {
  p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8);
}

void put32le (uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

uint64_t sum_bytes (uint64_t acc, const uint8_t *p, size_t n) {
  size_t i;
  for (i = 0; i + 1 < n; i += 2)
    acc += (uint32_t)p[i] << 8 | p[i + 1];
  if (i < n) acc += (uint32_t)p[i] << 8;  /* odd byte, zero padded */
  return acc;
}

uint16_t sum_fold (uint64_t acc) {
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  return (uint16_t)~acc;
}

/* a wrong checksum that no reader takes for right (nor for "none") */
static uint16_t spoil (uint16_t ck) {
  return (uint16_t)(ck ^ 0x00ff);
}

static const uint8_t mac_client[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};
static const uint8_t mac_server[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x02};

size_t link_len (const Spec *s) {
  switch (s->link) {
    case LINK_SLL: return 16;
    case LINK_SLL2: return 20;
    case LINK_NULL: case LINK_LOOP: return 4;
    case LINK_RAW: return 0;
    case LINK_PPP: case LINK_CHDLC: return 4 + 4 * (size_t)s->mpls;
    default: return 14 + 4 * (size_t)s->vlans + 4 * (size_t)s->mpls
                    + (s->pppoe ? 8 : 0);
  }
}

/* n MPLS label stack entries (label 16 + i, TTL 64), bottom bit last */
static size_t put_labels (uint8_t *f, int n) {
  for (int i = 0; i < n; i++)
    put32(f + 4 * i, (uint32_t)(16 + i) << 12 | (i == n - 1 ? 0x100u : 0)
                     | 64u);
  return 4 * (size_t)n;
}

/* the PPP protocol number of an ethertype (MPLS when labels follow) */
static unsigned ppp_proto (const Spec *s, unsigned ethertype) {
  if (s->mpls > 0) return 0x0281;
  return ethertype == 0x86dd ? 0x0057 : 0x0021;
}

/* the loopback address families tcpdump and tshark know: AF_INET is 2
** everywhere, AF_INET6 24 on NetBSD/OpenBSD, 28 on FreeBSD */
static uint32_t loop_family (const Spec *s, unsigned ethertype) {
  if (ethertype != 0x86dd) return 2;
  return s->link == LINK_NULL ? 24 : 28;
}

size_t put_link (uint8_t *f, const Spec *s, unsigned ethertype) {
  const uint8_t *from = s->reply ? mac_server : mac_client;
  size_t o;
  switch (s->link) {
    case LINK_SLL:
      put16(f, s->reply ? 0 : 4);   /* to us / sent by us */
      put16(f + 2, 1);              /* ARPHRD_ETHER */
      put16(f + 4, 6);
      memcpy(f + 6, from, 6); f[12] = 0; f[13] = 0;
      put16(f + 14, ethertype);
      return 16;
    case LINK_SLL2:
      put16(f, ethertype);
      put16(f + 2, 0);
      put32(f + 4, 2);              /* interface index */
      put16(f + 8, 1);              /* ARPHRD_ETHER */
      f[10] = s->reply ? 0 : 4;
      f[11] = 6;
      memcpy(f + 12, from, 6); f[18] = 0; f[19] = 0;
      return 20;
    case LINK_NULL:
      put32le(f, loop_family(s, ethertype));
      return 4;
    case LINK_LOOP:
      put32(f, loop_family(s, ethertype));
      return 4;
    case LINK_RAW:
      return 0;
    case LINK_PPP:  /* address, control, protocol */
      f[0] = 0xff; f[1] = 0x03;
      put16(f + 2, ppp_proto(s, ethertype));
      return 4 + put_labels(f + 4, s->mpls);
    case LINK_CHDLC:  /* unicast address, control, ethertype */
      f[0] = 0x0f; f[1] = 0x00;
      put16(f + 2, s->mpls > 0 ? 0x8847 : ethertype);
      return 4 + put_labels(f + 4, s->mpls);
    default:
      break;
  }
  memcpy(f, s->reply ? mac_client : mac_server, 6);  /* destination */
  memcpy(f + 6, from, 6);
  o = 12;
  for (int i = 0; i < s->vlans; i++) {
    put16(f + o, (s->vlans == 2 && i == 0) ? 0x88a8 : 0x8100);
    put16(f + o + 2, (s->vlans == 2 && i == 0) ? 100 : 10);  /* PCP 0, VID */
    o += 4;
  }
  if (s->pppoe) {  /* version/type, code 0, session, length (build's) */
    put16(f + o, 0x8864);
    f[o + 2] = 0x11; f[o + 3] = 0;
    put16(f + o + 4, 0x2a); put16(f + o + 6, 0);
    put16(f + o + 8, ppp_proto(s, ethertype));
    return o + 10 + put_labels(f + o + 10, s->mpls);
  }
  if (s->mpls > 0) {
    put16(f + o, 0x8847);
    return o + 2 + put_labels(f + o + 2, s->mpls);
  }
  put16(f + o, ethertype);
  return o + 2;
}

size_t build (uint8_t *f, size_t room, const Spec *s, Rng *r) {
  size_t l3, l4, hl, l4hl, l4len, total;
  uint64_t acc;
  uint16_t ck;
  l3 = link_len(s);
  int bare = s->proto != P_TCP && s->proto != P_UDP && s->proto != P_ICMP
             && s->proto != P_ICMP6 && s->proto != P_IGMP;
  hl = s->v6 ? 40 + s->ext6len : 20 + s->ipoptlen;
  l4 = l3 + hl;
  l4hl = s->proto == P_TCP ? 20 + s->tcpoptlen
       : bare ? 0 : 8;  /* UDP, ICMP, IGMP: 8 */
  l4len = l4hl + s->paylen;
  total = l4 + l4len;
  if (total > room || s->minlen > room) {
    fprintf(stderr, "pktgen: internal error: frame of %zu bytes\n", total);
    exit(1);
  }
  put_link(f, s, s->v6 ? 0x86dd : 0x0800);
  /* payload */
  if (s->payload) memcpy(f + l4 + l4hl, s->payload, s->paylen);
  else rng_fill(r, f + l4 + l4hl, s->paylen);
  /* transport header, checksum field zero for now */
  uint8_t *t = f + l4;
  switch (s->proto) {
    case P_TCP:
      put16(t, s->sport); put16(t + 2, s->dport);
      put32(t + 4, s->seq); put32(t + 8, s->ack);
      t[12] = (uint8_t)((l4hl / 4) << 4);
      t[13] = s->tcpflags;
      put16(t + 14, 64240);  /* window */
      put16(t + 16, 0); put16(t + 18, 0);
      if (s->tcpoptlen) memcpy(t + 20, s->tcpopt, s->tcpoptlen);
      break;
    case P_UDP:
      put16(t, s->sport); put16(t + 2, s->dport);
      put16(t + 4, (unsigned)l4len); put16(t + 6, 0);
      break;
    case P_IGMP:  /* IGMPv1/v2: type, max response time, sum, group */
      t[0] = s->icmptype; t[1] = s->icmpcode; put16(t + 2, 0);
      memcpy(t + 4, s->icmptype == 0x11 ? (const uint8_t *)"\0\0\0\0"
                                        : s->dst, 4);
      break;
    default:
      if (bare) break;
      t[0] = s->icmptype; t[1] = s->icmpcode; put16(t + 2, 0);
      put16(t + 4, s->sport); put16(t + 6, s->dport);
      break;
  }
  /* network header and the pseudo-header sum */
  uint8_t *ip = f + l3;
  if (s->v6) {
    put32(ip, 6u << 28 | (uint32_t)s->tos << 20 | (s->flow & 0xfffff));
    put16(ip + 4, (unsigned)(s->ext6len + l4len));
    ip[6] = s->ext6len ? s->ext6nh : s->proto;
    if (s->ext6len) memcpy(ip + 40, s->ext6, s->ext6len);
    ip[7] = s->ttl ? s->ttl : 64;
    memcpy(ip + 8, s->src, 16);
    memcpy(ip + 24, s->dst, 16);
    acc = sum_bytes(0, ip + 8, 32);
    acc += (uint32_t)l4len;  /* 32-bit upper-layer length ... */
    acc += s->proto;         /* ... and next header, zero padded */
  } else {
    ip[0] = (uint8_t)(0x40 | (hl / 4));
    ip[1] = s->tos;
    put16(ip + 2, (unsigned)(hl + l4len));
    put16(ip + 4, s->ident);
    put16(ip + 6, s->df ? 0x4000 : 0);
    ip[8] = s->ttl ? s->ttl : 64;
    ip[9] = s->proto;
    put16(ip + 10, 0);
    memcpy(ip + 12, s->src, 4);
    memcpy(ip + 16, s->dst, 4);
    if (s->ipoptlen) memcpy(ip + 20, s->ipopt, s->ipoptlen);
    ck = sum_fold(sum_bytes(0, ip, hl));
    put16(ip + 10, s->badsum & BAD_IP ? spoil(ck) : ck);
    acc = sum_bytes(0, ip + 12, 8);
    acc += (uint32_t)l4len + s->proto;
  }
  if (s->pppoe)  /* the PPPoE payload: PPP protocol, IP datagram */
    put16(f + l3 - 4 * (size_t)s->mpls - 4, (unsigned)(total - l3 + 2
          + 4 * (size_t)s->mpls));
  /* transport checksum: ICMP and IGMP over IPv4 have no pseudo-header;
  ** none for a bare payload (IP in IP, GRE: the caller's bytes) */
  if (!bare) {
    if (s->proto == P_ICMP || s->proto == P_IGMP) acc = 0;
    acc = sum_bytes(acc, t, l4len);
    ck = sum_fold(acc);
    if (s->badsum & BAD_L4) ck = spoil(ck);
    switch (s->proto) {
      case P_TCP: put16(t + 16, ck); break;
      case P_UDP:
        if (s->nocsum && !s->v6) ck = 0;
        else if (ck == 0) ck = 0xffff;  /* RFC 768: 0 means "none" */
        put16(t + 6, ck);
        break;
      default: put16(t + 2, ck); break;
    }
  }
  if (total < s->minlen) {  /* Ethernet padding after the datagram */
    memset(f + total, 0, s->minlen - total);
    total = s->minlen;
  }
  return total;
}

size_t fragment (uint8_t *f, const uint8_t *whole, size_t n, const Spec *s,
                 size_t chunk, size_t k) {
  size_t hdr = link_len(s) + 20 + s->ipoptlen;  /* up to L4 */
  size_t off = k * chunk, len;
  uint8_t *ip = f + link_len(s);
  int more;
  uint16_t ck;
  if (hdr + off >= n) return 0;
  len = n - hdr - off;
  if (len > chunk) len = chunk;
  more = hdr + off + len < n;
  memcpy(f, whole, hdr);
  memcpy(f + hdr, whole + hdr + off, len);
  put16(ip + 2, (unsigned)(20 + s->ipoptlen + len));
  put16(ip + 6, (s->df ? 0x4000u : 0) | (more ? 0x2000u : 0)
                | (unsigned)(off / 8));
  put16(ip + 10, 0);
  ck = sum_fold(sum_bytes(0, ip, 20 + s->ipoptlen));
  put16(ip + 10, s->badsum & BAD_IP ? spoil(ck) : ck);
  return hdr + len;
}
