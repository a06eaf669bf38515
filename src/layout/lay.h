/*
** lay.h - the layout engine: declarative structs of bit fields over byte
** buffers, with no Lua in it (the `layout` module binds it to memories).
**
** A struct is compiled once into a flat array of lay_Field records in
** declaration order (pre-order for nested structs). Every field knows its
** absolute bit offset from the start of the outermost struct, so an access
** is a bounds check plus shifts.
**
** Bit placement (DESIGN.md): a field of width w at bit offset o covers the
** n = ceil(((o mod 8) + w) / 8) bytes from byte floor(o/8). Read them as an
** unsigned integer in the field's byte order; little-endian: shift right by
** (o mod 8); big-endian: shift right by (8n - (o mod 8) - w); mask w bits.
*/
#ifndef LAY_H
#define LAY_H

#include <stddef.h>
#include <stdint.h>

#include "cksum.h"

/* field types */
#define LAY_NUMBER  0
#define LAY_BOOLEAN 1
#define LAY_STRING  2
#define LAY_STRUCT  3

/* byte orders as given in a spec; native is resolved when compiling */
#define LAY_NATIVE 0
#define LAY_LITTLE 1
#define LAY_BIG    2

/* results; lay_strerror gives the words the contract promises */
#define LAY_OK          0
#define LAY_EBOUNDS     1  /* "out of bounds" */
#define LAY_EOVERFLOW   2  /* "unsigned overflow" */
#define LAY_ESIZE       3  /* "size mismatch" */
#define LAY_EUNSUPPORTED 4 /* "unsupported" */
#define LAY_ETYPE       5  /* "unsupported type" */

/* lay_Field.ckword, when not a byte */
#define LAY_CKNONE (-2)
#define LAY_CKSLOW (-1)

/* largest struct, in bits: keeps every offset sum far from overflowing */
#define LAY_MAXBITS ((size_t)1 << (sizeof(size_t) * 8 - 4))

typedef struct lay_Field {
  const char *key;      /* NULL for padding; storage owned by the caller */
  size_t offset;        /* first bit, from the start of the outermost struct */
  size_t bits;          /* width in bits (struct: its whole size) */
  unsigned char type;   /* LAY_NUMBER, LAY_BOOLEAN, LAY_STRING, LAY_STRUCT */
  unsigned char big;    /* 1: big-endian, 0: little-endian */
  int parent;           /* enclosing struct field; -1: the outermost */
  int next;             /* next field of the same struct; -1: none */
  int first;            /* struct: its first field; -1: none */
  size_t declared;      /* builder only: a struct's declared size, 0: none */
  /* number and boolean fields: the placement rule, worked out once */
  size_t byte;          /* first byte covered */
  uint64_t mask;        /* lay_mask(bits) */
  unsigned char nbytes; /* bytes covered (1..9; 9: lay_getbits splits) */
  unsigned char shift;  /* right shift of their integer */
  unsigned char ckwords;  /* 1 or 2: the words at ckword */
  int ckword;           /* how a write keeps the struct's checksum field:
                        ** LAY_CKNONE: no need (no checksum field, or this
                        ** is it); LAY_CKSLOW: the engine's general way;
                        ** else the first byte of the aligned 16-bit
                        ** word(s) holding the whole field (lay_fastputck) */
} lay_Field;

typedef struct lay_Struct {
  lay_Field *fields;    /* caller-provided storage */
  int nfields;          /* fields used */
  int cap;              /* fields available */
  int first;            /* first outermost field; -1: empty struct */
  int cksum;            /* checksum field; -1: none */
  size_t bits;          /* size of the outermost struct */
  size_t size;          /* the same in bytes, rounded up */
  int open;             /* builder: innermost open struct; -1: outermost */
  int last;             /* builder: last field added to the open struct */
  size_t pos;           /* builder: next free bit */
  int err;              /* builder: first error, sticky */
  const char *why;      /* builder: what was wrong, in words (static) */
} lay_Struct;

/* ---- compiling ---- */
/* Start a struct in `fields[0..cap)`. Then add fields in declaration order,
** with lay_open/lay_close around the fields of a nested struct, and end with
** lay_finish. Errors are sticky: the first one is what lay_finish returns,
** S->why says what was wrong.
** `size` is in bytes when `inbytes`, else in bits; a bytes field first moves
** to the next byte boundary of the struct it is in. */
void lay_init (lay_Struct *S, lay_Field *fields, int cap);
int lay_add (lay_Struct *S, const char *key, int type, size_t size,
             int inbytes, int endian);
/* `size` 0: the nested struct is as large as its fields */
int lay_open (lay_Struct *S, const char *key, size_t size, int inbytes);
int lay_close (lay_Struct *S);
int lay_finish (lay_Struct *S);
/* Names field `f` the Internet checksum of the struct's 16-bit words: an
** outermost 16-bit number starting on a byte. Call after lay_finish. */
int lay_setchecksum (lay_Struct *S, int f);

const char *lay_strerror (int err);
int lay_hostbig (void);

#define lay_bytes(bits) (((bits) >> 3) + (((bits) & 7) != 0))

/* ---- raw bit access (no bounds checks: the caller checked them) ---- */
static inline uint64_t lay_mask (size_t w) {
  return w >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << w) - 1);
}

