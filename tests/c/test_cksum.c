/*
** test_cksum.c - cksum.c against RFC 1071/1624 worked examples and against
** a slow word-by-word reference written straight from RFC 1071.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cksum.h"


/* RFC 1071 section 4.1 in its plainest form: 16-bit big-endian words,
** a 32-bit sum folded after every addition */
static uint16_t ref_sum (const unsigned char *p, size_t len) {
  uint32_t sum = 0;
  size_t i;
  for (i = 0; i + 1 < len; i += 2) {
    sum += ((uint32_t)p[i] << 8) | p[i + 1];
    sum = (sum & 0xffff) + (sum >> 16);
  }
  if (len & 1) {
    sum += (uint32_t)p[len - 1] << 8;
    sum = (sum & 0xffff) + (sum >> 16);
  }
  return (uint16_t)sum;
}

static uint16_t ref_inet (const unsigned char *p, size_t len) {
  return (uint16_t)~ref_sum(p, len);
}


/* deterministic PRNG (xorshift64*) so failures reproduce */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rng (void) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545f4914f6cdd1du;
}

static void fill (unsigned char *p, size_t len) {
  size_t i;
  for (i = 0; i < len; i++) p[i] = (unsigned char)(rng() >> 56);
}


/* RFC 1071 section 3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2 */
static void test_rfc1071_example (void **state) {
  static const unsigned char b[] = {0x00, 0x01, 0xf2, 0x03,
                                    0xf4, 0xf5, 0xf6, 0xf7};
  (void)state;
  assert_int_equal(cksum_inet(b, sizeof(b)), 0x220d);  /* ~0xddf2 */
  assert_int_equal(cksum_finish(cksum_add(0, b, sizeof(b))), 0x220d);
  /* the sum does not depend on where the bytes start (alignment) */
  {
    unsigned char buf[sizeof(b) + 7];
    size_t off;
    for (off = 0; off < 8; off++) {
      memcpy(buf + off, b, sizeof(b));
      assert_int_equal(cksum_inet(buf + off, sizeof(b)), 0x220d);
    }
  }
}


/* a well-known IPv4 header: stored b861 makes the whole header sum 0 */
static void test_ipv4_header (void **state) {
  unsigned char h[] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
                       0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01,
                       0xc0, 0xa8, 0x00, 0xc7};
  (void)state;
  assert_int_equal(cksum_inet(h, sizeof(h)), 0xb861);
  h[10] = 0xb8; h[11] = 0x61;
  assert_int_equal(cksum_inet(h, sizeof(h)), 0);
}


/* RFC 1624 section 4: HC = 0xdd2f, m = 0x5555 -> m' = 0x3285 gives
** HC' = 0x0000 (eqn. 3), where eqn. 2 would wrongly give 0xffff */
static void test_rfc1624_example (void **state) {
  (void)state;
  assert_int_equal(cksum_update16(0xdd2f, 0x5555, 0x3285), 0x0000);
  /* and back */
  assert_int_equal(cksum_update16(0x0000, 0x3285, 0x5555), 0xdd2f);
  /* a word unchanged keeps the checksum */
  assert_int_equal(cksum_update16(0x1234, 0xabcd, 0xabcd), 0x1234);
}


static void test_zero_and_odd (void **state) {
  static const unsigned char one[] = {0xab};
  static const unsigned char three[] = {0x12, 0x34, 0x56};
  (void)state;
  assert_int_equal(cksum_inet(one, 0), 0xffff);
  assert_int_equal(cksum_inet(NULL, 0), 0xffff);
  assert_int_equal(cksum_add(7, NULL, 0), 7);
  assert_int_equal(cksum_inet(one, 1), (uint16_t)~0xab00);
  assert_int_equal(cksum_inet(three, 3), (uint16_t)~(0x1234 + 0x5600));
  /* all-ones words: the sum is ones' complement zero (ffff), checksum 0 */
  {
    unsigned char ff[64];
    memset(ff, 0xff, sizeof(ff));
    assert_int_equal(cksum_inet(ff, sizeof(ff)), 0);
  }
}


/* every length 0..600 at every alignment 0..7 against the reference */
static void test_random_vs_reference (void **state) {
  unsigned char buf[608];
  size_t len, off;
  (void)state;
  for (len = 0; len <= 600; len++) {
    for (off = 0; off < 8; off++) {
      fill(buf, sizeof(buf));
      assert_int_equal(cksum_inet(buf + off, len), ref_inet(buf + off, len));
    }
  }
}


