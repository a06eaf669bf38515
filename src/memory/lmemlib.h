/*
** lmemlib.h - memory areas for Lua: the C API of the `memory` module.
**
** Semantics of lua-memory 2.0. Two kinds of memory userdata exist:
**   allocated  (LUAMEM_TALLOC): a fixed block owned by the userdata;
**   referenced (LUAMEM_TREF):   a pointer/length pair set by C code, with an
**                               optional function called when it is dropped.
** A referenced memory whose unref function is `luamem_free` is what the Lua
** module calls "resizable"; any other referenced memory is "other".
*/
#ifndef LMEMLIB_H
#define LMEMLIB_H

#include <limits.h>
#include <stddef.h>

#include <lua.h>
#include <lauxlib.h>

#ifndef LUAMEMLIB_API
#define LUAMEMLIB_API LUALIB_API
#endif

#ifndef LUAMEMMOD_API
#define LUAMEMMOD_API LUAMOD_API
#endif

#define LUAMEM_VERSION "2.0"

/* results of luamem_type */
#define LUAMEM_TNONE  0
#define LUAMEM_TALLOC 1
#define LUAMEM_TREF   2

/* registry names of the two metatables */
#define LUAMEM_ALLOC "char[]"
#define LUAMEM_REF   "luamem_Ref"

/* sizes from Lua (luamem_checklenarg) stay below it: it fits in an int,
** as in lua-memory; C code may make larger memories */
#define LUAMEM_MAXSIZE \
  ((size_t)(sizeof(size_t) < sizeof(int) ? (~(size_t)0) : (size_t)INT_MAX))

/* the block every empty referenced memory points at (never NULL) */
LUAMEMLIB_API char luamem_emptyblock[1];
#define LUAMEM_EMPTY (luamem_emptyblock)

/* called when a referenced memory stops pointing at `mem` */
typedef void (*luamem_Unref) (lua_State *L, void *mem, size_t len);

/*
** The head every memory userdata starts with. A full userdata never moves,
** so the head's address is stable while the memory is alive: a host on a
** hot path may keep it (keeping the memory reachable, e.g. in a user value
** or a stack slot) and read `mem` and `len` with no API call; they are
** always the current block (an empty memory: LUAMEM_EMPTY, 0), slices
** included. An allocated memory's head is read-only.
** The owner protocol: the owner of a referenced memory may re-point it by
** storing `mem` and `len` into its head only while its `unref` is NULL,
** leaving it NULL: that is luamem_resetref(..., NULL, cleanup = 0) without
** the type check (the previous block is the host's to release; `mem` must
** never be NULL). A non-NULL `unref` there means the memory has slices
** (this library's no-op mark): re-point it with luamem_resetref, which
** empties them first. A reference with an unref of its own is re-pointed
** through luamem_setref/luamem_resetref only. The debug library cannot
** make the memory drop out of such a host's reach, as it can make
** luamem_setref fail by swapping the metatable.
*/
typedef struct luamem_Head {
  char *mem;            /* block; never NULL */
  size_t len;           /* its length in bytes */
  luamem_Unref unref;   /* references: called when `mem` is dropped */
} luamem_Head;

/* ---- creation ---- */
LUAMEMLIB_API char *luamem_newalloc (lua_State *L, size_t len);
LUAMEMLIB_API void luamem_newref (lua_State *L);

/* Re-point the referenced memory at `idx`. Returns 1, or 0 when the value is
** not a referenced memory. The previous unref function is called unless
** `mem` is the block already pointed at or `cleanup` is 0 (with NULL for
** the empty block). A NULL `mem` makes the memory empty. */
LUAMEMLIB_API int luamem_resetref (lua_State *L, int idx, char *mem,
                                   size_t len, luamem_Unref unref,
                                   int cleanup);
LUAMEMLIB_API int luamem_setref (lua_State *L, int idx, char *mem,
                                 size_t len, luamem_Unref unref);

/* ---- inspection ---- */
LUAMEMLIB_API int luamem_type (lua_State *L, int idx);
#define luamem_ismemory(L,I)  (luamem_type(L,I) != LUAMEM_TNONE)
#define luamem_isref(L,I)     (luamem_type(L,I) == LUAMEM_TREF)
#define luamem_tomemory(L,I,S) (luamem_tomemoryx(L,I,S,NULL,NULL))
LUAMEMLIB_API char *luamem_tomemoryx (lua_State *L, int idx, size_t *len,
                                      luamem_Unref *unref, int *type);
