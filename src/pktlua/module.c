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
**   pktlua.emit(mem [, output [, time]])
**                         -> one more packet, mem's bytes, to an output
**   pktlua.insert, remove, resize, fixup, linktype: script_edit.c
**
** `at` is a 1-based offset of an IP header, or info (its l3). Offsets in
** and out are 1-based, as info's. clock_gettime goes through the vDSO: no
** system call per packet.
*/
#include <math.h>

#include <lua.h>
#include <lauxlib.h>

#include "flowhash.h"
#include "layers.h"
#include "lmemlib.h"
#include "pacer.h"
#include "script.h"
#include "script_route.h"

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

/* with info: the link type for non-IP packets; with an offset: IP */
static int lib_flowhash (lua_State *L) {
  size_t len;
  const unsigned char *p = (const unsigned char *)luamem_checkarray(L, 1,
                                                                    &len);
  long at = pkt_checkat(L, 2, len);
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

/*
** {======================================================
** pktlua.emit: packets the script makes
** =======================================================
*/

#define EMIT_MAXLEN 262144  /* a record libpcap and tshark still read */

/* emit's `time` (seconds since the epoch, a float or an integer) into
** the packet's timestamp, in its unit (micro- or nanoseconds) */
static void emittime (lua_State *L, int arg, pkt_Packet *p) {
  lua_Number t = luaL_checknumber(L, arg);
  lua_Integer sec, frac;
  luaL_argcheck(L, t >= 0 && t < 4294967296.0, arg,
                "seconds in 0..4294967295 (pcap's 32 bits)");
  if (lua_isinteger(L, arg)) {
    sec = lua_tointeger(L, arg);
    frac = 0;
  }
  else {  /* to the nearest unit: a double near today's dates is good to
          ** about 0.1 us, so 1e9 + 0.002 is 1000000000.0019999... */
    lua_Number whole = floor(t), unit = p->nano ? 1e9 : 1e6;
    sec = (lua_Integer)whole;
    frac = (lua_Integer)floor((t - whole) * unit + 0.5);
    if (frac >= (lua_Integer)unit) frac = (lua_Integer)unit - 1;
  }
  p->hdr.ts.tv_sec = (time_t)sec;
  p->hdr.ts.tv_usec = (suseconds_t)frac;
}

/*
** The packet is written at once to the sinks of the output (files copy
** its bytes, injection sends them), before the one being handled: mem
** may be pkt itself, or a memory the script reuses, and nothing is
** allocated. It has the handled packet's interface (link type), number
** (in messages) and, unless `time` says otherwise, timestamp.
*/
static int lib_emit (lua_State *L) {
  const pkt_Emitter *e = (const pkt_Emitter *)lua_touserdata(L,
                                                lua_upvalueindex(1));
  size_t len;
  const char *mem;
  pkt_Packet p;
  if (lua_type(L, 1) == LUA_TNUMBER || !luamem_isarray(L, 1))
    return luaL_typeerror(L, 1, "memory or string");
  mem = luamem_toarray(L, 1, &len);
  if (e == NULL || e->cur == NULL)
    return luaL_error(L, "pktlua.emit: only while packet() runs");
  luaL_argcheck(L, len > 0 && len <= EMIT_MAXLEN, 1,
                "a packet of 1 to 262144 bytes");
  p = *e->cur;
  if (lua_isnoneornil(L, 2)) p.route = PKT_ROUTE_DEFAULT;
  else {
    luaL_checktype(L, 2, LUA_TSTRING);
    if ((p.route = pkt_routes_find(e->routes, L, 2)) == 0)
      return luaL_error(L, "pktlua.emit: no output named '%s' (outputs: "
                        "%s)", lua_tostring(L, 2), e->routes->list);
  }
  if (!lua_isnoneornil(L, 3)) emittime(L, 3, &p);
  p.data = (unsigned char *)(uintptr_t)mem;
  p.hdr.caplen = p.hdr.len = (bpf_u_int32)len;
  p.comment = NULL;
  p.commentlen = 0;
  p.emitted = 1;
  e->deliver(e->ud, &p, 1);
  return 0;
}

/* }====================================================== */

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
  /* the daemon's script state holds its emitter; elsewhere emit fails */
  lua_getfield(L, LUA_REGISTRYINDEX, "pktlua.emitter");
  lua_pushcclosure(L, lib_emit, 1);
  lua_setfield(L, -2, "emit");
  pkt_edit_lib(L);
  return 1;
}
