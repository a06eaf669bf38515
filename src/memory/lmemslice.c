/*
** lmemslice.c - slices: memories over a range of another memory's bytes,
** sharing them (see lmemlib.h, "Slices", and doc/memory.md).
**
** A slice is a referenced memory ("other") whose unref function is
** luamemI_sliceunref, and whose head holds its bytes while it is valid:
** to every reader of heads (layout pointers keep a head's address and
** read it with no call in between) it is a memory like any other. The
** rule: a slice is valid while its root (the memory it was taken from; a
** slice of a slice is a slice of the root) shows the block it showed when
** the slice was taken. An allocated root never changes block. When a
** reference root is about to, the library empties the heads of all its
** slices (LUAMEM_EMPTY, 0) for good, before anything else runs:
**   - luamem_resetref (any call: a re-point to the same block is the next
**     packet in it) and __gc/__close call luamemI_moving first;
**   - an owner that stores into its reference's head directly may do so
**     only while the head's unref is NULL; a reference with slices never
**     shows NULL (it gets the no-op `sliced` unref), so such an owner
**     re-points it through luamem_resetref (the owner protocol, lmemlib.h).
**
** Nothing a script can reach with debug.setuservalue is trusted: a slice
** has no user value at all. Two weak tables in the registry, shared by name
** with other copies of the library, hold the links:
**   ROOTS: slice -> its root (weak keys: an ephemeron, so the root, whose
**          block the slice's head points into, lives as long as the slice);
**   SLICES: reference root -> the set of its live slices (weak keys), what
**          luamemI_moving empties.
** A slice leaves both when it dies; a collected one drops out of both. A
** slice of a slice is taken from the parent's head and linked to the
** parent's root, checked to hold those bytes, so no chain of slices has to
** be followed when a root moves. Finalizers may run at any allocation and
** move any memory: luamem_newslice allocates first and checks after. The
** registry itself is the library's; a script that rewrites it through
** debug.getregistry is outside these guarantees, as for any C library.
*/
#include <stdint.h>
#include <string.h>

#include "lmemregions.h"

#define ROOTS "luamem.sliceroots"
#define SLICES "luamem.slices"

void luamemI_sliceunref (lua_State *L, void *mem, size_t len) {
  (void)L; (void)mem; (void)len;
}

/* the unref given to a root whose unref was NULL, while it has slices: the
** owner's sign to re-point it through luamem_resetref */
void luamemI_sliced (lua_State *L, void *mem, size_t len) {
  (void)L; (void)mem; (void)len;
}

/* pushes the registry table `name`, made (weak keys) when `make` */
static int pushtable (lua_State *L, const char *name, int make) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, name) == LUA_TTABLE) return 1;
  lua_pop(L, 1);
  if (!make) return 0;
  lua_newtable(L);
  lua_createtable(L, 0, 1);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, name);
  return 1;
}

/* a full userdata of a head's size (whatever its metatable) or NULL */
static luamem_Head *rawhead (lua_State *L, int idx) {
  if (lua_type(L, idx) != LUA_TUSERDATA ||
      lua_rawlen(L, idx) != sizeof(luamem_Head))
    return NULL;
  return (luamem_Head *)lua_touserdata(L, idx);
}

/* pushes t[k] of the table at `t` for the value at `k`; 0 (and nothing
** pushed) when it is nil */
static int rawfield (lua_State *L, int t, int k) {
  lua_pushvalue(L, k);
  if (lua_rawget(L, t) != LUA_TNIL) return 1;
  lua_pop(L, 1);
  return 0;
}

/* the slice at `idx` stops being one: it leaves ROOTS (at `roots`) and,
** with `fromset`, its root's set (so a later move of the root leaves it
** alone). Only keys that are there are set to nil: a new key could
** allocate. */
static void forgetroot (lua_State *L, int roots, int idx, int fromset) {
  int top = lua_gettop(L);
  if (rawfield(L, roots, idx)) {  /* the root, at top + 1 */
    lua_pushvalue(L, idx);
    lua_pushnil(L);
    lua_rawset(L, roots);
    if (fromset && pushtable(L, SLICES, 0) &&
        rawfield(L, top + 2, top + 1) && lua_istable(L, -1) &&
        rawfield(L, top + 3, idx)) {
      lua_pushvalue(L, idx);
      lua_pushnil(L);
      lua_rawset(L, top + 3);
    }
    lua_settop(L, top);
  }
}

/*
** The memory at `idx` is about to change block (or to be closed): its
** slices die, and a slice itself stops being one (its own slices are of
** its root, so they live on). Allocates nothing; raises only when the
** stack cannot grow by 10 slots, before anything changed, and then the
** caller does not change the block either.
*/
void luamemI_moving (lua_State *L, int idx) {
  int top = lua_gettop(L), roots, set;
  idx = lua_absindex(L, idx);
  luaL_checkstack(L, 10, "slices");  /* before any change */
  if (!pushtable(L, ROOTS, 0)) return;  /* no slice was ever made */
  roots = lua_gettop(L);
  forgetroot(L, roots, idx, 1);
  if (!pushtable(L, SLICES, 0) || !rawfield(L, roots + 1, idx) ||
      !lua_istable(L, -1)) {
    lua_settop(L, top);
    return;
  }
  set = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, set)) {
    luamem_Head *h = rawhead(L, -2);
    lua_pop(L, 1);
    if (h != NULL) {  /* anything else was not put there by a library */
      h->mem = LUAMEM_EMPTY;
      h->len = 0;
    }
    forgetroot(L, roots, lua_gettop(L), 0);
    lua_pushvalue(L, -1);
    lua_pushnil(L);  /* clearing a present field during lua_next is fine */
    lua_rawset(L, set);
  }
  lua_settop(L, top);
}

