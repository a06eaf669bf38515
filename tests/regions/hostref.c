/*
** hostref.c - a Lua module acting as a C host of referenced memories, as
** the daemon is for `pkt`: it re-points them through the API or by storing
** into their heads, and reads heads the way layout pointers do
** (test_memory_regions.lua, test_memory_streams.lua). Links the same
** library copy as memory.so.
*/
#include <string.h>

#include "lmemlib.h"

static char buffers[2][64];  /* two "packet buffers" */

static char *buffer (lua_State *L, int arg) {
  lua_Integer b = luaL_checkinteger(L, arg);
  luaL_argcheck(L, b == 1 || b == 2, arg, "buffer 1 or 2");
  return buffers[b - 1];
}

static size_t buflen (lua_State *L, int arg) {
  lua_Integer n = luaL_checkinteger(L, arg);
  luaL_argcheck(L, 0 <= n && n <= 64, arg, "length 0..64");
  return (size_t)n;
}

/* fill(b, s): buffer b starts with string s */
static int h_fill (lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 2, &len);
  luaL_argcheck(L, len <= 64, 2, "too long");
  memcpy(buffer(L, 1), s, len);
  return 0;
}

/* bytes(b, n): the first n bytes of buffer b */
static int h_bytes (lua_State *L) {
  lua_pushlstring(L, buffer(L, 1), buflen(L, 2));
  return 1;
}

/* new() -> an empty reference */
static int h_new (lua_State *L) {
  luamem_newref(L);
  return 1;
}

/* store(m, b, n): the daemon's way (lmemlib.h's owner protocol): into the
** head while its unref is NULL, else through luamem_resetref */
static int h_store (lua_State *L) {
  luamem_Head *h = luamem_tohead(L, 1, NULL);
  char *mem = buffer(L, 2);
  size_t len = buflen(L, 3);
  luaL_argcheck(L, h != NULL, 1, "memory");
  if (h->unref != NULL) {
    luamem_resetref(L, 1, mem, len, NULL, 0);
    return 0;
  }
  h->mem = mem;
  h->len = len;
  return 0;
}

/* setref(m, b, n): through the API */
static int h_setref (lua_State *L) {
  lua_pushboolean(L, luamem_setref(L, 1, buffer(L, 2), buflen(L, 3), NULL));
  return 1;
}

/* head(m) -> len, bytes: what a reader of the head sees */
static int h_head (lua_State *L) {
  const luamem_Head *h = luamem_tohead(L, 1, NULL);
  luaL_argcheck(L, h != NULL, 1, "memory");
  lua_pushinteger(L, (lua_Integer)h->len);
  lua_pushlstring(L, h->mem, h->len);
  return 2;
}

/* slice(m, start, len): luamem_newslice, 0-based */
static int h_slice (lua_State *L) {
  lua_Integer s = luaL_checkinteger(L, 2), n = luaL_checkinteger(L, 3);
  luaL_argcheck(L, s >= 0, 2, "negative");
  luaL_argcheck(L, n >= 0, 3, "negative");
  luamem_newslice(L, 1, (size_t)s, (size_t)n);
  lua_pushboolean(L, luamem_isslice(L, -1));
  return 2;
}

static const luaL_Reg h_funcs[] = {
  {"fill", h_fill}, {"bytes", h_bytes}, {"new", h_new}, {"store", h_store},
  {"setref", h_setref}, {"head", h_head}, {"slice", h_slice},
  {NULL, NULL}
};

LUAMEMMOD_API int luaopen_testhostref (lua_State *L) {
  luaL_newlib(L, h_funcs);
  return 1;
}
