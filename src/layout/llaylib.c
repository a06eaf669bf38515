/*
** llaylib.c - the `layout` Lua module: structs compiled by the engine in
** lay.c, and pointers that read and write their fields in a memory.
**
** Hot path (p.f, p.f = v, p.inner.f): no Lua allocation and few API calls.
** The field is found by the address of the key string in a C hash (keys
** are interned strings the struct keeps alive), the memory is read through
** the stable address of its head (lmemlib.h's luamem_Head), and a pointer
** holds one pre-made pointer per nested struct in its user values, which
** reads position and memory from its root.
**
** The debug library can break any userdata's invariants (debug.setmetatable
** on a foreign userdata, debug.setuservalue); that is outside this module's
** guarantees, as it is for every C library.
*/
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#include "lmemlib.h"
#include "lay.h"

#define STRUCTMT  "pktlua.layout.struct"
#define POINTERMT "pktlua.layout.pointer"

#define MAXDEPTH 64  /* nesting limit of a spec, to bound the C recursion */
#define MAXFIELDS 65535  /* fields in a struct: far beyond any header */

/* one slot of the key hash, with what the inline paths of __index and
** __newindex need to know about the field without looking further */
typedef struct Slot {
  const void *id;       /* the key string (lua_topointer); NULL: empty */
  int node;             /* the struct the field is in (-1: outermost) */
  int field;            /* the field */
  int fast;             /* a number of at most 8 bytes: then ... */
  int ckword;           /* first byte of the one or two aligned 16-bit
                        ** words holding all of the field (ckwords), when
                        ** the struct's checksum is word-aligned too and
                        ** not among them; else -1 */
  size_t byte;          /* ... its lay_Field's byte, nbytes, shift, big */
  uint64_t mask;        /* and lay_mask(bits), here to spare a lookup */
  unsigned char nbytes, shift, big;
  unsigned char ckwords;  /* 1 or 2 */
} Slot;

/* A compiled struct: the engine's header and field records, then (in the
** same block) the key hash, each field's key id and, for struct fields,
** which user value of the enclosing pointer holds their pointer. */
typedef struct Struct {
  lay_Struct s;
  Slot *hash;           /* hsize slots */
  unsigned hbits;       /* hsize = 2^hbits >= 8 * fields */
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
  const luamem_Head *head;  /* the memory's head (unset: emptyhead) */
  const void *memud;    /* the memory's userdata in PUV_MEM (unset: NULL) */
} Pointer;

/* User values of a pointer */
#define PUV_MEM   1  /* root: the memory, or nil (unset) */
#define PUV_OWNER 2  /* root: the struct userdata; child: the root */
#define PUV_KIDS  3  /* PUV_KIDS + k: pointer of its (k+1)th nested struct */

/* an empty buffer for unset pointers (never dereferenced: len is 0) */
static unsigned char emptybuf[1];
static const luamem_Head emptyhead = {(char *)emptybuf, 0, NULL};


/*
** {======================================================
** Compiling specs
** =======================================================
*/

static const char *const typenames[] = {
  "number", "boolean", "string", "struct", NULL};
static const char *const endiannames[] = {"native", "little", "big", NULL};

/* Fails the struct() call with an argument error naming the field. */
static int specerror (lua_State *L, const char *key, const char *msg) {
  if (key) return luaL_argerror(L, 1,
                                lua_pushfstring(L, "field '%s': %s", key, msg));
  return luaL_argerror(L, 1, msg);
}

/* index of `name` in list, or -1 */
static int findname (const char *const list[], const char *name) {
  int i;
  for (i = 0; list[i]; i++)
    if (strcmp(list[i], name) == 0) return i;
  return -1;
}

/* counts the field records the spec table at `idx` needs */
static int countfields (lua_State *L, int idx, int depth) {
  lua_Integer i, n = (lua_Integer)lua_rawlen(L, idx);
  int count = 0;
  if (depth > MAXDEPTH) specerror(L, NULL, "structs nested too deep");
  luaL_checkstack(L, 4, "struct nesting");
  for (i = 1; i <= n; i++) {
    if (lua_rawgeti(L, idx, i) != LUA_TTABLE)
      return specerror(L, NULL, lua_pushfstring(L,
                       "field #%d is not a table", (int)i));
    count++;
    if (lua_getfield(L, -1, "type") == LUA_TSTRING &&
        strcmp(lua_tostring(L, -1), "struct") == 0)
      count += countfields(L, lua_gettop(L) - 1, depth + 1);
    if (count > MAXFIELDS) specerror(L, NULL, "too many fields");
    lua_pop(L, 2);
  }
  return count;
}

