/*
** test_flowhash.c - the symmetric flow hash (flowhash.c): both directions
** agree, fragments of a datagram agree, the values are pinned (shards on
** different machines and versions must agree), shares are even over many
** flows, and no prefix of a frame is read past its end.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flowhash.h"
#include "layers.h"

#define LT_ETHERNET 1
#define LT_RAW 101
#define LT_SLL 113

/* a frame under construction */
typedef struct Frame {
  unsigned char b[256];
  size_t len;
  long l3;
} Frame;

static void put16 (unsigned char *p, unsigned v) {
  p[0] = (unsigned char)(v >> 8);
  p[1] = (unsigned char)v;
}

/* Ethernet from mac byte `ms` to `md`, ethertype type */
static void ether (Frame *f, unsigned char ms, unsigned char md,
                   unsigned type) {
  memset(f, 0, sizeof(*f));
  memset(f->b, md, 6);
  memset(f->b + 6, ms, 6);
  put16(f->b + 12, type);
  f->len = 14;
  f->l3 = -1;
}

/* an IPv4 header from s to d; frag: the flags and offset word */
static void ipv4 (Frame *f, uint32_t s, uint32_t d, int proto,
                  unsigned frag) {
  unsigned char *ip;
  ether(f, 1, 2, 0x0800);
  ip = f->b + 14;
  ip[0] = 0x45;
  put16(ip + 6, frag);
  ip[8] = 64;
  ip[9] = (unsigned char)proto;
  put16(ip + 12, s >> 16); put16(ip + 14, s & 0xffff);
  put16(ip + 16, d >> 16); put16(ip + 18, d & 0xffff);
  f->l3 = 14;
  f->len = 34;
}

/* an IPv6 header from ::s to ::d (prefix 2001:db8::/64), next header nh */
static void ipv6 (Frame *f, unsigned s, unsigned d, int nh) {
  static const unsigned char pfx[8] = {0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0};
  unsigned char *ip;
  ether(f, 1, 2, 0x86dd);
  ip = f->b + 14;
  ip[0] = 0x60;
  ip[6] = (unsigned char)nh;
  ip[7] = 64;
  memcpy(ip + 8, pfx, 8);
  put16(ip + 20, s >> 16); put16(ip + 22, s & 0xffff);
  memcpy(ip + 24, pfx, 8);
  put16(ip + 36, d >> 16); put16(ip + 38, d & 0xffff);
  f->l3 = 14;
  f->len = 54;
}

/* appends n bytes (ports first for a transport header) */
static void ports (Frame *f, unsigned sp, unsigned dp, size_t n) {
  put16(f->b + f->len, sp);
  put16(f->b + f->len + 2, dp);
  f->len += n;
}

/* the hash of exactly f's bytes, from a buffer of exactly that size;
** pkt_flowhash_frame (with its shortcut for plain Ethernet/IPv4 frames)
** must give what the walk to the IP header and pkt_flowhash give */
static uint32_t hashof (const Frame *f, int linktype) {
  unsigned char *copy = malloc(f->len);
  uint32_t h;
  assert_non_null(copy);
  memcpy(copy, f->b, f->len);
  h = pkt_flowhash(linktype, copy, f->len, pkt_l3(linktype, copy, f->len));
  assert_int_equal(pkt_flowhash_frame(linktype, copy, f->len), h);
  free(copy);
  return h;
}

static uint32_t h4 (uint32_t s, uint32_t d, int proto, unsigned sp,
                    unsigned dp) {
  Frame f;
  ipv4(&f, s, d, proto, 0);
  ports(&f, sp, dp, 20);
  return hashof(&f, LT_ETHERNET);
}

static uint32_t h6 (unsigned s, unsigned d, int proto, unsigned sp,
                    unsigned dp) {
  Frame f;
  ipv6(&f, s, d, proto);
  ports(&f, sp, dp, 20);
  return hashof(&f, LT_ETHERNET);
}

