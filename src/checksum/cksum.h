/*
** cksum.h - Internet checksum (RFC 1071) and its incremental update
** (RFC 1624), the C core shared by the `checksum` module, the layout
** engine's checksum fields and the daemon.
**
** Sums are kept unfolded in 64 bits while adding, folded to 16 at the end.
** 16-bit words are read big-endian (network order) from the bytes.
*/
#ifndef CKSUM_H
#define CKSUM_H

#include <stddef.h>
#include <stdint.h>

/* Adds the bytes of [data, data+len) to the running sum `sum` as big-endian
** 16-bit words; an odd last byte is padded with a zero byte. Chaining calls
** is only exact when every call but the last has an even `len`. */
uint64_t cksum_add (uint64_t sum, const void *data, size_t len);

/* Folds a running sum to 16 bits and complements it: the value to store in a
** checksum field. cksum_finish(cksum_add(0, d, n)) is RFC 1071's checksum. */
uint16_t cksum_finish (uint64_t sum);

/* RFC 1071 checksum of one range (cksum_finish(cksum_add(0, data, len))). */
uint16_t cksum_inet (const void *data, size_t len);

/* Folds a ones' complement sum below 2^32 to 16 bits (end-around carries):
** two steps suffice, the first leaves at most 0x1fffe. */
static inline uint16_t cksum_fold16 (uint32_t sum) {
  sum = (sum & 0xffffu) + (sum >> 16);
  sum = (sum & 0xffffu) + (sum >> 16);
  return (uint16_t)sum;
}

/* RFC 1624, eqn. 3: the new checksum after a 16-bit word covered by `cksum`
** changed from `oldw` to `neww`, HC' = ~(~HC + ~m + m'). Values are numbers
** (host order). Inline: the layout engine's checksum fields call it on
** every write. */
static inline uint16_t cksum_update16 (uint16_t cksum, uint16_t oldw,
                                       uint16_t neww) {
  uint32_t sum = (uint32_t)(uint16_t)~cksum + (uint16_t)~oldw + neww;
  return (uint16_t)~cksum_fold16(sum);
}

/* The same for a 32-bit value (two adjacent 16-bit words, big-endian). */
static inline uint16_t cksum_update32 (uint16_t cksum, uint32_t oldv,
                                       uint32_t newv) {
  uint32_t sum = (uint32_t)(uint16_t)~cksum + (uint16_t)~(oldv >> 16) +
                 (uint16_t)~(oldv & 0xffffu) + (newv >> 16) +
                 (newv & 0xffffu);
  return (uint16_t)~cksum_fold16(sum);
}

#endif
