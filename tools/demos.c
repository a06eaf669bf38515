/*
** demos.c - pktgen's demo captures (the committed captures/ files) and the
** bulk workloads of the benchmarks.
*/
#include "catalog.h"
#include "scenes.h"

#include <string.h>

/* Ethernet IPv4: TCP, DNS, NTP, ICMP, IP options, TTL 1, UDP without sum */
static void demo_ipv4 (Out *o, Rng *r) {
  static const uint8_t a6_ex[16] = {0x26, 0x06, 0x28, 0, 0x02, 0x1f, 0xcb,
                                    0x07, 0x68, 0x20, 0x80, 0xda, 0xaf,
                                    0x6b, 0x8b, 0x2c};
  uint8_t ntp[48];
  Spec b = {0}, s;
  tcp_conv(o, r, b, h_client, h_web, 4, 40000, 80);
  dns_pair(o, r, b, h_laptop, h_dns, 4, 33000, "example.com", 1, a_ex, 4);
  dns_pair(o, r, b, h_phone, h_dns, 4, 33001, "example.org", 28, a6_ex, 16);
  /* NTP client/server, 48-byte messages */
  s = b; s.proto = P_UDP; set4(&s, h_client, h_ntp);
  s.sport = 123; s.dport = 123; s.ident = 0x5000;
  s.payload = ntp; s.paylen = ntp_msg(ntp, 0, o->t); emit(o, &s, r);
  s.reply = 1; set4(&s, h_ntp, h_client); s.ident = 0x5001;
  s.paylen = ntp_msg(ntp, 1, o->t); emit(o, &s, r);
  ping_pair(o, r, b, h_client2, h_gw, 4, 1);
  /* UDP with a Router Alert option (IHL 6) */
  s = b; s.proto = P_UDP; set4(&s, h_client, h_lab);
  s.sport = 5000; s.dport = 5001; s.paylen = 20; s.ident = 0x6000;
  s.ipopt = opt_ra; s.ipoptlen = sizeof opt_ra; emit(o, &s, r);
  /* TCP SYN with Record Route (IHL 7) */
  s = b; s.proto = P_TCP; set4(&s, h_laptop, h_web);
  s.sport = 40100; s.dport = 443; s.tcpflags = F_SYN; s.seq = 12345;
  s.tcpopt = opt_mss; s.tcpoptlen = 4; s.df = 1; s.ident = 0x6001;
  s.ipopt = opt_rr; s.ipoptlen = sizeof opt_rr; emit(o, &s, r);
  /* DNS over TCP: port 53, but not UDP */
  s = b; s.proto = P_TCP; set4(&s, h_laptop, h_dns);
  s.sport = 40001; s.dport = 53; s.tcpflags = F_SYN; s.seq = 777;
  s.df = 1; s.ident = 0x6002; emit(o, &s, r);
  /* traceroute probes with TTL 1 (dropped by ttl.lua) and 2 */
  s = b; s.proto = P_UDP; set4(&s, h_client, h_lab);
  s.sport = 44444; s.dport = 33434; s.paylen = 32; s.ttl = 1;
  s.ident = 0x7000; emit(o, &s, r);
  s.dport = 33435; s.ttl = 2; s.ident = 0x7001; emit(o, &s, r);
  s = b; s.proto = P_ICMP; set4(&s, h_phone, h_router);
  s.icmptype = 8; s.sport = 0x77; s.dport = 1; s.paylen = 24; s.ttl = 1;
  s.ident = 0x7002; emit(o, &s, r);
  /* a DNS response too big for one 256-byte fragment: a TXT answer of two
  ** strings. The second fragment's first bytes are 00 35 00 35, so a filter
  ** that reads "ports" in a non-first fragment sees port 53 there. */
  {
    uint8_t txt[2 + 255 + 150], msg[512];
    size_t len;
    txt[0] = 255;
    for (int i = 0; i < 255; i++) txt[1 + i] = (uint8_t)('a' + i % 26);
    txt[256] = 150;
    for (int i = 0; i < 150; i++) txt[257 + i] = (uint8_t)('A' + i % 26);
    len = dns(msg, 0x5353, 1, "example.com", 16, txt, sizeof txt);
    msg[248] = 0; msg[249] = 53; msg[250] = 0; msg[251] = 53;  /* in a string */
    s = b; s.proto = P_UDP; set4(&s, h_dns, h_laptop); s.reply = 1;
    s.sport = 53; s.dport = 33002; s.ident = 0x5354;
    s.payload = msg; s.paylen = len;
    emit_fragments(o, &s, r, 256);
  }
  /* UDP without a checksum (0 is legal over IPv4) */
  s = b; s.proto = P_UDP; set4(&s, h_client2, h_lab);
  s.sport = 9999; s.dport = 9; s.paylen = 16; s.nocsum = 1; s.ident = 0x7003;
  s.ttl = 128; emit(o, &s, r);
}

