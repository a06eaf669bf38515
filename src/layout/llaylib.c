/*
** llaylib.c - the `layout` Lua module: structs compiled by the engine in
** lay.c, and pointers that read and write their fields in a memory.
**
** Hot path (p.f, p.f = v, p.inner.f): no Lua allocation. A pointer keeps
** the key -> field index table of its struct and one pre-made pointer per
** nested struct, so an access is a table lookup plus the engine's shifts.
*/
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#include "lmemlib.h"
#include "lay.h"

#define STRUCTMT  "pktlua.layout.struct"
#define POINTERMT "pktlua.layout.pointer"

#define MAXDEPTH 64  /* nesting limit of a spec, to bound the C recursion */

/* a compiled struct: the engine's header and its field records */
typedef struct Struct {
  lay_Struct s;
  lay_Field fields[];
} Struct;

/* User values of a struct userdata */
#define SUV_KEYS 1  /* [1]: key table of the outermost struct, [i+2]: of
                       struct field i; each maps key -> field index */

/* A pointer to a struct (root) or to one of its nested structs (child).
** A child is made once with its root and kept in sync by setpointer and
** autochecksum, so an access needs nothing but the pointer itself. */
typedef struct Pointer {
  const lay_Struct *s;  /* compiled struct (kept alive by PUV_OWNER) */
  int node;             /* -1: the outermost struct; else its struct field */
  int autock;           /* update the checksum field on writes */
  size_t pos;           /* 0-based byte where the outermost struct starts */
} Pointer;

/* User values of a pointer */
#define PUV_MEM      1  /* the memory, or nil (unset) */
#define PUV_KEYS     2  /* key table of the struct it views */
#define PUV_CHILDREN 3  /* [i+1]: the child pointer of struct field i */
#define PUV_OWNER    4  /* root: the struct userdata; child: the root */
#define PUV_COUNT    4

/* an empty buffer for unset pointers (never dereferenced: len is 0) */
static unsigned char emptybuf[1];


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
    if (count >= (1 << 20)) specerror(L, NULL, "too many fields");
    count++;
    if (lua_getfield(L, -1, "type") == LUA_TSTRING &&
        strcmp(lua_tostring(L, -1), "struct") == 0)
      count += countfields(L, lua_gettop(L) - 1, depth + 1);
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

/* The key of the field table at `idx`, stored in the key table at `keys`
** (which keeps the string, so its address stays valid). NULL: padding. */
static const char *getkey (lua_State *L, int idx, int keys, int index) {
  const char *key;
  int t = lua_getfield(L, idx, "key");
  if (t == LUA_TNIL) { lua_pop(L, 1); return NULL; }
  if (t != LUA_TSTRING) specerror(L, NULL, "field key must be a string");
  key = lua_tostring(L, -1);
  lua_pushvalue(L, -1);
  if (lua_rawget(L, keys) != LUA_TNIL)
    specerror(L, NULL, lua_pushfstring(L, "duplicate key '%s'", key));
  lua_pop(L, 1);
  lua_pushinteger(L, index);
  lua_rawset(L, keys);  /* keys[key] = index; pops key and index */
  return key;
}

/* Adds the fields of the spec table at `idx` to S; `keys` is the key table
** of that struct, `all` the struct's table of key tables. */
static void addfields (lua_State *L, lay_Struct *S, int idx, int keys,
                       int all) {
  lua_Integer i, n = (lua_Integer)lua_rawlen(L, idx);
  for (i = 1; i <= n; i++) {
    int field = lua_gettop(L) + 1, index = S->nfields, type, endian, r;
    const char *key;
    size_t size;
    int inbytes;
    lua_rawgeti(L, idx, i);  /* countfields checked it is a table */
    key = getkey(L, field, keys, index);
    type = getoption(L, field, "type", "number", typenames);
    endian = getoption(L, field, "endian", "native", endiannames);
    r = getsize(L, field, &size, &inbytes);
    if (type < 0 || endian < 0 || r < 0 || (r == 0 && type != LAY_STRUCT))
      specerror(L, key, "unsupported type");
    if (type == LAY_STRUCT) {
      lua_newtable(L);  /* key table of the nested struct */
      lua_pushvalue(L, -1);
      lua_rawseti(L, all, index + 2);
      lay_open(S, key, size, inbytes);
      addfields(L, S, field, lua_gettop(L), all);
      lay_close(S);
      lua_pop(L, 1);
    }
    else
      lay_add(S, key, type, size, inbytes, endian);
    if (S->err != LAY_OK) specerror(L, key, lay_strerror(S->err));
    lua_pop(L, 1);  /* field table */
  }
}

