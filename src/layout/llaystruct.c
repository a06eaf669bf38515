/*
** llaystruct.c - layout.struct(spec): reads a spec table into the layout
** engine (lay.c) and makes the compiled struct userdata.
**
** A spec's own options: `endian`, the default byte order of its fields
** (a struct field's `endian` is that of its fields), and `checksum`.
** The spec is read in one pass, each option of each field once (with its
** metamethods, as the Lua libraries read tables), so what is compiled is
** what was read: a spec whose __index answers differently on each call
** cannot make two passes disagree. Fields go into a scratch block that
** doubles as needed; the struct is then allocated at its exact size. The
** nesting depth is checked as the pass descends, which bounds the C
** recursion whatever the spec does.
*/
#include <string.h>

#include "llaylib.h"

#define MAXDEPTH 64  /* nesting limit of a spec, to bound the C recursion */
#define MAXFIELDS 65535  /* fields in a struct: far beyond any header */

/* The struct being compiled: the engine's builder over a scratch block of
** field records and key ids (a userdata at stack index `block`). */
typedef struct Build {
  lay_Struct s;         /* fields and cap point into the scratch block */
  const void **id;      /* per field: key string id, NULL for padding */
  int block;            /* stack index of the scratch block */
  int all;              /* stack index of the table keeping every key */
} Build;

static const char *const typenames[] = {
  "number", "boolean", "string", "struct", NULL};
static const char *const endiannames[] = {"native", "little", "big", NULL};

/* Fails the struct() call with an argument error naming the field: by its
** key, else by its place in its table. */
static int specerror (lua_State *L, const char *key, lua_Integer i,
                      const char *msg) {
  if (key) msg = lua_pushfstring(L, "field '%s': %s", key, msg);
  else if (i > 0) msg = lua_pushfstring(L, "field #%I: %s", i, msg);
  return luaL_argerror(L, 1, msg);
}

/* index of `name` in list, or -1 */
static int findname (const char *const list[], const char *name) {
  int i;
  for (i = 0; list[i]; i++)
    if (strcmp(list[i], name) == 0) return i;
  return -1;
}

/* Makes room for one more field record: doubles the scratch block. */
static void reserve (lua_State *L, Build *b) {
  int cap = b->s.cap;
  lay_Field *fields;
  if (b->s.nfields < cap) return;
  if (cap >= MAXFIELDS) specerror(L, NULL, 0, "too many fields");
  cap = cap < 8 ? 8 : cap < MAXFIELDS / 2 ? 2 * cap : MAXFIELDS;
  fields = (lay_Field *)lua_newuserdatauv(L, (size_t)cap *
             (sizeof(lay_Field) + sizeof(const void *)), 0);
  memcpy(fields, b->s.fields, (size_t)b->s.nfields * sizeof(lay_Field));
  memcpy(fields + cap, b->id, (size_t)b->s.nfields * sizeof(const void *));
  lua_replace(L, b->block);  /* the old block is garbage now */
  b->s.fields = fields;
  b->s.cap = cap;
  b->id = (const void **)(void *)(fields + cap);
}

/* The string option `name` of the table at idx (a field, or the spec
** itself) as its index in list, `def` when absent; raises an error naming
** what was given and the `choices`. */
static int getoption (lua_State *L, int idx, const char *key,
                      lua_Integer i, const char *name, int def,
                      const char *const list[], const char *choices) {
  int r = -1, t = lua_getfield(L, idx, name);
  if (t == LUA_TNIL) r = def;
  else if (t == LUA_TSTRING) r = findname(list, lua_tostring(L, -1));
  if (r < 0) {
    const char *given = t == LUA_TSTRING
      ? lua_pushfstring(L, "'%s'", lua_tostring(L, -1))
      : lua_pushfstring(L, "a %s", luaL_typename(L, -1));
    specerror(L, key, i, lua_pushfstring(L,
              "unsupported type (%s is %s, not %s)", name, given, choices));
  }
  lua_pop(L, 1);
  return r;
}

