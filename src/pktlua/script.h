/*
** script.h - the Lua side of the daemon (script.c): one Lua state running
** the user's script, the per-packet call, error reports.
*/
#ifndef PKT_SCRIPT_H
#define PKT_SCRIPT_H

#include "pkt.h"

typedef struct pkt_Script pkt_Script;

/* what a script says it is (pktlua.kind in its chunk): the verdict on a
** script error when --on-error is not given. A filter's packets are
** dropped (an error must not let through what it would have kept out),
** a rewriter's and an undeclared script's pass as the script left them
** (nothing lost). The kind is kept in the registry under PKT_KINDKEY. */
enum pkt_Kind { PKT_KIND_NONE, PKT_KIND_FILTER, PKT_KIND_REWRITER };
#define PKT_KINDKEY "pktlua.kind"

/* a script that fails on each of its first this many packets, and on no
** packet succeeds, is stopped (the typo case): unless --on-error=pass
** was given */
#define PKT_FIRSTFAILS 10

/* the loop's two halves of a run (loop.c): the next packet into *p
** (PKT_PACKET, PKT_END to stop, PKT_RELOAD), and the verdict on one */
typedef int (*pkt_Fetch) (void *ud, pkt_Packet *p);
typedef void (*pkt_Deliver) (void *ud, const pkt_Packet *p, int pass);

/*
** pktlua.emit's way to the outputs (module.c, which finds it in the
** registry as "pktlua.emitter"): the script side sets cur while packet()
** runs; an emitted packet goes to deliver with p->emitted set.
*/
typedef struct pkt_Emitter {
  const pkt_Packet *cur;     /* the packet being handled; NULL: none */
  pkt_Deliver deliver;       /* the loop's half */
  void *ud;
  const struct pkt_Routes *routes;  /* the output names */
} pkt_Emitter;

/* creates the state and compiles the script; NULL on error (err) */
pkt_Script *pkt_script_new (const pkt_Options *o, char *err);
/* runs the chunk once and finds `packet`: PKT_OK, or PKT_ERROR (err) */
int pkt_script_start (pkt_Script *S, int linktype, char *err);
/* runs fetched packets through packet() and delivers them until fetch
** says stop or reload; returns that status (PKT_END, PKT_RELOAD), or
** PKT_ERROR_SCRIPT when a script error ends the run (--on-error=abort:
** that packet is delivered as dropped; or the script failed on each of
** its first PKT_FIRSTFAILS packets: each got the --on-error verdict) */
int pkt_script_run (pkt_Script *S, pkt_Fetch fetch, pkt_Deliver deliver,
                    void *ud, pkt_Stats *st);
/* empties the reference memory and calls finish(): PKT_OK or PKT_ERROR
** (reported and counted) */
int pkt_script_finish (pkt_Script *S, pkt_Stats *st);
/* SIGHUP: a fresh state from the same script; on failure the old one
** stays. PKT_OK reloaded, PKT_ERROR kept the old one (reason printed). */
int pkt_script_reload (pkt_Script **S, int linktype, pkt_Stats *st);
size_t pkt_script_memory (pkt_Script *S);
/* the LINKTYPE_ the script declared for its output (pktlua.linktype),
** -1 when it declared none (NULL: none) */
int pkt_script_linktype (pkt_Script *S);
void pkt_script_close (pkt_Script *S);
/* async-signal-safe: whichever script state and coroutine runs raises
** "interrupted", and no script code runs after that in this process:
** not the rest of a call, not finish(), not a reload's chunk */
void pkt_script_interrupt (void);
/* this OS thread runs worker w's script (1..PKT_MAXWORKERS; 0: the main
** thread), so that pkt_script_interrupt reaches it (script_guard.c) */
void pkt_guard_thread (int w);
/* a second SIGINT/SIGTERM came: no more script code in this process */
int pkt_guard_stopped (void);
/* info.worker of S's packets (1 unless --workers) */
void pkt_script_setworker (pkt_Script *S, int w);
/* once every finish() ran: when the script defines merge(results), it
** runs in a fresh state with the values finish() returned in scripts[0..n)
** (numbers, strings, booleans, tables of them; script_merge.c). PKT_OK,
** or PKT_ERROR (reported, counted in st) */
int pkt_script_merge (pkt_Script *const *scripts, int n, int linktype,
                      pkt_Stats *st);





/* ---- script_report.c: script errors, each shown once then counted ---- */
#define PKT_MAXSEEN 16   /* distinct errors remembered for their repeats */

typedef struct pkt_Seen {
  char msg[256];            /* the error, as shown */
  uint64_t more;            /* times it came back since */
  uint64_t lastpkt;         /* packet of the latest */
} pkt_Seen;

typedef struct pkt_Reports {
  pkt_Seen seen[PKT_MAXSEEN];
  int nseen;
  unsigned shown;           /* distinct error lines shown */
  int silenced;             /* said we stop showing them */
} pkt_Reports;

/* shows msg (from packet pktno) the first time, counts it afterwards */
void pkt_reports_add (pkt_Reports *r, const char *msg, uint64_t pktno);
/* the repeats counted since the last flush, one line per error */
void pkt_reports_flush (pkt_Reports *r);

#endif