/* layout.struct(spec) -> struct */
static int lay_struct (lua_State *L) {
  int n, keys, all;
  Struct *st;
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  n = countfields(L, 1, 0);
  st = (Struct *)lua_newuserdatauv(L, sizeof(Struct) +
                                   (size_t)n * sizeof(lay_Field), 1);
  lay_init(&st->s, st->fields, n);
  lua_newtable(L);  /* all key tables */
  all = lua_gettop(L);
  lua_newtable(L);  /* key table of the outermost struct */
  keys = lua_gettop(L);
  lua_pushvalue(L, keys);
  lua_rawseti(L, all, 1);
  addfields(L, &st->s, 1, keys, all);
  if (lay_finish(&st->s) != LAY_OK)
    specerror(L, NULL, lay_strerror(st->s.err));
  if (lua_getfield(L, 1, "checksum") != LUA_TNIL) {
    const char *ck = lua_tostring(L, -1);
    int f;
    if (lua_type(L, -1) != LUA_TSTRING)
      specerror(L, NULL, "checksum must name a field");
    lua_rawget(L, keys);
    f = lua_isinteger(L, -1) ? (int)lua_tointeger(L, -1) : -1;
    if (f < 0) specerror(L, NULL, "checksum must name a field");
    if (lay_setchecksum(&st->s, f) != LAY_OK)
      specerror(L, ck, "unsupported type (a checksum is 16 bits at an even "
                       "byte offset of the outermost struct)");
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

/* The pointer at `idx`: metamethods compare the metatable with their
** upvalue, cheaper than a registry lookup on the hot path. */
static Pointer *toptr (lua_State *L, int idx) {
  Pointer *p = NULL;
  if (lua_getmetatable(L, idx)) {
    if (lua_rawequal(L, -1, lua_upvalueindex(1)))
      p = (Pointer *)lua_touserdata(L, idx);
    lua_pop(L, 1);
  }
  if (p == NULL) luaL_typeerror(L, idx, "layout pointer");
  return p;
}

static Pointer *checkptr (lua_State *L, int arg) {
  return (Pointer *)luaL_checkudata(L, arg, POINTERMT);
}

/* the struct (S) or pointer (p) at `arg`, as the compiled struct and the
** field it views (-1: outermost) */
static const lay_Struct *checkview (lua_State *L, int arg, int *node) {
  Pointer *p = (Pointer *)luaL_testudata(L, arg, POINTERMT);
  if (p) { *node = p->node; return p->s; }
  *node = -1;
  return &((Struct *)luaL_checkudata(L, arg, STRUCTMT))->s;
}

/* The field index for the key at `k`, or -1. */
static int lookup (lua_State *L, int k) {
  int f = -1;
  if (lua_getiuservalue(L, 1, PUV_KEYS) == LUA_TTABLE) {
    lua_pushvalue(L, k);
    if (lua_rawget(L, -2) == LUA_TNUMBER) f = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return f;
}

/* the memory of the pointer at `idx` (an empty buffer when unset) */
static unsigned char *getmem (lua_State *L, int idx, size_t *len) {
  char *mem;
  lua_getiuservalue(L, idx, PUV_MEM);
  mem = luamem_tomemory(L, -1, len);
  lua_pop(L, 1);
  if (mem == NULL) { *len = 0; return emptybuf; }
  return (unsigned char *)mem;
}

static int accesserror (lua_State *L, const lay_Struct *s, int f, int err) {
  const char *key = s->fields[f].key;
  return luaL_error(L, "%s (field '%s')", lay_strerror(err),
                    key ? key : "?");
}

/* pushes the value of field f of the pointer at index 1 */
static void pushfield (lua_State *L, const Pointer *p, int f) {
  const lay_Struct *s = p->s;
  const lay_Field *fd = &s->fields[f];
  size_t len;
  unsigned char *mem;
  int err;
  if (fd->type == LAY_STRUCT) {
    if (lua_getiuservalue(L, 1, PUV_CHILDREN) == LUA_TTABLE)
      lua_rawgeti(L, -1, f + 1);
    else
      lua_pushnil(L);
    lua_remove(L, -2);
    return;
  }
  mem = getmem(L, 1, &len);
  if (fd->type == LAY_STRING) {
    const unsigned char *b;
    size_t n;
    if ((err = lay_getbytes(s, f, mem, len, p->pos, &b, &n)) != LAY_OK)
      accesserror(L, s, f, err);
    lua_pushlstring(L, (const char *)b, n);
  }
  else {
    uint64_t v;
    if ((err = lay_get(s, f, mem, len, p->pos, &v)) != LAY_OK)
      accesserror(L, s, f, err);
    if (fd->type == LAY_BOOLEAN) lua_pushboolean(L, v != 0);
    else lua_pushinteger(L, (lua_Integer)v);  /* 64 bits wrap like I8 */
  }
}

static int ptr_index (lua_State *L) {
  Pointer *p = toptr(L, 1);
  int f = lookup(L, 2);
  if (f < 0 || f >= p->s->nfields)
    return luaL_argerror(L, 2, lua_pushfstring(L, "no field '%s'",
                                               luaL_tolstring(L, 2, NULL)));
  pushfield(L, p, f);
  return 1;
}

/* Copies the struct viewed by the pointer at `v` into struct field f. */
static int copystruct (lua_State *L, Pointer *p, int f, int v,
                       unsigned char *mem, size_t len) {
  const lay_Field *fd = &p->s->fields[f];
  Pointer *q = (Pointer *)luaL_testudata(L, v, POINTERMT);
  const unsigned char *src;
  size_t srclen, off, bits;
  unsigned char *srcmem;
  if (q == NULL) {  /* raw bytes: a string or memory of the exact size */
    src = (const unsigned char *)luamem_toarray(L, v, &srclen);
    if (src == NULL || lua_type(L, v) == LUA_TNUMBER)
      return luaL_typeerror(L, 3, "layout pointer, string or memory");
    return lay_setbytes(p->s, f, mem, len, p->pos, src, srclen, p->autock);
  }
  off = q->node < 0 ? 0 : q->s->fields[q->node].offset;
  bits = q->node < 0 ? q->s->bits : q->s->fields[q->node].bits;
  if (bits != fd->bits) return LAY_ESIZE;
  if (off % 8 != 0 || bits % 8 != 0) return LAY_EUNSUPPORTED;
  srcmem = getmem(L, v, &srclen);
  if (lay_check(q->s, srclen, q->pos) != LAY_OK) return LAY_EBOUNDS;
  src = srcmem + q->pos + off / 8;
  return lay_setbytes(p->s, f, mem, len, p->pos, src, bits / 8, p->autock);
}

static int ptr_newindex (lua_State *L) {
  Pointer *p = toptr(L, 1);
  int f = lookup(L, 2), err;
  const lay_Field *fd;
  unsigned char *mem;
  size_t len;
  if (f < 0 || f >= p->s->nfields)
    return luaL_argerror(L, 2, lua_pushfstring(L, "no field '%s'",
                                               luaL_tolstring(L, 2, NULL)));
  fd = &p->s->fields[f];
  mem = getmem(L, 1, &len);
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
      if (v < 0 && fd->bits < 64) err = LAY_EOVERFLOW;
      else err = lay_set(p->s, f, mem, len, p->pos, (uint64_t)v, p->autock);
      break;
    }
    case LAY_BOOLEAN:
      luaL_checktype(L, 3, LUA_TBOOLEAN);
      err = lay_set(p->s, f, mem, len, p->pos, lua_toboolean(L, 3), p->autock);
      break;
    case LAY_STRING: {
      size_t n;
      const char *src = luamem_toarray(L, 3, &n);
      if (src == NULL || lua_type(L, 3) == LUA_TNUMBER)
        return luaL_typeerror(L, 3, "string or memory");
      err = lay_setbytes(p->s, f, mem, len, p->pos,
                         (const unsigned char *)src, n, p->autock);
      break;
    }
    default:
      err = copystruct(L, p, f, 3, mem, len);
      break;
  }
  if (err != LAY_OK) accesserror(L, p->s, f, err);
  return 0;
}

/* first field of the struct a pointer views, skipping padding */
static int firstfield (const Pointer *p) {
  int f = p->node < 0 ? p->s->first : p->s->fields[p->node].first;
  while (f >= 0 && p->s->fields[f].key == NULL) f = p->s->fields[f].next;
  return f;
}

/* pairs iterator: key, value of the field after key `2`, in order */
static int ptr_next (lua_State *L) {
  Pointer *p = toptr(L, 1);
  int f;
  if (lua_isnil(L, 2))
    f = firstfield(p);
  else {
    f = lookup(L, 2);
    if (f < 0 || f >= p->s->nfields)
      return luaL_argerror(L, 2, "no such field");
    do f = p->s->fields[f].next;
    while (f >= 0 && p->s->fields[f].key == NULL);
  }
  if (f < 0) return 0;
  lua_pushstring(L, p->s->fields[f].key);
  pushfield(L, p, f);
  return 2;
}

static int ptr_pairs (lua_State *L) {
  toptr(L, 1);
  lua_pushvalue(L, lua_upvalueindex(2));  /* ptr_next closure */
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
  const lay_Struct *s = p->s;
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
      if (lay_getbytes(s, f, mem, len, p->pos, &b, &n) == LAY_OK)
        addbytes(B, b, n);
    }
    else {
      uint64_t v = 0;
      lay_get(s, f, mem, len, p->pos, &v);
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
  Pointer *p = toptr(L, 1);
  size_t len;
  unsigned char *mem = getmem(L, 1, &len);
  luaL_Buffer B;
  if (lay_check(p->s, len, p->pos) != LAY_OK) {
    lua_pushliteral(L, "layout pointer (out of bounds)");
    return 1;
  }
  luaL_checkstack(L, MAXDEPTH + 10, "tostring");
  luaL_buffinit(L, &B);
  luaL_addstring(&B, "layout pointer ");
  addstruct(L, &B, p, p->node < 0 ? p->s->first : p->s->fields[p->node].first,
            mem, len);
  luaL_pushresult(&B);
  return 1;
}

/* creates a pointer userdata viewing `node` of the struct */
static Pointer *newptr (lua_State *L, const lay_Struct *s, int node) {
  Pointer *p = (Pointer *)lua_newuserdatauv(L, sizeof(Pointer), PUV_COUNT);
  p->s = s;
  p->node = node;
  p->autock = 1;
  p->pos = 0;
  luaL_setmetatable(L, POINTERMT);
  return p;
}

/* layout.newpointer(struct) -> pointer, unset */
static int lay_newpointer (lua_State *L) {
  Struct *st = (Struct *)luaL_checkudata(L, 1, STRUCTMT);
  int i, root, children, keys;
  lua_settop(L, 1);
  lua_getiuservalue(L, 1, SUV_KEYS);
  keys = lua_gettop(L);
  newptr(L, &st->s, -1);
  root = lua_gettop(L);
  lua_createtable(L, st->s.nfields, 0);
  children = lua_gettop(L);
  for (i = 0; i < st->s.nfields; i++) {
    if (st->fields[i].type != LAY_STRUCT) continue;
    newptr(L, &st->s, i);
    lua_rawgeti(L, keys, i + 2);
    lua_setiuservalue(L, -2, PUV_KEYS);
    lua_pushvalue(L, children);
    lua_setiuservalue(L, -2, PUV_CHILDREN);
    lua_pushvalue(L, root);
    lua_setiuservalue(L, -2, PUV_OWNER);
    lua_rawseti(L, children, i + 1);
  }
  lua_setiuservalue(L, root, PUV_CHILDREN);
  lua_rawgeti(L, keys, 1);
  lua_setiuservalue(L, root, PUV_KEYS);
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, root, PUV_OWNER);
  return 1;
}

