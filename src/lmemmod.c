/*
** lmemmod.c - the `memory` Lua module, written only against lmemlib.h.
*/
#include "lmemlib.h"

static int mem_len (lua_State *L) {
  size_t len;
  luamem_checkmemory(L, 1, &len);
  lua_pushinteger(L, (lua_Integer)len);
  return 1;
}

static const luaL_Reg mem_funcs[] = {
  {"len", mem_len},
  {NULL, NULL}
};

LUAMEMMOD_API int luaopen_memory (lua_State *L) {
  luaL_newlib(L, mem_funcs);
  return 1;
}
