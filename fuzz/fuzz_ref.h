/*
** fuzz_ref.h - slow reference implementations the fuzz targets compare
** the real code with: the Internet checksum (RFC 1071), written one word
** at a time, and DESIGN.md's bit placement rule, written one bit at a time.
*/
#ifndef FUZZ_REF_H
#define FUZZ_REF_H

#include <stddef.h>
#include <stdint.h>

static inline uint32_t ref_addword (uint32_t s, uint32_t w) {
  s += w;
  return (s & 0xffffu) + (s >> 16);  /* s < 2^17: one fold is enough */
}

/* ones' complement sum of big-endian words, folded to 16 bits; an odd last
** byte is padded with zero; 0 only when every byte is zero */
static inline uint32_t ref_sum (uint32_t s, const uint8_t *d, size_t n) {
  size_t i;
  for (i = 0; i + 1 < n; i += 2)
    s = ref_addword(s, ((uint32_t)d[i] << 8) | d[i + 1]);
  if (n & 1)
    s = ref_addword(s, (uint32_t)d[n - 1] << 8);
  return s;
}

/* DESIGN.md: a field of width w at bit offset o covers the n bytes from
** byte o/8; read as an unsigned integer in the field's byte order, shifted
** right (little: by o%8; big: by 8n - o%8 - w) and masked to w bits.
** Equivalently, bit k of the value (k = 0 least significant) lives at bit
** position s + k of that integer, where s is the shift. This returns the
** byte and the bit in it for bit k of the value. */
static inline void ref_bitpos (size_t o, size_t w, int big, size_t k,
                               size_t *byte, unsigned *bit) {
  size_t n = ((o % 8) + w + 7) / 8;
  size_t s = big ? 8 * n - (o % 8) - w : o % 8;
  size_t ipos = s + k;            /* bit of the n-byte integer */
  size_t ib = ipos / 8;           /* its byte, counted from the low end */
  *byte = o / 8 + (big ? n - 1 - ib : ib);
  *bit = (unsigned)(ipos % 8);
}

static inline uint64_t ref_getbits (const uint8_t *b, size_t o, size_t w,
                                    int big) {
  uint64_t v = 0;
  size_t k;
  for (k = 0; k < w; k++) {
    size_t byte;
    unsigned bit;
    ref_bitpos(o, w, big, k, &byte, &bit);
    v |= (uint64_t)((b[byte] >> bit) & 1u) << k;
  }
  return v;
}

static inline void ref_putbits (uint8_t *b, size_t o, size_t w, int big,
                                uint64_t v) {
  size_t k;
  for (k = 0; k < w; k++) {
    size_t byte;
    unsigned bit;
    ref_bitpos(o, w, big, k, &byte, &bit);
    b[byte] = (uint8_t)((b[byte] & ~(1u << bit)) |
                        ((unsigned)((v >> k) & 1u) << bit));
  }
}

#endif
