/*
** lay.c - the layout engine (see lay.h for the bit placement rule).
*/
#include <limits.h>
#include <string.h>

#include "lay.h"
#include "cksum.h"

/* ======================================================================
** Compiling
** ====================================================================== */

int lay_hostbig (void) {
  const union { uint16_t u; unsigned char c[2]; } probe = { 1 };
  return probe.c[0] == 0;
}

const char *lay_strerror (int err) {
  switch (err) {
    case LAY_OK: return "ok";
    case LAY_EBOUNDS: return "out of bounds";
    case LAY_EOVERFLOW: return "unsigned overflow";
    case LAY_ESIZE: return "size mismatch";
    case LAY_EUNSUPPORTED: return "unsupported";
    case LAY_ETYPE: return "unsupported type";
    default: return "unknown error";
  }
}

void lay_init (lay_Struct *S, lay_Field *fields, int cap) {
  S->fields = fields;
  S->nfields = 0;
  S->cap = cap;
  S->first = -1;
  S->cksum = -1;
  S->bits = 0;
  S->size = 0;
  S->open = -1;
  S->last = -1;
  S->pos = 0;
  S->err = LAY_OK;
  S->why = NULL;
}

/* records the first error and its reason */
static int fail (lay_Struct *S, int err, const char *why) {
  if (S->err == LAY_OK) {
    S->err = err;
    S->why = why;
  }
  return S->err;
}

/* bit where the innermost open struct starts: alignment is relative to it,
** so a nested struct lays out the same wherever it is placed */
static size_t openstart (const lay_Struct *S) {
  return S->open < 0 ? 0 : S->fields[S->open].offset;
}

/* size in bits of a spec size; 0 when invalid or too large */
static size_t tobits (size_t size, int inbytes) {
  if (size == 0 || size > LAY_MAXBITS / 8) return 0;
  return inbytes ? size * 8 : size;
}

/* Appends a field record at the current position (aligned first for bytes
** fields). Returns its index or -1 (error recorded). */
static int newfield (lay_Struct *S, const char *key, int type, int inbytes) {
  lay_Field *f;
  if (S->err != LAY_OK) return -1;
  if (S->nfields >= S->cap) {
    fail(S, LAY_ETYPE, "too many fields");
    return -1;
  }
  if (inbytes) {
    size_t rel = S->pos - openstart(S);
    S->pos += (8 - (rel & 7)) & 7;
  }
  f = &S->fields[S->nfields];
  f->key = key;
  f->offset = S->pos;
  f->bits = 0;
  f->type = (unsigned char)type;
  f->big = 0;
  f->parent = S->open;
  f->next = -1;
  f->first = -1;
  f->declared = 0;
  f->byte = f->offset / 8;
  f->mask = 0;
  f->nbytes = 0;
  f->shift = 0;
  f->ckwords = 1;
  f->ckword = LAY_CKNONE;
  if (S->last >= 0) S->fields[S->last].next = S->nfields;
  else if (S->open >= 0) S->fields[S->open].first = S->nfields;
  else S->first = S->nfields;
  S->last = S->nfields;
  return S->nfields++;
}

/* moves the position past `bits`, keeping every offset under LAY_MAXBITS */
static int advance (lay_Struct *S, size_t bits) {
  if (bits > LAY_MAXBITS - S->pos) return fail(S, LAY_ETYPE, "too large");
  S->pos += bits;
  return LAY_OK;
}

/* The placement rule (DESIGN.md) of number or boolean field f, from its
** offset, width and byte order: the only place it is worked out. */
static void setrule (lay_Field *f) {
  size_t s = f->offset % 8;
  f->byte = f->offset / 8;
  f->mask = lay_mask(f->bits);
  f->nbytes = (unsigned char)((s + f->bits + 7) / 8);
  f->shift = (unsigned char)(f->big ? 8 * f->nbytes - s - f->bits : s);
}

