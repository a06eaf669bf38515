/*
** lmemmod.c - the `memory` Lua module.
**
** Written only against the C API of lmemlib.h: memories made by C code
** (luamem_newref/luamem_newalloc) and by this module are the same objects.
** Indices follow string.sub: 1-based, negative from the end, clipped.
*/
#include <limits.h>
#include <stddef.h>
#include <string.h>

#include "lmemlib.h"
#include "lmemregions.h"  /* slice, map, reader, writer */


/*
** {======================================================
** Indices
** =======================================================
*/

/* start of a range as string.sub's `i`: the result is >= 1 */
static size_t posstart (lua_Integer pos, size_t len) {
  if (pos > 0) return (size_t)pos;
  else if (pos == 0) return 1;
  else if (pos < -(lua_Integer)len) return 1;
  return len - (size_t)(-(pos + 1));  /* len + pos + 1, no overflow */
}

/* end of a range as string.sub's `j`: the result is <= len */
static size_t posend (lua_Integer pos, size_t len) {
  if (pos > (lua_Integer)len) return len;
  else if (pos >= 0) return (size_t)pos;
  else if (pos < -(lua_Integer)len) return 0;
  return len - (size_t)(-(pos + 1));
}

/*
** Reads the optional range arguments `i` (default 1) and `j` (default -1)
** of an array of `len` bytes; returns the 0-based start and the count
** (0 for an empty range).
*/
static size_t getrange (lua_State *L, int argi, size_t len, size_t *start) {
  size_t i = posstart(luaL_optinteger(L, argi, 1), len);
  size_t j = posend(luaL_optinteger(L, argi + 1, -1), len);
  *start = i - 1;
  return (i > j) ? 0 : j - i + 1;
}

/* a position inside a source string as `o` of find and fill: >= 1 */
static size_t possource (lua_State *L, int arg, size_t len) {
  return posstart(luaL_optinteger(L, arg, 1), len);
}

/* luaL_checkinteger without a call layer, for get/set's hot path */
static lua_Integer checkint (lua_State *L, int arg) {
  int isnum;
  lua_Integer n = lua_tointegerx(L, arg, &isnum);
  if (!isnum) n = luaL_checkinteger(L, arg);  /* raises the usual error */
  return n;
}

/* a byte value given as a number: 0..255 */
static unsigned char checkbyte (lua_State *L, int arg) {
  lua_Integer c = checkint(L, arg);
  luaL_argcheck(L, 0 <= c && c <= UCHAR_MAX, arg, "value out of range");
  return (unsigned char)c;
}

/* }====================================================== */


/*
** {======================================================
** Creation and size
** =======================================================
*/

static int mem_create (lua_State *L) {
  if (lua_gettop(L) == 0) {  /* a resizable memory, empty */
    luamem_newref(L);
    luamem_setref(L, -1, NULL, 0, luamem_free);
  }
  else if (lua_type(L, 1) == LUA_TNUMBER) {
    size_t len = luamem_checklenarg(L, 1);
    char *mem = luamem_newalloc(L, len);
    if (len > 0) memset(mem, 0, len);
  }
  else {
    size_t len, start, n;
    const char *s = luamem_checkarray(L, 1, &len);
    char *mem;
    n = getrange(L, 2, len, &start);
    mem = luamem_newalloc(L, n);
    /* `s` is still valid: argument 1 keeps it alive */
    if (n > 0) memcpy(mem, s + start, n);
  }
  return 1;
}

static int mem_type (lua_State *L) {
  luamem_Unref unref;
  int type;
  luamem_tomemoryx(L, 1, NULL, &unref, &type);
  if (type == LUAMEM_TALLOC)
    lua_pushliteral(L, "fixed");
  else if (type == LUAMEM_TREF)
    lua_pushstring(L, unref == luamem_free ? "resizable" : "other");
  else
    luaL_pushfail(L);
  return 1;
}

