/*
** llayhash.c - finding a field of a compiled struct by its key.
**
** The key strings of a spec are interned Lua strings the struct keeps
** alive, so the address of the string a script indexes with identifies the
** field: a C hash of (address, nested struct) with a multiplier chosen so
** that every key has a slot of its own, and the inline paths of __index and
** __newindex (lyt_homeslot) look at one slot only. Keys that are not the
** interned strings (long strings) are found by comparing contents.
*/
#include <string.h>

#include "llaylib.h"

/* A multiplier that puts every key in a slot of its own, so that the
** inline paths look at one slot only (lyt_findfield still probes, for the
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
      i = lyt_hashkey(st, st->id[f], st->fields[f].parent);
      if (st->hash[i].id != NULL) clash = 1;
      st->hash[i].id = st->id[f];
    }
    if (!clash) return;
  }
  st->mult = 0x9e3779b97f4a7c15u;
}

/* Fills the hash of a compiled struct (st->id set, st->hbits sized), and
** which user value of its parent's pointer each nested struct's pointer
** takes. */
void lyt_buildhash (Struct *st) {
  unsigned i, size = 1u << st->hbits;
  int f, kids;
  pickmult(st);
  for (i = 0; i < size; i++) st->hash[i].id = NULL;
  for (f = 0; f < st->s.nfields; f++) {
    const void *id = st->id[f];
    const lay_Field *fd = &st->fields[f];
    Slot *sl;
    if (id == NULL) continue;
    i = lyt_hashkey(st, id, fd->parent);
    while (st->hash[i].id != NULL) i = (i + 1) & (size - 1);
    sl = &st->hash[i];
    sl->id = id;
    sl->node = fd->parent;
    sl->fd = fd;
    sl->field = f;
    sl->fast = fd->type == LAY_NUMBER && fd->nbytes <= 8;
  }
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

/* lyt_findfield's slow path: compare the key's contents */
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
int lyt_findfield (lua_State *L, const Struct *st, int node, int k) {
  const void *id = lua_topointer(L, k);
  unsigned mask = (1u << st->hbits) - 1, i = lyt_hashkey(st, id, node);
  for (; st->hash[i].id != NULL; i = (i + 1) & mask)
    if (st->hash[i].id == id && st->hash[i].node == node)
      return st->hash[i].field;
  return findbyname(L, st, node, k);
}

#define NAMESHOWN 24  /* keys a "no field" message lists at most */
#define KEYSHOWN 48   /* bytes of the missing key shown at most */
#define LISTSHOWN 240 /* bytes of the list of keys, about */

/* the string s, cut to `max` bytes with "..." */
static void addcut (luaL_Buffer *B, const char *s, size_t max) {
  size_t len = strlen(s);
  luaL_addlstring(B, s, len > max ? max : len);
  if (len > max) luaL_addstring(B, "...");
}

/* Raises "no field 'k' in struct (a, b, ...)" for the key at `k` (an
** argument of the running function) of struct `node`: the message is only
** built here, on the error path. Its length is bounded (a long key, many
** or long field names are cut) so that it stays one readable line. */
int lyt_nofield (lua_State *L, const Struct *st, int node, int k) {
  luaL_Buffer B;
  int f = node < 0 ? st->s.first : st->fields[node].first, shown = 0;
  const char *key = luaL_tolstring(L, k, NULL);
  size_t start;
  luaL_buffinit(L, &B);
  luaL_addstring(&B, "no field '");
  addcut(&B, key, KEYSHOWN);
  luaL_addstring(&B, "' in struct (");
  start = luaL_bufflen(&B);
  for (; f >= 0; f = st->fields[f].next) {
    if (st->fields[f].key == NULL) continue;
    if (shown > 0) luaL_addstring(&B, ", ");
    if (shown++ == NAMESHOWN || luaL_bufflen(&B) - start >= LISTSHOWN) {
      luaL_addstring(&B, "...");
      break;
    }
    addcut(&B, st->fields[f].key, KEYSHOWN);
  }
  luaL_addchar(&B, ')');
  luaL_pushresult(&B);
  return luaL_argerror(L, k, lua_tostring(L, -1));
}
