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
#include "lmemmod.h"      /* indices; pack, unpack */
#include "lmemregions.h"  /* slice, map, reader, writer */


/*
** {======================================================
** Indices
** =======================================================
*/

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
  {"pack", luamemI_mpack},
  {"unpack", luamemI_munpack},
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