/* a spec size (bits= or bytes=): 1 with *size set, 0 when absent, -1 when
** bad (both given, not an integer, out of range) */
static int getsize (lua_State *L, int idx, size_t *size, int *inbytes) {
  int bits = lua_getfield(L, idx, "bits");
  int bytes = lua_getfield(L, idx, "bytes");
  int r = -1;
  *size = 0;
  *inbytes = bytes != LUA_TNIL;
  if (bits == LUA_TNIL && bytes == LUA_TNIL)
    r = 0;
  else if (bits == LUA_TNIL || bytes == LUA_TNIL) {
    int isint;
    lua_Integer v = lua_tointegerx(L, bytes != LUA_TNIL ? -1 : -2, &isint);
    if (isint && (bits == LUA_TNUMBER || bytes == LUA_TNUMBER) &&
        v >= 1 && (lua_Unsigned)v <= LAY_MAXBITS) {
      *size = (size_t)v;
      r = 1;
    }
  }
  lua_pop(L, 2);
  return r;
}

/* the string option `name` of the table at idx as its index in list (the
** default when absent); -1 when it is not one of them */
static int getoption (lua_State *L, int idx, const char *name,
                      const char *def, const char *const list[]) {
  int r = -1, t = lua_getfield(L, idx, name);
  if (t == LUA_TNIL) r = findname(list, def);
  else if (t == LUA_TSTRING) r = findname(list, lua_tostring(L, -1));
  lua_pop(L, 1);
  return r;
}

/* The key of the field table at `idx`, checked against the other keys of
** its struct (table at `keys`) and kept alive in the table at `all`, so
** its address stays valid and identifies it. NULL: padding. */
static const char *getkey (lua_State *L, int idx, int keys, int all,
                           const void **id) {
  const char *key;
  int t = lua_getfield(L, idx, "key");
  *id = NULL;
  if (t == LUA_TNIL) { lua_pop(L, 1); return NULL; }
  if (t != LUA_TSTRING) specerror(L, NULL, "field key must be a string");
  key = lua_tostring(L, -1);
  if (strlen(key) != lua_rawlen(L, -1))
    specerror(L, NULL, "field key contains a zero byte");
  lua_pushvalue(L, -1);
  if (lua_rawget(L, keys) != LUA_TNIL)
    specerror(L, NULL, lua_pushfstring(L, "duplicate key '%s'", key));
  lua_pop(L, 1);
  *id = lua_topointer(L, -1);  /* the string object itself */
  lua_pushvalue(L, -1);
  lua_pushboolean(L, 1);
  lua_rawset(L, keys);
  lua_pushboolean(L, 1);
  lua_rawset(L, all);  /* pops the key */
  return key;
}

/* Adds the fields of the spec table at `idx` to the struct; `keys` is the
** key table of that (nested) struct, `all` the one of the whole struct. */
static void addfields (lua_State *L, Struct *st, int idx, int keys, int all,
                       int depth) {
  lay_Struct *S = &st->s;
  lua_Integer i, n = (lua_Integer)lua_rawlen(L, idx);
  luaL_checkstack(L, 8, "struct nesting");
  for (i = 1; i <= n; i++) {
    int field = lua_gettop(L) + 1, index = S->nfields, type, endian, r;
    const char *key;
    const void *id;
    size_t size;
    int inbytes;
    /* a spec whose metamethods change it between the two passes */
    if (lua_rawgeti(L, idx, i) != LUA_TTABLE || index >= S->cap)
      specerror(L, NULL, "spec changed while compiling");
    key = getkey(L, field, keys, all, &id);
    st->id[index] = id;
    type = getoption(L, field, "type", "number", typenames);
    endian = getoption(L, field, "endian", "native", endiannames);
    r = getsize(L, field, &size, &inbytes);
    if (type < 0 || endian < 0 || r < 0 || (r == 0 && type != LAY_STRUCT))
      specerror(L, key, "unsupported type");
    if (type == LAY_STRUCT) {
      lua_newtable(L);  /* key table of the nested struct */
      lay_open(S, key, size, inbytes);
      addfields(L, st, field, lua_gettop(L), all, depth + 1);
      lay_close(S);
      lua_pop(L, 1);
    }
    else
      lay_add(S, key, type, size, inbytes, endian);
    if (S->err != LAY_OK) specerror(L, key, lay_strerror(S->err));
    lua_pop(L, 1);  /* field table */
  }
}

/* multiplicative hash of a key id within struct `node` */
static unsigned hashkey (const Struct *st, const void *id, int node) {
  uint64_t h = ((uint64_t)(uintptr_t)id + (uint64_t)(node + 1)) * st->mult;
  return (unsigned)(h >> (64 - st->hbits));
}

/* A multiplier that puts every key in a slot of its own, so that the
** inline paths look at one slot only (findfield still probes, for the
** rare struct where none of the tries is free of collisions). */
static void pickmult (Struct *st) {
  unsigned size = 1u << st->hbits, i, try;
  uint64_t mult = 0x9e3779b97f4a7c15u;
  for (try = 0; try < 64; try++, mult += 0x2545f4914f6cdd1eu) {
    int f, clash = 0;
    st->mult = mult | 1;
    for (i = 0; i < size; i++) st->hash[i].id = NULL;
    for (f = 0; f < st->s.nfields && !clash; f++) {
      if (st->id[f] == NULL) continue;
      i = hashkey(st, st->id[f], st->fields[f].parent);
      if (st->hash[i].id != NULL) clash = 1;
      st->hash[i].id = st->id[f];
    }
    if (!clash) return;
  }
  st->mult = 0x9e3779b97f4a7c15u;
}

