/*
** worker_live.c - -i with --workers N: each worker reads its own capture
** of the interface, one member of a PACKET_FANOUT group (source_fanout.c;
** with --fanout=hash the kernel keeps a flow, both ways, on one member),
** runs its script on what it reads and hands the verdicts to the shared
** sinks under one lock. There is no input order to keep across workers:
** each flow's packets are written in the order its worker read them.
**
** The calling thread takes the signals (the workers block them): a stop
** ends every worker's reading (each member woken), a reload is relayed
** (W->reloads, acted on between two packets), SIGUSR1's report and the
** progress line are made under the lock. -c counts the packets all
** workers took, one counter for all.
*/
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flowhash.h"
#include "worker.h"

/* milliseconds between two looks of the calling thread at the signals */
#define LOOK_MS 50

typedef struct Live {
  pkt_Workers *W;
  pkt_Loop *lp;             /* the shared sinks and counters, under mu */
  pthread_mutex_t mu;
  atomic_int stop;          /* every worker ends its run */
  atomic_ullong taken;      /* packets the workers took (numbers, -c) */
  atomic_int running;       /* workers whose thread has not ended */
  atomic_int scripterror;   /* a script error ended a worker's run */
} Live;

typedef struct LiveWorker {
  Live *R;
  pkt_Worker *w;
} LiveWorker;

static void stopall (Live *R) {
  atomic_store(&R->stop, 1);
  R->lp->src->ops->wakeup(R->lp->src);
}

/* an input error: told once (the first), and the run ends */
static void fail (Live *R, pkt_Worker *w, const char *why) {
  pthread_mutex_lock(&R->mu);
  if (R->lp->status == PKT_OK) {
    R->lp->status = PKT_ERROR;
    snprintf(R->lp->err, PKT_ERRSIZE, "%s (worker %d): %.900s",
             w->src->name, w->index, why);
  }
  pthread_mutex_unlock(&R->mu);
  stopall(R);
}

/* --shard beside the workers: p is outside the share (counted) */
static int outside (Live *R, const pkt_Packet *p) {
  pkt_Loop *lp = R->lp;
  if (pkt_flowshare(pkt_flowhash_frame(lp->src->linktype, p->data,
                                       p->hdr.caplen), lp->shardn)
      == lp->shardk - 1)
    return 0;
  pthread_mutex_lock(&R->mu);
  lp->st->read++;
  lp->st->bytes += p->hdr.caplen;
  lp->st->outside++;
  pthread_mutex_unlock(&R->mu);
  return 1;
}

/* pkt_script_run's fetch: the next packet of the worker's capture */
static int lfetch (void *ud, pkt_Packet *p) {
  LiveWorker *lw = (LiveWorker *)ud;
  Live *R = lw->R;
  pkt_Worker *w = lw->w;
  pkt_Loop *lp = R->lp;
  char why[PKT_ERRSIZE];
  unsigned long long n;
  int rc;
  for (;;) {
    unsigned reloads;
    if (atomic_load_explicit(&R->stop, memory_order_relaxed) ||
        pkt_guard_stopped())
      return PKT_END;
    reloads = atomic_load_explicit(&R->W->reloads, memory_order_relaxed);
    if (reloads != w->reloads) {
      w->reloads = reloads;
      return PKT_RELOAD;
    }
    p->route = PKT_ROUTE_DEFAULT;
    p->emitted = 0;
    p->iface = NULL;
    p->comment = NULL;
    p->commentlen = 0;
    rc = w->src->ops->next(w->src, p, why);
    if (rc == PKT_PACKET) {
      if (lp->shardn != 0 && outside(R, p)) continue;
      break;
    }
    if (rc == PKT_AGAIN) {  /* a wakeup: the sinks' clocks (-G) */
      if (lp->ticking) {
        pthread_mutex_lock(&R->mu);
        pkt_loop_tick(lp, NULL);
        pthread_mutex_unlock(&R->mu);
      }
      continue;
    }
    if (rc == PKT_END) why[0] = '\0';
    fail(R, w, rc == PKT_END ? "the capture ended" : why);
    return PKT_END;
  }
  n = atomic_fetch_add(&R->taken, 1);
  if (lp->count > 0 && n >= (unsigned long long)lp->count) {
    stopall(R);  /* -c: the others' packets were the last ones */
    return PKT_END;
  }
  p->no = n + 1;
  p->nano = w->src->nano;
  p->loop = 1;
  w->st.read++;
  w->st.bytes += p->hdr.caplen;
  return PKT_PACKET;
}