/* 802.1Q-tagged (VID 10) and QinQ-tagged (802.1ad VID 100 + 802.1Q VID 10)
** IPv4 traffic */
static void demo_vlan (Out *o, Rng *r) {
  Spec b = {0}, s;
  b.vlans = 1;
  tcp_conv(o, r, b, h_laptop, h_web, 4, 41000, 80);
  dns_pair(o, r, b, h_phone, h_dns, 4, 34000, "example.com", 1, a_ex, 4);
  ping_pair(o, r, b, h_client, h_gw, 4, 7);
  s = b; s.proto = P_UDP; set4(&s, h_client, h_lab);
  s.sport = 44444; s.dport = 33434; s.paylen = 32; s.ttl = 1;
  s.ident = 0x7100; emit(o, &s, r);
  b.vlans = 2;
  dns_pair(o, r, b, h_client2, h_dns, 4, 34001, "example.net", 1, a_ex, 4);
  ping_pair(o, r, b, h_phone, h_router, 4, 8);
  s = b; s.proto = P_TCP; set4(&s, h_client2, h_web);
  s.sport = 41001; s.dport = 443; s.tcpflags = F_SYN; s.seq = 99;
  s.tcpopt = opt_mss; s.tcpoptlen = 4; s.df = 1; s.ident = 0x7101;
  s.ipopt = opt_ra; s.ipoptlen = sizeof opt_ra; emit(o, &s, r);
}

/* Ethernet IPv6: TCP, DNS, ICMPv6 echo, hop limit 1 */
static void demo_ipv6 (Out *o, Rng *r) {
  static const uint8_t a6_ex[16] = {0x26, 0x06, 0x28, 0, 0x02, 0x1f, 0xcb,
                                    0x07, 0x68, 0x20, 0x80, 0xda, 0xaf,
                                    0x6b, 0x8b, 0x2c};
  Spec b = {0}, s;
  b.v6 = 1;
  tcp_conv(o, r, b, h6_client, h6_web, 16, 42000, 80);
  dns_pair(o, r, b, h6_client, h6_dns, 16, 35000, "example.com", 28,
           a6_ex, 16);
  ping_pair(o, r, b, h6_client, h6_web, 16, 1);
  s = b; s.proto = P_UDP;
  memcpy(s.src, h6_client, 16); memcpy(s.dst, h6_web, 16);
  s.sport = 44444; s.dport = 33434; s.paylen = 32; s.ttl = 1;
  emit(o, &s, r);
  s.dport = 33435; s.ttl = 2; emit(o, &s, r);
}

/* a nanosecond-precision file: a DNS exchange and a ping */
static void demo_nano (Out *o, Rng *r) {
  Spec b = {0};
  o->t += 123456789;  /* a fraction that microseconds cannot hold */
  dns_pair(o, r, b, h_laptop, h_dns, 4, 36000, "example.com", 1, a_ex, 4);
  ping_pair(o, r, b, h_client, h_gw, 4, 3);
}

const Demo demos[] = {
  {"ipv4", demo_ipv4, 0, "Ethernet IPv4: TCP, DNS, NTP, ICMP, IP options, "
                         "TTL 1, UDP without checksum"},
  {"vlan", demo_vlan, 0, "802.1Q and QinQ tagged IPv4 TCP/UDP/ICMP"},
  {"ipv6", demo_ipv6, 0, "Ethernet IPv6: TCP, DNS, ICMPv6 echo, hop limit 1"},
  {"nano", demo_nano, 1, "IPv4 DNS and ICMP, nanosecond timestamps"},
  {NULL, NULL, 0, NULL}
};

/* ---------------------------------------------------------------------- */
/* bulk workloads for the benchmarks                                       */
/* ---------------------------------------------------------------------- */

