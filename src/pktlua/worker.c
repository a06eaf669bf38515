/*
** worker.c - --workers N: N Lua states in threads of one process, each
** running the same script on the packets of its flows.
**
** A capture file is read into a ring of batches (batch.h), each record
** marked with its flow's worker (pkt_flowshare of the flow hash, the
** share --shard w/N takes); each worker runs the script on its records,
** in order, through the same pkt_script_run as a single-worker run, with
** a fetch that takes its records of each batch and a deliver that writes
** the verdict into the record; once all N are done with a batch its
** records are written in input order through the loop's own deliver
** (loop.c). A script that decides on the packet and its flow's earlier
** packets writes what one worker writes. The reading and the writing are
** the calling thread's (worker_io.c, doc/workers.md).
**
** Signals reach the calling thread only (the workers block them), which
** reads the loop's flags: a stop ends the reading, what was read
** is written; a reload is relayed to every worker (W->reloads, acted on
** between two batches); a second stop interrupts every worker's script
** (script_guard.c) and the writer stops at the first record left alone.
*/
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "worker.h"

/* batches in flight, whatever the number of workers (each takes its
** records from every batch): the reader runs ahead of the slowest, and
** the memory (about 4.6 MiB) does not grow with --workers. Many, so that
** while the calling thread takes a core to write and refill a few
** (worker_io.c), the workers have plenty left to run on: with 6, a
** worker it preempted fell behind and the other ran out of batches */
#define RING_BATCHES 24

/*
** {======================================================
** Workers: a state each, and the halves pkt_script_run calls
** =======================================================
*/

static int wfetch (void *ud, pkt_Packet *p);
static void wdeliver (void *ud, const pkt_Packet *p, int pass);

int pkt_workers_new (pkt_Workers **out, const pkt_Options *o,
                     pkt_Script *first, int linktype, char *err) {
  pkt_Workers *W = calloc(1, sizeof(*W));
  int n = o->workers, i;
  *out = NULL;
  if (W == NULL || (W->w = calloc((size_t)n, sizeof(*W->w))) == NULL) {
    snprintf(err, PKT_ERRSIZE, "--workers: out of memory");
    free(W);
    pkt_script_close(first);
    return PKT_ERROR;
  }
  W->o = o;
  W->n = n;
  W->linktype = linktype;
  atomic_init(&W->reloads, 0);
  for (i = 0; i < n; i++) {
    pkt_Worker *w = &W->w[i];
    w->W = W;
    w->index = i + 1;
    w->fetch = wfetch;
    w->deliver = wdeliver;
    atomic_init(&w->errors, 0);
    atomic_init(&w->luamem, 0);
  }
  /* the chunk runs once per worker, in order, before any thread starts:
  ** a chunk that fails stops the run before the first packet */
  for (i = 0; i < n; i++) {
    pkt_Worker *w = &W->w[i];
    w->S = i == 0 ? first : pkt_script_new(o, err);
    if (w->S == NULL) goto fail;
    pkt_script_setworker(w->S, w->index);
    if (pkt_script_start(w->S, linktype, err) != PKT_OK) goto fail;
    atomic_store(&w->luamem, pkt_script_memory(w->S));
  }
  if (pkt_ring_init(&W->ring, RING_BATCHES, n, err) != PKT_OK)
    goto fail;
  *out = W;
  return PKT_OK;
fail:
  pkt_workers_close(W);
  return PKT_ERROR;
}

int pkt_workers_linktype (pkt_Workers *W) {
  return pkt_script_linktype(W->w[0].S);
}

/* the run is ending: the worker leaves its records alone */
static int ending (pkt_Worker *w) {
  return w->ended ||
         atomic_load_explicit(&w->W->ring.quit, memory_order_relaxed) ||
         pkt_guard_stopped();
}

/* the worker is done with its batch: its counters published, the
** writer told */
static void leave (pkt_Worker *w) {
  atomic_store_explicit(&w->errors, w->st.errors, memory_order_relaxed);
  atomic_store_explicit(&w->luamem, pkt_script_memory(w->S),
                        memory_order_relaxed);
  pkt_ring_done(&w->W->ring, w->b);
  w->b = NULL;
  w->seq++;
}

