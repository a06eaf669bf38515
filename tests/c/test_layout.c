/*
** test_layout.c - the layout engine against a slow bit-by-bit reference of
** DESIGN.md's placement rule, plus compile errors, bounds and checksums.
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

/* ---- reference: the rule read literally, one bit at a time ----
** The n bytes from byte o/8 form an integer X; bit k of X (0 = least
** significant) is bit k%8 of byte k/8 (little) or byte n-1-k/8 (big).
** Field bit j is X bit j + shift. */
static void refpos (size_t o, size_t w, int big, size_t j, size_t *byte,
                    unsigned *bit) {
  size_t s = o % 8, n = (s + w + 7) / 8;
  size_t k = j + (big ? 8 * n - s - w : s);
  *byte = o / 8 + (big ? n - 1 - k / 8 : k / 8);
  *bit = (unsigned)(k % 8);
}

static uint64_t refget (const unsigned char *buf, size_t o, size_t w,
                        int big) {
  uint64_t v = 0;
  size_t j, byte;
  unsigned bit;
  for (j = 0; j < w; j++) {
    refpos(o, w, big, j, &byte, &bit);
    v |= (uint64_t)((buf[byte] >> bit) & 1) << j;
  }
  return v;
}

static void refput (unsigned char *buf, size_t o, size_t w, int big,
                    uint64_t v) {
  size_t j, byte;
  unsigned bit;
  for (j = 0; j < w; j++) {
    refpos(o, w, big, j, &byte, &bit);
    buf[byte] = (unsigned char)((buf[byte] & ~(1u << bit)) |
                                (((v >> j) & 1) << bit));
  }
}

/* xorshift: reproducible pseudo-random data */
static uint64_t rngstate = 0x9e3779b97f4a7c15u;
static uint64_t rnd (void) {
  rngstate ^= rngstate << 13;
  rngstate ^= rngstate >> 7;
  rngstate ^= rngstate << 17;
  return rngstate;
}

static void fillrnd (unsigned char *b, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) b[i] = (unsigned char)rnd();
}

static uint64_t maskw (size_t w) {
  return w == 64 ? ~(uint64_t)0 : (((uint64_t)1 << w) - 1);
}

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

/* ---- compiling ---- */
#define NF 64

/* a nested struct of four one-byte numbers a, b, c, d: an IPv4 address */
static void addr4 (lay_Struct *S, const char *key) {
  static const char *const bytes[] = {"a", "b", "c", "d"};
  int i;
  lay_open(S, key, 0, 0);
  for (i = 0; i < 4; i++) lay_add(S, bytes[i], LAY_NUMBER, 1, 1, LAY_NATIVE);
  lay_close(S);
}

/* the IPv4 header */
static void buildipv4 (lay_Struct *S, lay_Field *f) {
  lay_init(S, f, NF);
  lay_add(S, "version", LAY_NUMBER, 4, 0, LAY_BIG);
  lay_add(S, "ihl", LAY_NUMBER, 4, 0, LAY_BIG);
  lay_add(S, "dscp", LAY_NUMBER, 6, 0, LAY_BIG);
  lay_add(S, "ecn", LAY_NUMBER, 2, 0, LAY_BIG);
  lay_add(S, "totallength", LAY_NUMBER, 2, 1, LAY_BIG);
  lay_add(S, "ident", LAY_NUMBER, 2, 1, LAY_BIG);
  lay_add(S, "flagnull", LAY_BOOLEAN, 1, 0, LAY_BIG);
  lay_add(S, "flagdf", LAY_BOOLEAN, 1, 0, LAY_BIG);
  lay_add(S, "flagmf", LAY_BOOLEAN, 1, 0, LAY_BIG);
  lay_add(S, "fragoffset", LAY_NUMBER, 13, 0, LAY_BIG);
  lay_add(S, "timetolive", LAY_NUMBER, 1, 1, LAY_NATIVE);
  lay_add(S, "protocol", LAY_NUMBER, 1, 1, LAY_NATIVE);
  lay_add(S, "checksum", LAY_NUMBER, 2, 1, LAY_BIG);
  addr4(S, "source");
  addr4(S, "destination");
}

static int findkey (const lay_Struct *S, int from, const char *key) {
  int i;
  for (i = from; i >= 0; i = S->fields[i].next)
    if (S->fields[i].key && strcmp(S->fields[i].key, key) == 0) return i;
  return -1;
}

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
    cmocka_unit_test(test_bits_vs_reference),
    cmocka_unit_test(test_bits_extra_value_bits),
    cmocka_unit_test(test_bits_hand_vectors),
    cmocka_unit_test(test_compile_ipv4),
    cmocka_unit_test(test_compile_nested_odd),
    cmocka_unit_test(test_compile_declared_size),
    cmocka_unit_test(test_compile_errors),
    cmocka_unit_test(test_checksum_field_errors),
    cmocka_unit_test(test_mixed_struct),
    cmocka_unit_test(test_strings_and_copies),
    cmocka_unit_test(test_copy_unsupported),
    cmocka_unit_test(test_compile_error_reasons),
    cmocka_unit_test(test_copy_checks),
    cmocka_unit_test(test_bounds),
    cmocka_unit_test(test_overflow),
    cmocka_unit_test(test_booleans_and_padding),
    cmocka_unit_test(test_checksum_incremental),
    cmocka_unit_test(test_checksum_odd_offset),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
