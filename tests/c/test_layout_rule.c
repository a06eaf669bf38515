/*
** test_layout_rule.c - raw bit access (lay_getbits, lay_putbits) against a
** slow bit-by-bit reference of DESIGN.md's placement rule
** (layout_testlib.c), and against hand-worked vectors.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lay.h"
#include "layout_testlib.h"

/* ---- raw bit access: every width 1..64 at offsets 0..23, both orders ---- */
static void test_bits_vs_reference (void **state) {
  unsigned char a[16], b[16];
  size_t o, w;
  int big, rep;
  (void)state;
  for (big = 0; big <= 1; big++)
    for (w = 1; w <= 64; w++)
      for (o = 0; o < 24; o++)
        for (rep = 0; rep < 4; rep++) {
          uint64_t v = rnd() & maskw(w);
          if (rep == 1) v = maskw(w);  /* all ones */
          if (rep == 2) v = 0;
          fillrnd(a, sizeof a);
          memcpy(b, a, sizeof a);
          assert_true(lay_getbits(a, o, w, big) == refget(a, o, w, big));
          lay_putbits(a, o, w, big, v);
          refput(b, o, w, big, v);
          assert_memory_equal(a, b, sizeof a);  /* neighbours untouched */
          assert_true(lay_getbits(a, o, w, big) == v);
        }
}

/* values written are masked to the field; extra bits never leak out */
static void test_bits_extra_value_bits (void **state) {
  unsigned char a[4] = {0, 0, 0, 0};
  (void)state;
  lay_putbits(a, 3, 4, 1, 0xff);
  assert_int_equal(a[0], 0x1e);
  assert_int_equal(a[1], 0);
}

/* hand-worked vectors, independent of both implementations above */
static void test_bits_hand_vectors (void **state) {
  unsigned char ip[4] = {0x45, 0xb8, 0x40, 0x01};
  unsigned char le[2] = {0xab, 0xcd};
  unsigned char nine[9] = {0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                           0xe0};
  unsigned char x[9];
  (void)state;
  assert_int_equal(lay_getbits(ip, 0, 4, 1), 4);        /* version */
  assert_int_equal(lay_getbits(ip, 4, 4, 1), 5);        /* ihl */
  assert_int_equal(lay_getbits(ip, 8, 6, 1), 0x2e);     /* dscp EF */
  assert_int_equal(lay_getbits(ip, 14, 2, 1), 0);       /* ecn */
  assert_int_equal(lay_getbits(ip, 17, 1, 1), 1);       /* DF */
  assert_int_equal(lay_getbits(ip, 19, 13, 1), 1);      /* frag offset */
  /* little: 0xcdab >> 4, 12 bits */
  assert_int_equal(lay_getbits(le, 4, 12, 0), 0xcda);
  assert_int_equal(lay_getbits(le, 0, 4, 0), 0xb);
  /* big 64-bit field at bit 3 spans 9 bytes: bits 3..66 are all ones */
  assert_true(lay_getbits(nine, 3, 64, 1) == ~(uint64_t)0);
  memset(x, 0, sizeof x);
  lay_putbits(x, 3, 64, 1, ~(uint64_t)0);
  assert_memory_equal(x, nine, 9);
  /* little 64-bit at bit 5: byte 0 holds value bits 0..2 in its top bits */
  memset(x, 0, sizeof x);
  lay_putbits(x, 5, 64, 0, 0x8000000000000001u);
  assert_int_equal(x[0], 0x20);
  assert_int_equal(x[8], 0x10);  /* value bit 63 -> byte 8 bit 4 */
  assert_int_equal(x[4], 0);
}

int main (void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_bits_vs_reference),
    cmocka_unit_test(test_bits_extra_value_bits),
    cmocka_unit_test(test_bits_hand_vectors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