static int mem_len (lua_State *L) {
  size_t len;
  luamem_checkmemory(L, 1, &len);
  lua_pushinteger(L, (lua_Integer)len);
  return 1;
}

/* copies `src` over `dst` repeatedly; both stay inside their blocks */
static void fillpattern (char *dst, size_t n, const char *src, size_t sn) {
  while (n > 0) {
    size_t k = (n < sn) ? n : sn;
    memmove(dst, src, k);
    dst += k;
    n -= k;
  }
}

/*
** resize(m, l [, s]): the old block goes back through the realloc, so the
** reference is re-pointed with cleanup off (no double free). `s` is read
** only when the size changes; when it is `m`, its old bytes are read from
** the new block.
*/
static int mem_resize (lua_State *L) {
  size_t len, size, sl;
  luamem_Unref unref;
  char *mem = luamem_tomemoryx(L, 1, &len, &unref, NULL);
  size = luamem_checklenarg(L, 2);
  luaL_argcheck(L, unref == luamem_free, 1, "resizable memory expected");
  if (size != len) {
    const char *s = luamem_optarray(L, 3, NULL, &sl);
    int self = lua_rawequal(L, 1, 3);
    char *nmem = (char *)luamem_realloc(L, mem, len, size);
    if (nmem == NULL && size > 0) return luaL_error(L, "out of memory");
    luamem_resetref(L, 1, nmem, size, luamem_free, 0);
    if (size > len) {
      if (self) s = nmem;  /* `m` moved; its old bytes are the first `sl` */
      else s = luamem_optarray(L, 3, NULL, &sl);  /* a slice of `m` died */
      if (sl > 0) fillpattern(nmem + len, size - len, s, sl);
      else memset(nmem + len, 0, size - len);
    }
  }
  return 0;
}

/* }====================================================== */


/*
** {======================================================
** Contents
** =======================================================
*/

static int mem_tostring (lua_State *L) {
  size_t len, start, n;
  const char *s = luamem_checkarray(L, 1, &len);
  n = getrange(L, 2, len, &start);
  lua_pushlstring(L, s + start, n);
  return 1;
}

/* diff(m1, m2): first differing index (or nil), and m1 < m2 */
/* (bytes compare as C's plain char, as lua-memory's do: signed on x86) */
static int mem_diff (lua_State *L) {
  size_t l1, l2, i, n;
  const char *s1 = luamem_checkarray(L, 1, &l1);
  const char *s2 = luamem_checkarray(L, 2, &l2);
  n = (l1 < l2) ? l1 : l2;
  for (i = 0; i + 64 <= n && memcmp(s1 + i, s2 + i, 64) == 0; i += 64) ;
  for (; i < n && s1[i] == s2[i]; i++) ;
  if (i < n) {
    lua_pushinteger(L, (lua_Integer)i + 1);
    lua_pushboolean(L, s1[i] < s2[i]);
  }
  else if (l1 == l2) {
    luaL_pushfail(L);
    lua_pushboolean(L, 0);
  }
  else {  /* one is a prefix of the other */
    lua_pushinteger(L, (lua_Integer)n + 1);
    lua_pushboolean(L, l1 < l2);
  }
  return 2;
}

/* get(m, i [, j]): the hot path (one byte) avoids the range code */
static int mem_get (lua_State *L) {
  size_t len, i, j;
  int n;
  const unsigned char *p =
      (const unsigned char *)luamem_checkmemory(L, 1, &len);
  lua_Integer pi = checkint(L, 2);
  if (lua_gettop(L) < 3) {  /* j defaults to i: one byte or none */
    if (pi > 0 && (lua_Unsigned)pi <= len) i = (size_t)pi;
    else if (pi < 0 && pi >= -(lua_Integer)len) i = posstart(pi, len);
    else return 0;
    lua_pushinteger(L, p[i - 1]);
    return 1;
  }
  i = posstart(pi, len);
  j = posend(luaL_optinteger(L, 3, pi), len);
  if (i > j) return 0;
  if (j - i >= (size_t)INT_MAX)
    return luaL_error(L, "string slice too long");
  n = (int)(j - i + 1);
  luaL_checkstack(L, n, "string slice too long");
  for (; i <= j; i++) lua_pushinteger(L, p[i - 1]);
  return n;
}