/* Applies memory, position and checksum flag of the root at index 1 to all
** its children. */
static void syncchildren (lua_State *L, const Pointer *root) {
  int i;
  if (lua_getiuservalue(L, 1, PUV_CHILDREN) != LUA_TTABLE) {
    lua_pop(L, 1);
    return;
  }
  for (i = 0; i < root->s->nfields; i++) {
    Pointer *c;
    if (root->s->fields[i].type != LAY_STRUCT) continue;
    lua_rawgeti(L, -1, i + 1);
    c = (Pointer *)luaL_testudata(L, -1, POINTERMT);
    if (c != NULL && c->s == root->s) {
      c->pos = root->pos;
      c->autock = root->autock;
      lua_getiuservalue(L, 1, PUV_MEM);
      lua_setiuservalue(L, -2, PUV_MEM);
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

/* layout.setpointer(p, mem [, pos]) -> p; mem nil unsets */
static int lay_setpointer (lua_State *L) {
  Pointer *p = checkptr(L, 1);
  lua_Integer pos = luaL_optinteger(L, 3, 1);
  luaL_argcheck(L, p->node < 0, 1, "pointer to a nested struct");
  if (lua_isnoneornil(L, 2)) {
    lua_settop(L, 1);
    lua_pushnil(L);
    pos = 1;
  }
  else {
    luaL_argexpected(L, luamem_ismemory(L, 2), 2, "memory");
    luaL_argcheck(L, pos >= 1, 3, "position out of range");
    lua_settop(L, 2);
  }
  p->pos = (size_t)(pos - 1);
  lua_setiuservalue(L, 1, PUV_MEM);
  syncchildren(L, p);
  return 1;
}

/* layout.autochecksum(p, on) -> p */
static int lay_autochecksum (lua_State *L) {
  Pointer *p = checkptr(L, 1);
  luaL_checktype(L, 2, LUA_TBOOLEAN);
  lua_settop(L, 2);
  if (p->node >= 0) {  /* apply to the whole pointer, from its root */
    lua_getiuservalue(L, 1, PUV_OWNER);
    p = (Pointer *)luaL_testudata(L, 3, POINTERMT);
    if (p == NULL) return luaL_argerror(L, 1, "corrupted pointer");
    lua_replace(L, 1);
  }
  p->autock = lua_toboolean(L, 2);
  syncchildren(L, p);
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
  const lay_Struct *s = checkview(L, 1, &node);
  size_t bits = node < 0 ? s->bits : s->fields[node].bits;
  lua_pushinteger(L, (lua_Integer)lay_bytes(bits));
  lua_pushinteger(L, (lua_Integer)bits);
  return 2;
}

/* layout.offsetof(struct or pointer, "key[.key...]") -> byte, bit: where
** the field starts, counted from the start of the given struct */
static int lay_offsetof (lua_State *L) {
  int node, f;
  const lay_Struct *s = checkview(L, 1, &node);
  const char *path = luaL_checkstring(L, 2);
  size_t base = node < 0 ? 0 : s->fields[node].offset, rel;
  f = node < 0 ? s->first : s->fields[node].first;
  for (;;) {
    const char *dot = strchr(path, '.');
    size_t n = dot ? (size_t)(dot - path) : strlen(path);
    while (f >= 0 && !(s->fields[f].key && strlen(s->fields[f].key) == n &&
                       memcmp(s->fields[f].key, path, n) == 0))
      f = s->fields[f].next;
    if (f < 0) return luaL_argerror(L, 2, "no such field");
    if (dot == NULL) break;
    if (s->fields[f].type != LAY_STRUCT)
      return luaL_argerror(L, 2, "no such field");
    f = s->fields[f].first;
    path = dot + 1;
  }
  rel = s->fields[f].offset - base;
  lua_pushinteger(L, (lua_Integer)(rel / 8));
  lua_pushinteger(L, (lua_Integer)rel);
  return 2;
}

static int struct_tostring (lua_State *L) {
  Struct *st = (Struct *)luaL_checkudata(L, 1, STRUCTMT);
  lua_pushfstring(L, "layout struct (%d bytes, %d bits)",
                  (int)lay_bytes(st->s.bits), (int)st->s.bits);
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

/* metamethods of pointers; upvalue 1 is the metatable itself */
static const luaL_Reg ptr_meta[] = {
  {"__index", ptr_index},
  {"__newindex", ptr_newindex},
  {"__tostring", ptr_tostring},
  {NULL, NULL}
};

LUAMOD_API int luaopen_layout (lua_State *L) {
  luaL_newlib(L, lay_funcs);
  luaL_newmetatable(L, STRUCTMT);
  lua_pushcfunction(L, struct_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pop(L, 1);
  luaL_newmetatable(L, POINTERMT);
  lua_pushvalue(L, -1);
  luaL_setfuncs(L, ptr_meta, 1);
  lua_pushvalue(L, -1);
  lua_pushvalue(L, -1);
  lua_pushcclosure(L, ptr_next, 1);
  lua_pushcclosure(L, ptr_pairs, 2);
  lua_setfield(L, -2, "__pairs");
  lua_pushliteral(L, "layout pointer");
  lua_setfield(L, -2, "__metatable");  /* keep scripts off the metamethods */
  lua_pop(L, 1);
  return 1;
}
