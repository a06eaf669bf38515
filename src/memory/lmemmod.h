/*
** lmemmod.h - what the files of the `memory` module share (not installed):
** string.sub's index rules, and the Lua functions defined outside
** lmemmod.c. Written against lmemlib.h only, like the module.
*/
#ifndef LMEMMOD_H
#define LMEMMOD_H

#include "lmemlib.h"

/* start of a range as string.sub's `i`: the result is >= 1 */
static inline size_t posstart (lua_Integer pos, size_t len) {
  if (pos > 0) return (size_t)pos;
  else if (pos == 0) return 1;
  else if (pos < -(lua_Integer)len) return 1;
  return len - (size_t)(-(pos + 1));  /* len + pos + 1, no overflow */
}

/* end of a range as string.sub's `j`: the result is <= len */
static inline size_t posend (lua_Integer pos, size_t len) {
  if (pos > (lua_Integer)len) return len;
  else if (pos >= 0) return (size_t)pos;
  else if (pos < -(lua_Integer)len) return 0;
  return len - (size_t)(-(pos + 1));
}

/* lmempack.c: memory.pack and memory.unpack, string.pack's formats */
int luamemI_mpack (lua_State *L);
int luamemI_munpack (lua_State *L);

#endif
