/*
** layout_testlib.c - the layout tests' shared helpers (layout_testlib.h).
*/
#include <string.h>

#include "layout_testlib.h"

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

uint64_t refget (const unsigned char *buf, size_t o, size_t w, int big) {
  uint64_t v = 0;
  size_t j, byte;
  unsigned bit;
  for (j = 0; j < w; j++) {
    refpos(o, w, big, j, &byte, &bit);
    v |= (uint64_t)((buf[byte] >> bit) & 1) << j;
  }
  return v;
}

void refput (unsigned char *buf, size_t o, size_t w, int big, uint64_t v) {
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
uint64_t rnd (void) {
  rngstate ^= rngstate << 13;
  rngstate ^= rngstate >> 7;
  rngstate ^= rngstate << 17;
  return rngstate;
}

void fillrnd (unsigned char *b, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) b[i] = (unsigned char)rnd();
}

uint64_t maskw (size_t w) {
  return w == 64 ? ~(uint64_t)0 : (((uint64_t)1 << w) - 1);
}

/* a nested struct of four one-byte numbers a, b, c, d: an IPv4 address */
static void addr4 (lay_Struct *S, const char *key) {
  static const char *const bytes[] = {"a", "b", "c", "d"};
  int i;
  lay_open(S, key, 0, 0);
  for (i = 0; i < 4; i++) lay_add(S, bytes[i], LAY_NUMBER, 1, 1, LAY_NATIVE);
  lay_close(S);
}

/* the IPv4 header */
void buildipv4 (lay_Struct *S, lay_Field *f) {
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

int findkey (const lay_Struct *S, int from, const char *key) {
  int i;
  for (i = from; i >= 0; i = S->fields[i].next)
    if (S->fields[i].key && strcmp(S->fields[i].key, key) == 0) return i;
  return -1;
}
