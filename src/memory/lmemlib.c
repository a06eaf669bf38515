/*
** lmemlib.c - memory areas for Lua: the C API (see lmemlib.h).
**
** Every memory is a full userdata starting with a Memory header: a
** referenced one is just the header, an allocated one has its bytes right
** after it. One lua_touserdata then gives any memory's block and length.
** The two kinds have their own metatables, registered under the names
** LUAMEM_ALLOC and LUAMEM_REF.
**
** The type check is the hot path of every memory function (the daemon's
** setref per packet, get/set per byte), and each Lua API call a module
** makes is costly, so the check is: lua_getmetatable, lua_topointer, a
** compare with the metatable pointers this copy of the library cached,
** lua_settop, then the lua_touserdata the access needs anyway (NULL for a
** table wearing a memory metatable). That is as strong as luaL_checkudata.
** A cached pointer must never outlive its table (a new table at the same
** address would pass): each memory metatable gets a guard, a protected
** metatable whose __gc (run when the state closes) uncaches it in every
** copy of the library that cached it and forbids caching it again.
** On a miss (another state, or another copy of this library in the
** process, e.g. a module linking the static library), the kind comes from
** a marker under the light-userdata key kindkey in the metatable (adopted
** by name and marked on first sight), the layout of the userdata is
** checked, and the metatable is cached.
*/
#include <stdatomic.h>
#include <string.h>

#include "lmemlib.h"
#include "lmemregions.h"

char luamem_emptyblock[1] = {0};

/* the head of lmemlib.h; LUAMEM_EMPTY when an empty reference */
typedef luamem_Head Memory;

/* addresses used as registry keys of the cached metatables */
static const char allockey = 'a';
static const char refkey = 'r';
/* address used as the key of the kind marker inside both metatables */
static const char kindkey = 'k';
/* key, in a metatable's own metatable, of "cacheable by this copy" */
static const char ownkey = 'o';

/* metatables of the last state seen, indexed by LUAMEM_TALLOC/TREF */
static _Atomic(const void *) cachedmt[3];

/* the Lua type of a marker tells the kind */
#define ALLOCMARK LUA_TBOOLEAN
#define REFMARK   LUA_TNUMBER


/*
** {======================================================
** Metatables
** =======================================================
*/

static void callunref (lua_State *L, Memory *ref) {
  luamem_Unref unref = ref->unref;
  char *mem = ref->mem;
  size_t len = ref->len;
  /* clear first: an unref that raises must not leave a dangling block */
  ref->mem = LUAMEM_EMPTY;
  ref->len = 0;
  ref->unref = NULL;
  if (unref != NULL) unref(L, mem, len);
}

static int ref_gc (lua_State *L) {
  Memory *ref = (Memory *)lua_touserdata(L, 1);
  if (ref != NULL && lua_rawlen(L, 1) == sizeof(Memory)) callunref(L, ref);
  return 0;
}

/* __close: the memory becomes an empty "other" memory */
static int ref_close (lua_State *L) {
  luamem_setref(L, 1, NULL, 0, NULL);
  return 0;
}

/*
** Pushes the metatable of one kind of memory, creating it (or adopting
** one already registered under its name) on first use in this state.
*/
static void setdefault (lua_State *L, const char *field, lua_CFunction f) {
  if (lua_getfield(L, -1, field) == LUA_TNIL) {
    lua_pushcfunction(L, f);
    lua_setfield(L, -3, field);
  }
  lua_pop(L, 1);
}

/*
** The guard of a memory metatable is its own metatable ("mm"), protected
** from Lua by __metatable. Its __gc runs when the metatable dies (in
** practice at lua_close): it flags the guard closed and calls the uncache
** function every library copy that cached the metatable registered in the
** guard's list, so no copy keeps a pointer to a freed table.
*/
#define GUARDLIST   "luamem.uncache"
#define GUARDCLOSED "luamem.closed"

static int uncache (lua_State *L) {
  const void *mt = lua_topointer(L, 1);
  int k;
  for (k = LUAMEM_TALLOC; k <= LUAMEM_TREF; k++) {
    const void *expected = mt;
    atomic_compare_exchange_strong(&cachedmt[k], &expected, NULL);
  }
  return 0;
}

static int guard_gc (lua_State *L) {
  lua_Integer i, n;
  if (!lua_getmetatable(L, 1)) return 0;
  lua_pushboolean(L, 1);
  lua_setfield(L, -2, GUARDCLOSED);  /* before the calls: no new caching */
  if (lua_getfield(L, -1, GUARDLIST) != LUA_TTABLE) return 0;
  /* (the guard has no metatable: these accesses are raw) */
  n = (lua_Integer)lua_rawlen(L, -1);
  for (i = 1; i <= n; i++) {
    if (lua_rawgeti(L, -1, i) == LUA_TFUNCTION) {
      lua_pushvalue(L, 1);
      lua_call(L, 1, 0);
    }
    else lua_pop(L, 1);
  }
  return 0;
}

