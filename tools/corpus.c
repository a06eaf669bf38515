/*
** corpus.c - pktgen's test corpus: one capture per link type, file format
** and oddity the tests cover, so a fresh clone has, generated at build
** time, what ../shared/captures (real captures from other projects' test
** suites) gives beside our own checkouts. `pktgen --list-corpus` says what
** each file exercises.
*/
#include "catalog.h"
#include "corpus_dns.h"
#include "layered.h"
#include "scenes.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { NANO = 1, BIGEND = 2, NG = 4 };

typedef struct Entry {
  const char *file;
  void (*fn) (Out *, Rng *);
  uint32_t linktype;        /* LINKTYPE_ value */
  unsigned flags;           /* NANO, BIGEND, NG */
  uint32_t snaplen;         /* 0: SNAPLEN */
  int nif;                  /* pcapng interfaces (0: one) */
  uint16_t iflink[MAXIF];   /* their link types (0: linktype) */
  const char *what;
} Entry;

static const uint8_t h_mcast[4] = A4(224, 0, 0, 1);
static const uint8_t h_mcast2[4] = A4(224, 0, 0, 251);
static const uint8_t h_ike[4] = A4(192, 168, 1, 1);
static const uint8_t h_ike2[4] = A4(192, 168, 1, 2);
/* MSS, SACK permitted, timestamps, NOP, window scale: 20 bytes */
static const uint8_t opt_syn[20] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10,
  0, 0, 0x10, 0, 0, 0, 0, 0, 1, 3, 3, 7};

static void spec6 (Spec *s, const uint8_t *src, const uint8_t *dst) {
  s->v6 = 1; memcpy(s->src, src, 16); memcpy(s->dst, dst, 16);
}

/* a non-IP frame: the link header for `type` (an ethertype, or an 802.3
** length), then body */
static void emit_l2 (Out *o, const Spec *s, unsigned type,
                     const uint8_t *body, size_t n, size_t minlen) {
  uint8_t f[MAXFRAME];
  size_t len = put_link(f, s, type);
  memcpy(f + len, body, n);
  len += n;
  if (len < minlen) { memset(f + len, 0, minlen - len); len = minlen; }
  out_frame(o, f, len, 1500000u);
}

/* an ARP request (op 1) or reply (op 2) between two IPv4 hosts */
static void emit_arp (Out *o, Spec s, int op, const uint8_t *spa,
                      const uint8_t *tpa) {
  uint8_t a[28] = {0, 1, 8, 0, 6, 4, 0, 0,
                   0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};
  a[7] = (uint8_t)op;
  if (op == 2) a[13] = 2;
  memcpy(a + 14, spa, 4);
  if (op == 2) memcpy(a + 18, "\x02\x00\x5e\x10\x00\x01", 6);
  else memset(a + 18, 0, 6);
  memcpy(a + 24, tpa, 4);
  s.reply = op == 2;
  emit_l2(o, &s, 0x0806, a, sizeof a, s.link == LINK_ETH ? 60 : 0);
}

/* one UDP datagram of n pseudo-random bytes */
static void udp (Out *o, Rng *r, Spec s, const uint8_t *src,
                 const uint8_t *dst, uint16_t sport, uint16_t dport,
                 size_t n) {
  s.proto = P_UDP; set4(&s, src, dst);
  s.sport = sport; s.dport = dport; s.paylen = n;
  s.ident = (uint16_t)rng_next(r);
  emit(o, &s, r);
}

/* ---------------------------------------------------------------------- */
/* Ethernet                                                                */
/* ---------------------------------------------------------------------- */

