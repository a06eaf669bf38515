/*
** module.c - the preloaded `pktlua` module: layers.c's walk for scripts
** that look past the first IP header (tunnels, inner packets). Plain
** functions: a script that does not call them pays nothing.
**
**   local pktlua = require "pktlua"
**   pktlua.l4(pkt, at)    -> l4, proto, fragment of the IP header at `at`
**   pktlua.inner(pkt, at) -> l3, l4, proto, tunnel of the packet it carries
**   pktlua.now()          -> monotonic seconds (a float): the clock a
**                            replay is paced with, to measure and re-time
**   pktlua.now("wall")    -> seconds since the epoch (a float)
**   pktlua.insert, remove, resize, linktype: script_edit.c
**
** `at` is a 1-based offset of an IP header, or info (its l3). Offsets in
** and out are 1-based, as info's. clock_gettime goes through the vDSO: no
** system call per packet.
*/
#include <lua.h>
#include <lauxlib.h>

#include "layers.h"
#include "lmemlib.h"
#include "pacer.h"

int luaopen_pktlua (lua_State *L);
void pkt_edit_lib (lua_State *L);  /* script_edit.c: insert, remove, ... */

/* the 0-based IP header `at` (arg) names in len bytes, -1 for none
** (script_edit.c's fixup takes it too) */
long pkt_checkat (lua_State *L, int arg, size_t len);
long pkt_checkat (lua_State *L, int arg, size_t len) {
  lua_Integer v;
  int isnum;
  if (lua_istable(L, arg)) {
    lua_getfield(L, arg, "l3");
    v = lua_tointegerx(L, -1, &isnum);
    lua_pop(L, 1);
  } else if (lua_isnoneornil(L, arg)) {
    return -1;
  } else {
    v = luaL_checkinteger(L, arg);
    isnum = 1;
  }
  if (!isnum || v < 1 || (lua_Unsigned)v > len) return -1;
  return (long)(v - 1);
}

/* l4, proto, fragment of r, each nil when unknown */
static int pushl4 (lua_State *L, const pkt_L4 *r) {
  static const char *const frags[] = {"none", "first", "later"};
  if (r->off >= 0) lua_pushinteger(L, r->off + 1);
  else lua_pushnil(L);
  if (r->proto >= 0) lua_pushinteger(L, r->proto);
  else lua_pushnil(L);
  if (r->frag >= 0) lua_pushstring(L, frags[r->frag]);
  else lua_pushnil(L);
  return 3;
}

static int lib_l4 (lua_State *L) {
  size_t len;
  const char *p = luamem_checkarray(L, 1, &len);
  pkt_L4 r;
  pkt_l4((const unsigned char *)p, len, pkt_checkat(L, 2, len), &r);
  return pushl4(L, &r);
}

static int lib_inner (lua_State *L) {
  size_t len;
  const unsigned char *p = (const unsigned char *)luamem_checkarray(L, 1,
                                                                    &len);
  pkt_L4 r;
  int kind;
  long in;
  pkt_l4(p, len, pkt_checkat(L, 2, len), &r);
  in = pkt_inner(p, len, &r, &kind);
  if (in < 0) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushinteger(L, in + 1);
  pkt_l4(p, len, in, &r);
  if (r.off >= 0) lua_pushinteger(L, r.off + 1);
  else lua_pushnil(L);
  if (r.proto >= 0) lua_pushinteger(L, r.proto);
  else lua_pushnil(L);
  lua_pushstring(L, pkt_tunnelname(kind));
  return 4;
}

static int lib_now (lua_State *L) {
  static const char *const clocks[] = {"monotonic", "wall", NULL};
  int wall = luaL_checkoption(L, 1, "monotonic", clocks);
  int64_t ns = pkt_clock_ns(wall);
  lua_pushnumber(L, (lua_Number)(ns / 1000000000) +
                    (lua_Number)(ns % 1000000000) / 1e9);
  return 1;
}

int luaopen_pktlua (lua_State *L) {
  static const luaL_Reg funcs[] = {
    {"l4", lib_l4},
    {"inner", lib_inner},
    {"now", lib_now},
    {NULL, NULL}
  };
  luaL_newlib(L, funcs);
  pkt_edit_lib(L);
  return 1;
}