/* metatable on top: gives it a guard if it has none (made elsewhere) */
static void ensureguard (lua_State *L) {
  if (lua_getmetatable(L, -1)) {
    lua_pop(L, 1);
    return;
  }
  lua_createtable(L, 0, 4);
  lua_pushcfunction(L, guard_gc);
  lua_setfield(L, -2, "__gc");
  lua_pushboolean(L, 0);  /* Lua code can neither see nor remove it */
  lua_setfield(L, -2, "__metatable");
  lua_newtable(L);
  lua_setfield(L, -2, GUARDLIST);
  lua_setmetatable(L, -2);
}

/*
** Metatable on top: may this copy cache it? Only while its guard is not
** closed; the first time, this copy's uncache joins the guard's list.
*/
static int rawfield (lua_State *L, int idx, const char *k) {
  lua_pushstring(L, k);
  return lua_rawget(L, idx);
}

static int cacheable (lua_State *L) {
  int ok = 0;
  int top = lua_gettop(L);
  int guard = top + 1;
  if (!lua_getmetatable(L, -1)) return 0;
  if (rawfield(L, guard, GUARDCLOSED) == LUA_TNIL &&
      rawfield(L, guard, GUARDLIST) == LUA_TTABLE) {  /* a live guard */
    if (lua_rawgetp(L, guard, &ownkey) == LUA_TNIL) {  /* first time */
      lua_pop(L, 1);
      lua_pushcfunction(L, uncache);
      lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
      lua_pushboolean(L, 1);
      lua_rawsetp(L, guard, &ownkey);
    }
    ok = 1;
  }
  lua_settop(L, top);
  return ok;
}

static void setmark (lua_State *L, int type) {
  if (type == LUAMEM_TREF) lua_pushinteger(L, LUAMEM_TREF);
  else lua_pushboolean(L, 1);
  lua_rawsetp(L, -2, &kindkey);
}

static void pushmeta (lua_State *L, const char *key, const char *name) {
  int type = (key == &refkey) ? LUAMEM_TREF : LUAMEM_TALLOC;
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, key) == LUA_TTABLE) return;
  lua_pop(L, 1);
  luaL_newmetatable(L, name);  /* or the one made elsewhere by that name */
  if (type == LUAMEM_TREF) {  /* keep another copy's (identical) ones */
    setdefault(L, "__gc", ref_gc);
    setdefault(L, "__close", ref_close);
  }
  setmark(L, type);
  ensureguard(L);
  if (cacheable(L)) atomic_store(&cachedmt[type], lua_topointer(L, -1));
  lua_pushvalue(L, -1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, key);
}

/*
** Slow path of luamem_type, metatable on top: is it one of the named
** metatables (made by another copy of this library)? Marks it if so.
*/
static int typebyname (lua_State *L) {
  int type = LUAMEM_TNONE;
  luaL_getmetatable(L, LUAMEM_REF);
  if (lua_rawequal(L, -1, -2))
    type = LUAMEM_TREF;
  else {
    lua_pop(L, 1);
    luaL_getmetatable(L, LUAMEM_ALLOC);
    if (lua_rawequal(L, -1, -2)) type = LUAMEM_TALLOC;
  }
  lua_pop(L, 1);
  if (type != LUAMEM_TNONE) setmark(L, type);
  return type;
}

/* }====================================================== */


/*
** {======================================================
** Creation
** =======================================================
*/

LUAMEMLIB_API char *luamem_newalloc (lua_State *L, size_t len) {
  Memory *m;
  if (len > LUAMEM_MAXSIZE - sizeof(Memory))
    luaL_error(L, "not enough memory");
  m = (Memory *)lua_newuserdatauv(L, sizeof(Memory) + len, 0);
  m->mem = (char *)(m + 1);
  m->len = len;
  m->unref = NULL;
  pushmeta(L, &allockey, LUAMEM_ALLOC);
  lua_setmetatable(L, -2);
  return m->mem;
}

LUAMEMLIB_API void luamem_newref (lua_State *L) {
  Memory *ref = (Memory *)lua_newuserdatauv(L, sizeof(Memory), 0);
  ref->mem = LUAMEM_EMPTY;
  ref->len = 0;
  ref->unref = NULL;
  pushmeta(L, &refkey, LUAMEM_REF);
  lua_setmetatable(L, -2);
}

/* }====================================================== */


/*
** {======================================================
** Inspection
** =======================================================
*/

