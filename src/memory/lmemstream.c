/*
** lmemstream.c - streams: a cursor reading (memory.reader) or writing
** (memory.writer) a memory field by field, for parsers of records.
**
** A stream holds the memory's head (stable while the memory lives, which
** its user value ensures) and reads mem and len from it at every access,
** so a stream over the daemon's `pkt` follows it from packet to packet and
** one over a resized memory sees the new block, one over a slice its bytes
** until it dies (lmemslice.c empties its head). Every access is bounded by the
** length read at that moment: a read or write that does not fit returns
** nil and the position, and moves nothing.
*/
#include <string.h>

#include "lmemregions.h"

#define READERMT "memory.reader"
#define WRITERMT "memory.writer"

typedef struct Stream {
  const luamem_Head *head;  /* the memory's head, or &own */
  luamem_Head own;          /* a reader over a string: its bytes */
  size_t pos;               /* 0-based position of the next byte */
} Stream;

#define UV_MEM 1    /* user value: the memory or string */

static unsigned char *view (Stream *st, size_t *len) {
  *len = st->head->len;
  return (unsigned char *)st->head->mem;
}

/* the stream at 1, of the kind whose metatable is upvalue 1 */
static Stream *checkstream (lua_State *L) {
  Stream *st = (Stream *)lua_touserdata(L, 1);
  if (st == NULL || !lua_getmetatable(L, 1) ||
      !lua_rawequal(L, -1, lua_upvalueindex(1)))
    luaL_typeerror(L, 1, lua_tostring(L, lua_upvalueindex(2)));
  lua_pop(L, 1);
  return st;
}

/* a failed access: nil and the (1-based) position */
static int fail (lua_State *L, Stream *st) {
  lua_pushnil(L);
  lua_pushinteger(L, (lua_Integer)st->pos + 1);
  return 2;
}

/* n bytes at the position, advancing past them, or NULL when they do not
** fit */
static unsigned char *take (Stream *st, size_t n) {
  size_t len;
  unsigned char *p = view(st, &len);
  if (st->pos > len || n > len - st->pos) return NULL;
  p += st->pos;
  st->pos += n;
  return p;
}

/* a 1-based position as string.sub's start: negative from the end
** (clipped to 1); past the end is kept (reads then fail) */
static size_t checkpos (lua_State *L, int arg, Stream *st, lua_Integer def) {
  size_t len;
  lua_Integer i = luaL_optinteger(L, arg, def);
  view(st, &len);
  if (i > 0) return (lua_Unsigned)(i - 1) > (lua_Unsigned)LUAMEM_MAXSIZE
                    ? LUAMEM_MAXSIZE : (size_t)(i - 1);
  if (i == 0 || i < -(lua_Integer)len) return 0;
  return len - (size_t)(-i);
}

/* size argument of an integer: 1..8 */
static size_t checksize (lua_State *L, int arg) {
  int isnum;
  lua_Integer n = lua_tointegerx(L, arg, &isnum);
  if (!isnum) n = luaL_checkinteger(L, arg);
  luaL_argcheck(L, 1 <= n && n <= 8, arg, "size out of range (1..8)");
  return (size_t)n;
}

/* byte order argument: "big" (the default: network order) or "little" */
static int islittle (lua_State *L, int arg) {
  const char *o;
  if (lua_isnoneornil(L, arg)) return 0;
  o = luaL_checkstring(L, arg);
  if (strcmp(o, "big") == 0) return 0;
  if (strcmp(o, "little") == 0) return 1;
  return luaL_argerror(L, arg, "byte order must be 'big' or 'little'");
}

/* a count of bytes: >= 0 */
static size_t checkcount (lua_State *L, int arg) {
  lua_Integer n = luaL_checkinteger(L, arg);
  luaL_argcheck(L, n >= 0, arg, "negative count");
  return (lua_Unsigned)n > (lua_Unsigned)LUAMEM_MAXSIZE ? LUAMEM_MAXSIZE
                                                       : (size_t)n;
}

static lua_Unsigned getuint (const unsigned char *p, size_t n, int little) {
  lua_Unsigned v = 0;
  size_t i;
  if (little)
    for (i = n; i > 0; i--) v = (v << 8) | p[i - 1];
  else
    for (i = 0; i < n; i++) v = (v << 8) | p[i];
  return v;
}

static void putuint (unsigned char *p, size_t n, int little, lua_Unsigned v) {
  size_t i;
  for (i = 0; i < n; i++, v >>= 8) p[little ? i : n - 1 - i] = (unsigned char)v;
}