static void test_symmetric (void **state) {
  static const int protos[] = {6, 17, 132, 33, 136, 1, 47};
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
    int pr = protos[i];
    assert_int_equal(h4(0x0a000001, 0xc0a80102, pr, 40000, 80),
                     h4(0xc0a80102, 0x0a000001, pr, 80, 40000));
    assert_int_equal(h6(1, 0x10002, pr, 40000, 443),
                     h6(0x10002, 1, pr, 443, 40000));
    /* one host talking to itself: the ports decide the order */
    assert_int_equal(h4(0x7f000001, 0x7f000001, pr, 1000, 2000),
                     h4(0x7f000001, 0x7f000001, pr, 2000, 1000));
  }
  /* the ports count for TCP, UDP, SCTP ... */
  assert_int_not_equal(h4(0x0a000001, 0x0a000002, 6, 40000, 80),
                       h4(0x0a000001, 0x0a000002, 6, 40001, 80));
  assert_int_not_equal(h4(0x0a000001, 0x0a000002, 132, 40000, 80),
                       h4(0x0a000001, 0x0a000002, 132, 40001, 80));
  assert_int_not_equal(h6(1, 2, 17, 40000, 53), h6(1, 2, 17, 40001, 53));
  /* ... not for ICMP, GRE; the protocol does */
  assert_int_equal(h4(0x0a000001, 0x0a000002, 1, 1, 2),
                   h4(0x0a000001, 0x0a000002, 1, 3, 4));
  assert_int_not_equal(h4(0x0a000001, 0x0a000002, 6, 40000, 80),
                       h4(0x0a000001, 0x0a000002, 17, 40000, 80));
  /* swapping only the addresses, or only the ports, is another flow */
  assert_int_not_equal(h4(0x0a000001, 0x0a000002, 6, 40000, 80),
                       h4(0x0a000002, 0x0a000001, 6, 40000, 80));
}

/* every fragment of a datagram, both ways, by addresses and protocol */
static void test_fragments (void **state) {
  Frame f;
  uint32_t first, later, back, whole;
  (void)state;
  ipv4(&f, 0x0a000001, 0x0a000002, 17, 0x2000);  /* MF, offset 0 */
  ports(&f, 5000, 53, 8);
  first = hashof(&f, LT_ETHERNET);
  ipv4(&f, 0x0a000001, 0x0a000002, 17, 185);     /* offset 1480, last */
  f.len += 30;
  later = hashof(&f, LT_ETHERNET);
  ipv4(&f, 0x0a000002, 0x0a000001, 17, 0x2000 | 10);
  f.len += 30;
  back = hashof(&f, LT_ETHERNET);
  assert_int_equal(first, later);
  assert_int_equal(first, back);
  /* other ports in the first fragment change nothing */
  ipv4(&f, 0x0a000001, 0x0a000002, 17, 0x2000);
  ports(&f, 5001, 54, 8);
  assert_int_equal(hashof(&f, LT_ETHERNET), first);
  whole = h4(0x0a000001, 0x0a000002, 17, 5000, 53);
  assert_int_not_equal(whole, first);
  /* DF alone is not a fragment */
  ipv4(&f, 0x0a000001, 0x0a000002, 17, 0x4000);
  ports(&f, 5000, 53, 8);
  assert_int_equal(hashof(&f, LT_ETHERNET), whole);

  /* IPv6: a first fragment with destination options behind the fragment
  ** header, a later one, and one of another datagram whose fragment
  ** header names another protocol: the addresses only */
  ipv6(&f, 1, 2, 44);
  f.b[f.len] = 60; put16(f.b + f.len + 2, 1);  /* offset 0, M */
  f.len += 8;
  f.b[f.len] = 17; f.b[f.len + 1] = 0;         /* dst options, 8 bytes */
  f.len += 8;
  ports(&f, 5000, 53, 8);
  first = hashof(&f, LT_ETHERNET);
  ipv6(&f, 2, 1, 44);
  f.b[f.len] = 60; put16(f.b + f.len + 2, 1480);  /* offset 185, last */
  f.len += 8 + 20;
  later = hashof(&f, LT_ETHERNET);
  assert_int_equal(first, later);
  ipv6(&f, 2, 1, 44);
  f.b[f.len] = 6; put16(f.b + f.len + 2, 1);
  f.len += 8;
  ports(&f, 80, 1000, 20);
  assert_int_equal(hashof(&f, LT_ETHERNET), first);
  /* an atomic fragment (offset 0, no M) is a whole datagram: ports count */
  ipv6(&f, 1, 2, 44);
  f.b[f.len] = 17;
  f.len += 8;
  ports(&f, 5000, 53, 8);
  assert_int_equal(hashof(&f, LT_ETHERNET), h6(1, 2, 17, 5000, 53));
}

/* not IP: the Ethernet addresses, both ways; other link types: one value */
static void test_not_ip (void **state) {
  Frame f, g;
  (void)state;
  ether(&f, 1, 2, 0x0806);
  f.len = 60;
  ether(&g, 2, 1, 0x0806);
  g.len = 60;
  assert_int_equal(hashof(&f, LT_ETHERNET), hashof(&g, LT_ETHERNET));
  ether(&g, 3, 1, 0x0806);
  g.len = 60;
  assert_int_not_equal(hashof(&f, LT_ETHERNET), hashof(&g, LT_ETHERNET));
  /* a Linux cooked header holds the sender's address only */
  memset(f.b, 0, 16);
  f.b[14] = 0x08; f.b[15] = 0x06; f.len = 44;
  memset(g.b, 0, 16);
  g.b[6] = 9; g.b[14] = 0x08; g.b[15] = 0x06; g.len = 44;
  assert_int_equal(hashof(&f, LT_SLL), hashof(&g, LT_SLL));
}