LUAMEMLIB_API char *luamem_checkmemory (lua_State *L, int arg, size_t *len);
/* The stable head of the memory at `idx` (see luamem_Head), or NULL when
** it is not a memory; `type` (may be NULL) gets its kind. */
LUAMEMLIB_API luamem_Head *luamem_tohead (lua_State *L, int idx, int *type);

/* ---- memories or strings ("arrays") ---- */
LUAMEMLIB_API int luamem_isarray (lua_State *L, int idx);
LUAMEMLIB_API const char *luamem_toarray (lua_State *L, int idx, size_t *len);
/* a memory's bytes, or luaL_tolstring's string (pushed) of another value */
LUAMEMLIB_API const char *luamem_asarray (lua_State *L, int idx, size_t *len);
LUAMEMLIB_API const char *luamem_checkarray (lua_State *L, int arg,
                                             size_t *len);
LUAMEMLIB_API const char *luamem_optarray (lua_State *L, int arg,
                                           const char *def, size_t *len);

/* ---- allocation through the state's allocator ---- */
LUAMEMLIB_API size_t luamem_checklenarg (lua_State *L, int arg);
LUAMEMLIB_API void *luamem_realloc (lua_State *L, void *mem, size_t osize,
                                    size_t nsize);
LUAMEMLIB_API void luamem_free (lua_State *L, void *mem, size_t size);

/* ---- luaL_Buffer support ---- */
LUAMEMLIB_API void luamem_addvalue (luaL_Buffer *B);
/* push the buffer's contents as a new fixed memory (not a string) */
LUAMEMLIB_API void luamem_pushresult (luaL_Buffer *B);
LUAMEMLIB_API void luamem_pushresultsize (luaL_Buffer *B, size_t sz);

/* ---- names used by older client code (lua-memory 1.x) ---- */
#define luamem_isstring       luamem_isarray
#define luamem_tostring       luamem_toarray
#define luamem_asstring       luamem_asarray
#define luamem_checkstring    luamem_checkarray
#define luamem_optstring      luamem_optarray
#define luamem_pushresbuf     luamem_pushresult
#define luamem_pushresbufsize luamem_pushresultsize

/* ---- memory regions: slices, mapped files ---- */

/*
** Slices. luamem_newslice pushes a memory ("other") over the `len` bytes
** from `start` (0-based) of the memory at `idx`, sharing them, and returns
** their address (LUAMEM_EMPTY when len is 0); it raises an error when the
** range is not inside the memory. A slice keeps its memory alive; a slice
** of a slice is a slice of the first one's memory (its root).
** A slice is valid while its root shows the block it showed when the
** slice was taken: a reference re-pointed (luamem_setref/resetref, the
** owner protocol above), resized or closed kills its slices, for good; an
** allocated root never moves. A slice's own head holds its bytes while it
** is valid and LUAMEM_EMPTY, 0 once dead, so luamem_tomemoryx and a kept
** head (luamem_tohead) show the same. luamem_tomemoryx reads a slice's
** unref, and the mark on a sliced root, as NULL.
*/
LUAMEMLIB_API char *luamem_newslice (lua_State *L, int idx, size_t start,
                                     size_t len);
LUAMEMLIB_API int luamem_isslice (lua_State *L, int idx);

/*
** Mapped files. luamem_map maps `length` bytes (-1: to the end) from byte
** `offset` of the file `path` and pushes them as a memory ("other") that
** unmaps them when closed, re-pointed or collected: returns 1. Not
** `writable`: a private copy-on-write mapping (writes stay in this
** process); `writable`: shared, writes reach the file. When the file
** cannot be opened or mapped, pushes nil and a message and returns 2, as
** io.open does. A negative offset or a length of 0 raise errors. An empty
** file (or range) gives an empty memory. Bytes a truncation of the file
** takes away read as zeros (see doc/memory.md).
*/
LUAMEMLIB_API int luamem_map (lua_State *L, const char *path, int writable,
                              lua_Integer offset, lua_Integer length);

#endif