/*
** pkt_script_run's fetch: the worker's next record, from the batch it
** scans or the next one published; a reload between two batches.
*/
static int wfetch (void *ud, pkt_Packet *p) {
  pkt_Worker *w = (pkt_Worker *)ud;
  unsigned me = (unsigned)w->index - 1;
  w->cur = NULL;
  for (;;) {
    pkt_Batch *b = w->b;
    if (b == NULL) {
      unsigned reloads = atomic_load_explicit(&w->W->reloads,
                                              memory_order_relaxed);
      if (reloads != w->reloads && !w->ended) {
        w->reloads = reloads;
        return PKT_RELOAD;
      }
      if ((b = w->b = pkt_ring_wait(&w->W->ring, w->seq)) == NULL)
        return PKT_END;
      w->at = b->first[me];
      b->arenas[me].used = 0;  /* the writer is done with its contents */
      b->arenas[me].nemits = 0;
    }
    /* its own records only, through the reader's index: the others'
    ** lines stay where they are */
    while (w->at < b->first[me + 1]) {
      int i = b->mine[w->at++];
      pkt_Verdict *v = &b->out[i];
      /* the next record's bytes, and the line of the one after */
      if (w->at < b->first[me + 1]) {
        pkt_record_prefetch(b, b->mine[w->at]);
        if (w->at + 1 < b->first[me + 1])
          pkt_prefetch(&b->rec[b->mine[w->at + 1]], 0);
      }
      if (ending(w)) {
        v->fate = PKT_FATE_SKIP;
        continue;
      }
      v->fate = PKT_FATE_NONE;
      v->nemit = 0;
      v->last = 0;
      w->cur = &b->rec[i];
      w->out = v;
      pkt_record_packet(b, w->cur, p);
      w->st.read++;
      return PKT_PACKET;
    }
    leave(w);
  }
}

/* n bytes of src in the worker's arena of its batch: the offset, or
** (size_t)-1 (reported, counted) */
static size_t keep (pkt_Worker *w, const void *src, size_t n) {
  size_t off = pkt_arena_add(&w->b->arenas[w->index - 1], src, n);
  if (off == (size_t)-1) {
    w->st.errors++;
    fprintf(stderr, "pktlua: worker %d: out of memory for the packet "
            "(packet %llu)\n", w->index,
            (unsigned long long)w->cur->no);
  }
  return off;
}

/* data[0..n) lies within base[0..len) */
static int within (const unsigned char *data, size_t n,
                   const unsigned char *base, size_t len) {
  uintptr_t d = (uintptr_t)data, b = (uintptr_t)base;
  return d >= b && d - b <= len && n <= len - (d - b);
}

/*
** pkt_script_run's deliver: the verdict into the record. What would not
** outlive the next packet is kept in the arena: bytes an edit moved into
** the script's reused buffer, a comment the script set, and the packets
** pktlua.emit made (they go out before the record, as with one worker).
*/
static void wdeliver (void *ud, const pkt_Packet *p, int pass) {
  pkt_Worker *w = (pkt_Worker *)ud;
  const pkt_Record *rec = w->cur;
  pkt_Verdict *v = w->out;
  const unsigned char *bytes = w->b->bytes + rec->off;
  const char *comment = rec->hascomment ? (const char *)bytes + rec->caplen
                                        : NULL;
  size_t off;
  if (p->emitted) {
    pkt_Emitted *e;
    if ((off = keep(w, p->data, p->hdr.caplen)) == (size_t)-1) return;
    if ((e = pkt_arena_emit(&w->b->arenas[w->index - 1])) == NULL) {
      w->st.errors++;
      return;
    }
    e->p = *p;
    e->p.data = NULL;
    e->dataoff = off;
    v->nemit++;
    return;
  }
  v->moved = !within(p->data, p->hdr.caplen, bytes, rec->caplen);
  v->dataoff = v->moved ? keep(w, p->data, p->hdr.caplen)
                        : (size_t)(p->data - bytes);
  if (v->dataoff == (size_t)-1) {  /* dropped: the bytes as read go */
    pass = v->moved = 0;
    v->dataoff = 0;
  }
  /* a comment the script set (info.comment) is anchored until its next */
  v->comment = p->comment == NULL ? PKT_COMMENT_NONE
             : p->comment == comment ? PKT_COMMENT_READ : PKT_COMMENT_ARENA;
  v->commentlen = p->comment ? p->commentlen : 0;
  if (v->comment == PKT_COMMENT_ARENA) {
    if ((off = keep(w, p->comment, p->commentlen)) == (size_t)-1) {
      pass = 0;
      v->comment = comment ? PKT_COMMENT_READ : PKT_COMMENT_NONE;
      v->commentlen = rec->commentlen;
    }
    else v->commentoff = off;
  }
  v->ts = p->hdr.ts;
  v->caplen = p->hdr.caplen;
  v->len = p->hdr.len;
  v->route = p->route;
  v->fate = pass ? PKT_FATE_PASS : PKT_FATE_DROP;
}

int pkt_worker_script (pkt_Worker *w, pkt_Fetch fetch,
                       pkt_Deliver deliver, void *ud) {
  int rc;
  pkt_guard_thread(w->index);
  for (;;) {
    rc = pkt_script_run(w->S, fetch, deliver, ud, &w->st);
    if (rc != PKT_RELOAD) break;
    pkt_script_reload(&w->S, w->W->linktype, &w->st);
  }
  return w->status = rc;
}

