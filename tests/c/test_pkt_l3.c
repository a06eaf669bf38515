/*
** test_pkt_l3.c - the daemon's network-header finder: known offsets for
** every link type, and no read past caplen for any prefix of a frame or
** for random bytes (each buffer is allocated at its exact length, so ASan
** catches an overread).
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "layers.h"

/* l3 of exactly these bytes, from a buffer of exactly that size */
static long l3of (int linktype, const unsigned char *p, size_t len) {
  unsigned char *copy = malloc(len ? len : 1);
  long r;
  assert_non_null(copy);
  if (len) memcpy(copy, p, len);
  r = pkt_l3(linktype, copy, len);
  free(copy);
  return r;
}

/* the full frame gives `want`; every prefix gives -1 or an offset inside */
static void expect (int linktype, const unsigned char *p, size_t len,
                    long want) {
  size_t cut;
  assert_int_equal(l3of(linktype, p, len), want);
  for (cut = 0; cut < len; cut++) {
    long r = l3of(linktype, p, cut);
    assert_true(r == -1 || (r >= 0 && (size_t)r < cut));
    if (want >= 0 && cut > (size_t)want) assert_int_equal(r, want);
    if (want >= 0 && cut <= (size_t)want) assert_int_equal(r, -1);
  }
}

static unsigned char frame[128];

static size_t ether (const unsigned tags[], int ntags, unsigned type) {
  size_t off = 12;
  int i;
  memset(frame, 0x11, sizeof(frame));
  for (i = 0; i < ntags; i++) {
    frame[off] = (unsigned char)(tags[i] >> 8);
    frame[off + 1] = (unsigned char)tags[i];
    off += 4;
  }
  frame[off] = (unsigned char)(type >> 8);
  frame[off + 1] = (unsigned char)type;
  frame[off + 2] = 0x45;
  return off + 2;
}

static void test_ethernet (void **state) {
  static const unsigned none[1] = {0};
  static const unsigned one[] = {0x8100};
  static const unsigned two[] = {0x88a8, 0x8100};
  static const unsigned three[] = {0x9100, 0x88a8, 0x8100};
  (void)state;
  expect(1, frame, 60, (long)ether(none, 0, 0x0800));
  expect(1, frame, 60, (long)ether(none, 0, 0x86dd));
  expect(1, frame, 60, (long)ether(one, 1, 0x0800));
  expect(1, frame, 60, (long)ether(two, 2, 0x86dd));
  expect(1, frame, 60, (long)ether(three, 3, 0x0800));
  ether(none, 0, 0x0806);  /* ARP */
  expect(1, frame, 60, -1);
  ether(one, 1, 0x8847);   /* MPLS behind a tag, a label of 0x11s */
  expect(1, frame, 60, -1);  /* ... whose payload's nibble is 1: not IP */
}

/* MPLS label stacks (IPv4/IPv6 guessed from the nibble after the bottom
** of the stack) and PPPoE sessions, behind Ethernet and its tags */
static void test_mpls_pppoe (void **state) {
  static const unsigned none[1] = {0};
  static const unsigned one[] = {0x8100};
  size_t off;
  (void)state;
  off = ether(none, 0, 0x8847);                /* one label, bottom */
  frame[off + 2] = 0x01; frame[off + 4] = 0x45;
  expect(1, frame, 60, (long)off + 4);
  frame[off + 4] = 0x60;
  expect(1, frame, 60, (long)off + 4);
  frame[off + 4] = 0x00;                       /* a pseudowire control word */
  expect(1, frame, 60, -1);
  off = ether(one, 1, 0x8848);                 /* three labels, tagged */
  frame[off + 2] = 0x00; frame[off + 6] = 0x00; frame[off + 10] = 0x01;
  frame[off + 12] = 0x45;
  expect(1, frame, 60, (long)off + 12);
  off = ether(none, 0, 0x8864);                /* PPPoE, PPP IPv4 */
  frame[off] = 0x11; frame[off + 1] = 0; frame[off + 6] = 0x00;
  frame[off + 7] = 0x21; frame[off + 8] = 0x45;
  expect(1, frame, 60, (long)off + 8);
  frame[off + 7] = 0x57;                       /* PPP IPv6 */
  expect(1, frame, 60, (long)off + 8);
  frame[off + 6] = 0x02; frame[off + 7] = 0x81; /* PPP MPLS */
  frame[off + 10] = 0x01; frame[off + 12] = 0x45;
  expect(1, frame, 60, (long)off + 12);
  frame[off + 1] = 0x09;                       /* a discovery packet (PADI) */
  expect(1, frame, 60, -1);
  off = ether(one, 1, 0x8864);
  frame[off] = 0x11; frame[off + 1] = 0; frame[off + 6] = 0x00;
  frame[off + 7] = 0x21;
  expect(1, frame, 60, (long)off + 8);
  frame[off + 7] = 0x23;                       /* a PPP protocol not IP */
  expect(1, frame, 60, -1);
}

