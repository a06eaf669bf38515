/*
** fuzz_input.h - splits one fuzz input into the values a target needs.
**
** Every take_* returns a value even when the input is exhausted (zeros), so a
** target never branches on "not enough input" and short inputs still run.
*/
#ifndef FUZZ_INPUT_H
#define FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct FuzzIn {
  const uint8_t *p;  /* next unread byte */
  size_t n;          /* bytes left */
} FuzzIn;

static inline FuzzIn fin_init (const uint8_t *data, size_t size) {
  FuzzIn in;
  in.p = data; in.n = size;
  return in;
}

/* `nbytes` (<= 8) bytes as a big-endian unsigned integer */
static inline uint64_t fin_uint (FuzzIn *in, int nbytes) {
  uint64_t v = 0;
  int i;
  for (i = 0; i < nbytes; i++) {
    v <<= 8;
    if (in->n > 0) { v |= *in->p++; in->n--; }
  }
  return v;
}

/* a chunk of up to `max` bytes, its length taken from the next byte(s):
** the chunk ends at the first '\n' (not included) or after `max` bytes */
static inline const uint8_t *fin_line (FuzzIn *in, size_t max, size_t *len) {
  const uint8_t *start = in->p;
  size_t k = 0;
  while (k < in->n && k < max && start[k] != '\n') k++;
  *len = k;
  if (k < in->n && start[k] == '\n') k++;  /* eat the separator */
  in->p += k; in->n -= k;
  return start;
}

#endif
