/*
** cksum.c - Internet checksum (RFC 1071) and incremental update (RFC 1624).
**
** The ones' complement sum does not depend on byte order (RFC 1071, 2.B):
** summing the words in host order and swapping the folded result gives the
** network-order sum. So the hot loop reads 8 bytes at a time in host order
** (memcpy, no unaligned casts) and adds their two 32-bit halves into a 64-bit
** accumulator, which cannot overflow before 2^32 additions.
*/
#include <string.h>

#include "cksum.h"

/* bytes summed before the accumulators are folded: each accumulator then
** gets about 2^28 additions below 2^33, far from overflowing 64 bits */
#define CKSUM_CHUNK ((size_t)1 << 33)


/* true on a little-endian host; the compiler folds it to a constant */
static int islittle (void) {
  const uint16_t one = 1;
  unsigned char b;
  memcpy(&b, &one, 1);
  return b == 1;
}


/* folds a 64-bit ones' complement sum to 16 bits (end-around carries) */
static uint16_t fold (uint64_t sum) {
  sum = (sum & 0xffffffffu) + (sum >> 32);
  sum = (sum & 0xffffffffu) + (sum >> 32);  /* now below 2^32 */
  return cksum_fold16((uint32_t)sum);
}


/* 64-bit add with end-around carry: 2^64 = 1 (mod 0xffff), so the carry
** out of bit 63 counts as 1 */
static uint64_t addc (uint64_t a, uint64_t b) {
  uint64_t r = a + b;
  return r + (r < b);
}


/* host-order ones' complement sum of an even-length block, folded */
static uint16_t sumhost (const unsigned char *p, size_t len) {
  uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  while (len >= 32) {  /* four independent accumulators for the pipeline */
    uint64_t w[4];
    memcpy(w, p, sizeof(w));
    s0 += (w[0] & 0xffffffffu) + (w[0] >> 32);
    s1 += (w[1] & 0xffffffffu) + (w[1] >> 32);
    s2 += (w[2] & 0xffffffffu) + (w[2] >> 32);
    s3 += (w[3] & 0xffffffffu) + (w[3] >> 32);
    p += 32; len -= 32;
  }
  while (len >= 8) {
    uint64_t w;
    memcpy(&w, p, sizeof(w));
    s0 += (w & 0xffffffffu) + (w >> 32);
    p += 8; len -= 8;
  }
  if (len >= 4) {
    uint32_t w;
    memcpy(&w, p, sizeof(w));
    s1 += w;
    p += 4; len -= 4;
  }
  if (len >= 2) {
    uint16_t w;
    memcpy(&w, p, sizeof(w));
    s2 += w;
  }
  /* each s < 2^63, so pairwise sums need the end-around carry only once */
  return fold(addc(addc(s0, s1), addc(s2, s3)));
}


uint64_t cksum_add (uint64_t sum, const void *data, size_t len) {
  const unsigned char *p = (const unsigned char *)data;
  size_t even = len & ~(size_t)1;
  while (even > 0) {
    size_t n = even < CKSUM_CHUNK ? even : CKSUM_CHUNK;
    uint16_t s = sumhost(p, n);
    if (islittle())
      s = (uint16_t)((s >> 8) | (s << 8));
    sum = addc(sum, s);
    p += n; even -= n;
  }
  if (len & 1)  /* odd last byte: high byte of a zero-padded word */
    sum = addc(sum, (uint64_t)p[0] << 8);
  return sum;
}


uint16_t cksum_finish (uint64_t sum) {
  return (uint16_t)~fold(sum);
}


uint16_t cksum_inet (const void *data, size_t len) {
  return cksum_finish(cksum_add(0, data, len));
}