/* what the real tcpreplay test capture holds: a bit of everything */
static void c_mixed (Out *o, Rng *r) {
  static const uint8_t llc[] = {0xfe, 0xfe, 0x03, 0x83, 0x1b, 0x01, 0x00,
    0x0f, 0x01, 0x00, 0x00, 0x02, 0x01, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
    0x00, 0x1e, 0x05, 0xd9, 0x40};
  Spec b = {0}, s;
  uint8_t inner[MAXFRAME];
  tcp_conv(o, r, b, h_client, h_web, 4, 40000, 80);
  dns_pair(o, r, b, h_laptop, h_dns, 4, 33000, "example.com", 1, a_ex, 4);
  dns_pair(o, r, b, h_phone, h_dns, 4, 33001, "example.net", 1, a_ex, 4);
  udp(o, r, b, h_client, h_ntp, 123, 123, 48);
  ping_pair(o, r, b, h_client2, h_gw, 4, 1);
  /* a bulk transfer: segments over 1000 bytes */
  s = b; s.proto = P_TCP; set4(&s, h_web, h_client); s.reply = 1; s.df = 1;
  s.sport = 80; s.dport = 40001; s.tcpflags = F_ACK;
  for (int i = 0; i < 6; i++) {
    s.seq = 5000 + 1400u * (uint32_t)i; s.ack = 77; s.paylen = 1400;
    s.ident = (uint16_t)(0x2100 + i); emit(o, &s, r);
  }
  /* ICMP port unreachable quoting the datagram's IP and UDP headers */
  s = b; s.link = LINK_RAW; s.proto = P_UDP; set4(&s, h_client, h_lab);
  s.sport = 40500; s.dport = 9; s.paylen = 12; s.ident = 0x2200;
  build(inner, sizeof inner, &s, r);
  s = b; s.proto = P_ICMP; set4(&s, h_lab, h_client); s.reply = 1;
  s.icmptype = 3; s.icmpcode = 3; s.payload = inner; s.paylen = 28;
  s.ident = 0x2201; emit(o, &s, r);
  /* IGMP with Router Alert, TTL 1 */
  s = b; s.proto = P_IGMP; set4(&s, h_client, h_mcast2); s.ttl = 1;
  s.icmptype = 0x16; s.ipopt = opt_ra; s.ipoptlen = 4; s.ident = 0x2300;
  emit(o, &s, r);
  s.icmptype = 0x11; s.icmpcode = 100; set4(&s, h_gw, h_mcast);
  s.ident = 0x2301; emit(o, &s, r);
  /* IPv6 TCP */
  s = b; s.v6 = 1;
  tcp_conv(o, r, s, h6_client, h6_web, 16, 42000, 80);
  /* MPLS: IPv4 ICMP behind one label and behind two */
  s = b; s.mpls = 1;
  ping_pair(o, r, s, h_client, h_router, 4, 2);
  s.mpls = 2;
  ping_pair(o, r, s, h_phone, h_router, 4, 3);
  /* ARP, and an 802.3 frame with an LLC header (IS-IS) */
  emit_arp(o, b, 1, h_client, h_gw);
  emit_arp(o, b, 2, h_gw, h_client);
  emit_l2(o, &b, sizeof llc, llc, sizeof llc, 60);
  /* short frames padded to 60 bytes: two with a bad IPv4 header checksum */
  s = b; s.proto = P_TCP; set4(&s, h_client, h_web); s.df = 1;
  s.sport = 40000; s.dport = 80; s.tcpflags = F_ACK; s.seq = 1; s.ack = 1;
  s.minlen = 60;
  for (int i = 0; i < 4; i++) {
    s.badsum = i < 2 ? BAD_IP : 0; s.ident = (uint16_t)(0x2400 + i);
    emit(o, &s, r);
  }
  s = b; s.proto = P_UDP; set4(&s, h_client2, h_lab); s.sport = 7;
  s.dport = 7; s.paylen = 4; s.minlen = 60; s.ident = 0x2410;
  emit(o, &s, r);
  /* wrong transport checksums: TCP and ICMP */
  s = b; s.proto = P_TCP; set4(&s, h_laptop, h_web); s.df = 1;
  s.sport = 40002; s.dport = 443; s.tcpflags = F_PSH | F_ACK; s.paylen = 30;
  s.badsum = BAD_L4; s.ident = 0x2500; emit(o, &s, r);
  s = b; s.proto = P_ICMP; set4(&s, h_phone, h_gw); s.icmptype = 8;
  s.sport = 9; s.dport = 9; s.paylen = 20; s.badsum = BAD_L4;
  s.ident = 0x2501; emit(o, &s, r);
}

