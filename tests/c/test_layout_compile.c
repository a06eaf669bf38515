/*
** test_layout_compile.c - compiling structs: offsets and sizes (IPv4,
** nested structs at odd bits, declared sizes, padding), every compile
** error and its reason, and which fields can hold a checksum.
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

static void test_compile_ipv4 (void **state) {
  lay_Field f[NF];
  lay_Struct S;
  static const struct { const char *k; size_t off, bits; } want[] = {
    {"version", 0, 4}, {"ihl", 4, 4}, {"dscp", 8, 6}, {"ecn", 14, 2},
    {"totallength", 16, 16}, {"ident", 32, 16}, {"flagnull", 48, 1},
    {"flagdf", 49, 1}, {"flagmf", 50, 1}, {"fragoffset", 51, 13},
    {"timetolive", 64, 8}, {"protocol", 72, 8}, {"checksum", 80, 16},
    {"source", 96, 32}, {"destination", 128, 32}};
  size_t i;
  int src;
  (void)state;
  buildipv4(&S, f);
  assert_int_equal(lay_finish(&S), LAY_OK);
  assert_int_equal(S.bits, 160);
  for (i = 0; i < sizeof want / sizeof want[0]; i++) {
    int k = findkey(&S, S.first, want[i].k);
    assert_true(k >= 0);
    assert_int_equal(S.fields[k].offset, want[i].off);
    assert_int_equal(S.fields[k].bits, want[i].bits);
  }
  src = findkey(&S, S.first, "source");
  assert_int_equal(S.fields[findkey(&S, S.fields[src].first, "c")].offset,
                   112);
  assert_int_equal(lay_setchecksum(&S, findkey(&S, S.first, "checksum")),
                   LAY_OK);
}

/* bytes fields align to the struct they are in, not to the buffer, so a
** nested struct looks the same wherever it starts */
static void test_compile_nested_odd (void **state) {
  lay_Field f[NF];
  lay_Struct S;
  (void)state;
  lay_init(&S, f, NF);
  lay_add(&S, "x", LAY_NUMBER, 3, 0, LAY_BIG);         /* 0..2 */
  lay_open(&S, "in", 0, 0);                             /* starts at 3 */
  lay_add(&S, "a", LAY_NUMBER, 5, 0, LAY_LITTLE);      /* 3..7 */
  lay_add(&S, "b", LAY_NUMBER, 1, 1, LAY_BIG);         /* 11..18 */
  lay_open(&S, "deep", 0, 0);                           /* 19 */
  lay_add(&S, NULL, LAY_NUMBER, 2, 0, LAY_BIG);        /* padding 19..20 */
  lay_add(&S, "c", LAY_NUMBER, 9, 0, LAY_LITTLE);      /* 21..29 */
  lay_close(&S);
  lay_close(&S);
  lay_add(&S, "y", LAY_NUMBER, 1, 1, LAY_BIG);         /* aligned: 32 */
  assert_int_equal(lay_finish(&S), LAY_OK);
  assert_int_equal(f[1].offset, 3);
  assert_int_equal(f[2].offset, 3);
  assert_int_equal(f[3].offset, 11);
  assert_int_equal(f[4].offset, 19);
  assert_int_equal(f[5].key == NULL, 1);
  assert_int_equal(f[6].offset, 21);
  assert_int_equal(f[4].bits, 11);
  assert_int_equal(f[1].bits, 27);
  assert_int_equal(f[7].offset, 32);
  assert_int_equal(S.bits, 40);
  assert_int_equal(f[2].parent, 1);
  assert_int_equal(f[6].parent, 4);
  assert_int_equal(f[1].first, 2);
  assert_int_equal(f[4].next, -1);
}

/* a declared struct size pads it; bytes= aligns it first */
static void test_compile_declared_size (void **state) {
  lay_Field f[NF];
  lay_Struct S;
  (void)state;
  lay_init(&S, f, NF);
  lay_add(&S, "x", LAY_BOOLEAN, 1, 0, LAY_BIG);
  lay_open(&S, "s", 2, 1);
  lay_add(&S, "a", LAY_NUMBER, 3, 0, LAY_BIG);
  lay_close(&S);
  lay_add(&S, "y", LAY_NUMBER, 1, 0, LAY_BIG);
  assert_int_equal(lay_finish(&S), LAY_OK);
  assert_int_equal(f[1].offset, 8);
  assert_int_equal(f[1].bits, 16);
  assert_int_equal(f[3].offset, 24);
  assert_int_equal(S.bits, 25);
}

