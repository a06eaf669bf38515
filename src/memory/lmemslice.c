/*
** lmemslice.c - slices: memories over a range of another memory's bytes,
** sharing them (see lmemlib.h, "Slices", and doc/memory.md).
**
** A slice is a referenced memory ("other") whose unref function is
** luamemI_sliceunref, so it is a memory to every copy of the library and
** to code that reads heads directly. Its user value is a Slice record
** naming the root memory (a slice of a slice is a slice of the root) and
** the root's block when the slice was taken.
**
** The rule: a slice is valid while its root still shows that block. Its
** head must never hold a stale pointer, yet readers such as layout
** pointers and the daemon keep a head's address and read it with no call
** in between, so a slice's own head holds:
**   - the bytes, when the root is an allocated memory: a fixed block that
**     lives as long as the root, which the slice keeps alive;
**   - nothing (LUAMEM_EMPTY, 0) otherwise: a reference can be re-pointed
**     by a store into its head (the daemon's `pkt`) that no code here can
**     see, so no pointer into it may wait in a head.
** The library's own accessors (luamem_tomemoryx and all built on it, so
** every memory.* function, and streams) check the rule on every access
** and then see the bytes, or an empty memory once the slice is dead.
**
** A reference's block changes (1) through luamem_resetref (any call: a
** re-point to the same block is a new packet in it), which tells
** luamemI_moving: the root's epoch advances; (2) by a direct store into
** its head, which changes its mem or len, or resets its unref: a root
** whose unref is NULL (the daemon's kind) gets the no-op `sliced` unref
** while it has slices, so such a store kills them even when the next
** packet has the same address and length.
*/
#include <stdatomic.h>
#include <string.h>

#include "lmemregions.h"

struct luamemI_Slice {
  const luamem_Head *root;  /* the root's head (user value 1 keeps it) */
  char *rootmem;            /* the root's block when the slice was taken */
  size_t rootlen;
  luamem_Unref rootunref;   /* the unref the root had then */
  const unsigned long *epoch;  /* the root's epoch (user value 2); NULL:
                               ** an allocated root, whose block is fixed */
  unsigned long gen;        /* *epoch when the slice was taken */
  size_t off, len;          /* the range, within the root's block */
  int dead;                 /* seen invalid once: empty for good */
};

typedef struct luamemI_Slice Slice;

/* registry key of the table root -> epoch (weak keys), shared by name
** with other copies of the library */
#define EPOCHS "luamem.epochs"

/* set once this copy made an epoch: luamemI_moving has work to do (atomic:
** the daemon's workers are states in threads) */
static atomic_int haveepochs = 0;

void luamemI_sliceunref (lua_State *L, void *mem, size_t len) {
  (void)L; (void)mem; (void)len;
}

/* the unref given to a root whose unref was NULL, while it has slices */
static void sliced (lua_State *L, void *mem, size_t len) {
  (void)L; (void)mem; (void)len;
}

static int isvalid (const Slice *s) {
  const luamem_Head *r = s->root;
  if (s->dead) return 0;
  if (s->epoch == NULL) return 1;
  return r->mem == s->rootmem && r->len == s->rootlen &&
         r->unref == s->rootunref && *s->epoch == s->gen;
}

char *luamemI_infoview (Slice *s, size_t *len) {
  if (s->len > 0 && isvalid(s)) {
    *len = s->len;
    return s->rootmem + s->off;
  }
  s->dead = (s->len > 0);
  *len = 0;
  return LUAMEM_EMPTY;
}

Slice *luamemI_toslice (lua_State *L, int idx) {
  Slice *s = NULL;
  int top = lua_gettop(L);
  const luamem_Head *h = (const luamem_Head *)lua_touserdata(L, idx);
  if (h == NULL || lua_rawlen(L, idx) != sizeof(luamem_Head) ||
      h->unref != luamemI_sliceunref)
    return NULL;
  /* a record has no metatable: no userdata Lua code can make (a memory
  ** of the right size, put there by debug.setuservalue) passes for one */
  if (lua_getiuservalue(L, idx, 1) == LUA_TUSERDATA &&
      lua_rawlen(L, -1) == sizeof(Slice) && !lua_getmetatable(L, -1))
    s = (Slice *)lua_touserdata(L, -1);
  lua_settop(L, top);
  return s;
}