/* a worker's thread: the script over its records until the end */
static void *wmain (void *ud) {
  pkt_Worker *w = (pkt_Worker *)ud;
  pkt_Packet p;
  int rc = pkt_worker_script(w, w->fetch, w->deliver, w);
  if (rc < 0) {  /* a script error ended its run: the writer stops after
                 ** its record; its other records are left alone */
    if (w->cur) w->out->last = 1;
    w->ended = 1;
    while (w->fetch(w, &p) != PKT_END) {}
  }
  return NULL;
}

/* }====================================================== */


/*
** {======================================================
** The run: the threads, and the calling thread's duty
** =======================================================
*/

/* starts the workers' threads, which take no signal */
static int startthreads (pkt_Workers *W, char *err) {
  sigset_t all, old;
  int i, rc = PKT_OK;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  for (i = 0; i < W->n; i++) {
    if (pthread_create(&W->w[i].thread, NULL, wmain, &W->w[i]) != 0) {
      snprintf(err, PKT_ERRSIZE, "--workers: cannot start thread %d", i + 1);
      rc = PKT_ERROR;
      break;
    }
    W->w[i].started = 1;
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  return rc;
}

int pkt_workers_run (pkt_Workers *W, pkt_Loop *lp, char *err) {
  atomic_int *reload = lp->reload;
  int i;
  lp->reload = NULL;  /* relayed to the workers by the calling thread */
  lp->script = NULL;
  lp->writerticks = 1;
  pkt_loop_begin(lp, err);
  pkt_io_begin(W, lp, reload);
  if (startthreads(W, err) != PKT_OK) {
    lp->status = PKT_ERROR;
    W->io.stopped = 1;
    pkt_io_halt(W);
  }
  else pkt_io_drive(W);
  for (i = 0; i < W->n; i++)
    if (W->w[i].started) pthread_join(W->w[i].thread, NULL);
  pkt_io_end(W);
  lp->reload = reload;
  return pkt_loop_end(lp, W->io.rc);
}

/* }====================================================== */


int pkt_workers_finish (pkt_Workers *W, pkt_Stats *st) {
  pkt_Script *scripts[PKT_MAXWORKERS];
  int i, rc = PKT_OK;
  for (i = 0; i < W->n; i++) {
    pkt_Worker *w = &W->w[i];
    if (pkt_script_finish(w->S, &w->st) != PKT_OK) rc = PKT_ERROR;
    scripts[i] = w->S;
  }
  if (rc == PKT_OK && pkt_script_merge(scripts, W->n, W->linktype, st)
      != PKT_OK)
    rc = PKT_ERROR;
  return rc;
}

void pkt_workers_sum (pkt_Workers *W, pkt_Stats *st, int final) {
  int i;
  for (i = 0; i < W->n; i++) {
    pkt_Worker *w = &W->w[i];
    if (final) {  /* the threads have ended: their own counters */
      atomic_store(&w->errors, w->st.errors);
      atomic_store(&w->luamem, pkt_script_memory(w->S));
      st->unknownoutputs += w->st.unknownoutputs;
    }
    st->errors += atomic_load_explicit(&w->errors, memory_order_relaxed);
    st->luamem += atomic_load_explicit(&w->luamem, memory_order_relaxed);
  }
}

void pkt_workers_json (pkt_Workers *W, FILE *f) {
  int i;
  fputs(",\"workers\":[", f);
  for (i = 0; i < W->n; i++) {
    pkt_Worker *w = &W->w[i];
    fprintf(f, "%s{\"worker\":%d,\"read\":%llu,\"passed\":%llu,"
            "\"dropped\":%llu,\"emitted\":%llu,\"errors\":%llu,"
            "\"lua_memory\":%zu", i > 0 ? "," : "", w->index,
            (unsigned long long)w->passed + w->dropped,
            (unsigned long long)w->passed, (unsigned long long)w->dropped,
            (unsigned long long)w->emitted,
            (unsigned long long)atomic_load(&w->errors),
            (size_t)atomic_load(&w->luamem));
    if (w->src) {  /* -i: its capture's kernel counters */
      pkt_Stats k;
      memset(&k, 0, sizeof(k));
      pkt_live_published(w->src, &k);
      fprintf(f, ",\"kernel\":{\"received\":%u,\"dropped\":%u,"
              "\"ifdropped\":%u}", k.kreceived, k.kdropped, k.kifdropped);
    }
    fputs("}", f);
  }
  fputs("]", f);
}

void pkt_workers_close (pkt_Workers *W) {
  int i;
  if (W == NULL) return;
  for (i = 0; i < W->n; i++) pkt_script_close(W->w[i].S);
  pkt_ring_free(&W->ring);
  free(W->w);
  free(W);
}