static int compile1 (int type, size_t size, int inbytes, int endian) {
  lay_Field f[4];
  lay_Struct S;
  lay_init(&S, f, 4);
  lay_add(&S, "k", type, size, inbytes, endian);
  return lay_finish(&S);
}

static void test_compile_errors (void **state) {
  lay_Field f[4];
  lay_Struct S;
  (void)state;
  assert_int_equal(compile1(LAY_NUMBER, 64, 0, LAY_BIG), LAY_OK);
  assert_int_equal(compile1(LAY_NUMBER, 8, 1, LAY_BIG), LAY_OK);
  assert_int_equal(compile1(LAY_NUMBER, 65, 0, LAY_BIG), LAY_ETYPE);
  assert_int_equal(compile1(LAY_NUMBER, 9, 1, LAY_BIG), LAY_ETYPE);
  assert_int_equal(compile1(LAY_BOOLEAN, 65, 0, LAY_BIG), LAY_ETYPE);
  assert_int_equal(compile1(LAY_NUMBER, 0, 0, LAY_BIG), LAY_ETYPE);
  assert_int_equal(compile1(LAY_STRING, 12, 0, LAY_BIG), LAY_ETYPE);
  assert_int_equal(compile1(LAY_STRING, 16, 0, LAY_BIG), LAY_OK);
  assert_int_equal(compile1(LAY_NUMBER, 8, 0, 7), LAY_ETYPE);
  assert_int_equal(compile1(LAY_NUMBER, 8, 0, -1), LAY_ETYPE);
  assert_int_equal(compile1(LAY_STRUCT, 8, 0, LAY_BIG), LAY_ETYPE);
  assert_int_equal(compile1(42, 8, 0, LAY_BIG), LAY_ETYPE);
  assert_int_equal(compile1(LAY_STRING, (size_t)-1, 1, LAY_BIG), LAY_ETYPE);
  assert_int_equal(compile1(LAY_STRING, LAY_MAXBITS / 8 + 1, 1, LAY_BIG),
                   LAY_ETYPE);
  /* string off a byte boundary */
  lay_init(&S, f, 4);
  lay_add(&S, "b", LAY_BOOLEAN, 1, 0, LAY_BIG);
  lay_add(&S, "s", LAY_STRING, 8, 0, LAY_BIG);
  assert_int_equal(lay_finish(&S), LAY_ETYPE);
  /* ... also through a nested struct at an odd bit */
  lay_init(&S, f, 4);
  lay_add(&S, "b", LAY_BOOLEAN, 1, 0, LAY_BIG);
  lay_open(&S, "in", 0, 0);
  lay_add(&S, "s", LAY_STRING, 1, 1, LAY_BIG);
  lay_close(&S);
  assert_int_equal(lay_finish(&S), LAY_ETYPE);
  /* total size past LAY_MAXBITS */
  lay_init(&S, f, 4);
  lay_add(&S, "s", LAY_STRING, LAY_MAXBITS / 8, 1, LAY_BIG);
  lay_add(&S, "t", LAY_STRING, 1, 1, LAY_BIG);
  assert_int_equal(lay_finish(&S), LAY_ETYPE);
  /* out of field records */
  lay_init(&S, f, 2);
  lay_add(&S, "a", LAY_NUMBER, 1, 0, LAY_BIG);
  lay_add(&S, "b", LAY_NUMBER, 1, 0, LAY_BIG);
  lay_add(&S, "c", LAY_NUMBER, 1, 0, LAY_BIG);
  assert_int_equal(lay_finish(&S), LAY_ETYPE);
  /* unbalanced structs */
  lay_init(&S, f, 4);
  assert_int_equal(lay_close(&S), LAY_ETYPE);
  lay_init(&S, f, 4);
  lay_open(&S, "s", 0, 0);
  assert_int_equal(lay_finish(&S), LAY_ETYPE);
  /* declared size smaller than the fields */
  lay_init(&S, f, 4);
  lay_open(&S, "s", 4, 0);
  lay_add(&S, "a", LAY_NUMBER, 5, 0, LAY_BIG);
  assert_int_equal(lay_close(&S), LAY_ETYPE);
  /* errors are sticky */
  lay_init(&S, f, 4);
  lay_add(&S, "a", LAY_NUMBER, 99, 0, LAY_BIG);
  assert_int_equal(lay_add(&S, "b", LAY_NUMBER, 1, 0, LAY_BIG), LAY_ETYPE);
  assert_int_equal(lay_finish(&S), LAY_ETYPE);
}

