/*
** script_guard.c - what keeps a script inside its limits: the
** --max-instructions budget and the interrupt of a second SIGINT/SIGTERM
** (both Lua hooks, which must follow the coroutine that runs), and the
** library functions replaced so a script cannot step around them.
*/
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>

#include <lua.h>
#include <lauxlib.h>

#include "script_state.h"


/*
** Every call into the script (the chunk, packet(), finish(), a coroutine
** resumed by them) is protected, under the budget and interruptible.
** Hooks are per Lua thread, so the signal handler must reach the thread
** running right now: `running` names it, updated as coroutines are
** resumed (co_resume). Once a second SIGINT/SIGTERM came, `stopping`
** stays set: every thread entered later is hooked before it runs, and
** the hook fires on every instruction, so no pcall can catch it away.
** With --workers N every worker thread has its own slot in `running`
** (slot 0: the main thread), which the handler walks; lock-free atomics
** are safe in a signal handler and between threads.
*/
static _Atomic(lua_State *) running[PKT_MAXWORKERS + 1];  /* per thread */
static atomic_int stopping;              /* pkt_script_interrupt called */
static _Thread_local int slot;           /* this thread's in running */

/* the thread running in this OS thread's slot */
static void setrunning (lua_State *L) {
  atomic_store_explicit(&running[slot], L, memory_order_release);
}

static int isstopping (void) {
  return atomic_load_explicit(&stopping, memory_order_relaxed);
}

void pkt_guard_thread (int worker) {
  slot = worker;
}

static pkt_Script *scriptof (lua_State *L) {
  void *ud;
  lua_getallocf(L, &ud);
  return (pkt_Script *)ud;
}

/* --max-instructions: the count hook fires once the budget is spent;
** from then on it fires on every instruction until the call ends */
static void hook_budget (lua_State *L, lua_Debug *ar) {
  (void)ar;
  scriptof(L)->exhausted = 1;
  lua_sethook(L, hook_budget, LUA_MASKCOUNT, 1);
  luaL_where(L, 0);  /* level 0 in a hook: the Lua function running */
  lua_pushliteral(L, "instruction limit exceeded");
  lua_concat(L, 2);
  lua_error(L);
}

/* a second SIGINT/SIGTERM: stop the script where it is, and keep it
** stopped (the hook stays) */
static void hook_interrupt (lua_State *L, lua_Debug *ar) {
  (void)ar;
  luaL_where(L, 0);
  lua_pushliteral(L, "interrupted");
  lua_concat(L, 2);
  lua_error(L);
}

static void setinterrupt (lua_State *L) {
  lua_sethook(L, hook_interrupt, LUA_MASKCOUNT, 1);
}

/* a call into the script starts: the main thread gets a fresh budget
** (lua_sethook also resets the count); coroutines get theirs when first
** resumed in this call (armthread). Re-checks stopping, as a signal may
** have come between the two. */
void pkt_guard_arm (pkt_Script *S) {
  if (S->o->maxinstr > 0) {
    S->call++;
    S->exhausted = 0;
    lua_sethook(S->L, hook_budget, LUA_MASKCOUNT, (int)S->o->maxinstr);
    if (isstopping()) setinterrupt(S->L);
  }
}

/* thread L is about to run again (resumed, or back from a resume): the
** budget of this call, a spent budget or a stop carry over to it */
static void armthread (pkt_Script *S, lua_State *L) {
  if (S->o->maxinstr > 0) {
    /* each thread's extra space holds the call it was last armed for, so
    ** a coroutine resumed once per packet starts each packet afresh */
    unsigned long *armed = (unsigned long *)lua_getextraspace(L);
    if (S->exhausted)
      lua_sethook(L, hook_budget, LUA_MASKCOUNT, 1);
    else if (*armed != S->call) {
      *armed = S->call;
      lua_sethook(L, hook_budget, LUA_MASKCOUNT, (int)S->o->maxinstr);
    }
  }
  if (isstopping()) setinterrupt(L);
}

int pkt_guard_call (pkt_Script *S, lua_CFunction f, int nargs,
                        int nresults) {
  lua_State *L = S->L;
  int status;
  lua_pushcfunction(L, f);  /* a light C function: no allocation */
  lua_insert(L, -(nargs + 1));
  lua_sethook(L, NULL, 0, 0);  /* a hook from earlier code */
  pkt_guard_arm(S);
  S->inlua = 1;
  setrunning(L);
  if (isstopping()) setinterrupt(L);
  status = lua_pcall(L, nargs, nresults, SLOT_MSGH);
  setrunning(NULL);
  S->inlua = 0;
  lua_sethook(L, NULL, 0, 0);
  return status;
}

void pkt_guard_running (lua_State *L) {
  setrunning(L);
  if (L != NULL && isstopping()) setinterrupt(L);
}

int pkt_guard_stopped (void) {
  return isstopping();
}

void pkt_script_interrupt (void) {
  int i;
  atomic_store(&stopping, 1);
  /* lua_sethook is safe in a signal handler (lua.c does the same); a
  ** worker's state gets it from the main thread, as a handler would */
  for (i = 0; i <= PKT_MAXWORKERS; i++) {
    lua_State *L = atomic_load(&running[i]);
    if (L != NULL) setinterrupt(L);
  }
}

/* ---- coroutines: each resume keeps the thread running known ---- */