/*
** {======================================================
** Both kinds
** =======================================================
*/

/* s:pos() -> the 1-based position of the next byte */
static int s_pos (lua_State *L) {
  lua_pushinteger(L, (lua_Integer)checkstream(L)->pos + 1);
  return 1;
}

/* s:seek(i) -> position: i as string.sub's start */
static int s_seek (lua_State *L) {
  Stream *st = checkstream(L);
  luaL_checkinteger(L, 2);
  st->pos = checkpos(L, 2, st, 1);
  lua_pushinteger(L, (lua_Integer)st->pos + 1);
  return 1;
}

/* s:remaining() -> bytes from the position to the end (0 past it) */
static int s_remaining (lua_State *L) {
  Stream *st = checkstream(L);
  size_t len;
  view(st, &len);
  lua_pushinteger(L, st->pos < len ? (lua_Integer)(len - st->pos) : 0);
  return 1;
}

/* s:skip(n) -> new position | nil, position */
static int s_skip (lua_State *L) {
  Stream *st = checkstream(L);
  if (take(st, checkcount(L, 2)) == NULL) return fail(L, st);
  lua_pushinteger(L, (lua_Integer)st->pos + 1);
  return 1;
}

/* s:slice(n) -> memory.slice of the next n bytes (shared), advancing */
static int s_slice (lua_State *L) {
  Stream *st = checkstream(L);
  size_t n = checkcount(L, 2), start = st->pos;
  if (take(st, n) == NULL) return fail(L, st);
  if (lua_getiuservalue(L, 1, UV_MEM) == LUA_TSTRING) {
    lua_pushlstring(L, st->own.mem + start, n);
    return 1;
  }
  luamem_newslice(L, -1, start, n);
  return 1;
}

/* }====================================================== */


/*
** {======================================================
** Readers
** =======================================================
*/

/* r:uint(n [, order]), r:int(n [, order]) -> integer of n bytes, unsigned
** or signed | nil, position */
static int readint (lua_State *L, int issigned) {
  Stream *st = checkstream(L);
  size_t n = checksize(L, 2);
  int little = islittle(L, 3);
  const unsigned char *p = take(st, n);
  lua_Unsigned v, sign;
  if (p == NULL) return fail(L, st);
  v = getuint(p, n, little);
  if (issigned) {  /* sign-extend */
    sign = (lua_Unsigned)1 << (n * 8 - 1);
    v = (v ^ sign) - sign;
  }
  lua_pushinteger(L, (lua_Integer)v);
  return 1;
}

static int r_uint (lua_State *L) { return readint(L, 0); }
static int r_int (lua_State *L) { return readint(L, 1); }

/* r:string(n) -> string of the next n bytes | nil, position */
static int r_string (lua_State *L) {
  Stream *st = checkstream(L);
  size_t n = checkcount(L, 2);
  const unsigned char *p = take(st, n);
  if (p == NULL) return fail(L, st);
  lua_pushlstring(L, (const char *)p, n);
  return 1;
}

/* r:zstring() -> the bytes up to a zero byte (consumed) | nil, position */
static int r_zstring (lua_State *L) {
  Stream *st = checkstream(L);
  size_t len;
  const unsigned char *p = view(st, &len), *z;
  if (st->pos >= len ||
      (z = (const unsigned char *)memchr(p + st->pos, 0, len - st->pos))
        == NULL)
    return fail(L, st);
  lua_pushlstring(L, (const char *)p + st->pos, (size_t)(z - (p + st->pos)));
  st->pos += (size_t)(z - (p + st->pos)) + 1;
  return 1;
}

/* }====================================================== */


/*
** {======================================================
** Writers
** =======================================================
*/

/* w:uint(n, v [, order]), w:int(n, v [, order]) -> new position | nil,
** position: v must fit n bytes, unsigned or signed */
static int writeint (lua_State *L, int issigned) {
  Stream *st = checkstream(L);
  size_t n = checksize(L, 2);
  lua_Integer v = luaL_checkinteger(L, 3);
  int little = islittle(L, 4);
  unsigned char *p;
  if (n < 8 && issigned) {
    lua_Integer lim = (lua_Integer)1 << (n * 8 - 1);
    luaL_argcheck(L, -lim <= v && v < lim, 3, "integer overflow");
  }
  else if (n < 8)
    luaL_argcheck(L, v >= 0 && (lua_Unsigned)v >> (n * 8) == 0, 3,
                  "unsigned overflow");
  if ((p = take(st, n)) == NULL) return fail(L, st);
  putuint(p, n, little, (lua_Unsigned)v);
  lua_pushinteger(L, (lua_Integer)st->pos + 1);
  return 1;
}