/* Where field f's checksum update can be done inline (see Slot): the
** words it lies in, when they are at most two, all inside the struct, and
** apart from the checksum; *n gets their number. */
static int ckword (const Struct *st, int f, unsigned char *n) {
  const lay_Field *fd = &st->fields[f];
  size_t first = fd->offset / 8, word = first & ~(size_t)1, end, ck;
  if (st->s.cksum < 0 || f == st->s.cksum ||
      st->fields[st->s.cksum].offset % 16 != 0 || word > (size_t)INT_MAX)
    return -1;
  ck = st->fields[st->s.cksum].offset / 8;
  end = first + fd->nbytes;
  end += end & 1;  /* to a whole word */
  if (end - word > 4 || end > st->s.size || (ck >= word && ck < end))
    return -1;
  *n = (unsigned char)((end - word) / 2);
  return (int)word;
}

static void setckwords (Struct *st) {
  unsigned i, size = 1u << st->hbits;
  for (i = 0; i < size; i++) {
    Slot *sl = &st->hash[i];
    if (sl->id != NULL && sl->fast)
      sl->ckword = ckword(st, sl->field, &sl->ckwords);
  }
}

static void buildhash (Struct *st) {
  unsigned i, size = 1u << st->hbits;
  int f, kids;
  pickmult(st);
  for (i = 0; i < size; i++) st->hash[i].id = NULL;
  for (f = 0; f < st->s.nfields; f++) {
    const void *id = st->id[f];
    const lay_Field *fd = &st->fields[f];
    Slot *sl;
    if (id == NULL) continue;
    i = hashkey(st, id, fd->parent);
    while (st->hash[i].id != NULL) i = (i + 1) & (size - 1);
    sl = &st->hash[i];
    sl->id = id;
    sl->node = fd->parent;
    sl->field = f;
    sl->fast = fd->type == LAY_NUMBER && fd->nbytes <= 8;
    sl->ckword = -1;  /* setckwords, once the checksum is known */
    sl->ckwords = 1;
    sl->byte = fd->byte;
    sl->mask = lay_mask(fd->bits);
    sl->nbytes = fd->nbytes;
    sl->shift = fd->shift;
    sl->big = fd->big;
  }
  /* user value of each struct field's pointer in its parent's pointer */
  for (f = 0; f < st->s.nfields; f++) st->uv[f] = 0;
  for (f = 0; f < st->s.nfields; f++) {
    const lay_Field *fd = &st->fields[f];
    int c = fd->type == LAY_STRUCT ? fd->first : -1;
    for (kids = 0; c >= 0; c = st->fields[c].next)
      if (st->fields[c].type == LAY_STRUCT) st->uv[c] = PUV_KIDS + kids++;
  }
  for (f = st->s.first, kids = 0; f >= 0; f = st->fields[f].next)
    if (st->fields[f].type == LAY_STRUCT) st->uv[f] = PUV_KIDS + kids++;
}

/* findfield's slow path: compare the key's contents */
static int findbyname (lua_State *L, const Struct *st, int node, int k) {
  const char *key;
  size_t kl;
  int f;
  if (lua_type(L, k) != LUA_TSTRING) return -1;
  key = lua_tolstring(L, k, &kl);
  f = node < 0 ? st->s.first : st->fields[node].first;
  for (; f >= 0; f = st->fields[f].next) {
    const char *fk = st->fields[f].key;
    if (fk && strlen(fk) == kl && memcmp(fk, key, kl) == 0) return f;
  }
  return -1;
}

/* The field of struct `node` whose key is the value at `k`, or -1. Fast
** path: that value is the very string compiled into the struct (interned
** strings are unique). Else compare contents (long strings are not
** interned); a miss costs a scan, but it is an error anyway. */
static inline int findfield (lua_State *L, const Struct *st, int node,
                             int k) {
  const void *id = lua_topointer(L, k);
  unsigned mask = (1u << st->hbits) - 1, i = hashkey(st, id, node);
  for (; st->hash[i].id != NULL; i = (i + 1) & mask)
    if (st->hash[i].id == id && st->hash[i].node == node)
      return st->hash[i].field;
  return findbyname(L, st, node, k);
}

