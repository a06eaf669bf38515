/*
** corpus_dns.c - the corpus's DNS queries, for dnsname.lua and its test:
** well-formed ones (plain, mixed-case and compressed names, UDP and TCP,
** IPv4 and IPv6) and hostile ones (pointer loops, bad labels, overlong and
** cut names), built label by label here where scenes.c's dns() cannot.
*/
#include "corpus_dns.h"
#include "scenes.h"

#include <string.h>

/* a DNS message of n bytes to port 53 from `src` (alen 4 or 16), over
** UDP, or over TCP with RFC 1035's 2-byte length first */
static void dns_to (Out *o, Rng *r, Spec b, const uint8_t *src,
                    const uint8_t *dst, size_t alen, int tcp,
                    const uint8_t *msg, size_t n, uint16_t dport) {
  uint8_t buf[1024];
  Spec s = b;
  memcpy(s.src, src, alen); memcpy(s.dst, dst, alen);
  s.sport = (uint16_t)(36000 + rng_below(r, 1000)); s.dport = dport;
  if (tcp) {
    s.proto = P_TCP; s.tcpflags = F_ACK | F_PSH; s.seq = 1000; s.ack = 1;
    put16(buf, (unsigned)n); memcpy(buf + 2, msg, n);
    s.payload = buf; s.paylen = n + 2;
  } else {
    s.proto = P_UDP; s.payload = msg; s.paylen = n;
  }
  emit(o, &s, r);
}

/* the 12-byte header of a query with qd questions */
static size_t dns_head (uint8_t *p, uint16_t id, unsigned qd) {
  memset(p, 0, 12);
  put16(p, id); put16(p + 2, 0x0100); put16(p + 4, qd);
  return 12;
}

/* a name's labels from dotted text, without the terminating 0 */
static size_t dns_labels (uint8_t *p, const char *name) {
  size_t o = 0;
  while (*name) {
    const char *dot = strchr(name, '.');
    size_t n = dot ? (size_t)(dot - name) : strlen(name);
    p[o++] = (uint8_t)n; memcpy(p + o, name, n); o += n;
    name += n + (dot != NULL);
  }
  return o;
}

static size_t dns_qtail (uint8_t *p) {  /* type A, class IN */
  put16(p, 1); put16(p + 2, 1); return 4;
}

/* well-formed queries: plain and mixed-case names, two questions the
** second of which is compressed (a pointer into the first), UDP and TCP,
** IPv4 and IPv6, a response, a query to another port */
void c_dns (Out *o, Rng *r) {
  static const char *const names[] = {"www.example.com", "example.com",
    "notexample.com", "mail.foo.org", "a.b.example.com", "Www.EXAMPLE.com",
    "example.com.evil.net", "foo.org"};
  uint8_t m[512];
  Spec b = {0}, b6 = {0};
  size_t n, i;
  b6.v6 = 1;
  for (i = 0; i < sizeof names / sizeof *names; i++) {
    n = dns(m, (uint16_t)(0x100 + i), 0, names[i], 1, NULL, 0);
    dns_to(o, r, b, h_laptop, h_dns, 4, 0, m, n, 53);
    dns_to(o, r, b6, h6_client, h6_dns, 16, (int)(i & 1), m, n, 53);
    dns_to(o, r, b, h_phone, h_dns, 4, 1, m, n, 53);
  }
  /* mail.foo.org, then www + a pointer to its foo.org: www.foo.org */
  n = dns_head(m, 0x200, 2);
  n += dns_labels(m + n, "mail.foo.org"); m[n++] = 0; n += dns_qtail(m + n);
  n += dns_labels(m + n, "www"); put16(m + n, 0xc000 | 17); n += 2;
  n += dns_qtail(m + n);
  dns_to(o, r, b, h_laptop, h_dns, 4, 0, m, n, 53);
  dns_to(o, r, b6, h6_client, h6_dns, 16, 1, m, n, 53);
  /* a response naming example.com, and a query to port 9999 */
  n = dns(m, 0x300, 1, "www.example.com", 1, a_ex, 4);
  dns_to(o, r, b, h_dns, h_laptop, 4, 0, m, n, 53);
  n = dns(m, 0x301, 0, "www.example.com", 1, NULL, 0);
  dns_to(o, r, b, h_laptop, h_dns, 4, 0, m, n, 9999);
}

/* hostile queries: pointer loops (to itself, two pointing at each other),
** a forward pointer, a pointer past the end, labels of length 64 and 0x80,
** a name of over 255 bytes ending in example.com, a name cut by the end of
** the packet, a question cut after its name; and one good query last */
void c_dns_hostile (Out *o, Rng *r) {
  uint8_t m[1024];
  Spec b = {0};
  size_t n, i;
  n = dns_head(m, 0x400, 1); put16(m + n, 0xc00c); n += 2; n += dns_qtail(m + n);
  dns_to(o, r, b, h_laptop, h_dns, 4, 0, m, n, 53);
  n = dns_head(m, 0x401, 1); n += dns_labels(m + n, "www");
  put16(m + n, 0xc000 | 12); n += 2; n += dns_qtail(m + n);   /* www, back to www */
  dns_to(o, r, b, h_laptop, h_dns, 4, 0, m, n, 53);
  n = dns_head(m, 0x402, 1); put16(m + n, 0xc000 | 14); n += 2;
  put16(m + n, 0xc000 | 12); n += 2; n += dns_qtail(m + n);   /* 12 -> 14 -> 12 */
  dns_to(o, r, b, h_laptop, h_dns, 4, 1, m, n, 53);
  n = dns_head(m, 0x403, 1); put16(m + n, 0xc000 | 300); n += 2; n += dns_qtail(m + n);
  dns_to(o, r, b, h_laptop, h_dns, 4, 0, m, n, 53);
  n = dns_head(m, 0x404, 1); m[n++] = 64; memset(m + n, 'a', 64); n += 64;
  n += dns_labels(m + n, "example.com"); m[n++] = 0; n += dns_qtail(m + n);
  dns_to(o, r, b, h_laptop, h_dns, 4, 0, m, n, 53);
  n = dns_head(m, 0x405, 1); m[n++] = 0x80; n += dns_labels(m + n, "example.com");
  m[n++] = 0; n += dns_qtail(m + n);
  dns_to(o, r, b, h_laptop, h_dns, 4, 0, m, n, 53);
  n = dns_head(m, 0x406, 1);
  for (i = 0; i < 4; i++) { m[n++] = 63; memset(m + n, 'a' + (int)i, 63); n += 63; }
  n += dns_labels(m + n, "example.com"); m[n++] = 0; n += dns_qtail(m + n);
  dns_to(o, r, b, h_laptop, h_dns, 4, 0, m, n, 53);
  n = dns_head(m, 0x407, 1); n += dns_labels(m + n, "www.example.com");
  dns_to(o, r, b, h_laptop, h_dns, 4, 0, m, n - 5, 53);      /* cut in a label */
  dns_to(o, r, b, h_laptop, h_dns, 4, 1, m, n, 53);          /* no final 0 */
  n = dns_head(m, 0x408, 1); n += dns_labels(m + n, "www.example.com"); m[n++] = 0;
  dns_to(o, r, b, h_laptop, h_dns, 4, 0, m, n, 53);          /* no type, class */
  dns_to(o, r, b, h_laptop, h_dns, 4, 0, m, 7, 53);          /* header cut */
  n = dns(m, 0x409, 0, "ok.example.com", 1, NULL, 0);
  dns_to(o, r, b, h_laptop, h_dns, 4, 0, m, n, 53);
}
