/*
** test_layout_access.c - checked access through a compiled struct: values
** against the bit-by-bit reference at a non-zero position, strings and
** struct copies, bounds, overflow, booleans and padding, and checksum
** fields kept right by every write.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lay.h"
#include "cksum.h"
#include "layout_testlib.h"

/* ---- checked access ---- */

/* A struct mixing everything: writes through lay_set land exactly where the
** reference puts them, at a buffer position that is not 0. */
static void test_mixed_struct (void **state) {
  lay_Field f[NF];
  lay_Struct S;
  unsigned char a[32], b[32];
  int i, rep;
  int nbig = lay_hostbig();
  (void)state;
  lay_init(&S, f, NF);
  lay_add(&S, "b12", LAY_NUMBER, 12, 0, LAY_BIG);
  lay_add(&S, "l12", LAY_NUMBER, 12, 0, LAY_LITTLE);
  lay_add(&S, "n7", LAY_NUMBER, 7, 0, LAY_NATIVE);
  lay_add(&S, "flag", LAY_BOOLEAN, 1, 0, LAY_BIG);
  lay_add(&S, NULL, LAY_NUMBER, 3, 0, LAY_BIG);          /* padding */
  lay_open(&S, "in", 0, 0);
  lay_add(&S, "l33", LAY_NUMBER, 33, 0, LAY_LITTLE);
  lay_add(&S, "b64", LAY_NUMBER, 64, 0, LAY_BIG);
  lay_close(&S);
  lay_add(&S, "n16", LAY_NUMBER, 2, 1, LAY_NATIVE);
  lay_add(&S, "s", LAY_STRING, 3, 1, LAY_BIG);
  assert_int_equal(lay_finish(&S), LAY_OK);
  assert_int_equal(S.bits, 35 + 97 + 4 + 16 + 24);
  for (rep = 0; rep < 200; rep++) {
    fillrnd(a, sizeof a);
    memcpy(b, a, sizeof a);
    for (i = 0; i < S.nfields; i++) {
      const lay_Field *fd = &f[i];
      uint64_t v, got;
      int big = i == 2 || i == 8 ? nbig : fd->big;
      if (fd->type != LAY_NUMBER && fd->type != LAY_BOOLEAN) continue;
      if (fd->key == NULL) continue;
      v = rnd() & maskw(fd->bits);
      assert_true(lay_get(&S, i, a, sizeof a, 5, &got) == LAY_OK);
      assert_true(got == refget(b + 5, fd->offset, fd->bits, big));
      assert_int_equal(lay_set(&S, i, a, sizeof a, 5, v, 1), LAY_OK);
      refput(b + 5, fd->offset, fd->bits, big, v);
      assert_memory_equal(a, b, sizeof a);
    }
    assert_int_equal(lay_setbytes(&S, 9, a, sizeof a, 5,
                                  (const unsigned char *)"xyz", 3, 1),
                     LAY_OK);
    memcpy(b + 5 + f[9].offset / 8, "xyz", 3);
    assert_memory_equal(a, b, sizeof a);
  }
}

static void test_strings_and_copies (void **state) {
  lay_Field f[NF];
  lay_Struct S;
  unsigned char m[24];
  const unsigned char *p;
  size_t n;
  int src, dst;
  (void)state;
  buildipv4(&S, f);
  assert_int_equal(lay_finish(&S), LAY_OK);
  src = findkey(&S, S.first, "source");
  dst = findkey(&S, S.first, "destination");
  memset(m, 0, sizeof m);
  m[14] = 192; m[15] = 168; m[16] = 0; m[17] = 10;
  assert_int_equal(lay_getbytes(&S, src, m, sizeof m, 2, &p, &n), LAY_OK);
  assert_int_equal(n, 4);
  assert_ptr_equal(p, m + 14);
  assert_int_equal(lay_setbytes(&S, dst, m, sizeof m, 2, p, n, 0), LAY_OK);
  assert_memory_equal(m + 18, "\xc0\xa8\x00\x0a", 4);
  assert_int_equal(lay_setbytes(&S, dst, m, sizeof m, 2, p, 3, 0),
                   LAY_ESIZE);
  assert_int_equal(lay_setbytes(&S, dst, m, sizeof m, 2, p, 5, 0),
                   LAY_ESIZE);
  assert_int_equal(lay_setbytes(&S, dst, m, 21, 2, p, 4, 0), LAY_EBOUNDS);
  assert_int_equal(lay_getbytes(&S, 0, m, sizeof m, 2, &p, &n), LAY_ETYPE);
  assert_int_equal(lay_setbytes(&S, 0, m, sizeof m, 2, p, 1, 0), LAY_ETYPE);
}