/* many TCP packets, every checksum valid: FTP-like sessions, a control
** connection to port 21 and data connections with segments of up to 1448
** bytes (the role of the real zeek FTP capture: the long input) */
static void tcp_session (Out *o, Rng *r, const uint8_t *cl, uint16_t cport,
                         uint16_t sport, int exchanges, int data) {
  Spec s = {0};
  uint32_t cs = (uint32_t)rng_next(r), ss = (uint32_t)rng_next(r);
  uint16_t ci = (uint16_t)rng_next(r), si = (uint16_t)rng_next(r);
  char msg[64];
#define FROM(client) do { \
    s.reply = !(client); set4(&s, (client) ? cl : h_web, (client) ? h_web : cl); \
    s.sport = (client) ? cport : sport; s.dport = (client) ? sport : cport; \
    s.seq = (client) ? cs : ss; s.ack = (client) ? ss : cs; \
    s.ident = (client) ? ci++ : si++; } while (0)
  s.proto = P_TCP; s.df = 1;
  FROM(1); s.tcpflags = F_SYN; s.ack = 0; s.tcpopt = opt_syn;
  s.tcpoptlen = sizeof opt_syn; emit(o, &s, r); cs++;
  FROM(0); s.tcpflags = F_SYN | F_ACK; emit(o, &s, r); ss++;
  s.tcpopt = NULL; s.tcpoptlen = 0;
  FROM(1); s.tcpflags = F_ACK; emit(o, &s, r);
  for (int i = 0; i < exchanges; i++) {
    int n = snprintf(msg, sizeof msg, "CWD dir%u\r\n", (unsigned)rng_below(r, 1000));
    FROM(1); s.tcpflags = F_PSH | F_ACK; s.payload = (const uint8_t *)msg;
    s.paylen = (size_t)n; emit(o, &s, r); cs += (uint32_t)n;
    n = snprintf(msg, sizeof msg, "250 CWD command successful.\r\n");
    FROM(0); s.paylen = (size_t)n; emit(o, &s, r); ss += (uint32_t)n;
    s.payload = NULL; s.paylen = 0;
    FROM(1); s.tcpflags = F_ACK; emit(o, &s, r);
  }
  for (int i = 0; i < data; i++) {
    FROM(0); s.tcpflags = F_ACK | (i == data - 1 ? F_PSH : 0);
    s.paylen = 200 + rng_below(r, 1249); emit(o, &s, r);
    ss += (uint32_t)s.paylen; s.paylen = 0;
    if (i % 2 == 1 || i == data - 1) { FROM(1); s.tcpflags = F_ACK; emit(o, &s, r); }
  }
  FROM(1); s.tcpflags = F_FIN | F_ACK; emit(o, &s, r); cs++;
  FROM(0); s.tcpflags = F_FIN | F_ACK; emit(o, &s, r); ss++;
  FROM(1); s.tcpflags = F_ACK; emit(o, &s, r);
#undef FROM
}

static void c_long (Out *o, Rng *r) {
  static const uint8_t *clients[] = {h_client, h_client2, h_laptop, h_phone};
  for (int i = 0; i < 220; i++) {
    const uint8_t *cl = clients[i % 4];
    tcp_session(o, r, cl, (uint16_t)(40000 + i), 21, 8, 0);
    tcp_session(o, r, cl, (uint16_t)(50000 + i), 20, 0,
                (int)rng_below(r, 12));
  }
}

/* UDP and ICMP datagrams from many hosts, about a third of the packets
** fragments (the role of the real AFS capture); one datagram's fragments
** come last first */
static void c_fragments (Out *o, Rng *r) {
  uint8_t whole[4096], f[MAXFRAME];
  for (int i = 0; i < 300; i++) {
    Spec s = {0};
    size_t n, len;
    int big = i % 3 == 0;
    uint8_t src[4] = {172, (uint8_t)(16 + i % 16), (uint8_t)(i % 7),
                      (uint8_t)(1 + i % 40)};  /* 16 /16s, many hosts */
    s.proto = i % 5 == 4 ? P_ICMP : P_UDP;
    set4(&s, src, i % 2 ? h_lab : h_gw);
    s.sport = (uint16_t)(7000 + i % 3); s.dport = 7001;
    s.icmptype = 8;
    s.paylen = big ? 1500 + rng_below(r, 2400) : 40 + rng_below(r, 300);
    s.ident = (uint16_t)(0x8000 + i);
    if (!big) { emit(o, &s, r); continue; }
    n = build(whole, sizeof whole, &s, r);
    if (i == 150) {  /* out of order: the last fragment first */
      size_t k = 0;
      while (fragment(f, whole, n, &s, 1480, k + 1) > 0) k++;
      for (size_t j = k + 1; j-- > 0;) {
        len = fragment(f, whole, n, &s, 1480, j);
        out_frame(o, f, len, 20000u);
      }
      continue;
    }
    for (size_t k = 0; (len = fragment(f, whole, n, &s, 1480, k)) > 0; k++)
      out_frame(o, f, len, 20000u + rng_below(r, 1000u));
  }
}