/* LINKTYPE_PPP (9), PPP_HDLC (50), C_HDLC (104) */
static void test_ppp_hdlc (void **state) {
  (void)state;
  memset(frame, 0, sizeof(frame));
  frame[0] = 0xff; frame[1] = 0x03; frame[2] = 0x00; frame[3] = 0x21;
  frame[4] = 0x45;
  expect(9, frame, 40, 4);
  expect(50, frame, 40, 4);
  frame[0] = 0x00; frame[1] = 0x57; frame[2] = 0x60;  /* no address/control */
  expect(9, frame, 40, 2);
  frame[0] = 0x21; frame[1] = 0x45;                    /* compressed protocol */
  expect(9, frame, 40, 1);
  frame[0] = 0xff; frame[1] = 0x03; frame[2] = 0x02; frame[3] = 0x81;
  frame[4] = 0; frame[5] = 0x01; frame[6] = 0x01; frame[7] = 64;
  frame[8] = 0x60;                                     /* MPLS over PPP */
  expect(9, frame, 40, 8);
  frame[2] = 0xc0; frame[3] = 0x21;                    /* LCP */
  expect(9, frame, 40, -1);
  memset(frame, 0, sizeof(frame));
  frame[0] = 0x0f; frame[2] = 0x08; frame[3] = 0x00; frame[4] = 0x45;
  expect(104, frame, 40, 4);
  expect(50, frame, 40, 4);
  frame[0] = 0x8f; frame[2] = 0x86; frame[3] = 0xdd; frame[4] = 0x60;
  expect(104, frame, 40, 4);
  frame[2] = 0x88; frame[3] = 0x47; frame[6] = 0x01; frame[8] = 0x45;
  expect(104, frame, 40, 8);
  frame[2] = 0x80; frame[3] = 0x35;                    /* SLARP */
  expect(104, frame, 40, -1);
}

/* pkt_l4 of exactly these bytes (l3 0), from a buffer of that size */
static pkt_L4 l4of (const unsigned char *p, size_t len) {
  unsigned char *copy = malloc(len ? len : 1);
  pkt_L4 r;
  assert_non_null(copy);
  if (len) memcpy(copy, p, len);
  pkt_l4(copy, len, 0, &r);
  free(copy);
  return r;
}

/* the whole packet gives off/proto/frag; a prefix cut before off gives no
** l4, one cut after it the same l4; none reads past its end */
static void expect4 (const unsigned char *p, size_t len, long off,
                     int proto, int frag) {
  pkt_L4 r = l4of(p, len);
  size_t cut;
  assert_int_equal(r.off, off);
  assert_int_equal(r.proto, proto);
  assert_int_equal(r.frag, frag);
  for (cut = 0; cut < len; cut++) {
    r = l4of(p, cut);
    assert_true(r.off == -1 || (r.off > 0 && (size_t)r.off < cut));
    if (off >= 0 && cut > (size_t)off) assert_int_equal(r.off, off);
    if (off >= 0 && cut <= (size_t)off) assert_int_equal(r.off, -1);
  }
}

static void test_l4 (void **state) {
  unsigned char *p = frame;
  (void)state;
  memset(frame, 0, sizeof(frame));
  p[0] = 0x45; p[9] = 6;                          /* IPv4 TCP */
  expect4(p, 60, 20, 6, PKT_FRAG_NONE);
  p[0] = 0x47; p[9] = 17;                         /* 8 bytes of options */
  expect4(p, 60, 28, 17, PKT_FRAG_NONE);
  p[6] = 0x20;                                    /* MF: a first fragment */
  expect4(p, 60, 28, 17, PKT_FRAG_FIRST);
  p[6] = 0x00; p[7] = 0x10;                       /* offset 128: later */
  expect4(p, 60, -1, 17, PKT_FRAG_LATER);
  p[7] = 0; p[0] = 0x44;                          /* IHL 4: not a header */
  expect4(p, 60, -1, -1, PKT_FRAG_UNKNOWN);
  p[0] = 0x45; p[9] = 51;                         /* AH (16 bytes), ICMP */
  p[20] = 1; p[21] = 2;
  expect4(p, 60, 36, 1, PKT_FRAG_NONE);
  p[0] = 0x35;                                    /* version 3 */
  expect4(p, 60, -1, -1, PKT_FRAG_UNKNOWN);
  memset(frame, 0, sizeof(frame));
  p[0] = 0x60; p[6] = 0;                          /* IPv6: hop-by-hop, */
  p[40] = 43; p[41] = 0;                          /* routing (16 bytes), */
  p[48] = 60; p[49] = 1;                          /* destination options, */
  p[64] = 51; p[65] = 0;                          /* AH (8 bytes), */
  p[72] = 44;                                     /* fragment (first), */
  p[80] = 17; p[83] = 1;                          /* UDP */
  expect4(p, 120, 88, 17, PKT_FRAG_FIRST);
  p[83] = 0;                                      /* atomic: whole */
  expect4(p, 120, 88, 17, PKT_FRAG_NONE);
  p[82] = 0x01;                                   /* offset 32: later */
  expect4(p, 120, -1, 17, PKT_FRAG_LATER);
  p[72] = 59;                                     /* No Next Header */
  expect4(p, 120, -1, -1, PKT_FRAG_NONE);
  p[6] = 58;                                      /* ICMPv6 right away */
  expect4(p, 120, 40, 58, PKT_FRAG_NONE);
  p[6] = 0; p[72] = 6;                            /* TCP, nothing after */
  expect4(p, 80, -1, 6, PKT_FRAG_NONE);
}


