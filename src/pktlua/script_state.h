/*
** script_state.h - the script state's inside, shared by script.c (the
** state, its modules, the per-packet call) and script_guard.c (budget,
** interrupts and the library functions a script must not escape them by).
*/
#ifndef PKT_SCRIPT_STATE_H
#define PKT_SCRIPT_STATE_H

#include <signal.h>

#include <lua.h>

#include "edit.h"
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
  pkt_Emitter emitter;       /* pktlua.emit's (module.c) */
  pkt_Edit edit;             /* the packet being handled, its edits */
  int outlinktype;           /* pktlua.linktype's LINKTYPE_, -1: none */
};

/* pushes the global `name` as the script defined it (a raw lookup: no
** __index of the script's runs) and returns its type (script.c) */
int pkt_rawglobal (lua_State *L, const char *name);

/* the registry key of finish()'s result, which merge() gets */
#define PKT_RESULTKEY "pktlua.result"

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
/* replaces the library functions that would escape the guard: coroutine
** resume/wrap/close, debug.sethook, setmetatable with a __gc */
void pkt_guard_libs (lua_State *L);

/*
** pkt (at stack index idx) shows mem[0..len), or nothing (mem NULL), by
** the owner protocol of lmemlib.h: a store into its head while its unref
** is NULL (the bytes are the daemon's); a `pkt` the script sliced has the
** library's mark there instead and goes through luamem_resetref, which
** empties the slices. Inline: it runs for every packet (script.c) and
** after every edit (script_edit.c).
*/
static inline void pkt_script_repoint (pkt_Script *S, int idx,
                                       unsigned char *mem, size_t len) {
  luamem_Head *h = S->pkt;
  if (h->unref != NULL) {
    luamem_resetref(S->L, idx, (char *)mem, len, NULL, 0);
    return;
  }
  h->mem = mem ? (char *)mem : LUAMEM_EMPTY;
  h->len = mem ? len : 0;
}

/* ---- script_edit.c ---- */
/* S is what the edit functions of the pktlua module work on (before the
** module is loaded) */
void pkt_edit_attach (pkt_Script *S);

#endif
