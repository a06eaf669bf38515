/*
** script_route.c - where a packet goes, from the script's verdict:
** false drops; true, nil and any value but a string or a table pass it to
** the output "default" (what -w FILE and -o write); a string names an
** output (-w NAME=FILE); a table lists names. Output names are interned
** in the state, so a verdict is matched by address, without strcmp.
*/
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "script_route.h"

void pkt_routes_init (pkt_Routes *r, lua_State *L, const pkt_Options *o) {
  size_t at = 0;
  int i;
  r->n = o->noutputs > 0 ? o->noutputs : 1;
  lua_createtable(L, r->n, 0);  /* anchors the names */
  r->list[0] = '\0';
  for (i = 0; i < r->n; i++) {
    const char *name = o->noutputs > 0 ? o->outputs[i].name : "default";
    lua_pushstring(L, name);
    r->names[i] = lua_tostring(L, -1);
    lua_rawseti(L, -2, i + 1);
    if (at < sizeof(r->list))
      at += (size_t)snprintf(r->list + at, sizeof(r->list) - at, "%s%s",
                             i > 0 ? ", " : "", name);
  }
  lua_setfield(L, LUA_REGISTRYINDEX, "pktlua.outputs");
}

/* the route bit of the value at idx, a name (0: none, reported) */
static uint64_t byname (pkt_Routes *r, lua_State *L, int idx,
                        pkt_Reports *rep, pkt_Stats *st, uint64_t pktno) {
  char msg[512];
  const char *k;
  int i;
  if (lua_type(L, idx) != LUA_TSTRING) {
    snprintf(msg, sizeof(msg), "verdict: a list of output names holds a "
             "%s", luaL_typename(L, idx));
  }
  else {
    k = lua_tostring(L, idx);
    for (i = 0; i < r->n; i++)
      if (k == r->names[i]) return (uint64_t)1 << i;
    /* a long string (over Lua's short-string length) is not interned */
    for (i = 0; i < r->n; i++)
      if (strcmp(k, r->names[i]) == 0) return (uint64_t)1 << i;
    snprintf(msg, sizeof(msg), "verdict: no output named '%.64s' (outputs: "
             "%s): not written there", k, r->list);
  }
  st->unknownoutputs++;
  st->errors++;
  pkt_reports_add(rep, msg, pktno);
  return 0;
}

uint64_t pkt_routes_verdict (pkt_Routes *r, lua_State *L, int idx,
                             pkt_Reports *rep, pkt_Stats *st,
                             uint64_t pktno) {
  uint64_t route = 0;
  lua_Integer i, n;
  switch (lua_type(L, idx)) {
    case LUA_TBOOLEAN:
      return lua_toboolean(L, idx) ? PKT_ROUTE_DEFAULT : 0;
    case LUA_TSTRING:
      return byname(r, L, idx, rep, st, pktno);
    case LUA_TTABLE:
      idx = lua_absindex(L, idx);
      n = (lua_Integer)lua_rawlen(L, idx);
      for (i = 1; i <= n; i++) {
        lua_rawgeti(L, idx, i);
        route |= byname(r, L, -1, rep, st, pktno);
        lua_pop(L, 1);
      }
      return route;
    default:
      return PKT_ROUTE_DEFAULT;
  }
}
