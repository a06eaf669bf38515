/*
** script_state.h - the script state's inside, shared by script.c (the
** state, its modules, the per-packet call) and script_guard.c (budget,
** interrupts and the library functions a script must not escape them by).
*/
#ifndef PKT_SCRIPT_STATE_H
#define PKT_SCRIPT_STATE_H

#include <signal.h>

#include <lua.h>

#include "lmemlib.h"
#include "script.h"
#include "script_info.h"
#include "script_route.h"

/*
** Fixed stack slots, set once by pkt_script_start: the per-packet path
** pushes copies of these instead of looking anything up by name.
*/
#define SLOT_MSGH    1   /* message handler for lua_pcall */
#define SLOT_FUNC    2   /* the script's packet function */
#define SLOT_PKT     3   /* the one reference memory */
#define SLOT_INFO    4   /* the one info table, then its keys (script_info) */
#define SLOT_KLAST   (SLOT_INFO + PKT_INFO_NSLOTS - 1)

struct pkt_Script {
  lua_State *L;
  const pkt_Options *o;
  size_t used;               /* bytes allocated by the state */
  size_t cap;                /* --max-lua-memory, 0: none */
  int started;               /* the fixed slots are in place */
  int wantsinfo;             /* packet() has a second parameter */
  luamem_Head *pkt;          /* head of the memory at SLOT_PKT */
  volatile sig_atomic_t inlua;  /* running the script's code */
  unsigned long call;        /* calls into the script so far (budget) */
  int exhausted;             /* this call spent its budget */
  pkt_Info info;             /* the info table's side in C */
  pkt_Reports reports;       /* script errors shown and counted */
  pkt_Routes routes;         /* verdicts to outputs (script_route.c) */
  int kind;                  /* declared by pktlua.kind: enum pkt_Kind */
  int ran;                   /* pkt_script_run was called */
  uint64_t readbase;         /* packets read before this script's first */
  uint64_t pkterrors;        /* its errors on packets */
};

/* ---- script_guard.c ---- */

/* Calls f with the nargs values on top of the stack as a protected call
** into the script: under the budget, interruptible by a signal while it
** runs, with no hook left behind. Leaves nresults, or the error. */
int pkt_guard_call (pkt_Script *S, lua_CFunction f, int nargs,
                    int nresults);
/* a call into the script starts: a fresh --max-instructions budget */
void pkt_guard_arm (pkt_Script *S);
/* L starts running script code (NULL: none runs any more); a stop that
** came before reaches it */
void pkt_guard_running (lua_State *L);
/* a second SIGINT/SIGTERM came: no more script code in this process */
int pkt_guard_stopped (void);
/* replaces the library functions that would escape the guard: coroutine
** resume/wrap/close, debug.sethook, setmetatable with a __gc */
void pkt_guard_libs (lua_State *L);

#endif