/* addresses of the bulk workloads: sources mostly in 10.1.0.0/16, so that
** "nat.lua 10.1.0.0/16 -> ..." has work to do; destinations in 10.2/16 */
static void bulk_addrs (Spec *s, Rng *r) {
  uint32_t v = (uint32_t)rng_next(r);
  s->src[0] = 10; s->src[1] = (v & 7) ? 1 : 3;  /* 7 of 8 in 10.1/16 */
  s->src[2] = (uint8_t)(v >> 8); s->src[3] = (uint8_t)(v >> 16);
  s->dst[0] = 10; s->dst[1] = 2;
  s->dst[2] = (uint8_t)(v >> 24); s->dst[3] = (uint8_t)(rng_next(r) | 1);
}

/* 64-byte frames: Ethernet 14 + IPv4 20 + UDP 8 + 22 bytes; 1 in 8 to
** UDP port 53, TTL 2..255 so ttl.lua drops nothing */
void bulk_udp64 (Out *o, Rng *r, uint64_t n) {
  uint8_t f[MAXFRAME];
  Spec s = {0};
  s.proto = P_UDP; s.paylen = 22;
  for (uint64_t i = 0; i < n; i++) {
    uint64_t v = rng_next(r);
    bulk_addrs(&s, r);
    s.sport = (uint16_t)(1024 + (v & 0x7fff));
    s.dport = ((v >> 16) & 7) == 0 ? 53 : (uint16_t)(1024 + ((v >> 20) & 0xfff));
    s.ttl = (uint8_t)(2 + (v >> 32) % 254);
    s.ident = (uint16_t)i;
    out_frame(o, f, build(f, sizeof f, &s, r), 1000);
  }
}

/* frames of 64..1500 bytes: 50% TCP, 35% UDP (a quarter of it port 53),
** 15% ICMP echo; TTL 2..255 */
void bulk_mixed (Out *o, Rng *r, uint64_t n) {
  uint8_t f[MAXFRAME];
  for (uint64_t i = 0; i < n; i++) {
    Spec s = {0};
    uint64_t v = rng_next(r);
    uint32_t kind = (uint32_t)(v % 100);
    size_t size = 64 + (size_t)((v >> 8) % (1500 - 64 + 1));
    bulk_addrs(&s, r);
    s.ttl = (uint8_t)(2 + (v >> 24) % 254);
    s.ident = (uint16_t)i;
    s.sport = (uint16_t)(1024 + ((v >> 32) & 0x7fff));
    if (kind < 50) {
      s.proto = P_TCP; s.df = 1;
      s.dport = (v >> 48) & 1 ? 443 : 80;
      s.tcpflags = F_ACK | ((v >> 49) & 1 ? F_PSH : 0);
      s.seq = (uint32_t)rng_next(r); s.ack = (uint32_t)(v >> 16);
      s.paylen = size - 14 - 20 - 20;
    } else if (kind < 85) {
      s.proto = P_UDP;
      s.dport = (v >> 48) % 4 == 0 ? 53 : (uint16_t)(1024 + ((v >> 50) & 0xfff));
      s.paylen = size - 14 - 20 - 8;
    } else {
      s.proto = P_ICMP; s.icmptype = (v >> 48) & 1 ? 8 : 0;
      s.dport = (uint16_t)i;
      s.paylen = size - 14 - 20 - 8;
    }
    out_frame(o, f, build(f, sizeof f, &s, r), 1000);
  }
}

/* ---------------------------------------------------------------------- */
/* many flows, for --shard                                                */
/* ---------------------------------------------------------------------- */

/* a random IPv4 (10/8) or IPv6 (2001:db8::/64) address */
static void flow_addr (Rng *r, uint8_t *a, int v6) {
  static const uint8_t pfx[8] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0};
  if (v6) {
    memcpy(a, pfx, 8);
    rng_fill(r, a + 8, 8);
  } else {
    rng_fill(r, a, 4);
    a[0] = 10;
  }
}

/* one packet of flow s, from the client (dir 0) or the server */
static void flow_emit (Out *o, Rng *r, Spec s, int dir, const uint8_t *cl,
                       const uint8_t *sv, uint16_t cport, uint16_t sport) {
  size_t alen = s.v6 ? 16 : 4;
  s.reply = dir;
  memcpy(s.src, dir ? sv : cl, alen);
  memcpy(s.dst, dir ? cl : sv, alen);
  s.sport = dir ? sport : cport;
  s.dport = dir ? cport : sport;
  s.ident = (uint16_t)rng_next(r);
  emit(o, &s, r);
}