/* large sums that carry a lot: all 0xff bytes but the last */
static void test_large_carry (void **state) {
  size_t len = 1 << 20;
  unsigned char *buf = malloc(len + 1);
  (void)state;
  assert_non_null(buf);
  memset(buf, 0xff, len + 1);
  buf[len] = 0x01;
  assert_int_equal(cksum_inet(buf, len + 1), ref_inet(buf, len + 1));
  fill(buf, len + 1);
  assert_int_equal(cksum_inet(buf, len + 1), ref_inet(buf, len + 1));
  free(buf);
}


/* chaining even-length pieces equals one call; a huge starting sum is
** folded correctly (end-around carry out of bit 63) */
static void test_chaining (void **state) {
  unsigned char buf[301];
  int i;
  (void)state;
  for (i = 0; i < 200; i++) {
    size_t len = (size_t)(rng() % sizeof(buf));
    size_t cut = (size_t)(rng() % (len + 1)) & ~(size_t)1;
    uint64_t sum;
    fill(buf, sizeof(buf));
    sum = cksum_add(0, buf, cut);
    sum = cksum_add(sum, buf + cut, len - cut);
    assert_int_equal(cksum_finish(sum), ref_inet(buf, len));
  }
  /* 2^64 - 1 is 0 (mod 0xffff): it must not change the checksum */
  assert_int_equal(cksum_finish(cksum_add(UINT64_MAX, buf, 100)),
                   ref_inet(buf, 100));
  assert_int_equal(cksum_finish(UINT64_MAX), 0);  /* all ones: -0 */
}


static uint16_t get16 (const unsigned char *p) {
  return (uint16_t)((p[0] << 8) | p[1]);
}


/* random buffers with a stored checksum: change random words (16-bit, or
** 32-bit) and compare the incremental update with a full recompute; the
** buffer must still verify. Word 1 stays nonzero, as in any real header:
** for all-zero data eqn. 3 and a recompute pick different zeros. */
static void test_incremental_vs_full (void **state) {
  unsigned char buf[64];
  int i, step;
  (void)state;
  for (i = 0; i < 5000; i++) {
    size_t len = 6 + 2 * (size_t)(rng() % 29);  /* even, >= 6 */
    uint16_t ck;
    fill(buf, len);
    if (i % 5 == 0) memset(buf, 0, len);  /* sparse data: many carries */
    buf[0] = buf[1] = 0;   /* the checksum field */
    buf[2] = 0x45;         /* word 1: never zero, never changed */
    ck = cksum_inet(buf, len);
    buf[0] = (unsigned char)(ck >> 8); buf[1] = (unsigned char)ck;
    for (step = 0; step < 6; step++) {
      size_t w = 4 + 2 * (size_t)(rng() % ((len - 4) / 2));
      uint16_t full;
      if ((step & 1) && w + 4 <= len) {
        uint32_t oldv = ((uint32_t)get16(buf + w) << 16) | get16(buf + w + 2);
        uint32_t newv = (step == 5) ? 0 : (uint32_t)rng();
        ck = cksum_update32(ck, oldv, newv);
        buf[w] = (unsigned char)(newv >> 24);
        buf[w + 1] = (unsigned char)(newv >> 16);
        buf[w + 2] = (unsigned char)(newv >> 8);
        buf[w + 3] = (unsigned char)newv;
      }
      else {
        uint16_t oldw = get16(buf + w);
        uint16_t neww = (step == 4) ? 0 : (uint16_t)rng();
        ck = cksum_update16(ck, oldw, neww);
        buf[w] = (unsigned char)(neww >> 8); buf[w + 1] = (unsigned char)neww;
      }
      buf[0] = buf[1] = 0;
      full = cksum_inet(buf, len);
      assert_int_equal(ck, full);
      buf[0] = (unsigned char)(ck >> 8); buf[1] = (unsigned char)ck;
      assert_int_equal(ref_sum(buf, len), 0xffff);  /* it verifies */
    }
  }
}


int main (void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_rfc1071_example),
    cmocka_unit_test(test_ipv4_header),
    cmocka_unit_test(test_rfc1624_example),
    cmocka_unit_test(test_zero_and_odd),
    cmocka_unit_test(test_random_vs_reference),
    cmocka_unit_test(test_large_carry),
    cmocka_unit_test(test_chaining),
    cmocka_unit_test(test_incremental_vs_full),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