/* one packet each: a good or a bad checksum */
static void one (Out *o, Rng *r, uint8_t proto, int badsum) {
  Spec s = {0};
  s.proto = proto; set4(&s, h_client, h_lab); s.badsum = badsum;
  s.sport = 40000; s.dport = proto == P_TCP ? 80 : 53; s.icmptype = 8;
  s.tcpflags = F_PSH | F_ACK; s.seq = 1000; s.ack = 2000; s.df = 1;
  s.paylen = 24; s.ident = 0x1234;
  emit(o, &s, r);
}
static void c_ip_bad (Out *o, Rng *r) { one(o, r, P_UDP, BAD_IP); }
static void c_tcp_bad (Out *o, Rng *r) { one(o, r, P_TCP, BAD_L4); }
static void c_tcp_good (Out *o, Rng *r) { one(o, r, P_TCP, 0); }
static void c_udp_bad (Out *o, Rng *r) { one(o, r, P_UDP, BAD_L4); }
static void c_udp_good (Out *o, Rng *r) { one(o, r, P_UDP, 0); }
static void c_icmp_bad (Out *o, Rng *r) { one(o, r, P_ICMP, BAD_L4); }
static void c_icmp_good (Out *o, Rng *r) { one(o, r, P_ICMP, 0); }
static void one6 (Out *o, Rng *r, int badsum) {
  Spec s = {0};
  spec6(&s, h6_client, h6_web); s.proto = P_ICMP6; s.icmptype = 128;
  s.sport = 1; s.dport = 1; s.paylen = 24; s.badsum = badsum;
  emit(o, &s, r);
}
static void c_icmp6_bad (Out *o, Rng *r) { one6(o, r, BAD_L4); }
static void c_icmp6_good (Out *o, Rng *r) { one6(o, r, 0); }

static void c_vlan (Out *o, Rng *r) {
  Spec b = {0};
  b.vlans = 1;
  tcp_conv(o, r, b, h_laptop, h_web, 4, 41000, 80);
  dns_pair(o, r, b, h_phone, h_dns, 4, 34000, "example.com", 1, a_ex, 4);
  ping_pair(o, r, b, h_client, h_gw, 4, 7);
}

static void c_qinq (Out *o, Rng *r) {
  Spec b = {0};
  b.vlans = 2;
  tcp_conv(o, r, b, h_client2, h_web, 4, 41001, 80);
  tcp_conv(o, r, b, h_phone, h_web, 4, 41002, 80);
  ping_pair(o, r, b, h_phone, h_router, 4, 8);
}

/* snaplen 68: every record shorter than its packet; SYNs with IP and TCP
** options are cut inside the TCP header */
static void c_snap68 (Out *o, Rng *r) {
  Spec s = {0};
  for (int i = 0; i < 24; i++) {
    s = (Spec){0};
    s.proto = i % 4 == 3 ? P_UDP : P_TCP; set4(&s, h_client, h_web);
    s.reply = i % 2; s.sport = 40000; s.dport = 25; s.df = 1;
    s.ident = (uint16_t)(0x3000 + i); s.seq = 100u * (uint32_t)i;
    s.tcpflags = F_ACK | F_PSH; s.paylen = 30 + rng_below(r, 400);
    if (i % 6 == 0) {
      s.tcpflags = F_SYN; s.paylen = 0;
      s.ipopt = opt_rr; s.ipoptlen = sizeof opt_rr;
      s.tcpopt = opt_syn; s.tcpoptlen = sizeof opt_syn;
    }
    emit(o, &s, r);
  }
}

/* records cut inside the IPv4 and the IPv6 header */
static void c_ipcut (Out *o, Rng *r) {
  uint8_t f[MAXFRAME];
  Spec s = {0};
  size_t n;
  s.proto = P_UDP; set4(&s, h_client, h_dns); s.sport = 5353; s.dport = 53;
  s.paylen = 4; s.minlen = 60;
  n = build(f, sizeof f, &s, r);
  out_record(o, f, 20, n, 1000000u);
  s = (Spec){0}; spec6(&s, h6_client, h6_dns); s.proto = P_UDP;
  s.sport = 5353; s.dport = 53; s.paylen = 20;
  n = build(f, sizeof f, &s, r);
  out_record(o, f, 20, n, 1000000u);
}

/* snaplen 1: one byte of each frame */
static void c_snap1 (Out *o, Rng *r) {
  Spec b = {0};
  udp(o, r, b, h_client, h_dns, 5353, 53, 30);
  udp(o, r, b, h_dns, h_client, 53, 5353, 60);
}