int lay_add (lay_Struct *S, const char *key, int type, size_t size,
             int inbytes, int endian) {
  size_t bits = tobits(size, inbytes);
  lay_Field *f;
  int i;
  if (S->err != LAY_OK) return S->err;
  if (bits == 0) return fail(S, LAY_ETYPE, "size out of range");
  if (endian < LAY_NATIVE || endian > LAY_BIG)
    return fail(S, LAY_ETYPE, "unknown byte order");
  switch (type) {
    case LAY_NUMBER: case LAY_BOOLEAN:
      if (bits > 64)
        return fail(S, LAY_ETYPE, "a number or boolean has at most 64 bits");
      break;
    case LAY_STRING:
      if (bits % 8 != 0)
        return fail(S, LAY_ETYPE, "a string is whole bytes");
      break;
    default:  /* structs go through lay_open */
      return fail(S, LAY_ETYPE, "unknown field type");
  }
  if ((i = newfield(S, key, type, inbytes)) < 0) return S->err;
  f = &S->fields[i];
  f->bits = bits;
  f->big = (unsigned char)(endian == LAY_NATIVE ? lay_hostbig()
                                                : endian == LAY_BIG);
  if (type != LAY_STRING) setrule(f);
  /* strings are byte arrays: they must start on a byte of the buffer */
  if (type == LAY_STRING && S->pos % 8 != 0)
    return fail(S, LAY_ETYPE, "a string starts on a byte");
  return advance(S, bits);
}

int lay_open (lay_Struct *S, const char *key, size_t size, int inbytes) {
  size_t declared = 0;
  int i;
  if (S->err != LAY_OK) return S->err;
  if (size != 0 && (declared = tobits(size, inbytes)) == 0)
    return fail(S, LAY_ETYPE, "size out of range");
  if ((i = newfield(S, key, LAY_STRUCT, inbytes)) < 0) return S->err;
  S->fields[i].declared = declared;
  S->open = i;
  S->last = -1;
  return LAY_OK;
}

int lay_close (lay_Struct *S) {
  lay_Field *f;
  size_t content;
  if (S->err != LAY_OK) return S->err;
  if (S->open < 0) return fail(S, LAY_ETYPE, "no struct open");
  f = &S->fields[S->open];
  content = S->pos - f->offset;
  if (f->declared != 0) {
    if (content > f->declared)
      return fail(S, LAY_ETYPE, "its fields exceed the declared size");
    f->bits = f->declared;
    S->pos = f->offset;
    if (advance(S, f->bits) != LAY_OK) return S->err;
  }
  else
    f->bits = content;
  S->last = S->open;
  S->open = f->parent;
  return LAY_OK;
}

int lay_finish (lay_Struct *S) {
  if (S->err == LAY_OK && S->open >= 0)
    fail(S, LAY_ETYPE, "a struct left open");
  S->bits = S->pos;
  S->size = lay_bytes(S->bits);
  return S->err;
}

/* How a write to field f keeps the checksum (lay_Field.ckword): from the
** words it lies in alone (lay_fastputck) when they are at most two, inside
** the struct, apart from the checksum, and the checksum is word-aligned
** too; *n gets their number. */
static int ckword (const lay_Struct *S, int f, unsigned char *n) {
  const lay_Field *fd = &S->fields[f];
  size_t word = fd->byte & ~(size_t)1, end = fd->byte + fd->nbytes, ck;
  if (f == S->cksum) return LAY_CKNONE;
  if ((fd->type != LAY_NUMBER && fd->type != LAY_BOOLEAN) ||
      S->fields[S->cksum].offset % 16 != 0 || word > (size_t)INT_MAX)
    return LAY_CKSLOW;
  ck = S->fields[S->cksum].byte;
  end += end & 1;  /* to a whole word */
  if (end - word > 4 || end > S->size || (ck >= word && ck < end))
    return LAY_CKSLOW;
  *n = (unsigned char)((end - word) / 2);
  return (int)word;
}

int lay_setchecksum (lay_Struct *S, int f) {
  const lay_Field *fd;
  int i;
  if (f < 0 || f >= S->nfields) return LAY_ETYPE;
  fd = &S->fields[f];
  if (fd->type != LAY_NUMBER || fd->bits != 16 || fd->parent != -1 ||
      fd->offset % 8 != 0)
    return LAY_ETYPE;
  S->cksum = f;
  for (i = 0; i < S->nfields; i++)
    S->fields[i].ckword = ckword(S, i, &S->fields[i].ckwords);
  return LAY_OK;
}