/* an IPv6 UDP datagram as two fragments (a fragment header, M set in the
** first, offset 1232 in the second), from cl to sv */
static void flow_frag6 (Out *o, Rng *r, const uint8_t *cl, const uint8_t *sv,
                        uint16_t cport, uint16_t sport) {
  uint8_t fh[8] = {P_UDP, 0, 0, 1, 0, 0, 0, 0};
  Spec s = {0};
  s.v6 = 1; s.ext6 = fh; s.ext6len = 8; s.ext6nh = 44;
  rng_fill(r, fh + 4, 4);                   /* identification */
  s.proto = P_UDP; s.paylen = 1224;         /* 8 + 1224: 1232 bytes */
  flow_emit(o, r, s, 0, cl, sv, cport, sport);
  put16(fh + 2, 1232);                      /* offset 154 x 8, last */
  s.proto = 0xfd;                           /* no transport header */
  s.paylen = 300;
  flow_emit(o, r, s, 0, cl, sv, cport, sport);
}

/* n conversations of 2..5 packets both ways between random hosts: IPv4
** and IPv6 TCP and UDP, SCTP, ICMP echo, IPv4 and IPv6 UDP datagrams
** in fragments; what --shard's tests split and put back together */
void bulk_flows (Out *o, Rng *r, uint64_t n) {
  uint8_t cl[16], sv[16], sctp[12];
  for (uint64_t i = 0; i < n; i++) {
    uint64_t v = rng_next(r);
    int kind = (int)(v % 9), k;
    uint16_t cport = (uint16_t)(1024 + (v >> 8) % 64000);
    uint16_t sport = (uint16_t)(1 + (v >> 24) % 1024);
    Spec s = {0};
    s.v6 = kind == 4 || kind == 5 || kind == 8;
    flow_addr(r, cl, s.v6);
    flow_addr(r, sv, s.v6);
    switch (kind) {
      case 0: case 1: case 4:  /* TCP: SYN, SYN-ACK, ACK, FIN */
        s.proto = P_TCP; s.df = !s.v6;
        s.tcpflags = F_SYN;
        flow_emit(o, r, s, 0, cl, sv, cport, sport);
        s.tcpflags = F_SYN | F_ACK;
        flow_emit(o, r, s, 1, cl, sv, cport, sport);
        s.tcpflags = F_ACK; s.paylen = 100;
        flow_emit(o, r, s, 0, cl, sv, cport, sport);
        s.tcpflags = F_FIN | F_ACK; s.paylen = 0;
        flow_emit(o, r, s, 1, cl, sv, cport, sport);
        break;
      case 2: case 5:  /* UDP: a request, a reply */
        s.proto = P_UDP; s.paylen = 40;
        flow_emit(o, r, s, 0, cl, sv, cport, sport);
        flow_emit(o, r, s, 1, cl, sv, cport, sport);
        break;
      case 3:  /* SCTP: a common header (ports first) and random bytes */
        s.proto = 132; s.payload = sctp; s.paylen = sizeof sctp;
        for (k = 0; k < 2; k++) {
          rng_fill(r, sctp, sizeof sctp);
          put16(sctp, k ? sport : cport);
          put16(sctp + 2, k ? cport : sport);
          flow_emit(o, r, s, k, cl, sv, cport, sport);
        }
        break;
      case 6:  /* ICMP echo request and reply */
        s.proto = P_ICMP; s.paylen = 32;
        s.icmptype = 8;
        flow_emit(o, r, s, 0, cl, sv, (uint16_t)i, 1);
        s.icmptype = 0;
        flow_emit(o, r, s, 1, cl, sv, (uint16_t)i, 1);
        break;
      case 7:  /* an IPv4 UDP datagram in 3 fragments each way */
        s.proto = P_UDP; s.paylen = 1400;
        memcpy(s.src, cl, 4); memcpy(s.dst, sv, 4);
        s.sport = cport; s.dport = sport; s.ident = (uint16_t)v;
        emit_fragments(o, &s, r, 512);
        s.reply = 1;
        memcpy(s.src, sv, 4); memcpy(s.dst, cl, 4);
        s.sport = sport; s.dport = cport; s.ident = (uint16_t)(v >> 16);
        emit_fragments(o, &s, r, 512);
        break;
      default:  /* an IPv6 UDP datagram in 2 fragments */
        flow_frag6(o, r, cl, sv, cport, sport);
        break;
    }
  }
}
