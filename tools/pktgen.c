/*
** pktgen - deterministic capture generator for pktlua's examples, tests and
** benchmarks.
**
**   pktgen --demo NAME [-w FILE]       a small hand-written capture (--list)
**   pktgen --udp64 N [-w FILE]         N 64-byte Ethernet/IPv4/UDP frames
**   pktgen --mixed N [-w FILE]         N TCP/UDP/ICMP frames of 64..1500 bytes
**   options: --seed S (default 1), --nano (nanosecond timestamps)
**
** The pcap file is written directly (little-endian, always), so the same
** arguments give the same bytes on every host: the committed captures/ are
** checked against a fresh run. Every IPv4 header, TCP, UDP, ICMP and ICMPv6
** checksum is computed here, by code independent of src/checksum, so the
** files can serve as an oracle for it.
*/
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXFRAME 1600
#define SNAPLEN 262144
#define T0_SEC 1700000000ull    /* 2023-11-14 22:13:20 UTC: all files start here */

/* ---------------------------------------------------------------------- */
/* PRNG: splitmix64 (Steele, Lea, Flood 2014), small and well mixed        */
/* ---------------------------------------------------------------------- */

typedef struct Rng { uint64_t s; } Rng;

static uint64_t rng_next (Rng *r) {
  uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* uniform in [0, n), n > 0; the modulo bias is below 2^-32 for our n */
static uint32_t rng_below (Rng *r, uint32_t n) {
  return (uint32_t)(rng_next(r) % n);
}

static void rng_fill (Rng *r, uint8_t *p, size_t n) {
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

/* ---------------------------------------------------------------------- */
/* byte order helpers                                                      */
/* ---------------------------------------------------------------------- */

static void put16 (uint8_t *p, unsigned v) {
  p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v;
}

static void put32 (uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

static void put32le (uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

/* ---------------------------------------------------------------------- */
/* Internet checksum (RFC 1071), written independently of src/checksum     */
/* ---------------------------------------------------------------------- */

static uint64_t sum_bytes (uint64_t acc, const uint8_t *p, size_t n) {
  size_t i;
  for (i = 0; i + 1 < n; i += 2)
    acc += (uint32_t)p[i] << 8 | p[i + 1];
  if (i < n) acc += (uint32_t)p[i] << 8;  /* odd byte, zero padded */
  return acc;
}

static uint16_t sum_fold (uint64_t acc) {
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  return (uint16_t)~acc;
}

/* ---------------------------------------------------------------------- */
/* frame builder                                                           */
/* ---------------------------------------------------------------------- */

enum { P_ICMP = 1, P_TCP = 6, P_UDP = 17, P_ICMP6 = 58 };
enum { F_FIN = 0x01, F_SYN = 0x02, F_RST = 0x04, F_PSH = 0x08, F_ACK = 0x10 };

/* What one frame holds. Zero-initialised fields give sensible defaults. */
typedef struct Spec {
  int vlans;                /* 802.1Q tags: 0, 1, or 2 (802.1ad + 802.1Q) */
  int v6;                   /* IPv6 instead of IPv4 */
  int reply;                /* swap MAC addresses (server -> client) */
  uint8_t proto;            /* P_TCP, P_UDP, P_ICMP, P_ICMP6 */
  uint8_t src[16], dst[16]; /* IPv4 uses the first 4 bytes */
  uint8_t ttl;              /* TTL / hop limit; 0 means 64 */
  uint16_t ident;           /* IPv4 identification */
  int df;                   /* IPv4 don't-fragment flag */
  const uint8_t *ipopt;     /* IPv4 options, ipoptlen a multiple of 4 */
  size_t ipoptlen;
  uint16_t sport, dport;    /* TCP/UDP ports; ICMP echo ident, sequence */
  uint8_t icmptype;         /* ICMP/ICMPv6 type (echo: 8/0, 128/129) */
  uint8_t tcpflags;
  uint32_t seq, ack;
  const uint8_t *tcpopt;    /* TCP options, tcpoptlen a multiple of 4 */
  size_t tcpoptlen;
  int nocsum;               /* UDP over IPv4 without checksum (0) */
  const uint8_t *payload;   /* NULL: paylen pseudo-random bytes */
  size_t paylen;
} Spec;

static const uint8_t mac_client[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};
static const uint8_t mac_server[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x02};

/*
** Writes the frame described by `s` into f (`room` bytes) and returns its
** length, with every length and checksum field filled in.
*/
static size_t build (uint8_t *f, size_t room, const Spec *s, Rng *r) {
  size_t o, l3, l4, hl, l4hl, l4len, total;
  uint64_t acc;
  uint16_t ck;
  memcpy(f, s->reply ? mac_client : mac_server, 6);  /* destination */
  memcpy(f + 6, s->reply ? mac_server : mac_client, 6);
  o = 12;
  for (int i = 0; i < s->vlans; i++) {
    put16(f + o, (s->vlans == 2 && i == 0) ? 0x88a8 : 0x8100);
    put16(f + o + 2, (s->vlans == 2 && i == 0) ? 100 : 10);  /* PCP 0, VID */
    o += 4;
  }
  put16(f + o, s->v6 ? 0x86dd : 0x0800);
  l3 = o + 2;
  hl = s->v6 ? 40 : 20 + s->ipoptlen;
  l4 = l3 + hl;
  switch (s->proto) {
    case P_TCP: l4hl = 20 + s->tcpoptlen; break;
    case P_UDP: l4hl = 8; break;
    default: l4hl = 8; break;  /* ICMP/ICMPv6 echo */
  }
  l4len = l4hl + s->paylen;
  total = l4 + l4len;
  if (total > room) {
    fprintf(stderr, "pktgen: internal error: frame of %zu bytes\n", total);
    exit(1);
  }
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
    default:
      t[0] = s->icmptype; t[1] = 0; put16(t + 2, 0);
      put16(t + 4, s->sport); put16(t + 6, s->dport);
      break;
  }
  /* network header and the pseudo-header sum */
  uint8_t *ip = f + l3;
  if (s->v6) {
    put32(ip, 6u << 28);  /* version 6, traffic class 0, flow label 0 */
    put16(ip + 4, (unsigned)l4len);
    ip[6] = s->proto;
    ip[7] = s->ttl ? s->ttl : 64;
    memcpy(ip + 8, s->src, 16);
    memcpy(ip + 24, s->dst, 16);
    acc = sum_bytes(0, ip + 8, 32);
    acc += (uint32_t)l4len;  /* 32-bit upper-layer length ... */
    acc += s->proto;         /* ... and next header, zero padded */
  } else {
    ip[0] = (uint8_t)(0x40 | (hl / 4));
    ip[1] = 0;
    put16(ip + 2, (unsigned)(hl + l4len));
    put16(ip + 4, s->ident);
    put16(ip + 6, s->df ? 0x4000 : 0);
    ip[8] = s->ttl ? s->ttl : 64;
    ip[9] = s->proto;
    put16(ip + 10, 0);
    memcpy(ip + 12, s->src, 4);
    memcpy(ip + 16, s->dst, 4);
    if (s->ipoptlen) memcpy(ip + 20, s->ipopt, s->ipoptlen);
    put16(ip + 10, sum_fold(sum_bytes(0, ip, hl)));
    acc = sum_bytes(0, ip + 12, 8);
    acc += (uint32_t)l4len + s->proto;
  }
  /* transport checksum: ICMP over IPv4 has no pseudo-header */
  if (s->proto == P_ICMP) acc = 0;
  acc = sum_bytes(acc, t, l4len);
  ck = sum_fold(acc);
  switch (s->proto) {
    case P_TCP: put16(t + 16, ck); break;
    case P_UDP:
      if (s->nocsum && !s->v6) ck = 0;
      else if (ck == 0) ck = 0xffff;  /* RFC 768: 0 means "none" */
      put16(t + 6, ck);
      break;
    default: put16(t + 2, ck); break;
  }
  return total;
}

/* ---------------------------------------------------------------------- */
/* pcap writer                                                             */
/* ---------------------------------------------------------------------- */

typedef struct Out {
  FILE *f;
  const char *name;
  int nano;           /* nanosecond timestamps (magic 0xa1b23c4d) */
  uint64_t t;         /* current time, ns since the epoch */
} Out;

static void out_fail (Out *o) {
  fprintf(stderr, "pktgen: %s: %s\n", o->name, strerror(errno));
  exit(1);
}

static void out_header (Out *o) {
  uint8_t h[24];
  put32le(h, o->nano ? 0xa1b23c4du : 0xa1b2c3d4u);
  h[4] = 2; h[5] = 0; h[6] = 4; h[7] = 0;  /* version 2.4 */
  put32le(h + 8, 0);                       /* thiszone */
  put32le(h + 12, 0);                      /* sigfigs */
  put32le(h + 16, SNAPLEN);
  put32le(h + 20, 1);                      /* LINKTYPE_ETHERNET */
  if (fwrite(h, 1, sizeof h, o->f) != sizeof h) out_fail(o);
}

/* writes one record stamped o->t, then advances the clock by `step` ns */
static void out_frame (Out *o, const uint8_t *p, size_t len, uint64_t step) {
  uint8_t h[16];
  uint64_t sec = o->t / 1000000000u, ns = o->t % 1000000000u;
  put32le(h, (uint32_t)sec);
  put32le(h + 4, (uint32_t)(o->nano ? ns : ns / 1000));
  put32le(h + 8, (uint32_t)len);
  put32le(h + 12, (uint32_t)len);
  if (fwrite(h, 1, sizeof h, o->f) != sizeof h
      || fwrite(p, 1, len, o->f) != len)
    out_fail(o);
  o->t += step;
}

/* ---------------------------------------------------------------------- */
/* demo captures                                                           */
/* ---------------------------------------------------------------------- */

/* addresses, written a.b.c.d so tests can grep for them */
#define A4(a, b, c, d) {a, b, c, d}
static const uint8_t h_client[4] = A4(10, 1, 0, 10);
static const uint8_t h_client2[4] = A4(10, 1, 0, 11);
static const uint8_t h_laptop[4] = A4(10, 1, 7, 20);
static const uint8_t h_phone[4] = A4(10, 1, 200, 3);
static const uint8_t h_gw[4] = A4(10, 2, 0, 1);
static const uint8_t h_lab[4] = A4(10, 2, 0, 9);
static const uint8_t h_web[4] = A4(192, 0, 2, 80);
static const uint8_t h_router[4] = A4(192, 0, 2, 1);
static const uint8_t h_dns[4] = A4(198, 51, 100, 53);
static const uint8_t h_ntp[4] = A4(203, 0, 113, 123);

static const uint8_t h6_client[16] =
  {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};
static const uint8_t h6_web[16] =
  {0x20, 0x01, 0x0d, 0xb8, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80};
static const uint8_t h6_dns[16] =
  {0x20, 0x01, 0x0d, 0xb8, 0, 0x53, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53};

static const uint8_t opt_mss[4] = {2, 4, 0x05, 0xb4};  /* MSS 1460 */
static const uint8_t opt_mss6[4] = {2, 4, 0x05, 0xa0}; /* MSS 1440 */
static const uint8_t opt_ra[4] = {0x94, 4, 0, 0};      /* Router Alert */
/* NOP, Record Route with room for one address, EOL: IHL 7 */
static const uint8_t opt_rr[8] = {1, 7, 7, 4, 0, 0, 0, 0};

static const char http_get[] =
  "GET / HTTP/1.1\r\nHost: example.com\r\nUser-Agent: pktgen\r\n\r\n";
static const char http_ok[] =
  "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\n"
  "hello\n";

/*
** A DNS message: one question for `name` (dotted) of type qtype; a response
** carries one answer with rdata `ans` (4 or 16 bytes). Returns the length.
*/
static size_t dns (uint8_t *p, uint16_t id, int response, const char *name,
                   uint16_t qtype, const uint8_t *ans, size_t anslen) {
  size_t o = 12;
  put16(p, id);
  put16(p + 2, response ? 0x8180 : 0x0100);  /* RD (+ QR, RA) */
  put16(p + 4, 1); put16(p + 6, response ? 1 : 0);
  put16(p + 8, 0); put16(p + 10, 0);
  while (*name) {
    const char *dot = strchr(name, '.');
    size_t n = dot ? (size_t)(dot - name) : strlen(name);
    p[o++] = (uint8_t)n;
    memcpy(p + o, name, n); o += n;
    name += n + (dot != NULL);
  }
  p[o++] = 0;
  put16(p + o, qtype); put16(p + o + 2, 1); o += 4;  /* class IN */
  if (response) {
    put16(p + o, 0xc00c);  /* name: pointer to the question's */
    put16(p + o + 2, qtype); put16(p + o + 4, 1);
    put32(p + o + 6, 300);  /* TTL */
    put16(p + o + 10, (unsigned)anslen);
    memcpy(p + o + 12, ans, anslen);
    o += 12 + anslen;
  }
  return o;
}

/* An NTPv4 client (mode 3) or server (mode 4, stratum 2) message sent at
** time t (ns since 1970). Returns its length, 48. */
static size_t ntp_msg (uint8_t *p, int server, uint64_t t) {
  uint64_t sec = t / 1000000000u + 2208988800u;  /* NTP era 0 seconds */
  uint32_t frac = (uint32_t)(((t % 1000000000u) << 32) / 1000000000u);
  memset(p, 0, 48);
  p[0] = server ? 0x24 : 0x23;  /* LI 0, version 4, mode */
  p[1] = server ? 2 : 0;        /* stratum */
  p[2] = 6;                     /* poll 64 s */
  p[3] = 0xe9;                  /* precision 2^-23 */
  if (server) {
    memcpy(p + 12, "GPS", 3);   /* reference ID */
    put32(p + 16, (uint32_t)sec - 30);  /* reference timestamp */
    put32(p + 32, (uint32_t)sec); put32(p + 36, frac);  /* receive */
  }
  put32(p + 40, (uint32_t)sec); put32(p + 44, frac);    /* transmit */
  return 48;
}

/* Emits one frame of a demo; demo frames are 1 ms (+ jitter) apart. */
static void emit (Out *o, Spec *s, Rng *r) {
  uint8_t f[MAXFRAME];
  size_t n = build(f, sizeof f, s, r);
  out_frame(o, f, n, 1000000u + rng_below(r, 1000000u) + 7);
}

/* Emits the IPv4 datagram described by s as fragments carrying at most
** `chunk` bytes of IP payload each (a multiple of 8), in order. */
static void emit_fragments (Out *o, Spec *s, Rng *r, size_t chunk) {
  uint8_t whole[4096], f[MAXFRAME];
  size_t n = build(whole, sizeof whole, s, r);
  size_t hdr = 14 + 4 * (size_t)s->vlans + 20 + s->ipoptlen;  /* up to L4 */
  size_t off, len;
  for (off = 0; hdr + off < n; off += len) {
    uint8_t *ip = f + hdr - 20 - s->ipoptlen;
    int more;
    len = n - hdr - off;
    if (len > chunk) len = chunk;
    more = hdr + off + len < n;
    memcpy(f, whole, hdr);
    memcpy(f + hdr, whole + hdr + off, len);
    put16(ip + 2, (unsigned)(20 + s->ipoptlen + len));
    put16(ip + 6, (s->df ? 0x4000u : 0) | (more ? 0x2000u : 0)
                  | (unsigned)(off / 8));
    put16(ip + 10, 0);
    put16(ip + 10, sum_fold(sum_bytes(0, ip, 20 + s->ipoptlen)));
    out_frame(o, f, hdr + len, 20000u + rng_below(r, 1000u));
  }
}

static void set4 (Spec *s, const uint8_t *src, const uint8_t *dst) {
  memcpy(s->src, src, 4); memcpy(s->dst, dst, 4);
}

/* A TCP conversation: handshake, a request, a response, FIN both ways. */
static void tcp_conv (Out *o, Rng *r, Spec base, const uint8_t *cl,
                      const uint8_t *sv, size_t alen, uint16_t cport,
                      uint16_t sport) {
  uint32_t cs = (uint32_t)rng_next(r), ss = (uint32_t)rng_next(r);
  Spec s = base;
  size_t rq = sizeof http_get - 1, rs = sizeof http_ok - 1;
#define SIDE(fromclient) do { \
    s.reply = !(fromclient); \
    memcpy(s.src, (fromclient) ? cl : sv, alen); \
    memcpy(s.dst, (fromclient) ? sv : cl, alen); \
    s.sport = (fromclient) ? cport : sport; \
    s.dport = (fromclient) ? sport : cport; } while (0)
  s.proto = P_TCP; s.df = !s.v6;
  SIDE(1); s.tcpflags = F_SYN; s.seq = cs; s.ack = 0;
  s.tcpopt = s.v6 ? opt_mss6 : opt_mss; s.tcpoptlen = 4;
  s.ident = 0x1000; emit(o, &s, r);
  SIDE(0); s.tcpflags = F_SYN | F_ACK; s.seq = ss; s.ack = cs + 1;
  s.ident = 0; emit(o, &s, r);
  s.tcpopt = NULL; s.tcpoptlen = 0;
  SIDE(1); s.tcpflags = F_ACK; s.seq = cs + 1; s.ack = ss + 1;
  s.ident = 0x1001; emit(o, &s, r);
  s.tcpflags = F_PSH | F_ACK; s.payload = (const uint8_t *)http_get;
  s.paylen = rq; s.ident = 0x1002; emit(o, &s, r);
  SIDE(0); s.seq = ss + 1; s.ack = cs + 1 + (uint32_t)rq;
  s.payload = (const uint8_t *)http_ok; s.paylen = rs; s.ident = 0x2001;
  emit(o, &s, r);
  s.payload = NULL; s.paylen = 0;
  SIDE(1); s.tcpflags = F_FIN | F_ACK; s.seq = cs + 1 + (uint32_t)rq;
  s.ack = ss + 1 + (uint32_t)rs; s.ident = 0x1003; emit(o, &s, r);
  SIDE(0); s.seq = ss + 1 + (uint32_t)rs; s.ack = cs + 2 + (uint32_t)rq;
  s.ident = 0x2002; emit(o, &s, r);
  SIDE(1); s.tcpflags = F_ACK; s.seq = cs + 2 + (uint32_t)rq;
  s.ack = ss + 2 + (uint32_t)rs; s.ident = 0x1004; emit(o, &s, r);
#undef SIDE
}

/* A DNS query and its response over UDP. */
static void dns_pair (Out *o, Rng *r, Spec base, const uint8_t *cl,
                      const uint8_t *sv, size_t alen, uint16_t cport,
                      const char *name, uint16_t qtype,
                      const uint8_t *ans, size_t anslen) {
  uint8_t q[256], a[256];
  uint16_t id = (uint16_t)rng_next(r);
  Spec s = base;
  s.proto = P_UDP;
  memcpy(s.src, cl, alen); memcpy(s.dst, sv, alen);
  s.sport = cport; s.dport = 53; s.ident = id;
  s.payload = q; s.paylen = dns(q, id, 0, name, qtype, NULL, 0);
  emit(o, &s, r);
  s.reply = 1;
  memcpy(s.src, sv, alen); memcpy(s.dst, cl, alen);
  s.sport = 53; s.dport = cport; s.ident = (uint16_t)(id + 1);
  s.payload = a; s.paylen = dns(a, id, 1, name, qtype, ans, anslen);
  emit(o, &s, r);
}

/* ICMP echo request and reply (ICMPv6 when base.v6). */
static void ping_pair (Out *o, Rng *r, Spec base, const uint8_t *cl,
                       const uint8_t *sv, size_t alen, uint16_t seq) {
  Spec s = base;
  s.proto = s.v6 ? P_ICMP6 : P_ICMP;
  memcpy(s.src, cl, alen); memcpy(s.dst, sv, alen);
  s.icmptype = s.v6 ? 128 : 8; s.sport = 0x4242; s.dport = seq;
  s.ident = (uint16_t)(0x3000 + seq); s.paylen = 56;
  emit(o, &s, r);
  s.reply = 1;
  memcpy(s.src, sv, alen); memcpy(s.dst, cl, alen);
  s.icmptype = s.v6 ? 129 : 0; s.ident = (uint16_t)(0x4000 + seq);
  emit(o, &s, r);
}

/* Ethernet IPv4: TCP, DNS, NTP, ICMP, IP options, TTL 1, UDP without sum */
static void demo_ipv4 (Out *o, Rng *r) {
  static const uint8_t a_ex[4] = A4(93, 184, 215, 14);
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
  static const uint8_t a_ex[4] = A4(93, 184, 215, 14);
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
  static const uint8_t a_ex[4] = A4(93, 184, 215, 14);
  Spec b = {0};
  o->t += 123456789;  /* a fraction that microseconds cannot hold */
  dns_pair(o, r, b, h_laptop, h_dns, 4, 36000, "example.com", 1, a_ex, 4);
  ping_pair(o, r, b, h_client, h_gw, 4, 3);
}

static const struct Demo {
  const char *name;
  void (*fn) (Out *, Rng *);
  int nano;
  const char *what;
} demos[] = {
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
static void bulk_udp64 (Out *o, Rng *r, uint64_t n) {
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
static void bulk_mixed (Out *o, Rng *r, uint64_t n) {
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
/* command line                                                            */
/* ---------------------------------------------------------------------- */

static void usage (FILE *f) {
  fprintf(f,
    "usage: pktgen [--seed S] [--nano] [-w FILE] --demo NAME | --udp64 N |"
    " --mixed N\n"
    "       pktgen --list\n"
    "Writes a deterministic pcap file (Ethernet) to FILE (default: stdout).\n"
    "  --demo NAME  a small capture (see --list)\n"
    "  --udp64 N    N 64-byte Ethernet/IPv4/UDP frames, 1 in 8 to port 53\n"
    "  --mixed N    N TCP/UDP/ICMP frames of 64..1500 bytes\n"
    "  --seed S     PRNG seed (default 1): same seed, same bytes\n"
    "  --nano       nanosecond timestamps\n");
}

static uint64_t parse_count (const char *opt, const char *s) {
  char *end;
  unsigned long long v;
  errno = 0;
  if (s == NULL || *s == '\0' || *s == '-') goto bad;
  v = strtoull(s, &end, 0);
  if (errno != 0 || *end != '\0') goto bad;
  return v;
bad:
  fprintf(stderr, "pktgen: %s needs a non-negative integer, got '%s'\n",
          opt, s ? s : "");
  exit(2);
}

int main (int argc, char **argv) {
  const char *file = "-", *demo = NULL;
  uint64_t seed = 1, count = 0;
  int mode = 0, nano = 0;  /* mode: 1 demo, 2 udp64, 3 mixed */
  const struct Demo *d = NULL;
  Out o;
  Rng r;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "-w") == 0 || strcmp(a, "--write") == 0) {
      if (!v) goto missing;
      file = v; i++;
    } else if (strcmp(a, "--seed") == 0) {
      seed = parse_count(a, v); i++;
    } else if (strcmp(a, "--nano") == 0) {
      nano = 1;
    } else if (strcmp(a, "--demo") == 0) {
      if (!v) goto missing;
      demo = v; mode = 1; i++;
    } else if (strcmp(a, "--udp64") == 0) {
      count = parse_count(a, v); mode = 2; i++;
    } else if (strcmp(a, "--mixed") == 0) {
      count = parse_count(a, v); mode = 3; i++;
    } else if (strcmp(a, "--list") == 0) {
      for (d = demos; d->name; d++) printf("%-6s %s\n", d->name, d->what);
      return 0;
    } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      usage(stdout);
      return 0;
    } else {
      fprintf(stderr, "pktgen: unknown argument '%s'\n", a);
      usage(stderr);
      return 2;
    }
    continue;
  missing:
    fprintf(stderr, "pktgen: %s needs an argument\n", a);
    return 2;
  }
  if (mode == 0) {
    usage(stderr);
    return 2;
  }
  if (mode == 1) {
    for (d = demos; d->name && strcmp(d->name, demo) != 0; d++) ;
    if (!d->name) {
      fprintf(stderr, "pktgen: no demo '%s' (try --list)\n", demo);
      return 2;
    }
    nano |= d->nano;
  }
  o.name = file;
  o.nano = nano;
  o.t = T0_SEC * 1000000000u;
  o.f = strcmp(file, "-") == 0 ? stdout : fopen(file, "wb");
  if (!o.f) out_fail(&o);
  setvbuf(o.f, NULL, _IOFBF, 1 << 20);
  r.s = seed;
  out_header(&o);
  if (mode == 1) d->fn(&o, &r);
  else if (mode == 2) bulk_udp64(&o, &r, count);
  else bulk_mixed(&o, &r, count);
  if (fflush(o.f) != 0 || ferror(o.f)) out_fail(&o);
  if (o.f != stdout && fclose(o.f) != 0) out_fail(&o);
  return 0;
}