/* ======================================================================
** Bit access
** ====================================================================== */

/* A field spanning 9 bytes (o mod 8 + w > 64) is split at the boundary
** between its 8th and 9th byte into two fields of at most 8 bytes each.
** Little-endian: the low (64 - s) bits are in bytes 0..7. Big-endian: the
** low (s + w - 64) bits are in byte 8. Returns how many low bits there
** are, with where they start (*lo) and where the high ones do (*hi). */
static size_t split (size_t o, size_t w, int big, size_t *lo, size_t *hi) {
  size_t n = big ? o % 8 + w - 64 : 64 - o % 8;
  *lo = big ? o + w - n : o;
  *hi = big ? o : o + n;
  return n;
}

/* a record of the rule for width w at bit o, as lay_add makes them */
static void ruleat (lay_Field *f, size_t o, size_t w, int big) {
  f->offset = o;
  f->bits = w;
  f->big = (unsigned char)big;
  setrule(f);
}

uint64_t lay_getbits (const unsigned char *base, size_t o, size_t w,
                      int big) {
  lay_Field f;
  if (o % 8 + w > 64) {
    size_t lo, hi, n = split(o, w, big, &lo, &hi);
    return (lay_getbits(base, hi, w - n, big) << n) |
           lay_getbits(base, lo, n, big);
  }
  ruleat(&f, o, w, big);
  return lay_fastget(&f, base);
}

void lay_putbits (unsigned char *base, size_t o, size_t w, int big,
                  uint64_t v) {
  lay_Field f;
  if (o % 8 + w > 64) {
    size_t lo, hi, n = split(o, w, big, &lo, &hi);
    lay_putbits(base, hi, w - n, big, v >> n);
    lay_putbits(base, lo, n, big, v & lay_mask(n));
    return;
  }
  ruleat(&f, o, w, big);
  lay_fastput(&f, base, v);
}

/* ======================================================================
** Checked access
** ====================================================================== */

/* the struct lies in the memory and so do the bytes of field f */
static int checkfield (const lay_Struct *S, const lay_Field *f, size_t len,
                       size_t pos) {
  size_t first = f->offset / 8;
  size_t n = ((f->offset % 8) + f->bits + 7) / 8;
  if (lay_check(S, len, pos) != LAY_OK) return LAY_EBOUNDS;
  len -= pos;
  return (first <= len && n <= len - first) ? LAY_OK : LAY_EBOUNDS;
}

/* Running 16-bit one's complement sum (not complemented) of the struct's
** words covering bytes [first, first+n) of the struct at `base`. */
static uint16_t wordsum (const lay_Struct *S, const unsigned char *base,
                         size_t first, size_t n) {
  size_t size = lay_bytes(S->bits);
  size_t from = first & ~(size_t)1;
  size_t to = first + n + ((first + n) & 1);  /* up to a whole word */
  if (to > size) to = size;  /* an odd last byte is padded by cksum_add */
  if (to - from == 2)  /* one word (a field of a byte or two): its value */
    return (uint16_t)lay_load(base + from, 2, 1);
  return (uint16_t)~cksum_finish(cksum_add(0, base + from, to - from));
}

/* The checksum after the words over [first, first+n) changed from sum
** `old` to their current sum: RFC 1624 eqn. 3 applied to the folded sums
** of the changed words, which equals applying it word by word. A checksum
** at an odd byte straddles two words and adds to the sum byte-swapped
** (one's complement sums commute with swapping), so it is updated as the
** swapped value: read and written little-endian. */
static void ckupdate (const lay_Struct *S, unsigned char *base, size_t first,
                      size_t n, uint16_t old) {
  size_t at = S->fields[S->cksum].byte;
  int big = (at & 1) == 0;
  uint16_t ck = (uint16_t)lay_load(base + at, 2, big);
  lay_store(base + at, 2, big,
            cksum_update16(ck, old, wordsum(S, base, first, n)));
}

