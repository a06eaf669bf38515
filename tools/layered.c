/*
** layered.c - corpus captures of the layers around IP (see layered.h).
** Inner and outer packets use different hosts, so a test can tell which
** header a script found by the addresses tshark decodes.
*/
#include "layered.h"
#include "scenes.h"

#include <string.h>

/* the link layers: TCP, DNS and ping over IPv4 and IPv6 */
static void both (Out *o, Rng *r, Spec b) {
  Spec s = b;
  tcp_conv(o, r, b, h_client, h_web, 4, 45000, 80);
  ping_pair(o, r, b, h_laptop, h_gw, 4, 1);
  s.v6 = 1;
  dns_pair(o, r, s, h6_client, h6_dns, 16, 35100, "example.com", 1,
           h_web, 4);
  ping_pair(o, r, s, h6_client, h6_web, 16, 2);
}

void c_ppp (Out *o, Rng *r) {
  Spec b = {0};
  b.link = LINK_PPP;
  both(o, r, b);
  b.mpls = 2;  /* MPLS over PPP (protocol 0x0281) */
  both(o, r, b);
}

void c_chdlc (Out *o, Rng *r) {
  Spec b = {0};
  b.link = LINK_CHDLC;
  both(o, r, b);
  b.mpls = 1;
  both(o, r, b);
}

void c_pppoe (Out *o, Rng *r) {
  Spec b = {0};
  b.pppoe = 1;
  both(o, r, b);
}

void c_mpls (Out *o, Rng *r) {
  Spec b = {0};
  for (int n = 1; n <= 3; n++) {
    b.mpls = n;
    both(o, r, b);
  }
}

/* IPv6 behind extension headers, and IPv4 behind AH */
void c_ipv6ext (Out *o, Rng *r) {
  /* hop-by-hop (PadN), destination options (PadN), routing (segment
  ** routing, no segments left), AH (24 bytes), fragment headers */
  static const uint8_t hbh[8] = {0, 0, 1, 4, 0, 0, 0, 0};
  static const uint8_t rh[8] = {0, 0, 0, 0, 0, 0, 0, 0};  /* type 0, none left */
  static const uint8_t ah[24] = {0, 4, 0, 0, 0, 0, 0x10, 0x01, 0, 0, 0, 7};
  static const uint8_t fh[8] = {0, 0, 0, 1, 0, 0, 0x12, 0x34};
  static const uint8_t chain[][2] = {  /* the headers, 255: none */
    {0, 255}, {60, 255}, {43, 255}, {51, 255}, {0, 60}, {0, 43}, {43, 60},
    {44, 255}, {0, 44}};
  uint8_t ext[64], raw[MAXFRAME] = {0};
  Spec s;
  for (size_t i = 0; i < sizeof chain / sizeof chain[0]; i++) {
    for (int proto = 0; proto < 3; proto++) {
      size_t n = 0, at[2] = {0, 0};
      int k, cnt = chain[i][1] == 255 ? 1 : 2;
      uint8_t last = proto == 0 ? P_TCP : proto == 1 ? P_UDP : P_ICMP6;
      /* not ICMPv6 right behind a fragment header: tcpdump's "icmp6"
      ** finds it there but behind no other extension header, which would
      ** make filter.lua's test against it compare two different rules */
      if (last == P_ICMP6 && (chain[i][0] == 44 || chain[i][1] == 44))
        continue;
      s = (Spec){0}; s.v6 = 1;
      memcpy(s.src, h6_client, 16); memcpy(s.dst, h6_web, 16);
      s.proto = last; s.sport = (uint16_t)(46000 + i); s.dport = 443;
      s.tcpflags = F_ACK; s.seq = 7; s.ack = 9; s.icmptype = 128;
      s.paylen = 10 + i;
      for (k = 0; k < cnt; k++) {
        uint8_t h = chain[i][k];
        const uint8_t *src = h == 43 ? rh : h == 51 ? ah : h == 44 ? fh : hbh;
        size_t len = h == 51 ? sizeof ah : 8;
        at[k] = n;
        memcpy(ext + n, src, len);
        n += len;
      }
      for (k = 0; k < cnt; k++)  /* each names the next, the last proto */
        ext[at[k]] = k + 1 < cnt ? chain[i][k + 1] : last;
      s.ext6nh = chain[i][0]; s.ext6 = ext; s.ext6len = n;
      emit(o, &s, r);
    }
  }
  /* a later fragment (offset 1232), an atomic fragment, No Next Header */
  s = (Spec){0}; s.v6 = 1; s.proto = 44;
  memcpy(s.src, h6_client, 16); memcpy(s.dst, h6_web, 16);
  memcpy(raw, fh, 8); raw[0] = P_UDP; put16(raw + 2, 1232); s.payload = raw;
  s.paylen = 48; emit(o, &s, r);
  raw[0] = P_UDP; put16(raw + 2, 0);
  memcpy(raw + 8, "\x9c\x40\x00\x35\x00\x10\x00\x00", 8);  /* sum 0: bad */
  s.paylen = 24; emit(o, &s, r);
  s.proto = 59; s.paylen = 16; s.payload = NULL; emit(o, &s, r);
  /* IPv4 ICMP behind AH: the message as built without it (its sum has
  ** no pseudo-header: a script rewriting addresses keeps it valid) */
  s = (Spec){0}; s.link = LINK_RAW; s.proto = P_ICMP;
  set4(&s, h_client, h_web); s.icmptype = 8; s.sport = 3; s.dport = 1;
  s.paylen = 12;
  {
    size_t n = build(raw, sizeof raw, &s, r);
    uint8_t body[MAXFRAME];
    memcpy(body, ah, sizeof ah); body[0] = P_ICMP;
    memcpy(body + sizeof ah, raw + 20, n - 20);
    s = (Spec){0}; s.proto = 51; set4(&s, h_client, h_web);
    s.payload = body; s.paylen = sizeof ah + n - 20;
    emit(o, &s, r);
  }
}

