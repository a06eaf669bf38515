/*
** llayinfo.c - introspection of structs and pointers: layout.sizeof,
** layout.offsetof, layout.fits, pairs(p) and tostring of both. None of it
** is on the hot path of an access; all of it reads the compiled field
** records.
*/
#include <string.h>

#include "llaylib.h"

/* The struct or pointer at `arg`, as the compiled struct and the field it
** views (-1: outermost), and in *ptr the pointer, if it is one: known
** by the address of its metatable against the module's upvalues, as
** lyt_testpointer does (layout.fits is called per packet; the registry
** lookup of luaL_checkudata was 2/3 of its cost). */
static const Struct *checkview (lua_State *L, int arg, int *node,
                                const Pointer **ptr) {
  void *u = lua_touserdata(L, arg);
  *node = -1;
  *ptr = NULL;
  if (u != NULL && lua_getmetatable(L, arg)) {
    const void *mt = lua_topointer(L, -1);
    lua_pop(L, 1);
    if (mt == lua_topointer(L, LYT_PTRMT)) {
      const Pointer *p = (const Pointer *)u;
      *node = p->node;
      *ptr = p;
      return p->st;
    }
    if (mt == lua_topointer(L, LYT_STRUCTUV)) return (const Struct *)u;
  }
  return (Struct *)luaL_checkudata(L, arg, LYT_STRUCTMT);  /* raises */
}

/* layout.sizeof(struct or pointer) -> bytes, bits */
int lyt_sizeof (lua_State *L) {
  int node;
  const Pointer *p;
  const Struct *st = checkview(L, 1, &node, &p);
  size_t bits = node < 0 ? st->s.bits : st->fields[node].bits;
  lua_pushinteger(L, (lua_Integer)lay_bytes(bits));
  lua_pushinteger(L, (lua_Integer)bits);
  return 2;
}

/* layout.fits(p) -> whether every field of p can be read: the outermost
** struct p (or the root of nested p) views lies wholly in its memory, at
** its position (an unset pointer: false).
** layout.fits(struct or pointer, mem [, pos]) -> whether a struct of that
** size starting at 1-based byte pos (absent: 1) lies wholly in mem, a
** memory or string; an explicit nil pos is no position: false (the
** info.l3 of a packet without one). A separate call rather than a result
** of setpointer, so the per-packet setpointer costs what it did. */
int lyt_fits (lua_State *L) {
  int node, isnum, nargs = lua_gettop(L);  /* before anything pushes */
  const Struct *st;
  const Pointer *p;
  size_t bytes, len;
  lua_Integer pos;
  if (nargs == 1) {
    const Pointer *r;
    p = lyt_checkpointer(L, 1);
    r = p->root;
    lua_pushboolean(L, lay_check(&r->st->s, r->head->len, r->pos) == LAY_OK);
    return 1;
  }
  st = checkview(L, 1, &node, &p);
  bytes = node < 0 ? st->s.size : lay_bytes(st->fields[node].bits);
  if (p != NULL && p->root->memud != NULL &&  /* the memory it views */
      lua_touserdata(L, 2) == p->root->memud &&
      lua_type(L, 2) == LUA_TUSERDATA)
    len = p->root->head->len;  /* (PUV_MEM keeps it alive: no other) */
  else if (lua_type(L, 2) == LUA_TNUMBER ||  /* toarray would convert it */
           luamem_toarray(L, 2, &len) == NULL)
    return luaL_typeerror(L, 2, "memory or string");
  pos = lua_tointegerx(L, 3, &isnum);
  if (!isnum) {
    if (nargs >= 3 && lua_isnil(L, 3)) {
      lua_pushboolean(L, 0);
      return 1;
    }
    if (nargs >= 3) luaL_checkinteger(L, 3);  /* raises */
    pos = 1;
  }
  lua_pushboolean(L, pos >= 1 && (lua_Unsigned)(pos - 1) <= len &&
                     bytes <= len - (size_t)(pos - 1));
  return 1;
}

/* layout.offsetof(struct or pointer, "key[.key...]") -> byte, bit: where
** the field starts, counted from the start of the given struct */
int lyt_offsetof (lua_State *L) {
  int node, f;
  const Pointer *p;
  const Struct *st = checkview(L, 1, &node, &p);
  const lay_Field *fields = st->fields;
  const char *path = luaL_checkstring(L, 2);
  size_t base = node < 0 ? 0 : fields[node].offset, rel;
  int in = node;  /* the struct being searched */
  f = node < 0 ? st->s.first : fields[node].first;
  for (;;) {
    const char *dot = strchr(path, '.');
    size_t n = dot ? (size_t)(dot - path) : strlen(path);
    while (f >= 0 && !(fields[f].key && strlen(fields[f].key) == n &&
                       memcmp(fields[f].key, path, n) == 0))
      f = fields[f].next;
    if (f < 0) return lyt_nofield(L, st, in, 2);
    if (dot == NULL) break;
    if (fields[f].type != LAY_STRUCT)
      return luaL_argerror(L, 2, lua_pushfstring(L,
                           "no field '%s' ('%s' is not a struct)",
                           lua_tostring(L, 2), fields[f].key));
    in = f;
    f = fields[f].first;
    path = dot + 1;
  }
  rel = fields[f].offset - base;
  lua_pushinteger(L, (lua_Integer)(rel / 8));
  lua_pushinteger(L, (lua_Integer)rel);
  return 2;
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

/* pairs iterator: the key and value of the field after key `2`. A script
** can call it with anything, so it checks its pointer. */
int lyt_next (lua_State *L) {
  Pointer *p = lyt_checkpointer(L, 1);
  int f = -1;
  if (!lua_isnil(L, 2) && (f = lyt_findfield(L, p->st, p->node, 2)) < 0)
    return lyt_nofield(L, p->st, p->node, 2);
  if ((f = nextfield(p, f)) < 0) return 0;
  lua_pushstring(L, p->st->fields[f].key);
  lyt_pushfield(L, p, 1, f);
  return 2;
}

/* __pairs (upvalue 1: lyt_next, made once with the module) */
int lyt_pairs (lua_State *L) {
  lua_pushvalue(L, lua_upvalueindex(1));
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

/* Appends {k=v, ...} for the fields from f on (a struct's first field).
** Recursion as deep as the spec's nesting, which the compiler bounds. */
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

/* __tostring of a pointer: its fields and their values */
int lyt_tostring (lua_State *L) {
  const Pointer *p = (const Pointer *)lua_touserdata(L, 1);
  const lay_Struct *s = &p->st->s;
  size_t len;
  unsigned char *mem = lyt_getmem(p, &len);
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

/* __tostring of a struct */
int lyt_structtostring (lua_State *L) {
  Struct *st = (Struct *)luaL_checkudata(L, 1, LYT_STRUCTMT);
  lua_pushfstring(L, "layout struct (%I bytes, %I bits)",
                  (lua_Integer)lay_bytes(st->s.bits), (lua_Integer)st->s.bits);
  return 1;
}