int lay_get (const lay_Struct *S, int f, const unsigned char *mem,
             size_t len, size_t pos, uint64_t *v) {
  const lay_Field *fd = &S->fields[f];
  if (fd->type != LAY_NUMBER && fd->type != LAY_BOOLEAN) return LAY_ETYPE;
  if (checkfield(S, fd, len, pos) != LAY_OK) return LAY_EBOUNDS;
  if (fd->nbytes <= 8)  /* the common case: the rule as compiled */
    *v = lay_fastget(fd, mem + pos);
  else
    *v = lay_getbits(mem + pos, fd->offset, fd->bits, fd->big);
  return LAY_OK;
}

int lay_set (const lay_Struct *S, int f, unsigned char *mem, size_t len,
             size_t pos, uint64_t v, int autock) {
  const lay_Field *fd = &S->fields[f];
  unsigned char *base;
  if (fd->type != LAY_NUMBER && fd->type != LAY_BOOLEAN) return LAY_ETYPE;
  if (checkfield(S, fd, len, pos) != LAY_OK) return LAY_EBOUNDS;
  if ((v & ~fd->mask) != 0) return LAY_EOVERFLOW;
  base = mem + pos;  /* only now: mem may be NULL for an empty memory */
  if (fd->nbytes <= 8 && !lay_tracks(fd, autock))
    lay_fastput(fd, base, v);
  else if (fd->nbytes <= 8 && fd->ckword >= 0)
    lay_fastputck(S, fd, base, v);
  else if (lay_tracks(fd, autock)) {
    size_t first = fd->offset / 8, n = ((fd->offset % 8) + fd->bits + 7) / 8;
    uint16_t old = wordsum(S, base, first, n);
    lay_putbits(base, fd->offset, fd->bits, fd->big, v);
    ckupdate(S, base, first, n, old);
  }
  else
    lay_putbits(base, fd->offset, fd->bits, fd->big, v);
  return LAY_OK;
}

int lay_getbytes (const lay_Struct *S, int f, const unsigned char *mem,
                  size_t len, size_t pos, const unsigned char **p,
                  size_t *n) {
  const lay_Field *fd = &S->fields[f];
  if (fd->type != LAY_STRING && fd->type != LAY_STRUCT) return LAY_ETYPE;
  if (fd->offset % 8 != 0 || fd->bits % 8 != 0) return LAY_EUNSUPPORTED;
  if (checkfield(S, fd, len, pos) != LAY_OK) return LAY_EBOUNDS;
  *p = mem + pos + fd->offset / 8;
  *n = fd->bits / 8;
  return LAY_OK;
}

int lay_setbytes (const lay_Struct *S, int f, unsigned char *mem,
                  size_t len, size_t pos, const unsigned char *src,
                  size_t n, int autock) {
  const lay_Field *fd = &S->fields[f];
  unsigned char *base;
  size_t first = fd->offset / 8;
  if (fd->type != LAY_STRING && fd->type != LAY_STRUCT) return LAY_ETYPE;
  if (n > LAY_MAXBITS / 8 || n * 8 != fd->bits) return LAY_ESIZE;
  if (fd->offset % 8 != 0) return LAY_EUNSUPPORTED;
  if (checkfield(S, fd, len, pos) != LAY_OK) return LAY_EBOUNDS;
  base = mem + pos;
  if (lay_tracks(fd, autock)) {
    uint16_t old = wordsum(S, base, first, n);
    memmove(base + first, src, n);  /* src may overlap: same memory */
    ckupdate(S, base, first, n, old);
  }
  else
    memmove(base + first, src, n);
  return LAY_OK;
}

int lay_copy (const lay_Struct *S, int f, unsigned char *mem, size_t len,
              size_t pos, const lay_Struct *T, int node,
              const unsigned char *tmem, size_t tlen, size_t tpos,
              int autock) {
  size_t off = node < 0 ? 0 : T->fields[node].offset;
  size_t bits = node < 0 ? T->bits : T->fields[node].bits;
  if (bits != S->fields[f].bits) return LAY_ESIZE;
  if (off % 8 != 0 || bits % 8 != 0) return LAY_EUNSUPPORTED;
  if (lay_check(T, tlen, tpos) != LAY_OK) return LAY_EBOUNDS;
  return lay_setbytes(S, f, mem, len, pos, tmem + tpos + off / 8, bits / 8,
                      autock);
}