/* Pushes the root of the memory at `idx`, whose head is `h`: the memory
** itself, or for a slice (of any copy of the library) its root in ROOTS
** (at `roots`), checked to
** hold the slice's bytes. Raises when it does not: only a registry changed
** by a script (debug.getregistry) gets there. */
static const luamem_Head *pushroot (lua_State *L, int roots, int idx,
                                    const luamem_Head *h, int *type) {
  const luamem_Head *r;
  if (!rawfield(L, roots, idx)) {
    lua_pushvalue(L, idx);
    return luamem_tohead(L, idx, type);
  }
  r = luamem_tohead(L, -1, type);
  if (r == NULL || h->len > r->len ||
      (uintptr_t)h->mem < (uintptr_t)r->mem ||
      (uintptr_t)h->mem - (uintptr_t)r->mem > r->len - h->len)
    luaL_error(L, "slice of a slice whose root was replaced");
  return r;
}

/* pushes the metatable of referenced memories */
static void pushrefmeta (lua_State *L) {
  if (luaL_getmetatable(L, LUAMEM_REF) == LUA_TTABLE) return;
  lua_pop(L, 1);
  luamem_newref(L);  /* makes it */
  lua_getmetatable(L, -1);
  lua_remove(L, -2);
}

LUAMEMLIB_API int luamem_isslice (lua_State *L, int idx) {
  int type;
  const luamem_Head *h = luamem_tohead(L, idx, &type);
  return h != NULL && type == LUAMEM_TREF && h->unref == luamemI_sliceunref;
}

/* the range check, before and after the steps that may run finalizers */
static void checkrange (lua_State *L, const luamem_Head *h, size_t start,
                        size_t len) {
  if (start > h->len || len > h->len - start)
    luaL_error(L, "slice out of range");
}

/*
** In two phases. The first makes every object the slice needs: each
** allocation may run finalizers, which may re-point or close any memory
** (the root, the memory at idx). The second runs none (a rawset's
** emergency collection calls no finalizer), so it checks the range and
** finds the root again, links the slice and only then gives its head the
** bytes and the root the `sliced` unref: an error anywhere leaves an empty
** slice behind, and links to it that are harmless.
*/
LUAMEMLIB_API char *luamem_newslice (lua_State *L, int idx, size_t start,
                                     size_t len) {
  int type, sl, newset;
  const luamem_Head *r;
  luamem_Head *h, *sh;
  idx = lua_absindex(L, idx);
  h = luamem_tohead(L, idx, NULL);
  if (h == NULL) luaL_typeerror(L, idx, "memory");
  checkrange(L, h, start, len);
  luaL_checkstack(L, 10, "slice");
  sh = (luamem_Head *)lua_newuserdatauv(L, sizeof(luamem_Head), 0);
  sh->mem = LUAMEM_EMPTY;
  sh->len = 0;
  sh->unref = luamemI_sliceunref;
  pushrefmeta(L);
  lua_setmetatable(L, -2);
  if (len == 0) return LUAMEM_EMPTY;  /* nothing to keep valid */
  sl = lua_gettop(L);
  pushtable(L, ROOTS, 1);   /* sl + 1 */
  pushtable(L, SLICES, 1);  /* sl + 2 */
  pushroot(L, sl + 1, idx, h, &type);
  newset = (type == LUAMEM_TREF && !rawfield(L, sl + 2, sl + 3));
  lua_settop(L, sl + 2);
  if (newset) {  /* sl + 3: a set for the root's slices, or nil */
    lua_createtable(L, 0, 1);
    if (!lua_getmetatable(L, sl + 2))
      luaL_error(L, "slice: registry replaced");
    lua_setmetatable(L, -2);
  }
  else lua_pushnil(L);
  /* second phase: no finalizer runs from here */
  checkrange(L, h, start, len);
  r = pushroot(L, sl + 1, idx, h, &type);  /* sl + 4 */
  if (type == LUAMEM_TREF) {
    if (!rawfield(L, sl + 2, sl + 4)) {
      if (lua_isnil(L, sl + 3)) luaL_error(L, "slice: registry replaced");
      lua_pushvalue(L, sl + 4);
      lua_pushvalue(L, sl + 3);
      lua_rawset(L, sl + 2);
      lua_pushvalue(L, sl + 3);
    }
    if (!lua_istable(L, -1)) luaL_error(L, "slice: registry replaced");
    lua_pushvalue(L, sl);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    lua_pop(L, 1);
  }
  lua_pushvalue(L, sl);
  lua_pushvalue(L, sl + 4);
  lua_rawset(L, sl + 1);
  if (type == LUAMEM_TREF && r->unref == NULL)
    ((luamem_Head *)r)->unref = luamemI_sliced;
  lua_settop(L, sl);
  sh->mem = h->mem + start;
  sh->len = len;
  return sh->mem;
}
