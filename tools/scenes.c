/*
** scenes.c - the traffic pktgen's captures are made of: named hosts, and
** conversations (a TCP exchange, a DNS query and answer, a ping) written
** through the frame builder into a capture file.
*/
#include "scenes.h"

#include <string.h>

const uint8_t h_client[4] = A4(10, 1, 0, 10);
const uint8_t h_client2[4] = A4(10, 1, 0, 11);
const uint8_t h_laptop[4] = A4(10, 1, 7, 20);
const uint8_t h_phone[4] = A4(10, 1, 200, 3);
const uint8_t h_gw[4] = A4(10, 2, 0, 1);
const uint8_t h_lab[4] = A4(10, 2, 0, 9);
const uint8_t h_web[4] = A4(192, 0, 2, 80);
const uint8_t h_router[4] = A4(192, 0, 2, 1);
const uint8_t h_dns[4] = A4(198, 51, 100, 53);
const uint8_t h_ntp[4] = A4(203, 0, 113, 123);
const uint8_t a_ex[4] = A4(93, 184, 215, 14);

const uint8_t h6_client[16] =
  {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};
const uint8_t h6_web[16] =
  {0x20, 0x01, 0x0d, 0xb8, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80};
const uint8_t h6_dns[16] =
  {0x20, 0x01, 0x0d, 0xb8, 0, 0x53, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53};

const uint8_t opt_mss[4] = {2, 4, 0x05, 0xb4};  /* MSS 1460 */
const uint8_t opt_mss6[4] = {2, 4, 0x05, 0xa0}; /* MSS 1440 */
const uint8_t opt_ra[4] = {0x94, 4, 0, 0};      /* Router Alert */
/* NOP, Record Route with room for one address, EOL: IHL 7 */
const uint8_t opt_rr[8] = {1, 7, 7, 4, 0, 0, 0, 0};

const char http_get[] =
  "GET / HTTP/1.1\r\nHost: example.com\r\nUser-Agent: pktgen\r\n\r\n";
const char http_ok[] =
  "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\n"
  "hello\n";

/*
** A DNS message: one question for `name` (dotted) of type qtype; a response
** carries one answer with rdata `ans` (4 or 16 bytes). Returns the length.
*/
size_t dns (uint8_t *p, uint16_t id, int response, const char *name,
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
size_t ntp_msg (uint8_t *p, int server, uint64_t t) {
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
/* Emits one frame of a demo; demo frames are 1 ms (+ jitter) apart. */
void emit (Out *o, Spec *s, Rng *r) {
  uint8_t f[MAXFRAME];
  size_t n = build(f, sizeof f, s, r);
  out_frame(o, f, n, 1000000u + rng_below(r, 1000000u) + 7);
}

/* Emits the IPv4 datagram described by s as fragments carrying at most
** `chunk` bytes of IP payload each (a multiple of 8), in order. */
void emit_fragments (Out *o, Spec *s, Rng *r, size_t chunk) {
  uint8_t whole[4096], f[MAXFRAME];
  size_t n = build(whole, sizeof whole, s, r), len;
  for (size_t k = 0; (len = fragment(f, whole, n, s, chunk, k)) > 0; k++)
    out_frame(o, f, len, 20000u + rng_below(r, 1000u));
}

void set4 (Spec *s, const uint8_t *src, const uint8_t *dst) {
  memcpy(s->src, src, 4); memcpy(s->dst, dst, 4);
}

/* A TCP conversation: handshake, a request, a response, FIN both ways. */
void tcp_conv (Out *o, Rng *r, Spec base, const uint8_t *cl,
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
void dns_pair (Out *o, Rng *r, Spec base, const uint8_t *cl,
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
void ping_pair (Out *o, Rng *r, Spec base, const uint8_t *cl,
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

