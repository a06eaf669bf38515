/*
** lmemregmod.c - the `memory` module's functions over regions: slice and
** map (streams are in lmemstream.c). Written against lmemlib.h only.
*/
#include "lmemregions.h"

/* memory.slice(m, i [, j]) -> memory over bytes i..j of m, shared;
** i and j as in string.sub */
int luamemI_mslice (lua_State *L) {
  size_t len;
  lua_Integer i, j, n;
  luamem_checkmemory(L, 1, &len);
  n = (lua_Integer)len;
  i = luaL_checkinteger(L, 2);
  j = luaL_optinteger(L, 3, -1);
  if (i < 0) i = (i < -n) ? 1 : n + i + 1;
  else if (i == 0) i = 1;
  if (j < 0) j = (j < -n) ? 0 : n + j + 1;
  else if (j > n) j = n;
  lua_settop(L, 1);
  if (i > j) luamem_newslice(L, 1, 0, 0);
  else luamem_newslice(L, 1, (size_t)(i - 1), (size_t)(j - i + 1));
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
