/*
** lmemregmod.c - the `memory` module's functions over regions: slice and
** map (streams are in lmemstream.c). Written against lmemlib.h only.
*/
#include "lmemmod.h"      /* posstart, posend */
#include "lmemregions.h"

/* memory.slice(m, i [, j]) -> memory over bytes i..j of m, shared;
** i and j as in string.sub */
int luamemI_mslice (lua_State *L) {
  size_t len, i, j;
  luamem_checkmemory(L, 1, &len);
  i = posstart(luaL_checkinteger(L, 2), len);
  j = posend(luaL_optinteger(L, 3, -1), len);
  lua_settop(L, 1);
  if (i > j) luamem_newslice(L, 1, 0, 0);
  else luamem_newslice(L, 1, i - 1, j - i + 1);
  return 1;
}

/* memory.map(path [, mode [, offset [, length]]]) -> memory | nil, message;
** mode "r" (default: private, copy-on-write) or "r+" (shared) */
int luamemI_mmap (lua_State *L) {
  static const char *const modes[] = {"r", "r+", NULL};
  const char *path = luaL_checkstring(L, 1);
  int writable = luaL_checkoption(L, 2, "r", modes);
  lua_Integer offset = luaL_optinteger(L, 3, 0);
  lua_Integer length = luaL_optinteger(L, 4, -1);
  luaL_argcheck(L, offset >= 0, 3, "negative offset");
  luaL_argcheck(L, length != 0, 4, "length of 0: nothing to map");
  luaL_argcheck(L, length > 0 || lua_isnoneornil(L, 4), 4, "negative length");
  return luamem_map(L, path, writable, offset, length);
}