/* A spec size: 1 with *size set (as given: bytes when *inbytes), 0 when
** absent; raises an error saying what is wrong with it. */
static int getsize (lua_State *L, int idx, const char *key, lua_Integer i,
                    size_t *size, int *inbytes) {
  int bits = lua_getfield(L, idx, "bits");
  int bytes = lua_getfield(L, idx, "bytes");
  const char *name = bytes != LUA_TNIL ? "bytes" : "bits";
  lua_Integer v;
  int isint;
  *size = 0;
  *inbytes = bytes != LUA_TNIL;
  if (bits == LUA_TNIL && bytes == LUA_TNIL) {
    lua_pop(L, 2);
    return 0;
  }
  if (bits != LUA_TNIL && bytes != LUA_TNIL)
    specerror(L, key, i, "unsupported type (both bits and bytes given)");
  if (lua_type(L, *inbytes ? -1 : -2) != LUA_TNUMBER)
    specerror(L, key, i, lua_pushfstring(L,
              "unsupported type (%s is a %s, not an integer)", name,
              luaL_typename(L, *inbytes ? -1 : -2)));
  v = lua_tointegerx(L, *inbytes ? -1 : -2, &isint);
  if (!isint)
    specerror(L, key, i, lua_pushfstring(L,
              "unsupported type (%s=%f is not an integer)", name,
              lua_tonumber(L, *inbytes ? -1 : -2)));
  if (v < 1 || (lua_Unsigned)v > LAY_MAXBITS / (*inbytes ? 8 : 1))
    specerror(L, key, i, lua_pushfstring(L,
              "unsupported type (%s=%I is out of range)", name, v));
  *size = (size_t)v;
  lua_pop(L, 2);
  return 1;
}

/* The key of the field table at `idx`, checked against the other keys of
** its struct (table at `keys`) and kept alive in b->all, so its address
** stays valid and identifies it. NULL: padding. */
static const char *getkey (lua_State *L, Build *b, int idx, int keys,
                           lua_Integer i, const void **id) {
  const char *key;
  int t = lua_getfield(L, idx, "key");
  *id = NULL;
  if (t == LUA_TNIL) { lua_pop(L, 1); return NULL; }
  if (t != LUA_TSTRING) specerror(L, NULL, i, "field key must be a string");
  key = lua_tostring(L, -1);
  if (strlen(key) != lua_rawlen(L, -1))
    specerror(L, NULL, i, "field key contains a zero byte");
  lua_pushvalue(L, -1);
  if (lua_rawget(L, keys) != LUA_TNIL)
    specerror(L, NULL, i, lua_pushfstring(L, "duplicate key '%s'", key));
  lua_pop(L, 1);
  *id = lua_topointer(L, -1);  /* the string object itself */
  lua_pushvalue(L, -1);
  lua_pushboolean(L, 1);
  lua_rawset(L, keys);
  lua_pushboolean(L, 1);
  lua_rawset(L, b->all);  /* pops the key */
  return key;
}

/* raises the engine's error for the field being added */
static void engineerror (lua_State *L, const Build *b, const char *key,
                         lua_Integer i, size_t size, int inbytes) {
  const char *why = b->s.why ? b->s.why : "";
  if (b->s.err != LAY_ETYPE || size == 0)
    specerror(L, key, i, lua_pushfstring(L, "%s (%s)",
              lay_strerror(b->s.err), why));
  specerror(L, key, i, lua_pushfstring(L, "%s (%s=%I: %s)",
            lay_strerror(b->s.err), inbytes ? "bytes" : "bits",
            (lua_Integer)size, why));
}