/* resumes co with the narg values on top of L, as the coroutine library
** does, with co known as the thread running and armed while it runs:
** the number of results moved to L, or -1 and the error on L */
static int resumeco (lua_State *L, lua_State *co, int narg) {
  pkt_Script *S = scriptof(L);
  int status, nres;
  if (!lua_checkstack(co, narg)) {
    lua_pushliteral(L, "too many arguments to resume");
    return -1;
  }
  lua_xmove(L, co, narg);
  setrunning(co);
  armthread(S, co);
  status = lua_resume(co, L, narg, &nres);
  setrunning(L);
  armthread(S, L);  /* a budget spent or a stop there ends the caller */
  if (status != LUA_OK && status != LUA_YIELD) {
    lua_xmove(co, L, 1);  /* the error */
    return -1;
  }
  if (!lua_checkstack(L, nres + 1)) {
    lua_pop(co, nres);
    lua_pushliteral(L, "too many results to resume");
    return -1;
  }
  lua_xmove(co, L, nres);
  return nres;
}

/* closes co's pending to-be-closed variables (their __close is script
** code), with co known as the thread running */
static int resetco (lua_State *L, lua_State *co) {
  int status;
  setrunning(co);
  armthread(scriptof(L), co);
  status = lua_resetthread(co);
  setrunning(L);
  armthread(scriptof(L), L);
  return status;
}

static int co_resume (lua_State *L) {
  lua_State *co = lua_tothread(L, 1);
  int r;
  luaL_argexpected(L, co != NULL, 1, "coroutine");
  r = resumeco(L, co, lua_gettop(L) - 1);
  lua_pushboolean(L, r >= 0);
  if (r < 0) {
    lua_insert(L, -2);
    return 2;
  }
  lua_insert(L, -(r + 1));
  return r + 1;
}

static int co_wrapped (lua_State *L) {
  lua_State *co = lua_tothread(L, lua_upvalueindex(1));
  int r = resumeco(L, co, lua_gettop(L));
  if (r < 0) {
    int status = lua_status(co);
    if (status != LUA_OK && status != LUA_YIELD) {  /* died of it */
      lua_pop(L, 1);
      status = resetco(L, co);
      lua_xmove(co, L, 1);
    }
    if (status != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING) {
      luaL_where(L, 1);
      lua_insert(L, -2);
      lua_concat(L, 2);
    }
    return lua_error(L);
  }
  return r;
}

static int co_wrap (lua_State *L) {
  lua_State *co;
  luaL_checktype(L, 1, LUA_TFUNCTION);
  co = lua_newthread(L);
  lua_pushvalue(L, 1);
  lua_xmove(L, co, 1);
  lua_pushcclosure(L, co_wrapped, 1);
  return 1;
}

static int co_close (lua_State *L) {
  lua_State *co = lua_tothread(L, 1);
  lua_Debug ar;
  int status;
  luaL_argexpected(L, co != NULL, 1, "coroutine");
  status = lua_status(co);
  if (co == L || (status == LUA_OK && lua_getstack(co, 0, &ar)))
    return luaL_error(L, "cannot close a %s coroutine",
                      co == L ? "running" : "normal");
  if (resetco(L, co) == LUA_OK) {
    lua_pushboolean(L, 1);
    return 1;
  }
  lua_pushboolean(L, 0);
  lua_xmove(co, L, 1);
  return 2;
}

/* the metatable at idx is a library's (luaL_newmetatable registered it
** under its __name) */
static int libmetatable (lua_State *L, int idx) {
  int lib;
  if (lua_getfield(L, idx, "__name") != LUA_TSTRING) {
    lua_pop(L, 1);
    return 0;
  }
  lua_rawget(L, LUA_REGISTRYINDEX);
  lib = lua_rawequal(L, -1, idx);
  lua_pop(L, 1);
  return lib;
}

/*
** Finalizers written by the script are refused: Lua runs __gc with hooks
** off, so neither the budget nor an interrupt could end one that loops,
** at a collection in packet() or at lua_close. A library's metatable
** (the memory module's, whose __gc is C) may still be set.
*/
static int nogc_setmetatable (lua_State *L) {
  int n = lua_gettop(L);
  lua_pushliteral(L, "__gc");  /* as Lua looks for it: raw */
  if (lua_istable(L, 2) && lua_rawget(L, 2) != LUA_TNIL &&
      !libmetatable(L, 2))
    return luaL_error(L, "__gc metamethods are not allowed in pktlua "
                      "scripts (a finalizer cannot be interrupted)");
  lua_settop(L, n);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, n, LUA_MULTRET);
  return lua_gettop(L);
}

/* replaces lib.name by f, which gets the original as upvalue 1 */
static void replace (lua_State *L, const char *lib, const char *name,
                     lua_CFunction f, int wrapsold) {
  if (lib) lua_getglobal(L, lib);
  else lua_pushglobaltable(L);
  if (wrapsold) {
    lua_getfield(L, -1, name);
    lua_pushcclosure(L, f, 1);
  }
  else lua_pushcfunction(L, f);
  lua_setfield(L, -2, name);
  lua_pop(L, 1);
}

/* the hooks are the daemon's: the budget and the interrupt live there */
static int nosethook (lua_State *L) {
  return luaL_error(L, "debug.sethook is not available in pktlua scripts "
                    "(the daemon's budget and interrupts use the hook)");
}

void pkt_guard_libs (lua_State *L) {
  replace(L, "debug", "sethook", nosethook, 0);
  replace(L, "coroutine", "resume", co_resume, 0);
  replace(L, "coroutine", "wrap", co_wrap, 0);
  replace(L, "coroutine", "close", co_close, 0);
  replace(L, NULL, "setmetatable", nogc_setmetatable, 1);
  replace(L, "debug", "setmetatable", nogc_setmetatable, 1);
}