/* layout.struct(spec) -> struct */
static int lay_struct (lua_State *L) {
  int n, keys, all;
  unsigned hbits;
  size_t size;
  Struct *st;
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  n = countfields(L, 1, 0);
  /* 8 slots per field: a multiplier without collisions is soon found */
  for (hbits = 3; (1u << hbits) < 8 * (unsigned)n; hbits++) {}
  size = sizeof(Struct) + (size_t)n * sizeof(lay_Field) +
         ((size_t)1 << hbits) * sizeof(Slot) +
         (size_t)n * (sizeof(const void *) + sizeof(int));
  st = (Struct *)lua_newuserdatauv(L, size, 1);
  lay_init(&st->s, st->fields, n);
  st->hbits = hbits;
  st->hash = (Slot *)(void *)(st->fields + n);
  st->id = (const void **)(void *)(st->hash + ((size_t)1 << hbits));
  st->uv = (int *)(void *)(st->id + n);
  lua_newtable(L);  /* keeps every key string */
  all = lua_gettop(L);
  lua_newtable(L);  /* key table of the outermost struct */
  keys = lua_gettop(L);
  addfields(L, st, 1, keys, all, 0);
  if (lay_finish(&st->s) != LAY_OK)
    specerror(L, NULL, lay_strerror(st->s.err));
  buildhash(st);
  if (lua_getfield(L, 1, "checksum") != LUA_TNIL) {
    const char *ck = lua_tostring(L, -1);
    int f = lua_type(L, -1) == LUA_TSTRING
            ? findfield(L, st, -1, lua_gettop(L)) : -1;
    if (f < 0) specerror(L, NULL, "checksum must name a field");
    if (lay_setchecksum(&st->s, f) != LAY_OK)
      specerror(L, ck, "unsupported type (a checksum is a 16-bit number "
                       "on a byte of the outermost struct)");
    setckwords(st);
  }
  lua_settop(L, all);
  lua_setiuservalue(L, 2, SUV_KEYS);
  luaL_setmetatable(L, STRUCTMT);
  return 1;
}

/* }====================================================== */


/*
** {======================================================
** Pointers
** =======================================================
*/

/* The pointer at `idx` of a metamethod. Only our metatable has these
** metamethods and scripts cannot get it (__metatable), so no check is
** needed beyond the one the debug library would defeat anyway. */
static Pointer *toptr (lua_State *L, int idx) {
  Pointer *p = (Pointer *)lua_touserdata(L, idx);
  if (p == NULL) luaL_typeerror(L, idx, "layout pointer");
  return p;
}

static Pointer *checkptr (lua_State *L, int arg) {
  return (Pointer *)luaL_checkudata(L, arg, POINTERMT);
}

/* the struct or pointer at `arg`, as the compiled struct and the field it
** views (-1: outermost) */
static const Struct *checkview (lua_State *L, int arg, int *node) {
  Pointer *p = (Pointer *)luaL_testudata(L, arg, POINTERMT);
  if (p) { *node = p->node; return p->st; }
  *node = -1;
  return (Struct *)luaL_checkudata(L, arg, STRUCTMT);
}

/* the memory of the pointer p (an empty buffer when unset) */
static inline unsigned char *getmem (const Pointer *p, size_t *len) {
  const luamem_Head *h = p->root->head;
  *len = h->len;
  return (unsigned char *)h->mem;
}

static int nofield (lua_State *L) {
  return luaL_argerror(L, 2, lua_pushfstring(L, "no field '%s'",
                                             luaL_tolstring(L, 2, NULL)));
}

static int accesserror (lua_State *L, const Struct *st, int f, int err) {
  const char *key = st->fields[f].key;
  return luaL_error(L, "%s (field '%s')", lay_strerror(err),
                    key ? key : "?");
}

/* pushes the value of field f of the pointer p at index `idx` */
static void pushfield (lua_State *L, const Pointer *p, int idx, int f) {
  const Struct *st = p->st;
  const lay_Field *fd = &st->fields[f];
  size_t len;
  unsigned char *mem;
  int err;
  if (fd->type == LAY_STRUCT) {
    lua_getiuservalue(L, idx, st->uv[f]);
    return;
  }
  mem = getmem(p, &len);
  if (fd->type == LAY_STRING) {
    const unsigned char *b;
    size_t n;
    err = lay_getbytes(&st->s, f, mem, len, p->root->pos, &b, &n);
    if (err != LAY_OK) accesserror(L, st, f, err);
    lua_pushlstring(L, (const char *)b, n);
  }
  else {
    uint64_t v;
    if ((err = lay_get(&st->s, f, mem, len, p->root->pos, &v)) != LAY_OK)
      accesserror(L, st, f, err);
    if (fd->type == LAY_BOOLEAN) lua_pushboolean(L, v != 0);
    else lua_pushinteger(L, (lua_Integer)v);  /* 64 bits wrap like I8 */
  }
}

/* The general __index: every type, every error. */
#if defined(__GNUC__)
#define l_noinline __attribute__((noinline))
#else
#define l_noinline
#endif

static l_noinline int index_slow (lua_State *L) {
  Pointer *p = toptr(L, 1);
  const Struct *st = p->st;
  int f = findfield(L, st, p->node, 2);
  if (f < 0) return nofield(L);
  pushfield(L, p, 1, f);
  return 1;
}