static void test_cooked (void **state) {
  (void)state;
  memset(frame, 0, sizeof(frame));
  frame[14] = 0x08; frame[15] = 0x00; frame[16] = 0x45;       /* SLL IPv4 */
  expect(113, frame, 40, 16);
  frame[14] = 0x81; frame[15] = 0x00; frame[18] = 0x86; frame[19] = 0xdd;
  expect(113, frame, 40, 20);                                 /* SLL + tag */
  memset(frame, 0, sizeof(frame));
  frame[0] = 0x86; frame[1] = 0xdd;                           /* SLL2 IPv6 */
  expect(276, frame, 60, 20);
  frame[0] = 0x08; frame[1] = 0x06;                           /* SLL2 ARP */
  expect(276, frame, 60, -1);
  frame[0] = 0x81; frame[1] = 0x00; frame[22] = 0x08; frame[23] = 0x00;
  expect(276, frame, 60, 24);                                 /* SLL2 + tag */
}

static void test_raw_and_loopback (void **state) {
  static const uint32_t afs[] = {2, 24, 28, 30};
  size_t i;
  (void)state;
  memset(frame, 0, sizeof(frame));
  frame[0] = 0x45;
  expect(101, frame, 20, 0);
  expect(228, frame, 20, 0);
  frame[0] = 0x60;
  expect(101, frame, 40, 0);
  expect(229, frame, 40, 0);
  frame[0] = 0x12;                   /* neither version */
  expect(101, frame, 20, -1);
  for (i = 0; i < sizeof(afs) / sizeof(afs[0]); i++) {
    memset(frame, 0, 8);             /* host (little-endian) order ... */
    frame[0] = (unsigned char)afs[i];
    expect(0, frame, 40, 4);
    expect(108, frame, 40, 4);
    memset(frame, 0, 8);             /* ... and network order */
    frame[3] = (unsigned char)afs[i];
    expect(0, frame, 40, 4);
    expect(108, frame, 40, 4);
  }
  memset(frame, 0, 8);
  frame[0] = 7;                      /* not an IP family */
  expect(0, frame, 40, -1);
  expect(147, frame, 40, -1);        /* a link type we do not know */
}

/* random bytes of random lengths, every link type: in bounds or -1; the
** l4 and tunnel walks behind whatever IP header was found, too */
/* l4 and every tunnel inside from l3, on a copy of exactly len bytes */
static void walk (const unsigned char *p, size_t len, long l3) {
  unsigned char *copy = malloc(len ? len : 1);
  int depth, kind;
  assert_non_null(copy);
  if (len) memcpy(copy, p, len);
  for (depth = 0; depth < 8 && l3 >= 0; depth++) {
    pkt_L4 r;
    long in;
    pkt_l4(copy, len, l3, &r);
    assert_true(r.off == -1 || (r.off > l3 && (size_t)r.off < len));
    in = pkt_inner(copy, len, &r, &kind);
    assert_true(in == -1 || (in >= r.off && (size_t)in < len));
    assert_true((in == -1) == (kind == PKT_TUN_NONE));
    l3 = in;
  }
  free(copy);
}

static void test_random (void **state) {
  static const int types[] = {0, 1, 9, 50, 101, 104, 108, 113, 228, 229,
                              276};
  uint64_t x = 0x2545f4914f6cdd1dull;
  unsigned char buf[64];
  int n, t;
  (void)state;
  for (n = 0; n < 20000; n++) {
    size_t len, i;
    x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
    len = (size_t)(x % sizeof(buf));
    for (i = 0; i < len; i++) {
      x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
      /* bias towards the type values that lead deeper */
      buf[i] = (unsigned char)((x & 7) == 0 ? 0x81 : (x & 7) == 1 ? 0x00
                               : (x >> 8));
    }
    for (t = 0; t < (int)(sizeof(types) / sizeof(types[0])); t++) {
      long r = l3of(types[t], buf, len);
      assert_true(r == -1 || (r >= 0 && (size_t)r < len));
      walk(buf, len, r);
    }
  }
}

static void test_linktype (void **state) {
  (void)state;
  assert_int_equal(pkt_linktype(DLT_EN10MB), 1);
  assert_int_equal(pkt_linktype(DLT_RAW), 101);
  assert_int_equal(pkt_linktype(DLT_LINUX_SLL), 113);
  assert_int_equal(pkt_linktype(DLT_NULL), 0);
}

int main (void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_ethernet),
    cmocka_unit_test(test_mpls_pppoe),
    cmocka_unit_test(test_ppp_hdlc),
    cmocka_unit_test(test_l4),
    cmocka_unit_test(test_cooked),
    cmocka_unit_test(test_raw_and_loopback),
    cmocka_unit_test(test_random),
    cmocka_unit_test(test_linktype),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