char *luamemI_sliceview (lua_State *L, int idx, const luamem_Head *h,
                         size_t *len) {
  Slice *s;
  if (h->len > 0) {  /* bytes in the head: a slice of an allocated memory */
    *len = h->len;
    return h->mem;
  }
  s = luamemI_toslice(L, idx);
  if (s == NULL) {  /* a slice's head, but not its record: trust the head */
    *len = h->len;
    return h->mem;
  }
  return luamemI_infoview(s, len);
}

void luamemI_moving (lua_State *L, int idx) {
  if (!atomic_load_explicit(&haveepochs, memory_order_relaxed)) return;
  idx = lua_absindex(L, idx);
  if (lua_getfield(L, LUA_REGISTRYINDEX, EPOCHS) == LUA_TTABLE) {
    lua_pushvalue(L, idx);
    if (lua_rawget(L, -2) == LUA_TUSERDATA &&
        lua_rawlen(L, -1) == sizeof(unsigned long))
      (*(unsigned long *)lua_touserdata(L, -1))++;
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

/* pushes the epoch of the reference at `idx`, creating it */
static unsigned long *pushepoch (lua_State *L, int idx) {
  unsigned long *e;
  if (lua_getfield(L, LUA_REGISTRYINDEX, EPOCHS) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, EPOCHS);
  }
  lua_pushvalue(L, idx);
  if (lua_rawget(L, -2) == LUA_TUSERDATA &&
      lua_rawlen(L, -1) == sizeof(unsigned long))
    e = (unsigned long *)lua_touserdata(L, -1);
  else {
    lua_pop(L, 1);
    e = (unsigned long *)lua_newuserdatauv(L, sizeof(unsigned long), 0);
    *e = 0;
    lua_pushvalue(L, idx);
    lua_pushvalue(L, -2);
    lua_rawset(L, -4);
  }
  lua_remove(L, -2);  /* the table */
  atomic_store_explicit(&haveepochs, 1, memory_order_relaxed);
  return e;
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
  return luamemI_toslice(L, idx) != NULL;
}

LUAMEMLIB_API char *luamem_newslice (lua_State *L, int idx, size_t start,
                                     size_t len) {
  int type;
  size_t vlen;
  luamem_Head *h;
  Slice *s, *parent;
  idx = lua_absindex(L, idx);
  h = luamem_tohead(L, idx, &type);
  if (h == NULL) luaL_typeerror(L, idx, "memory");
  parent = luamemI_toslice(L, idx);
  if (parent != NULL) luamemI_infoview(parent, &vlen);
  else vlen = h->len;
  if (start > vlen || len > vlen - start)
    luaL_error(L, "slice out of range");
  luaL_checkstack(L, 4, "slice");
  s = (Slice *)lua_newuserdatauv(L, sizeof(Slice), 2);
  memset(s, 0, sizeof(Slice));
  if (parent != NULL) {  /* a slice of the parent's root */
    *s = *parent;
    s->off = parent->off + start;
    lua_getiuservalue(L, idx, 1);
    lua_getiuservalue(L, -1, 1);
    lua_setiuservalue(L, -3, 1);
    lua_getiuservalue(L, -1, 2);
    lua_setiuservalue(L, -3, 2);
    lua_pop(L, 1);
  }
  else {
    s->root = h;
    s->off = start;
    if (type == LUAMEM_TREF) {
      unsigned long *e = pushepoch(L, idx);
      if (h->unref == NULL) {  /* see the top of the file */
        (*e)++;
        h->unref = sliced;
      }
      s->epoch = e;
      s->gen = *e;
      lua_setiuservalue(L, -2, 2);
    }
    s->rootmem = h->mem;
    s->rootlen = h->len;
    s->rootunref = h->unref;
    lua_pushvalue(L, idx);
    lua_setiuservalue(L, -2, 1);
  }
  s->len = len;
  {
    luamem_Head *sh = (luamem_Head *)lua_newuserdatauv(L,
                                                       sizeof(luamem_Head), 1);
    int fixed = (s->epoch == NULL && len > 0);
    sh->mem = fixed ? s->rootmem + s->off : LUAMEM_EMPTY;
    sh->len = fixed ? len : 0;
    sh->unref = luamemI_sliceunref;
    pushrefmeta(L);
    lua_setmetatable(L, -2);
    lua_rotate(L, -2, 1);  /* the record on top */
    lua_setiuservalue(L, -2, 1);
  }
  return luamemI_infoview(s, &vlen);
}