/* raw IP and Ethernet carry the same flow: the link layer is not hashed */
static void test_link_independent (void **state) {
  Frame f, raw;
  (void)state;
  ipv4(&f, 0x0a000001, 0x0a000002, 6, 0);
  ports(&f, 1234, 80, 20);
  memset(&raw, 0, sizeof(raw));
  memcpy(raw.b, f.b + 14, f.len - 14);
  raw.len = f.len - 14;
  assert_int_equal(hashof(&f, LT_ETHERNET), hashof(&raw, LT_RAW));
}

/* the transport header cut before its ports: addresses and protocol */
static void test_cut (void **state) {
  Frame f;
  uint32_t noports;
  (void)state;
  ipv4(&f, 0x0a000001, 0x0a000002, 6, 0x2000);
  noports = hashof(&f, LT_ETHERNET);  /* a fragment: no ports */
  ipv4(&f, 0x0a000001, 0x0a000002, 6, 0);
  ports(&f, 1234, 80, 3);             /* 3 bytes of TCP */
  assert_int_equal(hashof(&f, LT_ETHERNET), noports);
}

/*
** Pinned values: a machine with another byte order, compiler or pktlua
** version must give these, or shards made by different machines stop
** agreeing. Change them only on purpose (and say so in the news).
*/
static void test_known_values (void **state) {
  Frame f;
  (void)state;
  assert_int_equal(h4(0x0a000001, 0xc0a80102, 6, 40000, 80), 0x3fef3142u);
  assert_int_equal(h4(0x0a000001, 0xc0a80102, 17, 5353, 53), 0x2dab46e8u);
  assert_int_equal(h6(1, 0x10002, 6, 40000, 443), 0x3b0fbc2fu);
  ether(&f, 1, 2, 0x0806);
  f.len = 60;
  assert_int_equal(hashof(&f, LT_ETHERNET), 0x5238e176u);
  assert_int_equal(pkt_flowhash(LT_RAW, f.b, 0, -1), 0x37a71d08u);
}

/* xorshift64*: the test's own random flows */
static uint64_t rnd (uint64_t *s) {
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return *s * 0x2545f4914f6cdd1dull;
}

/*
** Over many flows every share of n holds its part within 6 standard
** deviations of a binomial count: random 5-tuples, and the structured
** ones real traffic has (one server, clients numbered in order, ports
** counting up).
*/
static void spread (uint32_t (*flow) (unsigned i, uint64_t *s)) {
  enum { FLOWS = 60000 };
  unsigned counts[17], n, i;
  uint64_t s = 0x1234567;
  uint32_t *h = malloc(FLOWS * sizeof(*h));
  assert_non_null(h);
  for (i = 0; i < FLOWS; i++) h[i] = flow(i, &s);
  for (n = 2; n <= 16; n++) {
    double mean = (double)FLOWS / n;
    double var = mean * (1.0 - 1.0 / n);  /* binomial: F p (1 - p) */
    for (i = 0; i < n; i++) counts[i] = 0;
    for (i = 0; i < FLOWS; i++) counts[pkt_flowshare(h[i], n)]++;
    for (i = 0; i < n; i++) {
      double d = (double)counts[i] - mean;
      if (d * d > 36.0 * var) {
        fprintf(stderr, "share %u of %u: %u flows, mean %.0f\n", i + 1, n,
                counts[i], mean);
        fail();
      }
    }
  }
  free(h);
}

static uint32_t random4 (unsigned i, uint64_t *s) {
  uint64_t v = rnd(s), w = rnd(s);
  (void)i;
  return h4((uint32_t)v, (uint32_t)(v >> 32), w & 1 ? 6 : 17,
            (unsigned)(w >> 8) & 0xffff, (unsigned)(w >> 24) & 0xffff);
}

static uint32_t clients4 (unsigned i, uint64_t *s) {
  (void)s;
  return h4(0x0a000000 + i / 16, 0xc0a80001, 6, 40000 + i % 16, 443);
}

static uint32_t clients6 (unsigned i, uint64_t *s) {
  (void)s;
  return h6(0x100 + i, 1, 17, 5353, 53);
}

static uint32_t ports4 (unsigned i, uint64_t *s) {
  (void)s;
  return h4(0x0a000001, 0x0a000002, 6, 1024 + i, 80);
}

static void test_distribution (void **state) {
  (void)state;
  spread(random4);
  spread(clients4);
  spread(clients6);
  spread(ports4);
}