/* set(m, i, ...): `i` inside `m`; values past its end are ignored */
static int mem_set (lua_State *L) {
  size_t len, i;
  char *p = luamem_checkmemory(L, 1, &len);
  int arg, top = lua_gettop(L);
  i = posstart(checkint(L, 2), len);
  luaL_argcheck(L, i <= len, 2, "index out of bounds");
  for (arg = 3; arg <= top && i <= len; arg++, i++)
    p[i - 1] = (char)checkbyte(L, arg);
  return 0;
}

/* the first occurrence of `s` (sl > 0) in `p`, or NULL */
static const char *findbytes (const char *p, size_t pl,
                              const char *s, size_t sl) {
  const char *end;
  if (sl > pl) return NULL;
  end = p + (pl - sl);  /* last possible start */
  while (p <= end) {
    const char *c = (const char *)memchr(p, s[0], (size_t)(end - p) + 1);
    if (c == NULL) return NULL;
    if (memcmp(c + 1, s + 1, sl - 1) == 0) return c;
    p = c + 1;
  }
  return NULL;
}

/*
** find(m, s [, i [, j [, o]]]) -> first, last | nothing. As lua-memory:
** bytes of `s` from `o` longer than the range are cut to its length, and
** `last` counts all of them.
*/
static int mem_find (lua_State *L) {
  size_t len, sl, start, n, o;
  const char *p = luamem_checkarray(L, 1, &len);
  const char *s = luamem_checkarray(L, 2, &sl);
  const char *found;
  n = getrange(L, 3, len, &start);
  o = possource(L, 5, sl);
  if (n == 0 || o > sl) return 0;
  s += o - 1;
  sl -= o - 1;
  found = findbytes(p + start, n, s, (sl < n) ? sl : n);
  if (found == NULL) return 0;
  lua_pushinteger(L, (lua_Integer)(found - p) + 1);
  lua_pushinteger(L, (lua_Integer)(found - p) + (lua_Integer)sl);
  return 2;
}

/* fill(m, s [, i [, j [, o]]]): `s` a byte value or an array */
static int mem_fill (lua_State *L) {
  size_t len, start, n;
  char *p = luamem_checkmemory(L, 1, &len);
  n = getrange(L, 3, len, &start);
  if (lua_type(L, 2) == LUA_TNUMBER) {
    unsigned char c = checkbyte(L, 2);
    if (n > 0) memset(p + start, c, n);
  }
  else {
    size_t sl, o;
    const char *s = luamem_checkarray(L, 2, &sl);
    o = possource(L, 5, sl);
    if (n > 0 && o <= sl) fillpattern(p + start, n, s + o - 1, sl - o + 1);
  }
  return 0;
}

/* }====================================================== */


/*
** {======================================================
** pack / unpack: the formats of string.pack, in place
** =======================================================
*/

#define MAXINTSIZE 16  /* largest size of an integer option */
#define SZINT ((size_t)sizeof(lua_Integer))

static const union {
  int one;
  char little;  /* true on a little-endian machine */
} nativeendian = {1};

/* the strictest alignment of the platform: what a bare '!' means */
struct alignprobe {
  char c;
  union { double d; void *p; lua_Integer i; lua_Number n; } u;
};
#define MAXALIGN ((size_t)offsetof(struct alignprobe, u))

typedef enum Kind {
  Kint,        /* signed integer */
  Kuint,       /* unsigned integer */
  Kfloat,      /* 'f' */
  Kdouble,     /* 'd' */
  Knumber,     /* 'n' */
  Kchar,       /* fixed-size string */
  Kstring,     /* string with a length prefix */
  Kzstr,       /* zero-terminated string */
  Kpadding,    /* 'x' */
  Kpaddalign,  /* 'X' */
  Knop         /* settings and spaces */
} Kind;