/*
** A userdata made by another copy of this library has the same layout;
** one made by hand with a memory metatable may not: never trust its size.
*/
static int validlayout (lua_State *L, int idx, int type) {
  size_t size = lua_rawlen(L, idx);
  const Memory *m = (const Memory *)lua_touserdata(L, idx);
  if (size < sizeof(Memory)) return 0;
  if (type == LUAMEM_TREF) return size == sizeof(Memory);
  return m->mem == (const char *)(m + 1) && m->len == size - sizeof(Memory);
}

/*
** Slow path, metatable on top: the kind from its marker (or its name),
** the layout checked, and the metatable cached while its guard is live.
*/
static int slowtype (lua_State *L, int idx) {
  int type = LUAMEM_TNONE;
  if (idx < 0 && idx > LUA_REGISTRYINDEX) idx--;  /* the metatable is on top */
  if (lua_type(L, idx) != LUA_TUSERDATA) return type;  /* strings have one */
  switch (lua_rawgetp(L, -1, &kindkey)) {
    case REFMARK: type = LUAMEM_TREF; break;
    case ALLOCMARK: type = LUAMEM_TALLOC; break;
    case LUA_TNIL:  /* not marked by this copy of the library */
      lua_pop(L, 1);
      type = typebyname(L);
      lua_pushnil(L);  /* same stack shape for the pop below */
      break;
    default: break;
  }
  lua_pop(L, 1);
  if (type == LUAMEM_TNONE || !validlayout(L, idx, type))
    return LUAMEM_TNONE;
  if (cacheable(L)) atomic_store(&cachedmt[type], lua_topointer(L, -1));
  return type;
}

/*
** The header of the memory at `idx`, or NULL; `type` gets its kind.
** Static, so the hot paths inline it (see the top of the file).
*/
static Memory *tohead (lua_State *L, int idx, int *type) {
  const void *mt;
  Memory *m = NULL;
  int t;
  if (!lua_getmetatable(L, idx)) {
    *type = LUAMEM_TNONE;
    return NULL;
  }
  mt = lua_topointer(L, -1);
  if (mt == atomic_load_explicit(&cachedmt[LUAMEM_TREF], memory_order_relaxed))
    t = LUAMEM_TREF;
  else if (mt == atomic_load_explicit(&cachedmt[LUAMEM_TALLOC],
                                      memory_order_relaxed))
    t = LUAMEM_TALLOC;
  else
    t = slowtype(L, idx);
  lua_settop(L, -2);
  if (t != LUAMEM_TNONE) {
    m = (Memory *)lua_touserdata(L, idx);
    if (m == NULL) t = LUAMEM_TNONE;  /* not a userdata */
  }
  *type = t;
  return m;
}

static int memtype (lua_State *L, int idx) {
  int type;
  tohead(L, idx, &type);
  return type;
}

static char *tomem (lua_State *L, int idx, size_t *len,
                    luamem_Unref *unref, int *type) {
  int t;
  const Memory *m = tohead(L, idx, &t);
  if (m != NULL && m->unref == luamemI_sliceunref) {  /* lmemslice.c */
    size_t l;
    char *mem = luamemI_sliceview(L, idx, m, &l);
    if (len != NULL) *len = l;
    if (unref != NULL) *unref = NULL;
    if (type != NULL) *type = t;
    return mem;
  }
  if (len != NULL) *len = (m != NULL) ? m->len : 0;
  if (unref != NULL) *unref = (m != NULL) ? m->unref : NULL;
  if (type != NULL) *type = t;
  return (m != NULL) ? m->mem : NULL;
}

LUAMEMLIB_API int luamem_type (lua_State *L, int idx) {
  return memtype(L, idx);
}

LUAMEMLIB_API char *luamem_tomemoryx (lua_State *L, int idx, size_t *len,
                                      luamem_Unref *unref, int *type) {
  return tomem(L, idx, len, unref, type);
}

LUAMEMLIB_API luamem_Head *luamem_tohead (lua_State *L, int idx,
                                          int *type) {
  int t;
  Memory *m = tohead(L, idx, &t);
  if (type != NULL) *type = t;
  return m;
}

LUAMEMLIB_API char *luamem_checkmemory (lua_State *L, int arg, size_t *len) {
  int type;
  char *mem = tomem(L, arg, len, NULL, &type);
  if (type == LUAMEM_TNONE) luaL_typeerror(L, arg, "memory");
  return mem;
}

/* }====================================================== */


/*
** {======================================================
** Referenced memories
** =======================================================
*/

LUAMEMLIB_API int luamem_resetref (lua_State *L, int idx, char *mem,
                                   size_t len, luamem_Unref unref,
                                   int cleanup) {
  int type;
  Memory *ref = tohead(L, idx, &type);
  if (type != LUAMEM_TREF) return 0;
  if (mem == NULL) {  /* an empty memory */
    mem = LUAMEM_EMPTY;
    len = 0;
  }
  luamemI_moving(L, idx);  /* its slices die (lmemslice.c) */
  if (mem != ref->mem && cleanup) callunref(L, ref);
  ref->mem = mem;
  ref->len = len;
  ref->unref = unref;
  return 1;
}