/* struct copies need byte-aligned, whole-byte structs */
static void test_copy_unsupported (void **state) {
  lay_Field f[8];
  lay_Struct S;
  unsigned char m[8] = {0};
  const unsigned char *p;
  size_t n;
  (void)state;
  lay_init(&S, f, 8);
  lay_add(&S, "x", LAY_NUMBER, 4, 0, LAY_BIG);
  lay_open(&S, "odd", 0, 0);              /* at bit 4 */
  lay_add(&S, "a", LAY_NUMBER, 1, 1, LAY_BIG);
  lay_close(&S);
  lay_open(&S, "part", 0, 0);             /* 12 bits */
  lay_add(&S, "a", LAY_NUMBER, 12, 0, LAY_BIG);
  lay_close(&S);
  assert_int_equal(lay_finish(&S), LAY_OK);
  assert_int_equal(lay_setbytes(&S, 1, m, 8, 0, m, 1, 0), LAY_EUNSUPPORTED);
  assert_int_equal(lay_getbytes(&S, 1, m, 8, 0, &p, &n), LAY_EUNSUPPORTED);
  assert_int_equal(lay_getbytes(&S, 3, m, 8, 0, &p, &n), LAY_EUNSUPPORTED);
  /* 12 bits is never n whole bytes */
  assert_int_equal(lay_setbytes(&S, 3, m, 8, 0, m, 2, 0), LAY_ESIZE);
}

/* struct assignment (lay_copy): the sizes first, then the source's
** alignment and bounds, then the destination's */
static void test_copy_checks (void **state) {
  lay_Field f[8], g[4];
  lay_Struct S, T;
  unsigned char m[8] = {1, 2, 3, 4, 5, 6, 7, 8}, t[3] = {9, 10, 11};
  (void)state;
  lay_init(&S, f, 8);
  lay_add(&S, "x", LAY_NUMBER, 4, 0, LAY_BIG);
  lay_open(&S, "odd", 0, 0);              /* field 1, at bit 4, 16 bits */
  lay_add(&S, "a", LAY_NUMBER, 2, 1, LAY_BIG);
  lay_close(&S);
  lay_open(&S, "two", 2, 1);              /* field 3, at byte 3, 16 bits */
  lay_add(&S, "a", LAY_NUMBER, 2, 1, LAY_BIG);
  lay_close(&S);
  assert_int_equal(lay_finish(&S), LAY_OK);
  lay_init(&T, g, 4);
  lay_add(&T, "w", LAY_NUMBER, 2, 1, LAY_BIG);
  assert_int_equal(lay_finish(&T), LAY_OK);
  /* T (16 bits) into "two" */
  assert_int_equal(lay_copy(&S, 3, m, 8, 0, &T, -1, t, 3, 1, 0), LAY_OK);
  assert_int_equal(m[3], 10);
  assert_int_equal(m[4], 11);
  /* T's bytes past its memory */
  assert_int_equal(lay_copy(&S, 3, m, 8, 0, &T, -1, t, 3, 2, 0), LAY_EBOUNDS);
  /* into "odd": not on a byte, though the same size */
  assert_int_equal(lay_copy(&S, 1, m, 8, 0, &T, -1, t, 3, 1, 0),
                   LAY_EUNSUPPORTED);
  /* ... from "odd" */
  assert_int_equal(lay_copy(&S, 3, m, 8, 0, &S, 1, m, 8, 0, 0),
                   LAY_EUNSUPPORTED);
  /* a number field is not a destination */
  assert_int_equal(lay_copy(&T, 0, t, 3, 0, &T, -1, t, 3, 0, 0), LAY_ETYPE);
  /* a size mismatch is reported first (S: 40 bits) */
  assert_int_equal(lay_copy(&S, 3, m, 8, 0, &S, -1, m, 8, 7, 0), LAY_ESIZE);
}

