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

#include "pkt.h"

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
  ether(one, 1, 0x8847);   /* MPLS behind a tag: not IP here */
  expect(1, frame, 60, -1);
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

/* random bytes of random lengths, every link type: in bounds or -1 */
static void test_random (void **state) {
  static const int types[] = {0, 1, 101, 108, 113, 228, 229, 276};
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
    cmocka_unit_test(test_cooked),
    cmocka_unit_test(test_raw_and_loopback),
    cmocka_unit_test(test_random),
    cmocka_unit_test(test_linktype),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
