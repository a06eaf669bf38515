/*
** worker.h - --workers N (worker.c, doc/workers.md): N Lua states running
** the same script, each in a thread of its own, each seeing every packet
** of its flows (the share pkt_flowshare gives, as --shard does).
**
** A worker is fed by the shared batches of a capture file (batch.h): the
** calling thread reads them and writes the passed records in input order
** (worker_io.c). A worker may instead own a source of its own (a live capture
** joined to a fanout group): `src` in pkt_Worker, for that driver to set;
** the script, the verdicts and the writer stay the same.
*/
#ifndef PKT_WORKER_H
#define PKT_WORKER_H

#include <pthread.h>
#include <stdatomic.h>

#include "batch.h"
#include "loop.h"

typedef struct pkt_Workers pkt_Workers;

typedef struct pkt_Worker {
  pkt_Workers *W;
  int index;                /* 1..N: info.worker, its share + 1 */
  pkt_Script *S;            /* its own state (reloads replace it) */
  pkt_Source *src;          /* its own source; NULL: the shared batches */
  /* the halves its thread runs the script with: the batches' (worker.c),
  ** or a driver's that reads src and hands the verdicts to the writer */
  pkt_Fetch fetch;
  pkt_Deliver deliver;
  pkt_Stats st;             /* its counters: read (packets it got),
                            ** errors, unknown outputs */
  pthread_t thread;
  int started;              /* the thread runs */
  int status;               /* pkt_script_run's last (<0: it ended the
                            ** run) */
  /* reading the batches */
  pkt_Batch *b;             /* the batch it scans, NULL: between two */
  uint64_t seq;             /* that batch's number, or the next one's */
  int at;                   /* the next of its records in b (an index
                            ** into b->mine) */
  pkt_Record *cur;          /* the record being handled */
  pkt_Verdict *out;         /* its verdict */
  unsigned reloads;         /* reload requests acted on */
  int ended;                /* a script error ended its run */
  /* published for the main thread at the end of each batch */
  atomic_ullong errors;
  atomic_size_t luamem;
  /* counted by the writer (the calling thread) */
  uint64_t passed, dropped, emitted;
} pkt_Worker;

/* the reading and the writing of the ring (worker_io.c): the calling
** thread's */
typedef struct pkt_Io {
  pkt_Loop *lp;
  atomic_int *reload;       /* the loop's SIGHUP flag, relayed to workers */
  pkt_Packet held;          /* read, but its batch was full: the next's */
  int isheld;
  int maxrec;               /* records per batch (fewer from a pipe) */
  int ended;                /* the input is over (or -c, or a stop) */
  uint64_t head;            /* batches published */
  uint64_t tail;            /* batches written */
  int stopped;              /* the writer ended the run early */
  int rc;                   /* PKT_ERROR_SCRIPT: a script error did */
} pkt_Io;

struct pkt_Workers {
  const pkt_Options *o;
  int n;
  int linktype;             /* the input's, for reloads */
  pkt_Worker *w;            /* n of them (owned) */
  pkt_Ring ring;
  pkt_Io io;
  atomic_uint reloads;      /* SIGHUPs seen by the calling thread */
};

/* n >= 2 workers for the script `first` (compiled, not started: it
** becomes worker 1's; the others are made from o): each state created and
** its chunk run, in order, in the calling thread. PKT_OK, or PKT_ERROR
** (err; *out NULL, `first` closed) */
int pkt_workers_new (pkt_Workers **out, const pkt_Options *o,
                     pkt_Script *first, int linktype, char *err);
/* the output's link type the script declared (pkt_script_linktype) */
int pkt_workers_linktype (pkt_Workers *W);
/* the run of lp's source through the workers to lp's sinks (lp->script
** unused): as pkt_loop_run, lp->st the writer's counters (read, passed,
** dropped...), the workers' own in each pkt_Worker. Signals: lp's flags,
** read by the calling thread only */
int pkt_workers_run (pkt_Workers *W, pkt_Loop *lp, char *err);
/* in w's thread: its script over what fetch gives until the end,
** reloading it when fetch says so; its last status (w->status) */
int pkt_worker_script (pkt_Worker *w, pkt_Fetch fetch,
                       pkt_Deliver deliver, void *ud);
/* worker_io.c: the duty set up for lp's run (reload: its SIGHUP flag) */
void pkt_io_begin (pkt_Workers *W, pkt_Loop *lp, atomic_int *reload);
/* the duty until the run is over: all read and written, or stopped */
void pkt_io_drive (pkt_Workers *W);
/* the workers told that no batch comes after the last one read (and, if
** the run was stopped, to skip what they hold) */
void pkt_io_halt (pkt_Workers *W);
/* after the threads: what was read and not written is not counted */
void pkt_io_end (pkt_Workers *W);
/* the lines of b's record i's verdict and bytes fetched ahead (its own
** line read: in the writer's cache, or fetched earlier) */
void pkt_record_prefetch (const pkt_Batch *b, int i);
/* worker_live.c: -i, lp->src a fanout set (pkt_source_openfanoutset)
** whose member i worker i+1 reads and runs its script on, the verdicts
** written under one lock, as they come; otherwise as pkt_workers_run */
int pkt_workers_runlive (pkt_Workers *W, pkt_Loop *lp, char *err);
/* the end-of-run summary's line per worker of the kernel's counters (-i) */
void pkt_workers_kernel (pkt_Workers *W, FILE *f);
/* every worker's finish() (worker 1 first), then merge(): PKT_OK, or
** PKT_ERROR when one failed (reported, counted in st) */
int pkt_workers_finish (pkt_Workers *W, pkt_Stats *st);
/* the workers' counters added to st: errors and Lua memory as they
** published them at their last batch; `final` (their threads ended):
** as they are, and the unknown outputs */
void pkt_workers_sum (pkt_Workers *W, pkt_Stats *st, int final);
/* --stats=json: ,"workers":[{...},...] */
void pkt_workers_json (pkt_Workers *W, FILE *f);
void pkt_workers_close (pkt_Workers *W);

#endif