/* IPv4 options: IGMPv1 queries and reports with Router Alert (some padded
** to 60 bytes, some not), UDP with Router Alert, TCP SYN with Record Route */
static void c_ipopts (Out *o, Rng *r) {
  Spec s;
  for (int i = 0; i < 16; i++) {
    s = (Spec){0};
    s.proto = P_IGMP; s.ttl = 1; s.ipopt = opt_ra; s.ipoptlen = 4;
    s.icmptype = i % 4 == 0 ? 0x11 : 0x12;
    set4(&s, i % 2 ? h_client : h_laptop, i % 4 == 0 ? h_mcast : h_mcast2);
    s.ident = (uint16_t)(0x4000 + i); s.minlen = i % 3 ? 60 : 0;
    emit(o, &s, r);
  }
  s = (Spec){0}; s.proto = P_UDP; set4(&s, h_client, h_lab);
  s.sport = 5000; s.dport = 5001; s.paylen = 20; s.ipopt = opt_ra;
  s.ipoptlen = 4; emit(o, &s, r);
  s = (Spec){0}; s.proto = P_TCP; set4(&s, h_laptop, h_web);
  s.sport = 40100; s.dport = 443; s.tcpflags = F_SYN; s.seq = 12345;
  s.tcpopt = opt_mss; s.tcpoptlen = 4; s.df = 1;
  s.ipopt = opt_rr; s.ipoptlen = sizeof opt_rr; emit(o, &s, r);
}

/* a little of everything IP, for the file formats */
static void c_formats (Out *o, Rng *r) {
  Spec b = {0}, s;
  tcp_conv(o, r, b, h_client, h_web, 4, 43000, 80);
  dns_pair(o, r, b, h_laptop, h_dns, 4, 33000, "example.com", 1, a_ex, 4);
  s = b; s.tos = 0xc0;
  udp(o, r, s, h_gw, h_mcast, 520, 520, 24);
  s = b; s.v6 = 1;
  ping_pair(o, r, s, h6_client, h6_web, 16, 4);
}

/* pcapng over three interfaces (same link type), records alternating */
static void c_ng_several (Out *o, Rng *r) {
  Spec b = {0}, s;
  for (int i = 0; i < 12; i++) {
    o->iface = (unsigned)(i % 3);
    s = b;
    if (i % 4 == 3) {
      s.v6 = 1; ping_pair(o, r, s, h6_client, h6_web, 16, (uint16_t)i);
    } else {
      udp(o, r, s, h_client, h_dns, (uint16_t)(33000 + i), 53, 30);
    }
  }
}

static void c_empty (Out *o, Rng *r) { (void)o; (void)r; }

/* pcapng whose two interfaces have different link types (Ethernet, raw
** IP): libpcap refuses it at the first record, tshark reads it */
static void c_ng_mixed (Out *o, Rng *r) {
  Spec s = {0};
  o->iface = 0;
  tcp_conv(o, r, s, h_client, h_web, 4, 44000, 80);
  o->iface = 1; s.link = LINK_RAW;
  dns_pair(o, r, s, h_laptop, h_dns, 4, 33005, "example.org", 1, a_ex, 4);
  s.v6 = 1;
  ping_pair(o, r, s, h6_client, h6_web, 16, 9);
}

/* ---------------------------------------------------------------------- */
/* other link types                                                        */
/* ---------------------------------------------------------------------- */

static void c_sll (Out *o, Rng *r) {
  Spec b = {0}, s;
  b.link = LINK_SLL;
  tcp_conv(o, r, b, h_client, h_web, 4, 46656, 80);
  s = b; s.v6 = 1;
  ping_pair(o, r, s, h6_client, h6_web, 16, 1);
  emit_arp(o, b, 1, h_client, h_gw);
}

static void c_sll2 (Out *o, Rng *r) {
  Spec b = {0}, s;
  b.link = LINK_SLL2;
  ping_pair(o, r, b, h_client, h_gw, 4, 1);
  s = b; s.v6 = 1; s.flow = 0x12345; s.tos = 0x20;
  ping_pair(o, r, s, h6_client, h6_web, 16, 2);
  dns_pair(o, r, b, h_laptop, h_dns, 4, 33010, "example.com", 1, a_ex, 4);
  emit_arp(o, b, 1, h_client, h_gw);
  emit_arp(o, b, 2, h_gw, h_client);
}

