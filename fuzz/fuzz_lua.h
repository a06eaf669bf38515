/*
** fuzz_lua.h - a Lua state for fuzz targets: an allocator with a hard cap
** (so fuzzed sizes end in a Lua "not enough memory" error, not in an OOM
** kill of the fuzzer) and a helper that runs a call under lua_pcall.
*/
#ifndef FUZZ_LUA_H
#define FUZZ_LUA_H

#include <stdlib.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#define FUZZ_LUA_CAP ((size_t)48 << 20)  /* bytes a fuzzed state may hold */

typedef struct FuzzAlloc {
  size_t used;  /* bytes currently allocated by the state */
} FuzzAlloc;

static void *fuzz_alloc (void *ud, void *ptr, size_t osize, size_t nsize) {
  FuzzAlloc *a = (FuzzAlloc *)ud;
  size_t old = ptr != NULL ? osize : 0;
  if (nsize == 0) {
    free(ptr);
    a->used -= old;
    return NULL;
  }
  if (nsize > old && nsize - old > FUZZ_LUA_CAP - a->used)
    return NULL;  /* over the cap: Lua raises a memory error */
  ptr = realloc(ptr, nsize);
  if (ptr != NULL) a->used = a->used - old + nsize;
  return ptr;
}

/* a state with the base and string libraries (what scripts use most) */
static lua_State *fuzz_newstate (FuzzAlloc *a) {
  lua_State *L;
  a->used = 0;
  L = lua_newstate(fuzz_alloc, a);
  if (L == NULL) return NULL;
  luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
  luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
  luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
  lua_pop(L, 3);
  return L;
}

#endif
