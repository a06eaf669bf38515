/*
** layout_testlib.h - what the layout engine's cmocka tests share: the
** bit-by-bit reference of DESIGN.md's placement rule, reproducible random
** data, and the IPv4 header built through lay_add. Compiled into
** each test (layout_testlib.c in its SOURCES).
*/
#ifndef LAYOUT_TESTLIB_H
#define LAYOUT_TESTLIB_H

#include <stddef.h>
#include <stdint.h>

#include "lay.h"

/* field records of the bigger structs the tests build */
#define NF 64

/* the reference: the w-bit field at bit offset o of buf, one bit at a time */
uint64_t refget (const unsigned char *buf, size_t o, size_t w, int big);
void refput (unsigned char *buf, size_t o, size_t w, int big, uint64_t v);

/* xorshift: reproducible pseudo-random data (every test program starts
** from the same seed) */
uint64_t rnd (void);
void fillrnd (unsigned char *b, size_t n);

/* the value mask of a w-bit field, w in 1..64 */
uint64_t maskw (size_t w);

/* the IPv4 header into S over f[NF], not yet finished */
void buildipv4 (lay_Struct *S, lay_Field *f);

/* the field named key among the siblings from index from, or -1 */
int findkey (const lay_Struct *S, int from, const char *key);

#endif