/* BSD NULL and OpenBSD LOOP: IPv4 UDP (IKE, port 500) and IPv6 */
static void loopback (Out *o, Rng *r, int link) {
  Spec b = {0}, s;
  b.link = link;
  for (int i = 0; i < 20; i++)
    udp(o, r, b, i % 2 ? h_ike : h_ike2, i % 2 ? h_ike2 : h_ike, 500, 500,
        60 + rng_below(r, 300));
  s = b; s.v6 = 1;
  ping_pair(o, r, s, h6_client, h6_web, 16, 5);
  dns_pair(o, r, s, h6_client, h6_dns, 16, 35000, "example.com", 1, a_ex, 4);
}
static void c_null (Out *o, Rng *r) { loopback(o, r, LINK_NULL); }
static void c_loop (Out *o, Rng *r) { loopback(o, r, LINK_LOOP); }

/* raw IP: both versions (RAW), IPv4 only (IPV4), IPv6 only (IPV6) */
static void c_raw (Out *o, Rng *r) {
  Spec b = {0}, s;
  b.link = LINK_RAW;
  dns_pair(o, r, b, h_laptop, h_dns, 4, 12345, "example.com", 1, a_ex, 4);
  s = b; s.v6 = 1;
  ping_pair(o, r, s, h6_client, h6_web, 16, 6);
}
static void c_rawv4 (Out *o, Rng *r) {
  Spec b = {0};
  b.link = LINK_RAW;
  dns_pair(o, r, b, h_laptop, h_dns, 4, 12346, "example.com", 1, a_ex, 4);
  ping_pair(o, r, b, h_client, h_gw, 4, 6);
}
static void c_rawv6 (Out *o, Rng *r) {
  Spec b = {0};
  b.link = LINK_RAW; b.v6 = 1;
  ping_pair(o, r, b, h6_client, h6_web, 16, 7);
  tcp_conv(o, r, b, h6_client, h6_web, 16, 42001, 80);
}

/* IPv6 with a hop-by-hop header (8 bytes, PadN) spliced in after the fixed
** header: the transport checksum does not cover it, so it stays valid */
static void emit_hbh (Out *o, Spec *s, Rng *r) {
  uint8_t f[MAXFRAME];
  static const uint8_t hbh[8] = {0, 0, 1, 4, 0, 0, 0, 0};
  size_t n = build(f, sizeof f - 8, s, r), at = link_len(s) + 40;
  memmove(f + at + 8, f + at, n - at);
  memcpy(f + at, hbh, 8);
  f[at + 0] = f[at - 40 + 6];          /* the transport after it */
  f[at - 40 + 6] = 0;                  /* next header: hop-by-hop */
  put16(f + at - 40 + 4, (unsigned)(n - at + 8));
  out_frame(o, f, n + 8, 1000000u);
}

/* ICMPv6 error type/code from `from` to s's source, quoting s whole */
static void icmp6_error (Out *o, Rng *r, Spec s, const uint8_t *from,
                         uint8_t type, uint8_t code) {
  uint8_t inner[MAXFRAME];
  Spec e = s;
  s.link = LINK_RAW;
  size_t n = build(inner, sizeof inner, &s, r);
  e.proto = P_ICMP6; e.reply = 1;
  memcpy(e.dst, s.src, 16); memcpy(e.src, from, 16);
  e.icmptype = type; e.icmpcode = code; e.sport = 0; e.dport = 0;
  e.payload = inner; e.paylen = n;
  emit(o, &e, r);
}

/* IPv6 extension headers and ICMPv6 errors: DNS over UDP behind a
** hop-by-hop header, a plain DNS exchange, and time exceeded, port
** unreachable and packet too big quoting UDP, UDP and TCP */
static void c_ipv6_errors (Out *o, Rng *r) {
  static const uint8_t a6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x53};
  static const uint8_t h6_router[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0,
                                        0, 0, 0, 0, 0, 0, 0, 1};
  uint8_t q[256];
  Spec b = {0}, s;
  b.v6 = 1;
  s = b; s.proto = P_UDP; spec6(&s, h6_client, h6_dns);
  s.sport = 35100; s.dport = 53;
  s.payload = q; s.paylen = dns(q, 0x6001, 0, "hop.example.com", 28, NULL, 0);
  emit_hbh(o, &s, r);
  s.reply = 1; spec6(&s, h6_dns, h6_client); s.sport = 53; s.dport = 35100;
  s.paylen = dns(q, 0x6001, 1, "hop.example.com", 28, a6, 16);
  emit_hbh(o, &s, r);
  dns_pair(o, r, b, h6_client, h6_dns, 16, 35101, "example.org", 28, a6, 16);
  s = b; s.proto = P_UDP; spec6(&s, h6_client, h6_web); s.ttl = 1;
  s.sport = 44444; s.dport = 33434; s.paylen = 32;
  icmp6_error(o, r, s, h6_router, 3, 0);
  s.dport = 9; s.ttl = 0;
  icmp6_error(o, r, s, h6_web, 1, 4);
  s = b; s.proto = P_TCP; spec6(&s, h6_client, h6_web);
  s.sport = 42100; s.dport = 80; s.tcpflags = F_ACK; s.seq = 1; s.ack = 1;
  s.paylen = 64;
  icmp6_error(o, r, s, h6_router, 2, 0);
}