/* pkt_script_run's deliver: the verdict to the shared sinks */
static void ldeliver (void *ud, const pkt_Packet *p, int pass) {
  LiveWorker *lw = (LiveWorker *)ud;
  Live *R = lw->R;
  pkt_Worker *w = lw->w;
  pkt_Loop *lp = R->lp;
  pthread_mutex_lock(&R->mu);
  if (!p->emitted) {
    lp->st->read++;
    lp->st->bytes += p->hdr.caplen;
    if (lp->ticking) pkt_loop_tick(lp, p);
  }
  pkt_loop_deliver(lp, p, pass);
  if (p->emitted) w->emitted++;
  else if (pass) w->passed++;
  else w->dropped++;
  if (lp->halted) atomic_store(&R->stop, 1);
  pthread_mutex_unlock(&R->mu);
}

/* a worker's thread: its script over its capture until the end */
static void *lmain (void *ud) {
  LiveWorker *lw = (LiveWorker *)ud;
  pkt_Worker *w = lw->w;
  pkt_Stats k;
  if (pkt_worker_script(w, lfetch, ldeliver, lw) < 0) {  /* abort, or the early stop: the run ends */
    atomic_store(&lw->R->scripterror, 1);
    stopall(lw->R);
  }
  atomic_store_explicit(&w->errors, w->st.errors, memory_order_relaxed);
  atomic_store_explicit(&w->luamem, pkt_script_memory(w->S),
                        memory_order_relaxed);
  memset(&k, 0, sizeof(k));
  w->src->ops->stats(w->src, &k);  /* published, for the summary */
  atomic_fetch_sub(&lw->R->running, 1);
  return NULL;
}

static void nap (int ms) {
  struct timespec ts = { 0, ms * 1000000L };
  nanosleep(&ts, NULL);
}

int pkt_workers_runlive (pkt_Workers *W, pkt_Loop *lp, char *err) {
  LiveWorker *lw = calloc((size_t)W->n, sizeof(*lw));
  Live R;
  sigset_t all, old;
  int i, started = 0, rc = PKT_OK, tick = 0;
  memset(&R, 0, sizeof(R));
  R.W = W;
  R.lp = lp;
  pthread_mutex_init(&R.mu, NULL);
  lp->script = NULL;
  pkt_loop_begin(lp, err);
  if (lw == NULL) {
    snprintf(err, PKT_ERRSIZE, "--workers: out of memory");
    lp->status = PKT_ERROR;
  }
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  for (i = 0; lw && i < W->n; i++) {
    lw[i].R = &R;
    lw[i].w = &W->w[i];
    W->w[i].src = pkt_source_member(lp->src, i);
    atomic_fetch_add(&R.running, 1);
    if (pthread_create(&W->w[i].thread, NULL, lmain, &lw[i]) != 0) {
      atomic_fetch_sub(&R.running, 1);
      snprintf(err, PKT_ERRSIZE, "--workers: cannot start thread %d", i + 1);
      lp->status = PKT_ERROR;
      break;
    }
    W->w[i].started = 1;
    started++;
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (started < W->n) stopall(&R);
  while (atomic_load(&R.running) > 0) {
    if (lp->stop && *lp->stop && !atomic_load(&R.stop)) stopall(&R);
    if (lp->reload && *lp->reload) {
      *lp->reload = 0;
      atomic_fetch_add(&W->reloads, 1);
    }
    if ((lp->report && *lp->report) || (lp->hook && ++tick % 5 == 0)) {
      pthread_mutex_lock(&R.mu);
      pkt_loop_report(lp);
      if (lp->hook) lp->hook(lp, PKT_LOOP_PROGRESS);
      pthread_mutex_unlock(&R.mu);
    }
    nap(LOOK_MS);
  }
  for (i = 0; i < W->n; i++)
    if (W->w[i].started) pthread_join(W->w[i].thread, NULL);
  if (atomic_load(&R.scripterror)) rc = PKT_ERROR_SCRIPT;
  pthread_mutex_destroy(&R.mu);
  free(lw);
  return pkt_loop_end(lp, rc);
}

void pkt_workers_kernel (pkt_Workers *W, FILE *f) {
  int i;
  for (i = 0; i < W->n; i++) {
    pkt_Stats k;
    if (W->w[i].src == NULL) continue;
    memset(&k, 0, sizeof(k));
    pkt_live_published(W->w[i].src, &k);
    fprintf(f, "pktlua: kernel, worker %d: %u packets received, %u "
            "dropped, %u dropped by the interface\n", W->w[i].index,
            k.kreceived, k.kdropped, k.kifdropped);
  }
}
