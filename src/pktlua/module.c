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
**   pktlua.flowhash(pkt, info) -> info.flow: the symmetric flow hash
**   pktlua.flowhash(pkt, at)   -> the same for the IP packet at `at` (the
**                            inner packet of a tunnel), nil when none
**   pktlua.share(hash, n) -> 1..n: the share of n the hash falls in, as
**                            --shard K/N counts them
**   pktlua.kind("filter" | "rewriter")  in the chunk: what a script error
**                            on a packet does by default (script.h)
**
** `at` is a 1-based offset of an IP header, or info (its l3). Offsets in
** and out are 1-based, as info's. clock_gettime goes through the vDSO: no
** system call per packet.
*/
#include <lua.h>
#include <lauxlib.h>

#include "flowhash.h"
#include "layers.h"
#include "lmemlib.h"
#include "pacer.h"
#include "script.h"

int luaopen_pktlua (lua_State *L);

/* the 0-based IP header `at` (arg) names in len bytes, -1 for none */
static long checkat (lua_State *L, int arg, size_t len) {
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
  pkt_l4((const unsigned char *)p, len, checkat(L, 2, len), &r);
  return pushl4(L, &r);
}

static int lib_inner (lua_State *L) {
  size_t len;
  const unsigned char *p = (const unsigned char *)luamem_checkarray(L, 1,
                                                                    &len);
  pkt_L4 r;
  int kind;
  long in;
  pkt_l4(p, len, checkat(L, 2, len), &r);
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

/* with info: the link type for non-IP packets; with an offset: IP */
static int lib_flowhash (lua_State *L) {
  size_t len;
  const unsigned char *p = (const unsigned char *)luamem_checkarray(L, 1,
                                                                    &len);
  long at = checkat(L, 2, len);
  int linktype = 101;  /* LINKTYPE_RAW: what an offset names */
  if (lua_istable(L, 2)) {
    lua_getfield(L, 2, "linktype");
    linktype = (int)luaL_optinteger(L, -1, linktype);
    lua_pop(L, 1);
  } else if (at < 0) {
    luaL_checkinteger(L, 2);
    lua_pushnil(L);
    return 1;
  }
  lua_pushinteger(L, pkt_flowhash(linktype, p, len, at));
  return 1;
}

static int lib_share (lua_State *L) {
  lua_Integer h = luaL_checkinteger(L, 1);
  lua_Integer n = luaL_checkinteger(L, 2);
  luaL_argcheck(L, h >= 0 && h <= 0xffffffff, 1, "not a flow hash");
  luaL_argcheck(L, n >= 1 && n <= 0xffffffff, 2, "out of range");
  lua_pushinteger(L, pkt_flowshare((uint32_t)h, (unsigned)n) + 1);
  return 1;
}

static int lib_now (lua_State *L) {
  static const char *const clocks[] = {"monotonic", "wall", NULL};
  int wall = luaL_checkoption(L, 1, "monotonic", clocks);
  int64_t ns = pkt_clock_ns(wall);
  lua_pushnumber(L, (lua_Number)(ns / 1000000000) +
                    (lua_Number)(ns % 1000000000) / 1e9);
  return 1;
}

/* pktlua.kind("filter" | "rewriter") in the chunk: what an error on a
** packet does when --on-error is not given (script.h); pktlua.kind():
** the kind declared, or nil */
static int lib_kind (lua_State *L) {
  static const char *const kinds[] = {"filter", "rewriter", NULL};
  if (lua_isnone(L, 1)) {
    lua_getfield(L, LUA_REGISTRYINDEX, PKT_KINDKEY);
    return 1;
  }
  lua_pushstring(L, kinds[luaL_checkoption(L, 1, NULL, kinds)]);
  lua_setfield(L, LUA_REGISTRYINDEX, PKT_KINDKEY);
  return 0;
}

int luaopen_pktlua (lua_State *L) {
  static const luaL_Reg funcs[] = {
    {"kind", lib_kind},
    {"l4", lib_l4},
    {"inner", lib_inner},
    {"now", lib_now},
    {"flowhash", lib_flowhash},
    {"share", lib_share},
    {NULL, NULL}
  };
  luaL_newlib(L, funcs);
  return 1;
}