typedef struct Format {
  lua_State *L;
  const char *s;    /* next option */
  int little;       /* current byte order */
  size_t maxalign;  /* current limit of alignments */
} Format;

static int isdigitc (int c) { return '0' <= c && c <= '9'; }

/* an optional decimal count; stays far below INT_MAX */
static size_t readcount (const char **s, size_t def) {
  size_t n = 0;
  if (!isdigitc(**s)) return def;
  do {
    n = n * 10 + (size_t)(*(*s)++ - '0');
  } while (isdigitc(**s) && n <= ((size_t)INT_MAX - 9) / 10);
  return n;
}

/* the size of an integer option ('i', 'I', 's', '!'): 1..MAXINTSIZE */
static size_t readintsize (Format *f, size_t def) {
  size_t n = readcount(&f->s, def);
  if (n < 1 || n > MAXINTSIZE)
    luaL_error(f->L, "integral size (%d) out of limits [1,%d]", (int)n,
               MAXINTSIZE);
  return n;
}

/* reads one option; `size` gets its size in bytes (0 if none) */
static Kind readoption (Format *f, size_t *size) {
  int c = (unsigned char)*f->s++;
  *size = 0;
  switch (c) {
    case 'b': *size = 1; return Kint;
    case 'B': *size = 1; return Kuint;
    case 'h': *size = sizeof(short); return Kint;
    case 'H': *size = sizeof(short); return Kuint;
    case 'l': *size = sizeof(long); return Kint;
    case 'L': *size = sizeof(long); return Kuint;
    case 'j': *size = sizeof(lua_Integer); return Kint;
    case 'J': *size = sizeof(lua_Integer); return Kuint;
    case 'T': *size = sizeof(size_t); return Kuint;
    case 'f': *size = sizeof(float); return Kfloat;
    case 'd': *size = sizeof(double); return Kdouble;
    case 'n': *size = sizeof(lua_Number); return Knumber;
    case 'i': *size = readintsize(f, sizeof(int)); return Kint;
    case 'I': *size = readintsize(f, sizeof(int)); return Kuint;
    case 's': *size = readintsize(f, sizeof(size_t)); return Kstring;
    case 'c':
      *size = readcount(&f->s, (size_t)-1);
      if (*size == (size_t)-1)
        luaL_error(f->L, "missing size for format option 'c'");
      return Kchar;
    case 'z': return Kzstr;
    case 'x': *size = 1; return Kpadding;
    case 'X': return Kpaddalign;
    case ' ': break;
    case '<': f->little = 1; break;
    case '>': f->little = 0; break;
    case '=': f->little = nativeendian.little; break;
    case '!': f->maxalign = readintsize(f, MAXALIGN); break;
    default: luaL_error(f->L, "invalid format option '%c'", c);
  }
  return Knop;
}

/*
** Reads the next option and the padding it needs at 0-based offset `pos`
** of the memory: alignment is relative to the memory's first byte.
*/
static Kind nextoption (Format *f, size_t pos, size_t *size, size_t *pad) {
  Kind k = readoption(f, size);
  size_t align = *size;
  if (k == Kpaddalign) {  /* aligns as the option after it */
    /* (blamed on argument 1, as lua-memory does) */
    if (*f->s == '\0' || readoption(f, &align) == Kchar || align == 0)
      luaL_argerror(f->L, 1, "invalid next option for option 'X'");
  }
  *pad = 0;
  if (align > 1 && k != Kchar) {
    if (align > f->maxalign) align = f->maxalign;
    if ((align & (align - 1)) != 0)
      luaL_argerror(f->L, 1, "format asks for alignment not power of 2");
    *pad = (align - (pos & (align - 1))) & (align - 1);
  }
  return k;
}