/* an outer IP packet (outer) whose payload is hdr, then the inner frame */
static void wrap (Out *o, Rng *r, Spec outer, const uint8_t *hdr,
                  size_t hlen, const Spec *inner) {
  uint8_t body[MAXFRAME];
  if (hlen) memcpy(body, hdr, hlen);
  outer.payload = body;
  outer.paylen = hlen + build(body + hlen, sizeof body - hlen, inner, r);
  if (outer.dport == 2152)  /* GTP-U: the length of what follows 8 bytes */
    put16(body + 2, (unsigned)(outer.paylen - 8));
  emit(o, &outer, r);
}

/* an inner TCP or UDP packet, link layer `link`, IPv6 when v6 */
static Spec inner (int link, int v6, int udp, uint8_t ttl) {
  Spec s = {0};
  s.link = link; s.ttl = ttl;
  s.proto = udp ? P_UDP : P_TCP;
  if (v6) { s.v6 = 1; memcpy(s.src, h6_client, 16); memcpy(s.dst, h6_web, 16); }
  else set4(&s, h_laptop, h_web);
  s.sport = udp ? 30000 : 47000; s.dport = udp ? 30001 : 8080;
  s.tcpflags = F_PSH | F_ACK; s.seq = 11; s.ack = 13; s.paylen = 20;
  s.ident = 0x5150;
  return s;
}