/* every position and memory length: an access succeeds exactly when the
** whole struct fits; nothing outside the memory is touched (ASan watches
** the exact-size heap blocks) */
static void test_bounds (void **state) {
  lay_Field f[8];
  lay_Struct S;
  size_t len, pos;
  int i;
  (void)state;
  lay_init(&S, f, 8);
  lay_add(&S, "a", LAY_NUMBER, 3, 0, LAY_BIG);
  lay_add(&S, "b", LAY_NUMBER, 13, 0, LAY_LITTLE);
  lay_add(&S, "s", LAY_STRING, 1, 1, LAY_BIG);
  lay_add(&S, "c", LAY_NUMBER, 2, 0, LAY_BIG);  /* struct: 26 bits, 4 bytes */
  assert_int_equal(lay_finish(&S), LAY_OK);
  for (len = 0; len <= 9; len++) {
    unsigned char *m = malloc(len ? len : 1);
    assert_non_null(m);
    memset(m, 0xa5, len);
    for (pos = 0; pos <= 12; pos++) {
      int fits = pos + 4 <= len;
      assert_int_equal(lay_check(&S, len, pos), fits ? LAY_OK : LAY_EBOUNDS);
      for (i = 0; i < S.nfields; i++) {
        uint64_t v = 0;
        const unsigned char *p;
        size_t n;
        int want = fits ? LAY_OK : LAY_EBOUNDS;
        if (f[i].type == LAY_STRING) {
          assert_int_equal(lay_getbytes(&S, i, m, len, pos, &p, &n), want);
          assert_int_equal(lay_setbytes(&S, i, m, len, pos,
                                        (const unsigned char *)"\xa5", 1, 1),
                           want);
        }
        else {
          assert_int_equal(lay_get(&S, i, m, len, pos, &v), want);
          assert_int_equal(lay_set(&S, i, m, len, pos, 1, 1), want);
        }
      }
    }
    free(m);
  }
  /* positions near SIZE_MAX must not wrap around */
  {
    unsigned char m[4] = {0};
    uint64_t v;
    assert_int_equal(lay_check(&S, 4, (size_t)-1), LAY_EBOUNDS);
    assert_int_equal(lay_get(&S, 0, m, 4, (size_t)-2, &v), LAY_EBOUNDS);
    assert_int_equal(lay_check(&S, (size_t)-1, (size_t)-3), LAY_EBOUNDS);
  }
}

static void test_overflow (void **state) {
  lay_Field f[8];
  lay_Struct S;
  unsigned char m[16] = {0};
  size_t w;
  (void)state;
  for (w = 1; w <= 64; w++) {
    lay_init(&S, f, 8);
    lay_add(&S, "x", LAY_NUMBER, 3, 0, LAY_BIG);
    lay_add(&S, "v", LAY_NUMBER, w, 0, LAY_BIG);
    assert_int_equal(lay_finish(&S), LAY_OK);
    memset(m, 0x5a, sizeof m);
    assert_int_equal(lay_set(&S, 1, m, sizeof m, 0, maskw(w), 0), LAY_OK);
    if (w < 64) {
      unsigned char before[16];
      memcpy(before, m, sizeof m);
      assert_int_equal(lay_set(&S, 1, m, sizeof m, 0, maskw(w) + 1, 0),
                       LAY_EOVERFLOW);
      assert_int_equal(lay_set(&S, 1, m, sizeof m, 0, ~(uint64_t)0, 0),
                       LAY_EOVERFLOW);
      assert_memory_equal(m, before, sizeof m);  /* nothing written */
    }
  }
}

static void test_booleans_and_padding (void **state) {
  lay_Field f[8];
  lay_Struct S;
  unsigned char m[3] = {0xff, 0xff, 0xff};
  uint64_t v;
  (void)state;
  lay_init(&S, f, 8);
  lay_add(&S, NULL, LAY_NUMBER, 5, 0, LAY_BIG);
  lay_add(&S, "f", LAY_BOOLEAN, 1, 0, LAY_BIG);
  lay_add(&S, "wide", LAY_BOOLEAN, 10, 0, LAY_LITTLE);
  assert_int_equal(lay_finish(&S), LAY_OK);
  assert_int_equal(lay_set(&S, 1, m, 3, 0, 0, 0), LAY_OK);
  assert_int_equal(m[0], 0xfb);     /* big bit 5 counts from the top */
  assert_int_equal(lay_get(&S, 1, m, 3, 0, &v), LAY_OK);
  assert_int_equal(v, 0);
  assert_int_equal(lay_set(&S, 2, m, 3, 0, 0, 0), LAY_OK);
  assert_int_equal(m[0], 0x3b);     /* little: bits 6..7 of byte 0 ... */
  assert_int_equal(m[1], 0x00);     /* ... and all of byte 1 */
  assert_int_equal(m[2], 0xff);
}

/* ---- checksum fields ---- */

/* stored checksum == what a full recompute (with the field zeroed) gives */
static uint16_t recompute (unsigned char *base, size_t size, size_t at) {
  unsigned char save[2] = {base[at], base[at + 1]};
  uint16_t ck;
  base[at] = base[at + 1] = 0;
  ck = cksum_inet(base, size);
  base[at] = save[0];
  base[at + 1] = save[1];
  return ck;
}