/* The n (1..8) bytes at p as an unsigned integer in byte order `big`, and
** back: the one place bytes become integers. */
static inline uint64_t lay_load (const unsigned char *p, unsigned n,
                                 int big) {
  uint64_t x = 0;
  unsigned i;
  if (big)
    for (i = 0; i < n; i++) x = (x << 8) | p[i];
  else
    for (i = n; i-- > 0; ) x = (x << 8) | p[i];
  return x;
}

static inline void lay_store (unsigned char *p, unsigned n, int big,
                              uint64_t x) {
  unsigned i;
  if (big)
    for (i = n; i-- > 0; x >>= 8) p[i] = (unsigned char)(x & 0xff);
  else
    for (i = 0; i < n; i++, x >>= 8) p[i] = (unsigned char)(x & 0xff);
}

/* The value of number or boolean field f (f->nbytes <= 8) of the struct
** at `base`: its bytes' integer, shifted and masked by the rule. */
static inline uint64_t lay_fastget (const lay_Field *f,
                                    const unsigned char *base) {
  const unsigned char *p = base + f->byte;
  if (f->nbytes == 1)  /* the most common case: within one byte */
    return ((uint64_t)p[0] >> f->shift) & f->mask;
  return (lay_load(p, f->nbytes, f->big) >> f->shift) & f->mask;
}

/* Stores v (already known to fit) in field f (f->nbytes <= 8) of the
** struct at `base`, leaving every other bit as it was. */
static inline void lay_fastput (const lay_Field *f, unsigned char *base,
                                uint64_t v) {
  unsigned char *p = base + f->byte;
  uint64_t m = f->mask << f->shift, x;
  if (f->nbytes == 1) {
    p[0] = (unsigned char)((p[0] & ~m) | ((v << f->shift) & m));
    return;
  }
  x = lay_load(p, f->nbytes, f->big);
  x = (x & ~m) | ((v << f->shift) & m);
  lay_store(p, f->nbytes, f->big, x);
}

/* lay_fastput keeping the struct's checksum field valid: RFC 1624 on the
** one or two words holding field f (f->ckword >= 0). */
static inline void lay_fastputck (const lay_Struct *S, const lay_Field *f,
                                  unsigned char *base, uint64_t v) {
  unsigned char *w = base + f->ckword;
  unsigned char *ckp = base + S->fields[S->cksum].byte;
  uint16_t ck = (uint16_t)lay_load(ckp, 2, 1);
  if (f->ckwords == 2) {
    uint32_t old = (uint32_t)lay_load(w, 4, 1);
    lay_fastput(f, base, v);
    ck = cksum_update32(ck, old, (uint32_t)lay_load(w, 4, 1));
  }
  else {
    uint16_t old = (uint16_t)lay_load(w, 2, 1);
    lay_fastput(f, base, v);
    ck = cksum_update16(ck, old, (uint16_t)lay_load(w, 2, 1));
  }
  lay_store(ckp, 2, 1, ck);
}

/* whether a write to field f updates the struct's checksum field */
static inline int lay_tracks (const lay_Field *f, int autock) {
  return f->ckword != LAY_CKNONE && autock;
}

/* Any width w (1..64) at any bit o, by the same rule (a field over 9 bytes
** is read and written as two). */
uint64_t lay_getbits (const unsigned char *base, size_t o, size_t w, int big);
void lay_putbits (unsigned char *base, size_t o, size_t w, int big,
                  uint64_t v);

/* ---- checked access to the struct at byte `pos` of mem[0..len) ---- */
/* LAY_OK when the whole struct lies in the memory */
static inline int lay_check (const lay_Struct *S, size_t len, size_t pos) {
  return (pos <= len && S->size <= len - pos) ? LAY_OK : LAY_EBOUNDS;
}
int lay_get (const lay_Struct *S, int f, const unsigned char *mem,
             size_t len, size_t pos, uint64_t *v);
/* Stores `v` (LAY_EOVERFLOW when it needs more than the field's bits);
** with `autock` also updates the struct's checksum field, if any. */
int lay_set (const lay_Struct *S, int f, unsigned char *mem, size_t len,
             size_t pos, uint64_t v, int autock);
/* A string or struct field's bytes: *p points into mem, *n is their count */
int lay_getbytes (const lay_Struct *S, int f, const unsigned char *mem,
                  size_t len, size_t pos, const unsigned char **p,
                  size_t *n);
/* Copies n bytes from src (which may lie in mem) into a string field or a
** byte-aligned struct field of exactly n bytes. */
int lay_setbytes (const lay_Struct *S, int f, unsigned char *mem,
                  size_t len, size_t pos, const unsigned char *src,
                  size_t n, int autock);
/* Struct assignment: copies the struct T views as field `node` (-1: the
** outermost) at byte `tpos` of tmem[0..tlen) into struct field f of S.
** LAY_ESIZE unless both have the same size, LAY_EUNSUPPORTED unless both
** are whole bytes on a byte, LAY_EBOUNDS unless both are in their memory. */
int lay_copy (const lay_Struct *S, int f, unsigned char *mem, size_t len,
              size_t pos, const lay_Struct *T, int node,
              const unsigned char *tmem, size_t tlen, size_t tpos,
              int autock);

#endif
