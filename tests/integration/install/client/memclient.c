/*
** memclient.c - a Lua C module written the way lua-memory 2.0 clients are:
** against <luamem.h>, linked with -lluamem. The install tests build it
** against an installed pktlua (through pkg-config and through CMake) and
** run it beside pktlua's own memory module in the stock lua5.4.
*/
#include <string.h>

#include <lua.h>
#include <lauxlib.h>
#include <luamem.h>

/* memclient.upper(m): ASCII letters of memory m upper-cased in place; m */
static int mc_upper (lua_State *L) {
  size_t len, i;
  char *p = luamem_checkmemory(L, 1, &len);
  for (i = 0; i < len; i++)
    if (p[i] >= 'a' && p[i] <= 'z') p[i] = (char)(p[i] - 'a' + 'A');
  lua_settop(L, 1);
  return 1;
}

/* memclient.kind(v): "fixed", "resizable" or "other" as the C API tells
** them apart (resizable: a reference whose unref is luamem_free), or nil */
static int mc_kind (lua_State *L) {
  luamem_Unref unref = NULL;
  int type;
  luamem_tomemoryx(L, 1, NULL, &unref, &type);
  if (type == LUAMEM_TALLOC) lua_pushliteral(L, "fixed");
  else if (type == LUAMEM_TREF)
    lua_pushstring(L, unref == luamem_free ? "resizable" : "other");
  else lua_pushnil(L);
  return 1;
}

/* memclient.join(a, b): a new fixed memory with the bytes of a then b
** (each a string or a memory) */
static int mc_join (lua_State *L) {
  size_t la, lb;
  const char *a = luamem_checkarray(L, 1, &la);
  const char *b = luamem_checkarray(L, 2, &lb);
  char *p = luamem_newalloc(L, la + lb);
  memcpy(p, a, la);
  memcpy(p + la, b, lb);
  return 1;
}

/* memclient.greeting(): a referenced memory over this module's own bytes */
static char greeting[] = "hello";

static int mc_greeting (lua_State *L) {
  luamem_newref(L);
  luamem_setref(L, -1, greeting, sizeof(greeting) - 1, NULL);
  return 1;
}

static const luaL_Reg mc_funcs[] = {
  {"upper", mc_upper},
  {"kind", mc_kind},
  {"join", mc_join},
  {"greeting", mc_greeting},
  {NULL, NULL}
};

LUAMOD_API int luaopen_memclient (lua_State *L) {
  luaL_newlib(L, mc_funcs);
  return 1;
}
