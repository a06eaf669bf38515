/*
** fuzz_cksum.c - libFuzzer target (d): the checksum core (cksum.h) against
** a slow reference written here from RFC 1071 and RFC 1624.
**
** Input: 8 bytes initial running sum, 2 bytes split point, 2 bytes word
** index, 4 bytes new value, 1 byte alignment offset, then the data.
** Any disagreement with the reference aborts (a libFuzzer crash).
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cksum.h"
#include "fuzz_input.h"
#include "fuzz_ref.h"

/* ---- reference (fuzz_ref.h) and what it needs here ---- */

/* a 64-bit running sum reduced one 16-bit piece at a time */
static uint32_t ref_fold64 (uint64_t v) {
  uint32_t s = 0;
  int i;
  for (i = 0; i < 4; i++) {
    s = ref_addword(s, (uint32_t)(v & 0xffffu));
    v >>= 16;
  }
  return s;
}

static void fail (const char *what, unsigned got, unsigned want) {
  fprintf(stderr, "fuzz_cksum: %s: got 0x%04x, reference 0x%04x\n",
          what, got, want);
  abort();
}

/* ones' complement values 0x0000 and 0xffff are the same number */
static int same1c (unsigned a, unsigned b) {
  return a == b || ((a == 0 || a == 0xffff) && (b == 0 || b == 0xffff));
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  FuzzIn in = fin_init(data, size);
  uint64_t init = fin_uint(&in, 8);
  size_t split = (size_t)fin_uint(&in, 2);
  size_t widx = (size_t)fin_uint(&in, 2);
  uint32_t newv = (uint32_t)fin_uint(&in, 4);
  size_t align = (size_t)(fin_uint(&in, 1) & 7);
  size_t n = in.n;
  uint8_t *block, *buf;
  uint16_t got, want;

  /* an exact-size heap block, data at an arbitrary alignment: ASan sees any
  ** read past the end and the word loads are exercised unaligned */
  block = malloc(n + align + 1);
  if (block == NULL) return 0;
  buf = block + align;
  if (n > 0) memcpy(buf, in.p, n);

  /* one shot */
  want = (uint16_t)~ref_sum(0, buf, n);
  got = cksum_inet(buf, n);
  if (got != want) fail("cksum_inet", got, want);
  got = cksum_finish(cksum_add(0, buf, n));
  if (got != want) fail("finish(add(0))", got, want);

  /* chained at an even split point */
  split = n > 0 ? (split % (n + 1)) & ~(size_t)1 : 0;
  got = cksum_finish(cksum_add(cksum_add(0, buf, split), buf + split,
                               n - split));
  if (got != want) fail("chained add", got, want);

  /* from an arbitrary running sum */
  want = (uint16_t)~ref_sum(ref_fold64(init), buf, n);
  got = cksum_finish(cksum_add(init, buf, n));
  if (got != want) fail("add(init)", got, want);

  /* RFC 1624: change one 16-bit word, then a 32-bit pair, and compare the
  ** incremental update with a recomputation over the changed data */
  if (n >= 2) {
    size_t nw = n / 2, w = widx % nw;
    uint16_t ck = cksum_inet(buf, n);
    uint16_t oldw = (uint16_t)((buf[2 * w] << 8) | buf[2 * w + 1]);
    uint16_t neww = (uint16_t)(newv & 0xffffu);
    buf[2 * w] = (uint8_t)(neww >> 8);
    buf[2 * w + 1] = (uint8_t)neww;
    want = (uint16_t)~ref_sum(0, buf, n);
    got = cksum_update16(ck, oldw, neww);
    /* eqn. 3 never yields the all-zero sum, a recomputation can */
    if (ref_sum(0, buf, n) == 0 ? !same1c(got, want) : got != want)
      fail("cksum_update16", got, want);
  }
  if (n >= 4) {
    size_t nw = n / 2, w = widx % (nw - 1);
    uint16_t ck = cksum_inet(buf, n);
    uint32_t oldv = ((uint32_t)buf[2 * w] << 24) |
                    ((uint32_t)buf[2 * w + 1] << 16) |
                    ((uint32_t)buf[2 * w + 2] << 8) | buf[2 * w + 3];
    buf[2 * w] = (uint8_t)(newv >> 24);
    buf[2 * w + 1] = (uint8_t)(newv >> 16);
    buf[2 * w + 2] = (uint8_t)(newv >> 8);
    buf[2 * w + 3] = (uint8_t)newv;
    want = (uint16_t)~ref_sum(0, buf, n);
    got = cksum_update32(ck, oldv, newv);
    if (ref_sum(0, buf, n) == 0 ? !same1c(got, want) : got != want)
      fail("cksum_update32", got, want);
  }
  free(block);
  return 0;
}
