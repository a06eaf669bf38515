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
  size_t byte;          /* number/boolean: first byte covered, ... */
  unsigned char nbytes; /* ... how many (1..9), ... */
  unsigned char shift;  /* ... and the right shift of their integer */
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
} lay_Struct;

/* ---- compiling ---- */
/* Start a struct in `fields[0..cap)`. Then add fields in declaration order,
** with lay_open/lay_close around the fields of a nested struct, and end with
** lay_finish. Errors are sticky: the first one is what lay_finish returns.
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

/* The rule of a field with nbytes <= 8, from wherever it is kept: the
** unsigned integer of the `nbytes` bytes at p in the field's byte order
** (`big`), shifted right by `shift`, masked with `m` (lay_mask(bits)). */
static inline uint64_t lay_getrule (const unsigned char *p, unsigned nbytes,
                                    unsigned shift, int big, uint64_t m) {
  uint64_t x = 0;
  unsigned i;
  if (nbytes == 1)  /* the most common case: within one byte */
    return ((uint64_t)p[0] >> shift) & m;
  if (big)
    for (i = 0; i < nbytes; i++) x = (x << 8) | p[i];
  else
    for (i = nbytes; i-- > 0; ) x = (x << 8) | p[i];
  return (x >> shift) & m;
}

/* Stores v (already known to fit in m) by the same rule, leaving every
** other bit as it was. */
static inline void lay_putrule (unsigned char *p, unsigned nbytes,
                                unsigned shift, int big, uint64_t m,
                                uint64_t v) {
  uint64_t x = 0;
  unsigned i;
  m <<= shift;
  if (nbytes == 1) {
    p[0] = (unsigned char)((p[0] & ~m) | ((v << shift) & m));
    return;
  }
  if (big)
    for (i = 0; i < nbytes; i++) x = (x << 8) | p[i];
  else
    for (i = nbytes; i-- > 0; ) x = (x << 8) | p[i];
  x = (x & ~m) | ((v << shift) & m);
  if (big)
    for (i = nbytes; i-- > 0; x >>= 8) p[i] = (unsigned char)(x & 0xff);
  else
    for (i = 0; i < nbytes; i++, x >>= 8) p[i] = (unsigned char)(x & 0xff);
}

/* The value of number or boolean field f (with f->nbytes <= 8) of the
** struct at `base`: the rule with its byte range and shift precomputed. */
static inline uint64_t lay_fastget (const lay_Field *f,
                                    const unsigned char *base) {
  return lay_getrule(base + f->byte, f->nbytes, f->shift, f->big,
                     lay_mask(f->bits));
}

/* Stores v (already known to fit) in field f (f->nbytes <= 8) of the
** struct at `base`, leaving every other bit as it was. */
static inline void lay_fastput (const lay_Field *f, unsigned char *base,
                                uint64_t v) {
  lay_putrule(base + f->byte, f->nbytes, f->shift, f->big,
              lay_mask(f->bits), v);
}

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

#endif
