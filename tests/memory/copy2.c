/*
** copy2.c - a Lua module linking its own (static) copy of libluamemlib,
** as layout.so does, to test memories crossing library copies in one
** process (test_memory_copies.lua).
*/
#include <string.h>

#include "lmemlib.h"

static char bytes[] = "static bytes";

static int c2_type (lua_State *L) {
  lua_pushinteger(L, luamem_type(L, 1));
  return 1;
}

static int c2_len (lua_State *L) {
  size_t len;
  luamem_checkmemory(L, 1, &len);
  lua_pushinteger(L, (lua_Integer)len);
  return 1;
}

static int c2_newalloc (lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  memcpy(luamem_newalloc(L, len), s, len);
  return 1;
}

static int c2_newref (lua_State *L) {
  luamem_newref(L);
  luamem_setref(L, -1, bytes, sizeof(bytes) - 1, NULL);
  return 1;
}

static int c2_setref (lua_State *L) {
  lua_pushboolean(L, luamem_setref(L, 1, bytes, 6, NULL));
  return 1;
}

static const luaL_Reg c2_funcs[] = {
  {"type", c2_type},
  {"len", c2_len},
  {"newalloc", c2_newalloc},
  {"newref", c2_newref},
  {"setref", c2_setref},
  {NULL, NULL}
};

LUAMEMMOD_API int luaopen_testmemcopy (lua_State *L) {
  luaL_newlib(L, c2_funcs);
  return 1;
}
