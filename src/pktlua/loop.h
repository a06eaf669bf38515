/*
** loop.h - the packet loop (loop.c): packets from the source, through the
** script, to the sinks, with the caller's signals and -c looked at
** between two packets. pktlua's main and the capture fuzzer run the same
** loop.
*/
#ifndef PKT_LOOP_H
#define PKT_LOOP_H

#include <signal.h>
#include <stdatomic.h>

#include "pacer.h"
#include "pkt.h"
#include "script.h"
#include "sink.h"
#include "source.h"

/* what the loop tells its caller through the hook */
enum pkt_LoopEvent {
  PKT_LOOP_PROGRESS,        /* every 1024 packets, and when none came */
  PKT_LOOP_REPORT,          /* the report flag was set: stats are fresh */
  PKT_LOOP_RELOADING,       /* the script is about to be replaced */
  PKT_LOOP_RELOADED         /* lp->script is the new one (or the old) */
};

typedef struct pkt_Loop {
  pkt_Source *src;
  pkt_Sink *const *sinks;   /* passed packets go to each, in order */
  int nsinks;
  pkt_Script *script;       /* NULL: a plain copy; reloads replace it */
  pkt_Stats *st;
  long long count;          /* -c: stop after this many packets, 0: none */
  /* --loop: passes over the input through the source's rewind (0 and 1:
  ** once, <0: until stopped); the pass being read (1-based) */
  long long loops;
  uint64_t loop;
  pkt_Pacer *pacer;         /* NULL: passed packets leave at once */
  int fixcksum;             /* --fix-checksums: TCP/UDP sums recomputed */
  /* --shard K/N: other shares' packets are counted (st->outside) and
  ** skipped before the script; shardn 0: every packet */
  unsigned shardk, shardn;
  /* set by the caller's signal handlers, cleared here; NULL: none.
  ** Lock-free atomics, not sig_atomic_t: with --workers the thread that
  ** reads them is not always the one the handler ran in. */
  atomic_int *stop;         /* end the run before the next packet */
  atomic_int *reload;       /* reload the script between packets */
  atomic_int *report;       /* refresh the stats, PKT_LOOP_REPORT */
  void (*hook) (struct pkt_Loop *lp, int event);  /* NULL: none */
  void *ud;                 /* the hook's */
  int writerticks;          /* the sinks' ticks are the caller's
                            ** (pkt_loop_tick, worker.c), not fetch's */
  int status;               /* (the loop's own) */
  int halted;               /* (the loop's own) a sink took no more */
  int paceend;              /* (the loop's own) the pacer said stop */
  int ticking;              /* (the loop's own) a sink wants ticks */
  uint64_t passread;        /* (the loop's own) packets the script had
                               (read, not outside) when a pass began */
  char *err;                /* (the loop's own) */
} pkt_Loop;

/* runs until the input ends, -c, *stop, or a sink's output ends (a pipe's
** reader went away): PKT_OK; PKT_ERROR when the input or an output fails
** (err: "name: packet N: why"); PKT_ERROR_SCRIPT when a script error ends
** the run (--on-error=abort, or a script failing on each of its first
** packets: already reported); an output's error outranks it. The sinks
** are flushed before it returns, so st->passed counts what the outputs
** have. */
int pkt_loop_run (pkt_Loop *lp, char *err);

/*
** The loop's parts, for a run that reads, runs the script and writes in
** different threads (worker.c): pkt_loop_begin, then any number of the
** middle ones from one thread, then pkt_loop_end (the sinks flushed; its
** result as pkt_loop_run's, rc the script side's).
*/
void pkt_loop_begin (pkt_Loop *lp, char *err);
int pkt_loop_end (pkt_Loop *lp, int rc);
/* the next packet read (numbered, counted): PKT_PACKET, PKT_RELOAD (only
** with lp->script), or PKT_END (input over, -c, a stop, a halted sink, or
** an input error in lp->status) */
int pkt_loop_fetch (pkt_Loop *lp, pkt_Packet *p);
/* a verdict: counted, then written by the sinks its route names */
void pkt_loop_deliver (pkt_Loop *lp, const pkt_Packet *p, int pass);
/* the sinks' clocks before packet p is written (lp->writerticks) */
void pkt_loop_tick (pkt_Loop *lp, const pkt_Packet *p);
/* SIGUSR1's report when its flag is set */
void pkt_loop_report (pkt_Loop *lp);

#endif
