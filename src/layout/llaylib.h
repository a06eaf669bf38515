/*
** llaylib.h - what the files of the `layout` Lua module share (internal:
** not installed). One module, luaopen_layout, in files of one concept each:
**
**   llaystruct.c  layout.struct: reading a spec into the engine (lay.c)
**   llayhash.c    finding a field by its key: the key hash
**   llayptr.c     pointers: newpointer, setpointer, reads and writes
**   llayinfo.c    introspection: sizeof, offsetof, fits, pairs, tostring
**   llaylib.c     luaopen_layout: the function tables
**
** Every extern name of the module starts with lyt_ (the engine's is lay_).
*/
#ifndef LLAYLIB_H
#define LLAYLIB_H

#include <stdint.h>

#include <lua.h>
#include <lauxlib.h>

#include "lmemlib.h"
#include "lay.h"

#define LYT_STRUCTMT  "pktlua.layout.struct"
#define LYT_POINTERMT "pktlua.layout.pointer"

#if defined(__GNUC__)
#define LYT_NOINLINE __attribute__((noinline))  /* keeps slow paths out */
#else
#define LYT_NOINLINE
#endif

/* One slot of the key hash: the field a key names in one (nested) struct. */
typedef struct Slot {
  const void *id;       /* the key string (lua_topointer); NULL: empty */
  const lay_Field *fd;  /* the field's record (in the same Struct) */
  int node;             /* the struct the field is in (-1: outermost) */
  int field;            /* the field's index */
  int fast;             /* a number of at most 8 bytes: the inline paths of
                        ** __index and __newindex read and write it */
} Slot;

/* A compiled struct: the engine's header and field records, then (in the
** same block) the key hash, each field's key id and, for struct fields,
** which user value of the enclosing pointer holds their pointer. */
typedef struct Struct {
  lay_Struct s;
  Slot *hash;           /* hsize slots */
  unsigned hbits;       /* hsize = 2^hbits >= 8 * keyed fields */
  uint64_t mult;        /* the hash multiplier (odd) */
  const void **id;      /* per field: key string id, NULL for padding */
  int *uv;              /* per struct field: its user value in the parent */
  lay_Field fields[];
} Struct;

#define SUV_KEYS 1  /* user value of a struct: table keeping the key strings */

/* A pointer to a struct (root) or to one of its nested structs (child).
** Children are made with their root and keep it alive; position, memory
** and flags live in the root only, so re-pointing costs the same whatever
** the nesting. The memory is held as the stable address of its head
** (luamem_tohead): a reference the daemon re-points, a resizable memory
** that moves, a closed one, all show their current block through it with
** no API call; the root's PUV_MEM keeps the memory (so the head) alive. */
typedef struct Pointer {
  const Struct *st;     /* compiled struct (kept alive by PUV_OWNER) */
  struct Pointer *root; /* the outermost pointer (itself for the root) */
  int node;             /* -1: the outermost struct; else its struct field */
  /* root only: */
  int autock;           /* update the checksum field on writes */
  size_t pos;           /* 0-based byte where the outermost struct starts */
  const luamem_Head *head;  /* the memory's head (unset: lyt_emptyhead) */
  const void *memud;    /* the memory's userdata in PUV_MEM (unset: NULL) */
} Pointer;

/* User values of a pointer */
#define PUV_MEM   1  /* root: the memory, or nil (unset) */
#define PUV_OWNER 2  /* root: the struct userdata; child: the root */
#define PUV_KIDS  3  /* PUV_KIDS + k: pointer of its (k+1)th nested struct */


/* ---- the key hash (llayhash.c) ---- */

/* multiplicative hash of a key id within struct `node` */
static inline unsigned lyt_hashkey (const Struct *st, const void *id,
                                    int node) {
  uint64_t h = ((uint64_t)(uintptr_t)id + (uint64_t)(node + 1)) * st->mult;
  return (unsigned)(h >> (64 - st->hbits));
}

/* The slot of key `id` in the struct `node` of st when it is the key's
** home slot (every key is, unless no multiplier without collisions was
** found), else NULL: then lyt_findfield probes, or compares contents. */
static inline const Slot *lyt_homeslot (const Struct *st, const void *id,
                                        int node) {
  const Slot *sl = &st->hash[lyt_hashkey(st, id, node)];
  return (sl->id == id && sl->node == node) ? sl : NULL;
}

void lyt_buildhash (Struct *st);
int lyt_findfield (lua_State *L, const Struct *st, int node, int k);
int lyt_nofield (lua_State *L, const Struct *st, int node, int k);


/* ---- pointers (llayptr.c) ---- */

/* The layout pointer at `arg`, or NULL: the one check of a pointer
** argument, by the address of its metatable against the pointer metatable
** at index `mt`: upvalue 1 of the module functions (LYT_PTRMT), cheaper
** than the registry's luaL_testudata. It pushes the value's metatable, if
** any, and leaves it: callers push their results above it, and the
** per-packet setpointer is spared the lua_settop of popping it (22
** instructions, 4 % of the call). The metamethods' own first argument
** needs no check: Lua calls them only for values with this metatable,
** which scripts cannot get or set; they are light C functions (no
** upvalue: 4 instructions less per call). */
#define LYT_PTRMT lua_upvalueindex(1)
#define LYT_STRUCTUV lua_upvalueindex(2)  /* the struct metatable */

static inline Pointer *lyt_testpointer (lua_State *L, int arg, int mt) {
  Pointer *p = (Pointer *)lua_touserdata(L, arg);
  if (p == NULL || !lua_getmetatable(L, arg) ||
      lua_topointer(L, -1) != lua_topointer(L, mt))
    return NULL;
  return p;
}

static inline Pointer *lyt_checkpointer (lua_State *L, int arg) {
  Pointer *p = lyt_testpointer(L, arg, LYT_PTRMT);
  if (p == NULL) luaL_typeerror(L, arg, "layout pointer");
  return p;
}

/* the memory of the pointer p (an empty buffer when unset) */
static inline unsigned char *lyt_getmem (const Pointer *p, size_t *len) {
  const luamem_Head *h = p->root->head;
  *len = h->len;
  return (unsigned char *)h->mem;
}

void lyt_pushfield (lua_State *L, const Pointer *p, int idx, int f);

int lyt_newpointer (lua_State *L);
int lyt_setpointer (lua_State *L);
int lyt_autochecksum (lua_State *L);
int lyt_index (lua_State *L);
int lyt_newindex (lua_State *L);


/* ---- the spec compiler (llaystruct.c) ---- */
int lyt_struct (lua_State *L);


/* ---- introspection (llayinfo.c) ---- */
int lyt_sizeof (lua_State *L);
int lyt_offsetof (lua_State *L);
int lyt_fits (lua_State *L);
int lyt_pairs (lua_State *L);
int lyt_next (lua_State *L);
int lyt_tostring (lua_State *L);
int lyt_structtostring (lua_State *L);

#endif
