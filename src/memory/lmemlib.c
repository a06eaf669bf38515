/*
** lmemlib.c - memory areas for Lua: the C API (see lmemlib.h).
**
** Every memory is a full userdata starting with a Memory header: a
** referenced one is just the header, an allocated one has its bytes right
** after it. One lua_touserdata then gives any memory's block and length.
** The two kinds have their own metatables, registered under the names
** LUAMEM_ALLOC and LUAMEM_REF, and a value is a memory when its metatable
** is the one registered under its kind's name, as luaL_testudata checks
** (and lua-memory does): every copy of this library in a process, and
** lua-memory itself, find the same metatables.
*/
#include <string.h>

#include "lmemlib.h"
#include "lmemregions.h"

char luamem_emptyblock[1] = {0};

/* the head of lmemlib.h; LUAMEM_EMPTY when an empty reference */
typedef luamem_Head Memory;


/*
** {======================================================
** Metatables and the type check
** =======================================================
*/

/*
** The header of the memory at `idx`, or NULL; `type` gets its kind.
** Only a full userdata at least the size of a header can be a memory (a
** light userdata has length 0); the length also tells which metatable to
** compare: a reference is exactly a header, so a longer userdata can only
** be an allocated memory. A userdata given a memory metatable by C code
** or the debug library must still have the layout of its kind.
*/
static Memory *tohead (lua_State *L, int idx, int *type) {
  Memory *m = (Memory *)lua_touserdata(L, idx);
  size_t size;
  int t = LUAMEM_TNONE;
  if (m == NULL || (size = lua_rawlen(L, idx)) < sizeof(Memory) ||
      !lua_getmetatable(L, idx)) {
    *type = LUAMEM_TNONE;
    return NULL;
  }
  if (size == sizeof(Memory)) {  /* a reference or an empty fixed memory */
    luaL_getmetatable(L, LUAMEM_REF);
    if (lua_rawequal(L, -1, -2)) t = LUAMEM_TREF;
    else lua_pop(L, 1);
  }
  if (t == LUAMEM_TNONE) {
    luaL_getmetatable(L, LUAMEM_ALLOC);
    if (lua_rawequal(L, -1, -2) && m->mem == (char *)(m + 1) &&
        m->len == size - sizeof(Memory))
      t = LUAMEM_TALLOC;
  }
  lua_settop(L, -3);  /* both metatables */
  *type = t;
  return (t != LUAMEM_TNONE) ? m : NULL;
}

/* the unref of the empty block gets NULL, as in lua-memory */
static void callunref (lua_State *L, Memory *ref) {
  luamem_Unref unref = ref->unref;
  char *mem = ref->mem;
  size_t len = ref->len;
  /* clear first: an unref that raises must not leave a dangling block */
  ref->mem = LUAMEM_EMPTY;
  ref->len = 0;
  ref->unref = NULL;
  if (unref != NULL) unref(L, (mem == LUAMEM_EMPTY) ? NULL : mem, len);
}

/*
** __gc and __close, as lua-memory's: a reference of length 0 is left as
** it is (an empty resizable memory stays resizable); another becomes an
** empty "other" memory, its unref called.
*/
static int ref_gc (lua_State *L) {
  int type;
  Memory *ref = tohead(L, 1, &type);
  if (type == LUAMEM_TREF && ref->len != 0) {
    luamemI_moving(L, 1);  /* its slices die (lmemslice.c) */
    callunref(L, ref);
  }
  return 0;
}

/* a metamethod another copy of the library may have set already */
static void setdefault (lua_State *L, const char *field, lua_CFunction f) {
  if (lua_getfield(L, -1, field) == LUA_TNIL) {
    lua_pushcfunction(L, f);
    lua_setfield(L, -3, field);
  }
  lua_pop(L, 1);
}

/* pushes the metatable of one kind, made on first use in this state (or
** made elsewhere under that name) */
static void pushmeta (lua_State *L, int type) {
  luaL_newmetatable(L, (type == LUAMEM_TREF) ? LUAMEM_REF : LUAMEM_ALLOC);
  if (type == LUAMEM_TREF) {
    setdefault(L, "__gc", ref_gc);
    setdefault(L, "__close", ref_gc);
  }
}

/* }====================================================== */


/*
** {======================================================
** Creation
** =======================================================
*/

LUAMEMLIB_API char *luamem_newalloc (lua_State *L, size_t len) {
  Memory *m;
  if (len > (size_t)-1 - sizeof(Memory))
    luaL_error(L, "not enough memory");
  m = (Memory *)lua_newuserdatauv(L, sizeof(Memory) + len, 0);
  m->mem = (char *)(m + 1);
  m->len = len;
  m->unref = NULL;
  pushmeta(L, LUAMEM_TALLOC);
  lua_setmetatable(L, -2);
  return m->mem;
}

LUAMEMLIB_API void luamem_newref (lua_State *L) {
  Memory *ref = (Memory *)lua_newuserdatauv(L, sizeof(Memory), 0);
  ref->mem = LUAMEM_EMPTY;
  ref->len = 0;
  ref->unref = NULL;
  pushmeta(L, LUAMEM_TREF);
  lua_setmetatable(L, -2);
}

/* }====================================================== */


/*
** {======================================================
** Inspection
** =======================================================
*/

static int memtype (lua_State *L, int idx) {
  int type;
  tohead(L, idx, &type);
  return type;
}

/* a slice's own head holds its bytes (lmemslice.c); the library's marks
** in `unref` read as NULL */
static char *tomem (lua_State *L, int idx, size_t *len,
                    luamem_Unref *unref, int *type) {
  int t;
  const Memory *m = tohead(L, idx, &t);
  if (len != NULL) *len = (m != NULL) ? m->len : 0;
  if (unref != NULL) {
    *unref = (m != NULL) ? m->unref : NULL;
    if (*unref == luamemI_sliceunref || *unref == luamemI_sliced)
      *unref = NULL;
  }
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

/* pushes a string for any other value (luaL_tolstring), not a memory */
LUAMEMLIB_API const char *luamem_asarray (lua_State *L, int idx,
                                          size_t *len) {
  int type;
  const char *mem = tomem(L, idx, len, NULL, &type);
  if (type != LUAMEM_TNONE) return mem;
  return luaL_tolstring(L, idx, len);
}

LUAMEMLIB_API const char *luamem_checkarray (lua_State *L, int arg,
                                             size_t *len) {
  const char *s = luamem_toarray(L, arg, len);
  if (s == NULL) luaL_typeerror(L, arg, "string or memory");
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
  luaL_argcheck(L, n >= 0 && (lua_Unsigned)n < (lua_Unsigned)LUAMEM_MAXSIZE,
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