void c_tunnels (Out *o, Rng *r) {
  static const uint8_t gre_ip[4] = {0, 0, 0x08, 0x00};
  static const uint8_t gre_ip6[4] = {0, 0, 0x86, 0xdd};
  static const uint8_t gre_teb_key[8] = {0x20, 0, 0x65, 0x58, 0, 0, 0, 42};
  static const uint8_t gre_ksq[12] = {0x30, 0, 0x08, 0x00, 0, 0, 0, 7,
                                      0, 0, 0, 1};
  static const uint8_t gre_mpls[4] = {0, 0, 0x88, 0x47};
  static const uint8_t vxlan[8] = {0x08, 0, 0, 0, 0, 0x12, 0x34, 0};
  static const uint8_t geneve_eth[8] = {0, 0, 0x65, 0x58, 0, 0, 0x99, 0};
  static const uint8_t geneve_opt[16] = {0x02, 0, 0x08, 0x00, 0, 0, 0x98, 0,
    0x01, 0x02, 0x03, 0x01, 0xde, 0xad, 0xbe, 0xef};  /* one 8-byte option */
  static const uint8_t gtpu[8] = {0x30, 0xff, 0, 0, 0, 0, 0x0a, 0x01};
  static const uint8_t gtpu_seq[12] = {0x32, 0xff, 0, 0, 0, 0, 0x0a, 0x02,
                                       0, 5, 0, 0};
  /* E: a PDU session container extension (0x85), 4 bytes */
  static const uint8_t gtpu_ext[16] = {0x34, 0xff, 0, 0, 0, 0, 0x0a, 0x03,
    0, 0, 0, 0x85, 1, 0x00, 0x09, 0};
  static const uint8_t mpls1[4] = {0, 0x01, 0x01, 64};  /* label 16, BoS */
  Spec out = {0}, in, mid;
  uint8_t buf[MAXFRAME];  /* a header and an inner packet */
  size_t n;
  set4(&out, h_router, h_gw); out.ident = 0x7000;
  /* IP in IP, IPv6 in IPv4, IPv4 in IPv6 */
  out.proto = 4; in = inner(LINK_RAW, 0, 0, 63); wrap(o, r, out, NULL, 0, &in);
  out.proto = 41; in = inner(LINK_RAW, 1, 1, 62); wrap(o, r, out, NULL, 0, &in);
  {
    Spec o6 = {0};
    o6.v6 = 1; memcpy(o6.src, h6_client, 16); memcpy(o6.dst, h6_dns, 16);
    o6.proto = 4; in = inner(LINK_RAW, 0, 1, 61);
    wrap(o, r, o6, NULL, 0, &in);
  }
  /* GRE: plain, IPv6 inside, key and sequence, Ethernet (0x6558), MPLS */
  out.proto = 47;
  in = inner(LINK_RAW, 0, 0, 60); wrap(o, r, out, gre_ip, 4, &in);
  in = inner(LINK_RAW, 1, 0, 59); wrap(o, r, out, gre_ip6, 4, &in);
  in = inner(LINK_RAW, 0, 1, 58); wrap(o, r, out, gre_ksq, 12, &in);
  in = inner(LINK_ETH, 0, 0, 57); wrap(o, r, out, gre_teb_key, 8, &in);
  in = inner(LINK_ETH, 0, 1, 56); in.vlans = 1;
  wrap(o, r, out, gre_teb_key, 8, &in);
  memcpy(buf, gre_mpls, 4); memcpy(buf + 4, mpls1, 4);
  in = inner(LINK_RAW, 0, 0, 55); wrap(o, r, out, buf, 8, &in);
  /* UDP: VXLAN (sum valid, and sum 0), Geneve, GTP-U */
  out.proto = P_UDP; out.sport = 49152; out.dport = 4789;
  in = inner(LINK_ETH, 0, 0, 54); wrap(o, r, out, vxlan, 8, &in);
  out.nocsum = 1;
  in = inner(LINK_ETH, 1, 1, 53); wrap(o, r, out, vxlan, 8, &in);
  out.nocsum = 0; out.dport = 6081;
  in = inner(LINK_ETH, 0, 1, 52); wrap(o, r, out, geneve_eth, 8, &in);
  in = inner(LINK_RAW, 0, 0, 51); wrap(o, r, out, geneve_opt, 16, &in);
  out.sport = 2152; out.dport = 2152;
  in = inner(LINK_RAW, 0, 0, 50); wrap(o, r, out, gtpu, 8, &in);
  in = inner(LINK_RAW, 1, 1, 49); wrap(o, r, out, gtpu_seq, 12, &in);
  in = inner(LINK_RAW, 0, 1, 48); wrap(o, r, out, gtpu_ext, 16, &in);
  /* nested: IPv4 in GRE in VXLAN (Ethernet, IPv4, GRE) */
  in = inner(LINK_RAW, 0, 0, 47);
  memcpy(buf, gre_ip, 4);
  n = 4 + build(buf + 4, sizeof buf - 4, &in, r);
  mid = (Spec){0}; mid.proto = 47; set4(&mid, h_client2, h_lab);
  mid.ident = 0x7100; mid.payload = buf; mid.paylen = n;
  out.sport = 49153; out.dport = 4789;
  wrap(o, r, out, vxlan, 8, &mid);
}