/* Adds the fields of the spec table at `idx` (nested `depth` deep) to the
** struct; `keys` is the key table of that (nested) struct, `endian` the
** byte order of its fields that give none: the `endian` of the struct,
** else of the struct around it, else native. */
static void addfields (lua_State *L, Build *b, int idx, int keys,
                       int depth, int endian) {
  lay_Struct *S = &b->s;
  lua_Integer i, n;
  if (depth > MAXDEPTH) specerror(L, NULL, 0, "structs nested too deep");
  luaL_checkstack(L, 8, "struct nesting");
  n = (lua_Integer)lua_rawlen(L, idx);
  for (i = 1; i <= n; i++) {
    int field = lua_gettop(L) + 1, type, fendian, r, inbytes;
    const char *key;
    const void *id;
    size_t size;
    if (lua_rawgeti(L, idx, i) != LUA_TTABLE)
      specerror(L, NULL, 0, lua_pushfstring(L,
                "field #%I is not a table", i));
    key = getkey(L, b, field, keys, i, &id);
    type = getoption(L, field, key, i, "type", LAY_NUMBER, typenames,
                     "number, boolean, string or struct");
    fendian = getoption(L, field, key, i, "endian", endian, endiannames,
                        "big, little or native");
    r = getsize(L, field, key, i, &size, &inbytes);
    if (r == 0 && type != LAY_STRUCT)
      specerror(L, key, i, "unsupported type (no size: bits or bytes)");
    reserve(L, b);
    b->id[S->nfields] = id;
    if (type == LAY_STRUCT) {
      lua_newtable(L);  /* key table of the nested struct */
      lay_open(S, key, size, inbytes);
      if (S->err != LAY_OK) engineerror(L, b, key, i, size, inbytes);
      addfields(L, b, field, lua_gettop(L), depth + 1, fendian);
      lay_close(S);
      lua_pop(L, 1);
    }
    else
      lay_add(S, key, type, size, inbytes, fendian);
    if (S->err != LAY_OK) engineerror(L, b, key, i, size, inbytes);
    lua_pop(L, 1);  /* field table */
  }
}

/* The compiled struct, allocated at its exact size, from the builder. */
static Struct *newstruct (lua_State *L, const Build *b) {
  int n = b->s.nfields, keys = 0, f;
  unsigned hbits;
  size_t size;
  Struct *st;
  for (f = 0; f < n; f++) keys += b->id[f] != NULL;  /* padding has none */
  /* 8 slots per key: a multiplier without collisions is soon found */
  for (hbits = 3; (1u << hbits) < 8 * (unsigned)keys; hbits++) {}
  size = sizeof(Struct) + (size_t)n * sizeof(lay_Field) +
         ((size_t)1 << hbits) * sizeof(Slot) +
         (size_t)n * (sizeof(const void *) + sizeof(int));
  st = (Struct *)lua_newuserdatauv(L, size, 1);
  st->s = b->s;
  st->s.fields = st->fields;
  st->s.cap = n;
  memcpy(st->fields, b->s.fields, (size_t)n * sizeof(lay_Field));
  st->hbits = hbits;
  st->hash = (Slot *)(void *)(st->fields + n);
  st->id = (const void **)(void *)(st->hash + ((size_t)1 << hbits));
  st->uv = (int *)(void *)(st->id + n);
  memcpy((void *)st->id, b->id, (size_t)n * sizeof(const void *));
  lyt_buildhash(st);
  return st;
}

/* layout.struct(spec) -> struct */
int lyt_struct (lua_State *L) {
  Build b;
  Struct *st;
  int endian;
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  lua_newtable(L);  /* 2: keeps every key string */
  b.all = 2;
  lua_newuserdatauv(L, 1, 0);  /* 3: the scratch block, empty */
  b.block = 3;
  lay_init(&b.s, (lay_Field *)lua_touserdata(L, 3), 0);
  b.id = (const void **)lua_touserdata(L, 3);
  lua_newtable(L);  /* 4: key table of the outermost struct */
  endian = getoption(L, 1, NULL, 0, "endian", LAY_NATIVE, endiannames,
                     "big, little or native");
  addfields(L, &b, 1, 4, 0, endian);
  if (lay_finish(&b.s) != LAY_OK) engineerror(L, &b, NULL, 0, 0, 0);
  st = newstruct(L, &b);  /* 5 */
  if (lua_getfield(L, 1, "checksum") != LUA_TNIL) {
    const char *ck = lua_tostring(L, -1);
    int f = lua_type(L, -1) == LUA_TSTRING
            ? lyt_findfield(L, st, -1, lua_gettop(L)) : -1;
    if (f < 0) specerror(L, NULL, 0, "checksum must name a field");
    if (lay_setchecksum(&st->s, f) != LAY_OK)
      specerror(L, ck, 0, "unsupported type (a checksum is a 16-bit "
                          "number on a byte of the outermost struct)");
  }
  lua_settop(L, 5);
  lua_pushvalue(L, 2);
  lua_setiuservalue(L, 5, SUV_KEYS);
  luaL_setmetatable(L, LYT_STRUCTMT);
  return 1;
}