/* the reason of each compile error, in words (layout.struct reports it) */
static void test_compile_error_reasons (void **state) {
  lay_Field f[4];
  lay_Struct S;
  (void)state;
  lay_init(&S, f, 4);
  assert_null(S.why);
  lay_add(&S, "n", LAY_NUMBER, 9, 1, LAY_BIG);
  assert_int_equal(lay_finish(&S), LAY_ETYPE);
  assert_string_equal(S.why, "a number or boolean has at most 64 bits");
  lay_init(&S, f, 4);
  lay_add(&S, "n", LAY_NUMBER, 8, 0, 7);
  assert_string_equal(S.why, "unknown byte order");
  lay_init(&S, f, 4);
  lay_add(&S, "s", LAY_STRING, 12, 0, LAY_BIG);
  assert_string_equal(S.why, "a string is whole bytes");
  lay_init(&S, f, 4);
  lay_add(&S, "b", LAY_BOOLEAN, 1, 0, LAY_BIG);
  lay_add(&S, "s", LAY_STRING, 8, 0, LAY_BIG);
  assert_string_equal(S.why, "a string starts on a byte");
  lay_init(&S, f, 4);
  lay_open(&S, "s", 4, 0);
  lay_add(&S, "a", LAY_NUMBER, 5, 0, LAY_BIG);
  lay_close(&S);
  assert_string_equal(S.why, "its fields exceed the declared size");
  lay_init(&S, f, 1);
  lay_add(&S, "a", LAY_NUMBER, 1, 0, LAY_BIG);
  lay_add(&S, "b", LAY_NUMBER, 1, 0, LAY_BIG);  /* sticky: the first */
  lay_add(&S, "c", LAY_NUMBER, 99, 0, LAY_BIG);
  assert_string_equal(S.why, "too many fields");
}

static void test_checksum_field_errors (void **state) {
  lay_Field f[8];
  lay_Struct S;
  (void)state;
  lay_init(&S, f, 8);
  lay_add(&S, "a", LAY_NUMBER, 1, 1, LAY_BIG);     /* byte 0 */
  lay_add(&S, "odd", LAY_NUMBER, 2, 1, LAY_BIG);   /* bytes 1-2 */
  lay_add(&S, "b", LAY_NUMBER, 1, 0, LAY_BIG);     /* bit 24 */
  lay_add(&S, "w", LAY_NUMBER, 16, 0, LAY_BIG);    /* bits 25..40 */
  lay_add(&S, "s", LAY_STRING, 2, 1, LAY_BIG);
  lay_add(&S, "n32", LAY_NUMBER, 4, 1, LAY_BIG);
  lay_open(&S, "in", 0, 0);
  lay_add(&S, "ck", LAY_NUMBER, 2, 1, LAY_BIG);
  lay_close(&S);
  assert_int_equal(lay_finish(&S), LAY_OK);
  assert_int_equal(lay_setchecksum(&S, 0), LAY_ETYPE);   /* 8 bits */
  assert_int_equal(lay_setchecksum(&S, 3), LAY_ETYPE);   /* not on a byte */
  assert_int_equal(lay_setchecksum(&S, 4), LAY_ETYPE);   /* string */
  assert_int_equal(lay_setchecksum(&S, 5), LAY_ETYPE);   /* 32 bits */
  assert_int_equal(lay_setchecksum(&S, 7), LAY_ETYPE);   /* nested */
  assert_int_equal(lay_setchecksum(&S, 6), LAY_ETYPE);   /* a struct */
  assert_int_equal(lay_setchecksum(&S, 99), LAY_ETYPE);
  assert_int_equal(lay_setchecksum(&S, -1), LAY_ETYPE);
  assert_int_equal(S.cksum, -1);
  assert_int_equal(lay_setchecksum(&S, 1), LAY_OK);      /* an odd byte */
  assert_int_equal(S.cksum, 1);
}

int main (void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_compile_ipv4),
    cmocka_unit_test(test_compile_nested_odd),
    cmocka_unit_test(test_compile_declared_size),
    cmocka_unit_test(test_compile_errors),
    cmocka_unit_test(test_compile_error_reasons),
    cmocka_unit_test(test_checksum_field_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