/* The slot of key `id` in the struct `node` of st when it is the key's
** home slot (every key is, unless pickmult found no multiplier), else
** NULL: then the slow path probes, or compares contents. */
static inline const Slot *homeslot (const Struct *st, const void *id,
                                    int node) {
  const Slot *sl = &st->hash[hashkey(st, id, node)];
  return (sl->id == id && sl->node == node) ? sl : NULL;
}

/* lay_fastget and lay_fastput from the copy of the rule in the slot */
static inline uint64_t slotget (const Slot *sl, const unsigned char *base) {
  return lay_getrule(base + sl->byte, sl->nbytes, sl->shift, sl->big,
                     sl->mask);
}

static inline void slotput (const Slot *sl, unsigned char *base,
                            uint64_t v) {
  lay_putrule(base + sl->byte, sl->nbytes, sl->shift, sl->big, sl->mask, v);
}

/* the bytes of the outermost struct of p when all of it is in the
** memory, else NULL */
static inline unsigned char *structbytes (const Pointer *p) {
  const Pointer *r = p->root;
  size_t len = r->head->len, pos = r->pos;
  if (pos <= len && p->st->s.size <= len - pos)
    return (unsigned char *)r->head->mem + pos;
  return NULL;
}

/* p.f: inline for a number within bounds found by its interned key string,
** which is nearly every access; the rest goes the general way */
static int ptr_index (lua_State *L) {
  const Pointer *p = (const Pointer *)lua_touserdata(L, 1);
  const void *id = lua_topointer(L, 2);
  const Slot *sl;
  unsigned char *base;
  if (p != NULL && (sl = homeslot(p->st, id, p->node)) != NULL) {
    if (sl->fast && (base = structbytes(p)) != NULL) {
      lua_pushinteger(L, (lua_Integer)slotget(sl, base));
      return 1;
    }
    if (p->st->fields[sl->field].type == LAY_STRUCT) {  /* its pointer, made with ours */
      lua_getiuservalue(L, 1, p->st->uv[sl->field]);
      return 1;
    }
  }
  return index_slow(L);
}

/* Copies into struct field f the struct viewed by the pointer at `v`, or
** the bytes of a string or memory of the same size. */
static int copystruct (lua_State *L, Pointer *p, int f, int v,
                       unsigned char *mem, size_t len) {
  const lay_Struct *s = &p->st->s;
  Pointer *q = (Pointer *)luaL_testudata(L, v, POINTERMT);
  const unsigned char *src;
  size_t srclen, off, bits;
  unsigned char *srcmem;
  if (q == NULL) {
    if (lua_type(L, v) == LUA_TNUMBER ||  /* toarray would convert it */
        (src = (const unsigned char *)luamem_toarray(L, v, &srclen)) == NULL)
      return luaL_typeerror(L, v, "layout pointer, string or memory");
    return lay_setbytes(s, f, mem, len, p->root->pos, src, srclen,
                        p->root->autock);
  }
  off = q->node < 0 ? 0 : q->st->fields[q->node].offset;
  bits = q->node < 0 ? q->st->s.bits : q->st->fields[q->node].bits;
  if (bits != s->fields[f].bits) return LAY_ESIZE;
  if (off % 8 != 0 || bits % 8 != 0) return LAY_EUNSUPPORTED;
  srcmem = getmem(q, &srclen);
  if (lay_check(&q->st->s, srclen, q->root->pos) != LAY_OK)
    return LAY_EBOUNDS;
  src = srcmem + q->root->pos + off / 8;
  return lay_setbytes(s, f, mem, len, p->root->pos, src, bits / 8,
                      p->root->autock);
}

/* The general __newindex: every type, every error, the checksum kept by
** the engine. */
static l_noinline int newindex_slow (lua_State *L) {
  Pointer *p = toptr(L, 1);
  const Struct *st = p->st;
  const lay_Struct *s = &st->s;
  int f = findfield(L, st, p->node, 2), err;
  const lay_Field *fd;
  unsigned char *mem;
  size_t len;
  if (f < 0) return nofield(L);
  fd = &s->fields[f];
  if (fd->type == LAY_NUMBER) {
    int isint;
    lua_Integer v = lua_tointegerx(L, 3, &isint);
    if (!isint) {
      if (lua_type(L, 3) == LUA_TNUMBER)
        return luaL_argerror(L, 3, "number has no integer representation");
      return luaL_typeerror(L, 3, "integer");
    }
    /* only a full 64-bit field takes negative values (two's complement,
    ** as reading it gives them) */
    if (v < 0 && fd->bits < 64) return accesserror(L, st, f, LAY_EOVERFLOW);
    mem = getmem(p, &len);
    err = lay_set(s, f, mem, len, p->root->pos, (uint64_t)v, p->root->autock);
  }
  else {
    mem = getmem(p, &len);
    switch (fd->type) {
      case LAY_BOOLEAN:
        luaL_checktype(L, 3, LUA_TBOOLEAN);
        err = lay_set(s, f, mem, len, p->root->pos, lua_toboolean(L, 3),
                      p->root->autock);
        break;
      case LAY_STRING: {
        size_t n;
        const char *src = NULL;
        if (lua_type(L, 3) == LUA_TNUMBER ||  /* toarray would convert it */
            (src = luamem_toarray(L, 3, &n)) == NULL)
          return luaL_typeerror(L, 3, "string or memory");
        err = lay_setbytes(s, f, mem, len, p->root->pos,
                           (const unsigned char *)src, n, p->root->autock);
        break;
      }
      default:
        err = copystruct(L, p, f, 3, mem, len);
        break;
    }
  }
  if (err != LAY_OK) accesserror(L, st, f, err);
  return 0;
}