static const Entry corpus[] = {
  {"eth-mixed.pcap", c_mixed, 1, 0, 0, 0, {0},
   "Ethernet: IPv4 TCP/UDP/ICMP/IGMP, IPv6 TCP, MPLS (1 and 2 labels), ARP, "
   "802.3 LLC, frames over 1000 bytes, Ethernet padding, 2 bad IPv4 header "
   "sums, a bad TCP and a bad ICMP sum"},
  {"tcp-long.pcap", c_long, 1, 0, 0, 0, {0},
   "Ethernet IPv4 TCP only, all sums valid: 440 FTP-like sessions (port 21 "
   "and 20), ~8,000 packets, the long input"},
  {"ipv4-fragments.pcap", c_fragments, 1, 0, 0, 0, {0},
   "Ethernet IPv4 UDP and ICMP, about a third fragments, one datagram "
   "last fragment first"},
  {"ipv4-bad-cksum.pcap", c_ip_bad, 1, 0, 0, 0, {0},
   "one IPv4/UDP packet, bad IPv4 header checksum"},
  {"tcp-bad-cksum.pcap", c_tcp_bad, 1, 0, 0, 0, {0}, "one bad TCP checksum"},
  {"tcp-good-cksum.pcap", c_tcp_good, 1, 0, 0, 0, {0}, "one good TCP checksum"},
  {"udp-bad-cksum.pcap", c_udp_bad, 1, 0, 0, 0, {0}, "one bad UDP checksum"},
  {"udp-good-cksum.pcap", c_udp_good, 1, 0, 0, 0, {0}, "one good UDP checksum"},
  {"icmp-bad-cksum.pcap", c_icmp_bad, 1, 0, 0, 0, {0}, "one bad ICMP checksum"},
  {"icmp-good-cksum.pcap", c_icmp_good, 1, 0, 0, 0, {0},
   "one good ICMP checksum"},
  {"icmp6-bad-cksum.pcap", c_icmp6_bad, 1, 0, 0, 0, {0},
   "one bad ICMPv6 checksum"},
  {"icmp6-good-cksum.pcap", c_icmp6_good, 1, 0, 0, 0, {0},
   "one good ICMPv6 checksum"},
  {"vlan.pcap", c_vlan, 1, 0, 0, 0, {0},
   "Ethernet + 802.1Q (VID 10): IPv4 TCP, UDP, ICMP"},
  {"qinq.pcap", c_qinq, 1, 0, 0, 0, {0},
   "Ethernet + 802.1ad (VID 100) + 802.1Q (VID 10): IPv4 TCP, ICMP"},
  {"snaplen68.pcap", c_snap68, 1, 0, 68, 0, {0},
   "snaplen 68: every record truncated (caplen < len), some inside the TCP "
   "header"},
  {"ip-cut.pcap", c_ipcut, 1, 0, 1600, 0, {0},
   "records cut inside the IPv4 header and inside the IPv6 header"},
  {"snaplen1.pcap", c_snap1, 1, 0, 1, 0, {0}, "snaplen 1: one-byte records"},
  {"ipv4-options.pcap", c_ipopts, 1, 0, 0, 0, {0},
   "IPv4 options (IHL 6 and 7): IGMPv1 with Router Alert, padded and not; "
   "UDP; TCP with Record Route"},
  {"bigendian.pcap", c_formats, 1, BIGEND, 0, 0, {0},
   "big-endian pcap file, Ethernet IPv4/IPv6"},
  {"one-if.pcapng", c_formats, 1, NG, 0, 0, {0},
   "pcapng, one Ethernet interface"},
  {"several-if.pcapng", c_ng_several, 1, NG | NANO, 0, 3, {0},
   "pcapng, three Ethernet interfaces, nanosecond resolution (if_tsresol)"},
  {"empty.pcapng", c_empty, 1, NG, 0, 0, {0}, "pcapng without packets"},
  {"mixed-links.pcapng", c_ng_mixed, 1, NG, 0, 2, {1, 101},
   "pcapng, interfaces of two link types (Ethernet, raw IP): libpcap "
   "refuses it at the first packet"},
  {"sll-nano.pcap", c_sll, 113, NANO, 0, 0, {0},
   "Linux cooked v1, nanosecond timestamps: IPv4 TCP, IPv6 ICMPv6, ARP"},
  {"sll2.pcap", c_sll2, 276, 0, 0, 0, {0},
   "Linux cooked v2: IPv4 ICMP and UDP, IPv6 with a flow label, ARP"},
  {"null.pcap", c_null, 0, 0, 0, 0, {0},
   "BSD NULL loopback: IPv4 UDP, IPv6 (AF 24)"},
  {"loop.pcap", c_loop, 108, 0, 0, 0, {0},
   "OpenBSD LOOP: IPv4 UDP, IPv6 (AF 28)"},
  {"raw.pcap", c_raw, 101, 0, 0, 0, {0}, "LINKTYPE_RAW: IPv4 and IPv6"},
  {"linktype-ipv4.pcap", c_rawv4, 228, 0, 0, 0, {0}, "LINKTYPE_IPV4"},
  {"linktype-ipv6.pcap", c_rawv6, 229, 0, 0, 0, {0}, "LINKTYPE_IPV6"},
  {"ppp.pcap", c_ppp, 9, 0, 0, 0, {0},
   "LINKTYPE_PPP: IPv4 TCP and ICMP, IPv6 UDP and ICMPv6, the same over "
   "MPLS (2 labels)"},
  {"chdlc.pcap", c_chdlc, 104, 0, 0, 0, {0},
   "Cisco HDLC: IPv4 and IPv6, the same over MPLS (1 label)"},
  {"pppoe.pcap", c_pppoe, 1, 0, 0, 0, {0},
   "Ethernet PPPoE sessions: IPv4 and IPv6"},
  {"mpls.pcap", c_mpls, 1, 0, 0, 0, {0},
   "Ethernet MPLS, 1 to 3 labels, IPv4 and IPv6"},
  {"ipv6-ext.pcap", c_ipv6ext, 1, 0, 0, 0, {0},
   "IPv6 TCP/UDP/ICMPv6 behind hop-by-hop, routing, destination options, "
   "AH, fragment headers; a later fragment, an atomic one, No Next Header; "
   "IPv4 ICMP behind AH"},
  {"tunnels.pcap", c_tunnels, 1, 0, 0, 0, {0},
   "tunnels: IP in IP (4in4, 6in4, 4in6), GRE (IPv4, IPv6, key+seq, "
   "Ethernet, MPLS), VXLAN, Geneve (Ethernet, IP, options), GTP-U (plain, "
   "sequence, extension header), IPv4 in GRE in VXLAN"},
  {"ipv6-errors.pcap", c_ipv6_errors, 1, 0, 0, 0, {0},
   "Ethernet IPv6: DNS behind a hop-by-hop header, ICMPv6 errors quoting "
   "UDP and TCP"},
  {"dns.pcap", c_dns, 1, 0, 0, 0, {0},
   "DNS queries over UDP and TCP, IPv4 and IPv6: plain, mixed-case and "
   "compressed names, a response, a query to another port"},
  {"dns-hostile.pcap", c_dns_hostile, 1, 0, 0, 0, {0},
   "hostile DNS queries: pointer loops, bad pointers, overlong labels, a "
   "name over 255 bytes, names cut short; one good query last"},
  {NULL, NULL, 0, 0, 0, 0, {0}, NULL}
};

void corpus_list (FILE *f) {
  for (const Entry *e = corpus; e->file; e++)
    fprintf(f, "%-22s %s\n", e->file, e->what);
}

int corpus_write (const char *dir, uint64_t seed) {
  char path[4096];
  for (const Entry *e = corpus; e->file; e++) {
    Out o;
    Rng r;
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->file)
        >= sizeof path) {
      fprintf(stderr, "pktgen: %s: name too long\n", dir);
      exit(1);
    }
    out_init(&o, path);
    o.linktype = e->linktype;
    o.nano = (e->flags & NANO) != 0;
    o.bigendian = (e->flags & BIGEND) != 0;
    o.ng = (e->flags & NG) != 0;
    if (e->snaplen) o.snaplen = e->snaplen;
    o.nif = e->nif;
    memcpy(o.iflink, e->iflink, sizeof o.iflink);
    r.s = seed * 0x100000001b3ull + (uint64_t)(e - corpus);
    out_open(&o);
    e->fn(&o, &r);
    out_close(&o);
  }
  return 0;
}