/* `size` bytes of `v`, sign-extended past a lua_Integer when `neg` */
static void putint (char *b, lua_Unsigned v, int little, size_t size,
                    int neg) {
  size_t i;
  for (i = 0; i < size; i++) {
    unsigned char byte = (i < SZINT) ? (unsigned char)(v >> (8 * i))
                                     : (neg ? 0xff : 0x00);
    b[little ? i : size - 1 - i] = (char)byte;
  }
}

static lua_Integer getint (lua_State *L, const char *b, int little,
                           size_t size, int issigned) {
  const unsigned char *u = (const unsigned char *)b;
  lua_Unsigned v = 0;
  size_t i, lim = (size < SZINT) ? size : SZINT;
  for (i = lim; i-- > 0; )
    v = (v << 8) | u[little ? i : size - 1 - i];
  if (size < SZINT) {
    if (issigned) {  /* sign extension */
      lua_Unsigned mask = (lua_Unsigned)1 << (size * 8 - 1);
      v = (v ^ mask) - mask;
    }
  }
  else if (size > SZINT) {  /* the extra bytes must be a pure extension */
    unsigned char ext = (issigned && (lua_Integer)v < 0) ? 0xff : 0x00;
    for (i = lim; i < size; i++)
      if (u[little ? i : size - 1 - i] != ext)
        luaL_error(L, "%d-byte integer does not fit into Lua Integer",
                   (int)size);
  }
  return (lua_Integer)v;
}

/* copies `size` bytes, reversed when `little` is not the native order */
static void copyorder (char *dst, const char *src, size_t size, int little) {
  size_t i;
  if (little == nativeendian.little) memcpy(dst, src, size);
  else for (i = 0; i < size; i++) dst[i] = src[size - 1 - i];
}

/* pack failed: false, the next index, and the values not packed */
static int packfail (lua_State *L, size_t pos, int arg) {
  int top = lua_gettop(L);
  lua_pushboolean(L, 0);
  lua_pushinteger(L, (lua_Integer)pos + 1);
  lua_rotate(L, arg, 2);
  return top - arg + 1 + 2;
}

/* the value of an integer option, checked as string.pack checks it */
static lua_Integer checkpackint (lua_State *L, Kind k, size_t size, int arg) {
  lua_Integer n = luaL_checkinteger(L, arg);
  if (size < SZINT && k == Kint) {
    lua_Integer lim = (lua_Integer)1 << (size * 8 - 1);
    luaL_argcheck(L, -lim <= n && n < lim, arg, "integer overflow");
  }
  else if (size < SZINT)
    luaL_argcheck(L, (lua_Unsigned)n < ((lua_Unsigned)1 << (size * 8)), arg,
                  "unsigned overflow");
  return n;
}

/* writes `x` as option `k` ('f', 'd' or 'n') */
static void putfloat (char *b, Kind k, lua_Number x, int little) {
  if (k == Kfloat) {
    float v = (float)x;
    copyorder(b, (const char *)&v, sizeof(v), little);
  }
  else if (k == Kdouble) {
    double v = (double)x;
    copyorder(b, (const char *)&v, sizeof(v), little);
  }
  else copyorder(b, (const char *)&x, sizeof(x), little);
}