/* RFC 1624 eqn. 3 for the `n` (1 or 2) words at w, which were `old`
** (the first in the high half) before a write: the checksum at ck follows
** them */
static inline void ckfix (unsigned char *ck, const unsigned char *w,
                          uint32_t old, int n) {
  uint32_t sum = (~((uint32_t)ck[0] << 8 | ck[1]) & 0xffff) +
                 (~(old >> 16) & 0xffff) + ((uint32_t)w[0] << 8 | w[1]);
  if (n == 2)
    sum += (~old & 0xffff) + ((uint32_t)w[2] << 8 | w[3]);
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  sum = ~sum & 0xffff;
  ck[0] = (unsigned char)(sum >> 8);
  ck[1] = (unsigned char)(sum & 0xff);
}

/* p.f = v: inline for an integer that fits a number field within bounds
** found by its interned key, with the declared checksum kept when the
** field lies in one or two 16-bit words (every IPv4 header field, the
** addresses as 32-bit numbers too); the rest goes the general way */
static int ptr_newindex (lua_State *L) {
  const Pointer *p = (const Pointer *)lua_touserdata(L, 1);
  const void *id = lua_topointer(L, 2);
  const Slot *sl;
  unsigned char *base;
  if (p != NULL && (sl = homeslot(p->st, id, p->node)) != NULL &&
      sl->fast && (base = structbytes(p)) != NULL) {
    int isint;
    lua_Integer v = lua_tointegerx(L, 3, &isint);
    if (isint && ((uint64_t)v & ~sl->mask) == 0) {
      const lay_Struct *s = &p->st->s;
      if (s->cksum < 0 || !p->root->autock || sl->field == s->cksum) {
        slotput(sl, base, (uint64_t)v);
        return 0;
      }
      if (sl->ckword >= 0) {
        unsigned char *w = base + sl->ckword;
        uint32_t old = (uint32_t)w[0] << 24 | (uint32_t)w[1] << 16;
        if (sl->ckwords == 2) old |= (uint32_t)w[2] << 8 | w[3];
        slotput(sl, base, (uint64_t)v);
        ckfix(base + s->fields[s->cksum].offset / 8, w, old, sl->ckwords);
        return 0;
      }
    }
  }
  return newindex_slow(L);
}

/* the field after f (f -1: the first) of the struct p views, skipping
** padding; -1 at the end */
static int nextfield (const Pointer *p, int f) {
  const lay_Field *fields = p->st->fields;
  if (f < 0) f = p->node < 0 ? p->st->s.first : fields[p->node].first;
  else f = fields[f].next;
  while (f >= 0 && fields[f].key == NULL) f = fields[f].next;
  return f;
}

/* pairs iterator: the key and value of the field after key `2` */
static int ptr_next (lua_State *L) {
  Pointer *p = checkptr(L, 1);
  int f = -1;
  if (!lua_isnil(L, 2) && (f = findfield(L, p->st, p->node, 2)) < 0)
    return nofield(L);
  if ((f = nextfield(p, f)) < 0) return 0;
  lua_pushstring(L, p->st->fields[f].key);
  pushfield(L, p, 1, f);
  return 2;
}