LUAMEMLIB_API int luamem_setref (lua_State *L, int idx, char *mem,
                                 size_t len, luamem_Unref unref) {
  return luamem_resetref(L, idx, mem, len, unref, 1);
}

/* }====================================================== */


/*
** {======================================================
** Memories or strings
** =======================================================
*/

LUAMEMLIB_API int luamem_isarray (lua_State *L, int idx) {
  /* numbers count, as lua_isstring says; luamem_toarray converts them */
  return lua_isstring(L, idx) || memtype(L, idx) != LUAMEM_TNONE;
}

LUAMEMLIB_API const char *luamem_toarray (lua_State *L, int idx,
                                          size_t *len) {
  int type;
  const char *mem = tomem(L, idx, len, NULL, &type);
  if (type != LUAMEM_TNONE) return mem;
  return lua_tolstring(L, idx, len);  /* NULL (and *len 0) if no string */
}

LUAMEMLIB_API const char *luamem_asarray (lua_State *L, int idx,
                                          size_t *len) {
  if (memtype(L, idx) != LUAMEM_TNONE) {
    lua_pushvalue(L, idx);
    return tomem(L, -1, len, NULL, NULL);
  }
  return luaL_tolstring(L, idx, len);
}

LUAMEMLIB_API const char *luamem_checkarray (lua_State *L, int arg,
                                             size_t *len) {
  const char *s = luamem_toarray(L, arg, len);
  if (s == NULL) luaL_typeerror(L, arg, "memory or string");
  return s;
}

LUAMEMLIB_API const char *luamem_optarray (lua_State *L, int arg,
                                           const char *def, size_t *len) {
  if (lua_isnoneornil(L, arg)) {
    if (len != NULL) *len = (def != NULL) ? strlen(def) : 0;
    return def;
  }
  return luamem_checkarray(L, arg, len);
}

/* }====================================================== */


/*
** {======================================================
** Allocation
** =======================================================
*/

LUAMEMLIB_API size_t luamem_checklenarg (lua_State *L, int arg) {
  lua_Integer n = luaL_checkinteger(L, arg);
  luaL_argcheck(L, n >= 0 && (lua_Unsigned)n <= (lua_Unsigned)LUAMEM_MAXSIZE,
                arg, "invalid size");
  return (size_t)n;
}

/*
** Through the state's allocator, so a host's memory limit covers memories.
** LUAMEM_EMPTY is treated as NULL: empty references may be "freed".
** Returns NULL when nsize is 0 or the allocation fails.
*/
LUAMEMLIB_API void *luamem_realloc (lua_State *L, void *mem, size_t osize,
                                    size_t nsize) {
  void *ud;
  lua_Alloc allocf = lua_getallocf(L, &ud);
  if (mem == (void *)LUAMEM_EMPTY) {
    mem = NULL;
    osize = 0;
  }
  if (mem == NULL && nsize == 0) return NULL;
  return allocf(ud, mem, osize, nsize);
}

LUAMEMLIB_API void luamem_free (lua_State *L, void *mem, size_t size) {
  luamem_realloc(L, mem, size, 0);
}

/* }====================================================== */


/*
** {======================================================
** luaL_Buffer support
** =======================================================
*/

/*
** The value is on top, above the buffer's slot. When it fits in the space
** left, copy it directly; otherwise go through a string so the buffer's
** own stack handling stays in charge.
*/
LUAMEMLIB_API void luamem_addvalue (luaL_Buffer *B) {
  lua_State *L = B->L;
  size_t len;
  const char *mem = tomem(L, -1, &len, NULL, NULL);
  if (mem == NULL) {
    luaL_addvalue(B);
    return;
  }
  if (len <= B->size - B->n) {
    if (len > 0) memcpy(B->b + B->n, mem, len);
    luaL_addsize(B, len);
    lua_pop(L, 1);
  }
  else {
    lua_pushlstring(L, mem, len);
    lua_remove(L, -2);
    luaL_addvalue(B);
  }
}

LUAMEMLIB_API void luamem_pushresult (luaL_Buffer *B) {
  lua_State *L = B->L;
  size_t len;
  const char *s;
  char *mem;
  luaL_pushresult(B);
  s = lua_tolstring(L, -1, &len);
  mem = luamem_newalloc(L, len);
  if (len > 0) memcpy(mem, s, len);
  lua_remove(L, -2);  /* the string */
}

LUAMEMLIB_API void luamem_pushresultsize (luaL_Buffer *B, size_t sz) {
  luaL_addsize(B, sz);
  luamem_pushresult(B);
}

/* }====================================================== */
