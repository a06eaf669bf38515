/*
** lmempack.c - memory.pack and memory.unpack: string.pack's formats read
** and written in place, with lua-memory 2.0's rules where they differ
** (see doc/memory.md). Part of the `memory` module (lmemmod.c).
*/
#include <limits.h>
#include <stddef.h>
#include <string.h>

#include "lmemmod.h"

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
int luamemI_mpack (lua_State *L) {
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
int luamemI_munpack (lua_State *L) {
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
