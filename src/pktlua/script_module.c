/*
** script_module.c - the `pktlua` module the daemon preloads (and sets as
** the global `pktlua`): what a script asks of the daemon itself.
**
**   pktlua.now()        monotonic seconds (a float): the clock the replay
**                       is paced with, for measuring and re-timing
**   pktlua.now("wall")  seconds since the epoch (a float)
**
** clock_gettime goes through the vDSO: no system call per packet.
*/
#include <lua.h>
#include <lauxlib.h>

#include "pacer.h"
#include "script.h"

static int pktlua_now (lua_State *L) {
  static const char *const clocks[] = {"monotonic", "wall", NULL};
  int wall = luaL_checkoption(L, 1, "monotonic", clocks);
  int64_t ns = pkt_clock_ns(wall);
  lua_pushnumber(L, (lua_Number)(ns / 1000000000) +
                    (lua_Number)(ns % 1000000000) / 1e9);
  return 1;
}

int pkt_luaopen_pktlua (lua_State *L) {
  static const luaL_Reg funcs[] = {
    {"now", pktlua_now},
    {NULL, NULL}
  };
  luaL_newlib(L, funcs);
  return 1;
}