/*
** pack(m, fmt, i, v...) -> true, next | false, next, values not packed.
** As lua-memory: padding and alignment bytes are skipped, not written; a
** value is checked before its room (a float's after); a length prefix, or
** a z string without its zero, that fits is written even when the rest
** does not, and `next` is past it. Strings are moved: `v` may be `m`.
*/
static int mem_pack (lua_State *L) {
  size_t len, pos, sl;
  char *mem = luamem_checkmemory(L, 1, &len);
  const char *s;
  Format f;
  int arg = 3;  /* the value of the current option */
  f.L = L;
  f.s = luaL_checkstring(L, 2);
  f.little = nativeendian.little;
  f.maxalign = 1;
  pos = posstart(luaL_checkinteger(L, 3), len) - 1;
  luaL_argcheck(L, pos <= len, 3, "index out of bounds");
  while (*f.s != '\0') {
    size_t size, pad;
    Kind k = nextoption(&f, pos, &size, &pad);
    arg++;
    /* lua-memory fails every option on an empty reference (NULL there) */
    if (pad > len - pos || mem == LUAMEM_EMPTY) return packfail(L, pos, arg);
    pos += pad;
    switch (k) {
      case Kint: case Kuint: {
        lua_Integer n = checkpackint(L, k, size, arg);
        if (size > len - pos) return packfail(L, pos, arg);
        putint(mem + pos, (lua_Unsigned)n, f.little, size, k == Kint && n < 0);
        pos += size;
        break;
      }
      case Kfloat: case Kdouble: case Knumber:
        if (size > len - pos) return packfail(L, pos, arg);
        putfloat(mem + pos, k, luaL_checknumber(L, arg), f.little);
        pos += size;
        break;
      case Kchar:
        s = luamem_checkarray(L, arg, &sl);
        luaL_argcheck(L, sl == size, arg, "wrong length");
        if (size > len - pos) return packfail(L, pos, arg);
        memmove(mem + pos, s, size);
        pos += size;
        break;
      case Kstring:
        s = luamem_checkarray(L, arg, &sl);
        luaL_argcheck(L, size >= sizeof(size_t) ||
                         sl < ((size_t)1 << (size * 8)),
                      arg, "string length does not fit in given size");
        if (size > len - pos) return packfail(L, pos, arg);
        putint(mem + pos, (lua_Unsigned)sl, f.little, size, 0);
        pos += size;
        if (sl > len - pos) return packfail(L, pos, arg);
        memmove(mem + pos, s, sl);
        pos += sl;
        break;
      case Kzstr:
        s = luamem_checkarray(L, arg, &sl);
        luaL_argcheck(L, memchr(s, '\0', sl) == NULL, arg,
                      "string contains zeros");
        if (sl > len - pos) return packfail(L, pos, arg);
        memmove(mem + pos, s, sl);
        pos += sl;
        if (pos == len) return packfail(L, pos, arg);
        mem[pos++] = '\0';
        break;
      case Kpadding:
        if (pos == len) return packfail(L, pos, arg);
        pos++;
        /* FALLTHROUGH */
      default:  /* padding and settings take no value */
        arg--;
        break;
    }
  }
  lua_pushboolean(L, 1);
  lua_pushinteger(L, (lua_Integer)pos + 1);
  return 2;
}

/* unpack(m, fmt [, i]) -> values..., next */
static int mem_unpack (lua_State *L) {
  size_t ld, pos;
  const char *data = luamem_checkmemory(L, 1, &ld);
  Format f;
  int n = 0;  /* number of results */
  f.L = L;
  f.s = luaL_checkstring(L, 2);
  f.little = nativeendian.little;
  f.maxalign = 1;
  pos = posstart(luaL_optinteger(L, 3, 1), ld) - 1;
  luaL_argcheck(L, pos <= ld, 3, "index out of bounds");
  while (*f.s != '\0') {
    size_t size, pad;
    Kind k = nextoption(&f, pos, &size, &pad);
    luaL_argcheck(L, pad <= ld - pos && size <= ld - pos - pad, 2,
                  "data string too short");
    pos += pad;
    luaL_checkstack(L, 2, "too many results");
    switch (k) {
      case Kint: case Kuint:
        lua_pushinteger(L, getint(L, data + pos, f.little, size, k == Kint));
        break;
      case Kfloat: {
        float v;
        copyorder((char *)&v, data + pos, size, f.little);
        lua_pushnumber(L, (lua_Number)v);
        break;
      }
      case Kdouble: {
        double v;
        copyorder((char *)&v, data + pos, size, f.little);
        lua_pushnumber(L, (lua_Number)v);
        break;
      }
      case Knumber: {
        lua_Number v;
        copyorder((char *)&v, data + pos, size, f.little);
        lua_pushnumber(L, v);
        break;
      }
      case Kchar:
        lua_pushlstring(L, data + pos, size);
        break;
      case Kstring: {
        size_t sl = (size_t)getint(L, data + pos, f.little, size, 0);
        luaL_argcheck(L, sl <= ld - pos - size, 2, "data string too short");
        lua_pushlstring(L, data + pos + size, sl);
        pos += sl;
        break;
      }
      case Kzstr: {
        const char *z = (const char *)memchr(data + pos, '\0', ld - pos);
        luaL_argcheck(L, z != NULL, 2, "unfinished string for format 'z'");
        lua_pushlstring(L, data + pos, (size_t)(z - (data + pos)));
        pos += (size_t)(z - (data + pos)) + 1;
        break;
      }
      default:
        n--;  /* padding and no-ops give no value */
        break;
    }
    n++;
    pos += size;
  }
  lua_pushinteger(L, (lua_Integer)pos + 1);
  return n + 1;
}