static int w_uint (lua_State *L) { return writeint(L, 0); }
static int w_int (lua_State *L) { return writeint(L, 1); }

/* the bytes of s (and a zero byte when z) at the position */
static int writebytes (lua_State *L, int z) {
  Stream *st = checkstream(L);
  size_t sl;
  const char *s = luamem_checkarray(L, 2, &sl);
  unsigned char *p;
  if (z && memchr(s, 0, sl) != NULL)
    return luaL_argerror(L, 2, "string contains zeros");
  if (sl + z < sl || (p = take(st, sl + z)) == NULL) return fail(L, st);
  memmove(p, s, sl);  /* s may be this very memory */
  if (z) p[sl] = 0;
  lua_pushinteger(L, (lua_Integer)st->pos + 1);
  return 1;
}

/* w:string(s) -> new position | nil, position: s a string or memory */
static int w_string (lua_State *L) { return writebytes(L, 0); }

/* w:zstring(s) -> new position | nil, position: s, then a zero byte */
static int w_zstring (lua_State *L) { return writebytes(L, 1); }

/* }====================================================== */


/*
** {======================================================
** Creation
** =======================================================
*/

static const luaL_Reg common[] = {
  {"pos", s_pos}, {"seek", s_seek}, {"remaining", s_remaining},
  {"skip", s_skip}, {"slice", s_slice}, {NULL, NULL}
};

static const luaL_Reg readermethods[] = {
  {"uint", r_uint}, {"int", r_int}, {"string", r_string},
  {"zstring", r_zstring}, {NULL, NULL}
};

static const luaL_Reg writermethods[] = {
  {"uint", w_uint}, {"int", w_int}, {"string", w_string},
  {"zstring", w_zstring}, {NULL, NULL}
};

static int s_tostring (lua_State *L) {
  Stream *st = (Stream *)lua_touserdata(L, 1);
  lua_pushfstring(L, "%s (%p) at %I", lua_tostring(L, lua_upvalueindex(2)),
                  (void *)st, (lua_Integer)st->pos + 1);
  return 1;
}

/* pushes the metatable `name`, made with its methods on first use */
static void pushmeta (lua_State *L, const char *name, const luaL_Reg *m) {
  if (!luaL_newmetatable(L, name)) return;
  lua_createtable(L, 0, 10);  /* methods */
  lua_pushvalue(L, -2);
  lua_pushstring(L, name);
  luaL_setfuncs(L, common, 2);
  lua_pushvalue(L, -2);
  lua_pushstring(L, name);
  luaL_setfuncs(L, m, 2);
  lua_setfield(L, -2, "__index");
  lua_pushvalue(L, -1);
  lua_pushstring(L, name);
  lua_pushcclosure(L, s_tostring, 2);
  lua_setfield(L, -2, "__tostring");
}

static int newstream (lua_State *L, int writer) {
  Stream *st;
  int isstr;
  lua_settop(L, 2);
  isstr = !writer && lua_type(L, 1) == LUA_TSTRING;
  luamem_Head *h = isstr ? NULL : luamem_tohead(L, 1, NULL);
  if (h == NULL && !isstr)
    luaL_typeerror(L, 1, writer ? "memory" : "memory or string");
  st = (Stream *)lua_newuserdatauv(L, sizeof(Stream), 1);
  st->pos = 0;
  if (isstr) {
    st->own.mem = (char *)lua_tolstring(L, 1, &st->own.len);
    st->own.unref = NULL;
    st->head = &st->own;
  }
  else st->head = h;
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, -2, UV_MEM);
  pushmeta(L, writer ? WRITERMT : READERMT,
           writer ? writermethods : readermethods);
  lua_setmetatable(L, -2);
  st->pos = checkpos(L, 2, st, 1);
  return 1;
}

/* memory.reader(m [, i]) -> reader at position i (default 1) of the
** memory or string m */
int luamemI_mreader (lua_State *L) { return newstream(L, 0); }

/* memory.writer(m [, i]) -> writer at position i (default 1) of m */
int luamemI_mwriter (lua_State *L) { return newstream(L, 1); }

/* }====================================================== */