static void test_checksum_incremental (void **state) {
  lay_Field f[NF];
  lay_Struct S;
  unsigned char m[40], outside[40];
  int rep, ck, i, oddtail;
  (void)state;
  for (oddtail = 0; oddtail <= 1; oddtail++) {
    buildipv4(&S, f);
    if (oddtail) lay_add(&S, "tail", LAY_NUMBER, 5, 0, LAY_LITTLE);
    assert_int_equal(lay_finish(&S), LAY_OK);
    ck = findkey(&S, S.first, "checksum");
    assert_int_equal(lay_setchecksum(&S, ck), LAY_OK);
    fillrnd(m, sizeof m);
    memcpy(outside, m, sizeof m);
    {
      uint16_t c = recompute(m + 3, lay_bytes(S.bits), 10);
      m[13] = (unsigned char)(c >> 8);
      m[14] = (unsigned char)c;
    }
    for (rep = 0; rep < 5000; rep++) {
      uint64_t v;
      int k;
      do i = (int)(rnd() % (uint64_t)S.nfields);
      while (f[i].type == LAY_STRUCT || i == ck);
      v = rnd() & maskw(f[i].bits);
      assert_int_equal(lay_set(&S, i, m, sizeof m, 3, v, 1), LAY_OK);
      k = (int)lay_getbits(m + 3, f[ck].offset, 16, 1);
      assert_int_equal(k, recompute(m + 3, lay_bytes(S.bits), 10));
      if (rep % 7 == 0) {  /* struct copy, same memory */
        int src = findkey(&S, S.first, "source");
        int dst = findkey(&S, S.first, "destination");
        const unsigned char *p;
        size_t n;
        assert_int_equal(lay_getbytes(&S, src, m, sizeof m, 3, &p, &n), 0);
        assert_int_equal(lay_setbytes(&S, dst, m, sizeof m, 3, p, n, 1), 0);
        k = (int)lay_getbits(m + 3, f[ck].offset, 16, 1);
        assert_int_equal(k, recompute(m + 3, lay_bytes(S.bits), 10));
      }
    }
    /* bytes outside the struct never changed */
    assert_memory_equal(outside, m, 3);
    assert_memory_equal(outside + 3 + lay_bytes(S.bits),
                        m + 3 + lay_bytes(S.bits),
                        sizeof m - 3 - lay_bytes(S.bits));
    /* writing the checksum itself just stores; autock off leaves it */
    assert_int_equal(lay_set(&S, ck, m, sizeof m, 3, 0x1234, 1), LAY_OK);
    assert_int_equal(lay_getbits(m + 3, f[ck].offset, 16, 1), 0x1234);
    assert_int_equal(lay_set(&S, 10, m, sizeof m, 3, 77, 0), LAY_OK);
    assert_int_equal(lay_getbits(m + 3, f[ck].offset, 16, 1), 0x1234);
  }
}

/* A checksum at an odd byte straddles two words: after every write the
** whole struct still sums to 0xffff (cksum_inet gives 0). */
static void test_checksum_odd_offset (void **state) {
  lay_Field f[8];
  lay_Struct S;
  unsigned char m[16];
  int rep, i;
  (void)state;
  lay_init(&S, f, 8);
  lay_add(&S, "a", LAY_NUMBER, 1, 1, LAY_BIG);      /* byte 0 */
  lay_add(&S, "ck", LAY_NUMBER, 2, 1, LAY_LITTLE);  /* bytes 1-2 */
  lay_add(&S, "b", LAY_NUMBER, 13, 0, LAY_LITTLE);  /* bits 24..36 */
  lay_add(&S, "c", LAY_NUMBER, 7, 0, LAY_BIG);      /* bits 37..43 */
  lay_add(&S, "s", LAY_STRING, 3, 1, LAY_BIG);      /* bytes 6-8 */
  assert_int_equal(lay_finish(&S), LAY_OK);
  assert_int_equal(lay_setchecksum(&S, 1), LAY_OK);
  fillrnd(m, sizeof m);
  {  /* a valid start: the sum of the other words, complemented, swapped */
    uint16_t c = recompute(m + 1, S.size, 1);
    m[2] = (unsigned char)(c & 0xff);
    m[3] = (unsigned char)(c >> 8);
  }
  assert_int_equal(cksum_inet(m + 1, S.size), 0);
  for (rep = 0; rep < 3000; rep++) {
    i = (int)(rnd() % 5);
    if (i == 1) continue;
    if (i == 4) {
      unsigned char s3[3];
      fillrnd(s3, 3);
      assert_int_equal(lay_setbytes(&S, 4, m, sizeof m, 1, s3, 3, 1), 0);
    }
    else
      assert_int_equal(lay_set(&S, i, m, sizeof m, 1,
                               rnd() & maskw(f[i].bits), 1), LAY_OK);
    assert_int_equal(cksum_inet(m + 1, S.size), 0);
  }
}

int main (void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_mixed_struct),
    cmocka_unit_test(test_strings_and_copies),
    cmocka_unit_test(test_copy_unsupported),
    cmocka_unit_test(test_copy_checks),
    cmocka_unit_test(test_bounds),
    cmocka_unit_test(test_overflow),
    cmocka_unit_test(test_booleans_and_padding),
    cmocka_unit_test(test_checksum_incremental),
    cmocka_unit_test(test_checksum_odd_offset),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
