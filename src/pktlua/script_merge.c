/*
** script_merge.c - merge(results): what each worker's finish() returned,
** combined once in a fresh state of the same script. With --workers N
** every worker's state counted its own flows; merge sees all N results
** (results[w] for worker w, results.n = N) and can print one report, the
** same as one worker's. Without --workers it gets the one result, so a
** script behaves alike either way.
**
** Values cross by copy, state to state (the workers have ended, their
** states are still open): nil, booleans, numbers (integers stay
** integers), strings, and tables of them, nested, with keys that are not
** tables. A function, userdata, thread, a table as a key, or tables
** nested deeper than MAXDEPTH (a cycle) are an error in merge, reported
** and counted like one in finish().
*/
#include <stdio.h>

#include <lua.h>
#include <lauxlib.h>

#include "script_state.h"

#define MAXDEPTH 100

typedef struct Results {
  pkt_Script *const *scripts;  /* whose finish() results are copied */
  int n;
} Results;

/* the value on top of `from` pushed onto L, copied; raises in L when it
** cannot cross (from's stack is then left for the caller to reset) */
static void copyvalue (lua_State *L, lua_State *from, int depth) {
  size_t len;
  const char *s;
  switch (lua_type(from, -1)) {
    case LUA_TNIL: lua_pushnil(L); break;
    case LUA_TBOOLEAN: lua_pushboolean(L, lua_toboolean(from, -1)); break;
    case LUA_TNUMBER:
      if (lua_isinteger(from, -1)) lua_pushinteger(L, lua_tointeger(from, -1));
      else lua_pushnumber(L, lua_tonumber(from, -1));
      break;
    case LUA_TSTRING:
      s = lua_tolstring(from, -1, &len);
      lua_pushlstring(L, s, len);
      break;
    case LUA_TTABLE:
      if (depth >= MAXDEPTH)
        luaL_error(L, "merge: a finish() result nests tables deeper than "
                   "%d (a cycle?)", MAXDEPTH);
      luaL_checkstack(L, 4, "merge: a finish() result");
      if (!lua_checkstack(from, 4))
        luaL_error(L, "merge: a finish() result nests too deep");
      lua_newtable(L);
      lua_pushnil(from);
      while (lua_next(from, -2)) {
        if (lua_type(from, -2) == LUA_TTABLE)
          luaL_error(L, "merge: a finish() result has a table as a key, "
                     "which cannot be copied");
        lua_pushvalue(from, -2);
        copyvalue(L, from, depth + 1);  /* the key */
        lua_pop(from, 1);
        copyvalue(L, from, depth + 1);  /* the value */
        lua_pop(from, 1);
        lua_rawset(L, -3);
      }
      break;
    default:
      luaL_error(L, "merge: finish() returned a %s, which cannot reach "
                 "merge() (numbers, strings, booleans and tables of them "
                 "can)", luaL_typename(from, -1));
  }
}

/* merge(results) in the fresh state; argument 1 the Results */
static int runmerge (lua_State *L) {
  const Results *r = (const Results *)lua_touserdata(L, 1);
  int i;
  if (pkt_rawglobal(L, "merge") != LUA_TFUNCTION)
    return luaL_error(L, "merge: the script defines no merge() when it "
                      "starts again");
  lua_createtable(L, r->n, 1);
  for (i = 0; i < r->n; i++) {
    lua_State *from = r->scripts[i]->L;
    lua_getfield(from, LUA_REGISTRYINDEX, PKT_RESULTKEY);
    copyvalue(L, from, 0);
    lua_pop(from, 1);
    lua_rawseti(L, -2, i + 1);
  }
  lua_pushinteger(L, r->n);
  lua_setfield(L, -2, "n");
  lua_call(L, 1, 0);
  return 0;
}

int pkt_script_merge (pkt_Script *const *scripts, int n, int linktype,
                      pkt_Stats *st) {
  char err[PKT_ERRSIZE];
  int tops[PKT_MAXWORKERS];
  Results r;
  pkt_Script *M;
  int i, status, has;
  if (n < 1 || n > PKT_MAXWORKERS || pkt_guard_stopped()) return PKT_OK;
  has = pkt_rawglobal(scripts[0]->L, "merge") == LUA_TFUNCTION;
  lua_pop(scripts[0]->L, 1);
  if (!has) return PKT_OK;
  M = pkt_script_new(scripts[0]->o, err);
  if (M == NULL || pkt_script_start(M, linktype, err) != PKT_OK) {
    fprintf(stderr, "pktlua: %s (starting merge's state)\n", err);
    st->errors++;
    pkt_script_close(M);
    return PKT_ERROR;
  }
  for (i = 0; i < n; i++) tops[i] = lua_gettop(scripts[i]->L);
  r.scripts = scripts;
  r.n = n;
  lua_pushlightuserdata(M->L, &r);
  status = pkt_guard_call(M, runmerge, 1, 0);
  for (i = 0; i < n; i++) lua_settop(scripts[i]->L, tops[i]);
  if (status != LUA_OK) {
    const char *msg = lua_tostring(M->L, -1);
    st->errors++;
    fprintf(stderr, "pktlua: %s (in merge)\n",
            status == LUA_ERRMEM ? "not enough memory"
                                 : msg ? msg : "(error object is not a string)");
  }
  pkt_script_close(M);
  return status == LUA_OK ? PKT_OK : PKT_ERROR;
}