/* the shares split the 32-bit range in order, and cover it */
static void test_share (void **state) {
  unsigned n;
  (void)state;
  for (n = 1; n <= 64; n++) {
    assert_int_equal(pkt_flowshare(0, n), 0);
    assert_int_equal(pkt_flowshare(0xffffffffu, n), n - 1);
  }
  assert_int_equal(pkt_flowshare(0x7fffffffu, 2), 0);
  assert_int_equal(pkt_flowshare(0x80000000u, 2), 1);
}

/* every prefix of these frames, from an exact buffer: ASan sees a read
** past the end; and random bytes in any link type */
static void test_bounds (void **state) {
  Frame whole[4], f;
  uint64_t s = 99;
  size_t k, cut, i;
  (void)state;
  ipv4(&whole[0], 1, 2, 6, 0); ports(&whole[0], 1, 2, 20);
  ipv4(&whole[1], 1, 2, 17, 0x2000); ports(&whole[1], 1, 2, 8);
  ipv6(&whole[2], 1, 2, 44);
  whole[2].b[54] = 6; whole[2].len += 8; ports(&whole[2], 1, 2, 20);
  ether(&whole[3], 1, 2, 0x0806); whole[3].len = 42;
  for (k = 0; k < 4; k++)
    for (cut = 0; cut <= whole[k].len; cut++) {
      f = whole[k];
      f.len = cut;
      (void)hashof(&f, LT_ETHERNET);
      (void)hashof(&f, LT_RAW);
    }
  for (i = 0; i < 20000; i++) {
    uint64_t v = rnd(&s);
    memset(&f, 0, sizeof(f));
    f.len = (size_t)(v % 96);
    for (k = 0; k < f.len; k++) f.b[k] = (unsigned char)rnd(&s);
    if (f.len > 14 && (v >> 8) & 1) f.b[14] = (v >> 9) & 1 ? 0x45 : 0x60;
    if (f.len > 13 && (v >> 10) & 1) { f.b[12] = 8; f.b[13] = 0; }
    (void)hashof(&f, (v >> 11) & 1 ? LT_ETHERNET : LT_RAW);
  }
}

/*
** The shortcut's every condition, on the edge: frames one byte away from
** the plain Ethernet/IPv4/ports frame (the type, the version and header
** length, the fragment bits, the protocol, the length), each hashed both
** ways by hashof.
*/
static void test_frame_shortcut (void **state) {
  static const unsigned char types[][2] = {{8, 0}, {8, 6}, {0x86, 0xdd},
                                           {0x81, 0}, {0, 8}};
  static const unsigned char vihl[] = {0x45, 0x46, 0x44, 0x55, 0x65, 0x4f};
  static const unsigned frags[] = {0, 0x4000, 0x8000, 0x2000, 0x0001,
                                   0x1fff, 0x6000};
  static const int protos[] = {6, 17, 132, 33, 136, 1, 51, 44, 0};
  Frame f;
  size_t t, v, g, q, len;
  uint32_t plain;
  (void)state;
  for (t = 0; t < sizeof(types) / sizeof(types[0]); t++)
    for (v = 0; v < sizeof(vihl); v++)
      for (g = 0; g < sizeof(frags) / sizeof(frags[0]); g++)
        for (q = 0; q < sizeof(protos) / sizeof(protos[0]); q++) {
          ipv4(&f, 0xc0a80102, 0x0a000001, protos[q], frags[g]);
          ports(&f, 53, 40000, 40);
          f.b[12] = types[t][0];
          f.b[13] = types[t][1];
          f.b[14] = vihl[v];
          for (len = 30; len <= 42; len++) {
            Frame cut = f;
            cut.len = len;
            (void)hashof(&cut, LT_ETHERNET);
          }
          (void)hashof(&f, LT_ETHERNET);
        }
  /* equal addresses: the ports decide the order, both ways round */
  ipv4(&f, 0x0a000001, 0x0a000001, 17, 0);
  ports(&f, 5353, 53, 8);
  plain = hashof(&f, LT_ETHERNET);
  ipv4(&f, 0x0a000001, 0x0a000001, 17, 0);
  ports(&f, 53, 5353, 8);
  assert_int_equal(hashof(&f, LT_ETHERNET), plain);
}

int main (void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_symmetric),
    cmocka_unit_test(test_fragments),
    cmocka_unit_test(test_not_ip),
    cmocka_unit_test(test_link_independent),
    cmocka_unit_test(test_cut),
    cmocka_unit_test(test_known_values),
    cmocka_unit_test(test_distribution),
    cmocka_unit_test(test_share),
    cmocka_unit_test(test_bounds),
    cmocka_unit_test(test_frame_shortcut),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
