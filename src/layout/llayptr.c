/*
** llayptr.c - layout pointers: made by layout.newpointer, pointed at a
** memory by layout.setpointer, read and written as p.f and p.f = v.
**
** Hot path (p.f, p.f = v, p.inner.f): no Lua allocation and few API calls.
** The field is found by the address of the key string in the struct's hash
** (llayhash.c), the memory is read through the stable address of its head
** (lmemlib.h's luamem_Head), the bits by the engine's rule as compiled
** (lay.h), and a pointer holds one pre-made pointer per nested struct in
** its user values, which reads position and memory from its root.
**
** The debug library can break any userdata's invariants (debug.setmetatable
** on a foreign userdata, debug.setuservalue); that is outside this module's
** guarantees, as it is for every C library.
*/
#include <stdint.h>

#include "llaylib.h"

/* an empty buffer for unset pointers (never dereferenced: len is 0) */
static unsigned char emptybuf[1];
static const luamem_Head emptyhead = {(char *)emptybuf, 0, NULL};


/*
** {======================================================
** Making and pointing
** =======================================================
*/

/* number of nested structs directly in struct `node` */
static int countkids (const Struct *st, int node) {
  int f = node < 0 ? st->s.first : st->fields[node].first, n = 0;
  for (; f >= 0; f = st->fields[f].next)
    n += st->fields[f].type == LAY_STRUCT;
  return n;
}

/* Pushes a new pointer viewing `node`, with the pointers of its nested
** structs in its user values; `owner` keeps the struct alive (the struct
** userdata for the root, the root for the others). Nesting is bounded by
** the spec compiler, so is this recursion. */
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
  lua_pushvalue(L, LYT_PTRMT);
  lua_setmetatable(L, self);
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
int lyt_newpointer (lua_State *L) {
  Struct *st = (Struct *)luaL_checkudata(L, 1, LYT_STRUCTMT);
  lua_settop(L, 1);
  newptr(L, st, -1, 0, NULL);
  lua_pushvalue(L, 1);  /* the root owns the struct */
  lua_setiuservalue(L, 2, PUV_OWNER);
  return 1;
}

/* layout.setpointer(p, mem [, pos]) -> p; mem nil unsets. A given pos must
** be an integer (an explicit nil too: a script passing info.l3 of a packet
** without one would otherwise read the wrong bytes silently). A script
** calls it per packet, so it is lean: the memory it already holds (the
** daemon's one packet memory) is known by the address of its userdata,
** which PUV_MEM keeps alive: no type check, no user value to store. */
int lyt_setpointer (lua_State *L) {
  int isnum, nargs = lua_gettop(L);
  lua_Integer pos = lua_tointegerx(L, 3, &isnum);
  Pointer *p = lyt_checkpointer(L, 1);  /* (pushes a metatable) */
  if (!isnum) {
    if (nargs >= 3) luaL_checkinteger(L, 3);  /* raises */
    pos = 1;
  }
  luaL_argcheck(L, p->node < 0, 1, "pointer to a nested struct");
  if (p->memud == NULL || lua_touserdata(L, 2) != p->memud ||
      lua_type(L, 2) != LUA_TUSERDATA) {
    lua_settop(L, 2);  /* a missing mem as nil */
    if (lua_isnil(L, 2)) {
      p->head = &emptyhead;
      p->memud = NULL;
      pos = 1;
    }
    else {
      const luamem_Head *h = luamem_tohead(L, 2, NULL);
      luaL_argexpected(L, h != NULL, 2, "memory");
      luaL_argcheck(L, pos >= 1, 3, "position out of range");
      p->head = h;
      p->memud = lua_touserdata(L, 2);
    }
    lua_setiuservalue(L, 1, PUV_MEM);  /* pops the memory (or nil) */
  }
  else luaL_argcheck(L, pos >= 1, 3, "position out of range");
  /* a position past SIZE_MAX (32-bit size_t) stays out of bounds */
  p->pos = (lua_Unsigned)(pos - 1) > (lua_Unsigned)SIZE_MAX
           ? SIZE_MAX : (size_t)(pos - 1);
  lua_pushvalue(L, 1);
  return 1;
}

/* layout.autochecksum(p, on) -> p: for the whole pointer, nested ones too */
int lyt_autochecksum (lua_State *L) {
  Pointer *p = lyt_checkpointer(L, 1);
  luaL_checktype(L, 2, LUA_TBOOLEAN);
  p->root->autock = lua_toboolean(L, 2);
  lua_settop(L, 1);
  return 1;
}

/* }====================================================== */


/*
** {======================================================
** Reading and writing
** =======================================================
*/

static int accesserror (lua_State *L, const Struct *st, int f, int err) {
  const char *key = st->fields[f].key;
  return luaL_error(L, "%s (field '%s')", lay_strerror(err),
                    key ? key : "?");
}