static int ptr_pairs (lua_State *L) {
  checkptr(L, 1);
  lua_pushcfunction(L, ptr_next);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

/* appends the bytes as a quoted string, escaping what is not printable */
static void addbytes (luaL_Buffer *B, const unsigned char *b, size_t n) {
  static const char hex[] = "0123456789abcdef";
  size_t i;
  luaL_addchar(B, '"');
  for (i = 0; i < n; i++) {
    if (b[i] >= 0x20 && b[i] < 0x7f && b[i] != '"' && b[i] != '\\')
      luaL_addchar(B, (char)b[i]);
    else {
      luaL_addchar(B, '\\');
      luaL_addchar(B, 'x');
      luaL_addchar(B, hex[b[i] >> 4]);
      luaL_addchar(B, hex[b[i] & 15]);
    }
  }
  luaL_addchar(B, '"');
}

/* appends {k=v, ...} for the fields from f on (a struct's first field) */
static void addstruct (lua_State *L, luaL_Buffer *B, const Pointer *p, int f,
                       const unsigned char *mem, size_t len) {
  const lay_Struct *s = &p->st->s;
  int sep = 0;
  luaL_addchar(B, '{');
  for (; f >= 0; f = s->fields[f].next) {
    const lay_Field *fd = &s->fields[f];
    if (fd->key == NULL) continue;
    if (sep) luaL_addstring(B, ", ");
    sep = 1;
    luaL_addstring(B, fd->key);
    luaL_addchar(B, '=');
    if (fd->type == LAY_STRUCT)
      addstruct(L, B, p, fd->first, mem, len);
    else if (fd->type == LAY_STRING) {
      const unsigned char *b;
      size_t n;
      if (lay_getbytes(s, f, mem, len, p->root->pos, &b, &n) == LAY_OK)
        addbytes(B, b, n);
    }
    else {
      uint64_t v = 0;
      lay_get(s, f, mem, len, p->root->pos, &v);
      if (fd->type == LAY_BOOLEAN)
        luaL_addstring(B, v ? "true" : "false");
      else {
        lua_pushinteger(L, (lua_Integer)v);
        luaL_addvalue(B);
      }
    }
  }
  luaL_addchar(B, '}');
}

static int ptr_tostring (lua_State *L) {
  Pointer *p = checkptr(L, 1);
  const lay_Struct *s = &p->st->s;
  size_t len;
  unsigned char *mem = getmem(p, &len);
  luaL_Buffer B;
  lua_settop(L, 1);
  if (lay_check(s, len, p->root->pos) != LAY_OK) {
    lua_pushliteral(L, "layout pointer (out of bounds)");
    return 1;
  }
  luaL_buffinit(L, &B);
  luaL_addstring(&B, "layout pointer ");
  addstruct(L, &B, p, p->node < 0 ? s->first : s->fields[p->node].first,
            mem, len);
  luaL_pushresult(&B);
  return 1;
}

/* number of nested structs directly in struct `node` */
static int countkids (const Struct *st, int node) {
  int f = node < 0 ? st->s.first : st->fields[node].first, n = 0;
  for (; f >= 0; f = st->fields[f].next)
    n += st->fields[f].type == LAY_STRUCT;
  return n;
}

/* Pushes a new pointer viewing `node`, with the pointers of its nested
** structs in its user values; `owner` keeps the struct alive (the struct
** userdata for the root, the root for the others). */
static void newptr (lua_State *L, const Struct *st, int node, int owner,
                    Pointer *root) {
  Pointer *p;
  int f, self;
  luaL_checkstack(L, 4, "struct nesting");
  p = (Pointer *)lua_newuserdatauv(L, sizeof(Pointer),
                                   PUV_KIDS + countkids(st, node));
  self = lua_gettop(L);
  p->st = st;
  p->root = root ? root : p;
  p->node = node;
  p->autock = 1;
  p->pos = 0;
  p->head = &emptyhead;
  p->memud = NULL;
  luaL_setmetatable(L, POINTERMT);
  lua_pushvalue(L, owner ? owner : self);
  lua_setiuservalue(L, self, PUV_OWNER);
  f = node < 0 ? st->s.first : st->fields[node].first;
  for (; f >= 0; f = st->fields[f].next) {
    if (st->fields[f].type != LAY_STRUCT) continue;
    newptr(L, st, f, owner ? owner : self, p->root);
    lua_setiuservalue(L, self, st->uv[f]);
  }
}

/* layout.newpointer(struct) -> pointer, unset */
static int lay_newpointer (lua_State *L) {
  Struct *st = (Struct *)luaL_checkudata(L, 1, STRUCTMT);
  lua_settop(L, 1);
  newptr(L, st, -1, 0, NULL);
  lua_pushvalue(L, 1);  /* the root owns the struct */
  lua_setiuservalue(L, 2, PUV_OWNER);
  return 1;
}

/* the pointer at `arg` of a module function (upvalue 1: the metatable) */
static Pointer *argptr (lua_State *L, int arg) {
  Pointer *p = NULL;
  if (lua_getmetatable(L, arg)) {
    if (lua_rawequal(L, -1, lua_upvalueindex(1)))
      p = (Pointer *)lua_touserdata(L, arg);
    lua_pop(L, 1);
  }
  if (p == NULL) luaL_typeerror(L, arg, "layout pointer");
  return p;
}

/* layout.setpointer(p, mem [, pos]) -> p; mem nil unsets. A script calls
** it per packet, so it is lean: the pointer is checked by the address of
** its metatable (tables do not move) with no stack reshuffling, and the
** memory it already holds (the daemon's one packet memory) is known by
** the address of its userdata, which PUV_MEM keeps alive: no type check,
** no user value to store. */
static int lay_setpointer (lua_State *L) {
  Pointer *p = (Pointer *)lua_touserdata(L, 1);
  int isnum, nargs = lua_gettop(L);
  lua_Integer pos = lua_tointegerx(L, 3, &isnum);
  if (p == NULL || !lua_getmetatable(L, 1) ||
      lua_topointer(L, -1) != lua_topointer(L, lua_upvalueindex(1)))
    return luaL_typeerror(L, 1, "layout pointer");
  if (!isnum) {
    if (nargs >= 3 && !lua_isnil(L, 3)) luaL_checkinteger(L, 3);  /* error */
    pos = 1;
  }
  luaL_argcheck(L, p->node < 0, 1, "pointer to a nested struct");
  if (p->memud == NULL || lua_touserdata(L, 2) != p->memud ||
      lua_type(L, 2) != LUA_TUSERDATA) {
    lua_settop(L, nargs);  /* the arguments only, a missing mem as nil */
    lua_settop(L, 2);
    if (lua_isnil(L, 2)) {
      p->head = &emptyhead;
      p->memud = NULL;
      lua_pushnil(L);
      pos = 1;
    }
    else {
      const luamem_Head *h = luamem_tohead(L, 2, NULL);
      luaL_argexpected(L, h != NULL, 2, "memory");
      luaL_argcheck(L, pos >= 1, 3, "position out of range");
      p->head = h;
      p->memud = lua_touserdata(L, 2);
      lua_pushvalue(L, 2);
    }
    lua_setiuservalue(L, 1, PUV_MEM);
  }
  else luaL_argcheck(L, pos >= 1, 3, "position out of range");
  /* a position past SIZE_MAX (32-bit size_t) stays out of bounds */
  p->pos = (lua_Unsigned)(pos - 1) > (lua_Unsigned)SIZE_MAX
           ? SIZE_MAX : (size_t)(pos - 1);
  lua_pushvalue(L, 1);
  return 1;
}

/* layout.autochecksum(p, on) -> p: for the whole pointer, nested ones too */
static int lay_autochecksum (lua_State *L) {
  Pointer *p = argptr(L, 1);
  luaL_checktype(L, 2, LUA_TBOOLEAN);
  p->root->autock = lua_toboolean(L, 2);
  lua_settop(L, 1);
  return 1;
}

/* }====================================================== */


/*
** {======================================================
** Introspection
** =======================================================
*/

/* layout.sizeof(struct or pointer) -> bytes, bits */
static int lay_sizeof (lua_State *L) {
  int node;
  const Struct *st = checkview(L, 1, &node);
  size_t bits = node < 0 ? st->s.bits : st->fields[node].bits;
  lua_pushinteger(L, (lua_Integer)lay_bytes(bits));
  lua_pushinteger(L, (lua_Integer)bits);
  return 2;
}

/* layout.offsetof(struct or pointer, "key[.key...]") -> byte, bit: where
** the field starts, counted from the start of the given struct */
static int lay_offsetof (lua_State *L) {
  int node, f;
  const Struct *st = checkview(L, 1, &node);
  const lay_Field *fields = st->fields;
  const char *path = luaL_checkstring(L, 2);
  size_t base = node < 0 ? 0 : fields[node].offset, rel;
  f = node < 0 ? st->s.first : fields[node].first;
  for (;;) {
    const char *dot = strchr(path, '.');
    size_t n = dot ? (size_t)(dot - path) : strlen(path);
    while (f >= 0 && !(fields[f].key && strlen(fields[f].key) == n &&
                       memcmp(fields[f].key, path, n) == 0))
      f = fields[f].next;
    if (f < 0) return nofield(L);
    if (dot == NULL) break;
    if (fields[f].type != LAY_STRUCT) return nofield(L);
    f = fields[f].first;
    path = dot + 1;
  }
  rel = fields[f].offset - base;
  lua_pushinteger(L, (lua_Integer)(rel / 8));
  lua_pushinteger(L, (lua_Integer)rel);
  return 2;
}

static int struct_tostring (lua_State *L) {
  Struct *st = (Struct *)luaL_checkudata(L, 1, STRUCTMT);
  lua_pushfstring(L, "layout struct (%I bytes, %I bits)",
                  (lua_Integer)lay_bytes(st->s.bits), (lua_Integer)st->s.bits);
  return 1;
}

/* }====================================================== */


static const luaL_Reg lay_funcs[] = {
  {"struct", lay_struct},
  {"newpointer", lay_newpointer},
  {"setpointer", lay_setpointer},
  {"autochecksum", lay_autochecksum},
  {"sizeof", lay_sizeof},
  {"offsetof", lay_offsetof},
  {NULL, NULL}
};

static const luaL_Reg ptr_meta[] = {
  {"__index", ptr_index},
  {"__newindex", ptr_newindex},
  {"__tostring", ptr_tostring},
  {"__pairs", ptr_pairs},
  {NULL, NULL}
};

LUAMOD_API int luaopen_layout (lua_State *L) {
  luaL_newlibtable(L, lay_funcs);
  luaL_newmetatable(L, POINTERMT);
  luaL_setfuncs(L, ptr_meta, 0);
  lua_pushliteral(L, "layout pointer");
  lua_setfield(L, -2, "__metatable");  /* keeps scripts off the metamethods */
  luaL_setfuncs(L, lay_funcs, 1);  /* upvalue: the pointer metatable */
  luaL_newmetatable(L, STRUCTMT);
  lua_pushcfunction(L, struct_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pushliteral(L, "layout struct");
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);
  return 1;
}