/* }====================================================== */


/*
** {======================================================
** Metamethods and the module
** =======================================================
*/

/*
** a .. b: a string when both are arrays, else b's __concat. An empty
** reference is no array here: lua-memory's block is NULL for it.
*/
static int mem_concat (lua_State *L) {
  size_t l1, l2;
  const char *s1 = luamem_toarray(L, 1, &l1);
  const char *s2 = luamem_toarray(L, 2, &l2);
  if (s1 != NULL && s2 != NULL && s1 != LUAMEM_EMPTY && s2 != LUAMEM_EMPTY) {
    luaL_Buffer b;
    char *p;
    if (l2 > (size_t)-1 - l1) return luaL_error(L, "string too large");
    p = luaL_buffinitsize(L, &b, l1 + l2);
    memcpy(p, s1, l1);
    memcpy(p + l1, s2, l2);
    luaL_pushresultsize(&b, l1 + l2);
    return 1;
  }
  else {  /* the second operand's __concat, as lua-memory */
    if (luamem_ismemory(L, 2) ||
        luaL_getmetafield(L, 2, "__concat") == LUA_TNIL)
      return luaL_error(L, "attempt to concat a '%s' with a '%s'",
                        luaL_typename(L, 1), luaL_typename(L, 2));
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_call(L, 2, 1);
    return 1;
  }
}

static const luaL_Reg mem_funcs[] = {
  {"create", mem_create},
  {"type", mem_type},
  {"len", mem_len},
  {"resize", mem_resize},
  {"diff", mem_diff},
  {"tostring", mem_tostring},
  {"get", mem_get},
  {"set", mem_set},
  {"find", mem_find},
  {"fill", mem_fill},
  {"pack", mem_pack},
  {"unpack", mem_unpack},
  {"slice", luamemI_mslice},
  {"reader", luamemI_mreader},
  {"writer", luamemI_mwriter},
  {"map", luamemI_mmap},
  {NULL, NULL}
};

static const luaL_Reg mem_meta[] = {
  {"__len", mem_len},
  {"__tostring", mem_tostring},
  {"__concat", mem_concat},
  {"__index", NULL},  /* the module table, set below */
  {NULL, NULL}
};

/*
** The memory on top gives its kind's metatable (shared with memories
** made from C before the module was loaded); the module is below it.
*/
static void setmethods (lua_State *L) {
  lua_getmetatable(L, -1);
  luaL_setfuncs(L, mem_meta, 0);
  lua_pushvalue(L, -3);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 2);  /* metatable and memory */
}

LUAMEMMOD_API int luaopen_memory (lua_State *L) {
  luaL_newlib(L, mem_funcs);
  luamem_newalloc(L, 0);
  setmethods(L);
  luamem_newref(L);
  setmethods(L);
  return 1;
}

/* }====================================================== */