/* pushes the value of field f of the pointer p at index `idx` */
void lyt_pushfield (lua_State *L, const Pointer *p, int idx, int f) {
  const Struct *st = p->st;
  const lay_Field *fd = &st->fields[f];
  size_t len;
  unsigned char *mem;
  int err;
  if (fd->type == LAY_STRUCT) {
    lua_getiuservalue(L, idx, st->uv[f]);
    return;
  }
  mem = lyt_getmem(p, &len);
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
static LYT_NOINLINE int index_slow (lua_State *L) {
  const Pointer *p = (const Pointer *)lua_touserdata(L, 1);
  int f = lyt_findfield(L, p->st, p->node, 2);
  if (f < 0) return lyt_nofield(L, p->st, p->node, 2);
  lyt_pushfield(L, p, 1, f);
  return 1;
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

/* The pointer *p a metamethod is called for and the home slot of its key
** (NULL: none there; lyt_findfield looks further). */
static inline const Slot *keyslot (lua_State *L, const Pointer **p) {
  const Pointer *self = (const Pointer *)lua_touserdata(L, 1);
  const void *id = lua_topointer(L, 2);  /* before self is read: fewer
                                         ** registers kept over the call */
  *p = self;
  return lyt_homeslot(self->st, id, self->node);
}

/* p.f: inline for a number within bounds found by its interned key string,
** which is nearly every access; the rest goes the general way */
int lyt_index (lua_State *L) {
  const Pointer *p;
  const Slot *sl = keyslot(L, &p);
  const Struct *st = p->st;
  unsigned char *base;
  if (sl != NULL) {
    if (sl->fast && (base = structbytes(p)) != NULL) {
      lua_pushinteger(L, (lua_Integer)lay_fastget(sl->fd, base));
      return 1;
    }
    if (sl->fd->type == LAY_STRUCT) {  /* its pointer, made with ours */
      lua_getiuservalue(L, 1, st->uv[sl->field]);
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
  Pointer *q;
  const unsigned char *src;
  size_t srclen;
  lua_getmetatable(L, 1);  /* p's: the pointer metatable */
  q = lyt_testpointer(L, v, lua_gettop(L));
  if (q == NULL) {
    if (lua_type(L, v) == LUA_TNUMBER ||  /* toarray would convert it */
        (src = (const unsigned char *)luamem_toarray(L, v, &srclen)) == NULL)
      return luaL_typeerror(L, v, "layout pointer, string or memory");
    return lay_setbytes(s, f, mem, len, p->root->pos, src, srclen,
                        p->root->autock);
  }
  src = lyt_getmem(q, &srclen);
  return lay_copy(s, f, mem, len, p->root->pos, &q->st->s, q->node, src,
                  srclen, q->root->pos, p->root->autock);
}

/* The general __newindex: every type, every error, the checksum kept by
** the engine. */
static LYT_NOINLINE int newindex_slow (lua_State *L) {
  Pointer *p = (Pointer *)lua_touserdata(L, 1);
  const Struct *st = p->st;
  const lay_Struct *s = &st->s;
  int f = lyt_findfield(L, st, p->node, 2), err;
  const lay_Field *fd;
  unsigned char *mem;
  size_t len;
  if (f < 0) return lyt_nofield(L, st, p->node, 2);
  fd = &s->fields[f];
  mem = lyt_getmem(p, &len);
  switch (fd->type) {
    case LAY_NUMBER: {
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
      err = lay_set(s, f, mem, len, p->root->pos, (uint64_t)v,
                    p->root->autock);
      break;
    }
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
  if (err != LAY_OK) accesserror(L, st, f, err);
  return 0;
}

/* p.f = v: inline for an integer that fits a number field within bounds
** found by its interned key, with the declared checksum kept when the
** field lies in one or two 16-bit words (every IPv4 header field, the
** addresses as 32-bit numbers too); the rest goes the general way */
int lyt_newindex (lua_State *L) {
  const Pointer *p;
  const Slot *sl = keyslot(L, &p);
  unsigned char *base;
  if (sl != NULL && sl->fast && (base = structbytes(p)) != NULL) {
    int isint;
    lua_Integer v = lua_tointegerx(L, 3, &isint);
    const lay_Field *fd = sl->fd;
    if (isint && ((uint64_t)v & ~fd->mask) == 0) {
      if (!lay_tracks(fd, p->root->autock)) {
        lay_fastput(fd, base, (uint64_t)v);
        return 0;
      }
      if (fd->ckword >= 0) {
        lay_fastputck(&p->st->s, fd, base, (uint64_t)v);
        return 0;
      }
    }
  }
  return newindex_slow(L);
}

/* }====================================================== */
