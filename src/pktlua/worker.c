/*
** worker.c - --workers N: N Lua states in threads of one process, each
** running the same script on the packets of its flows.
**
** A capture file goes through one reader, the workers and one writer
** (doc/workers.md). The reader and the writer are the calling thread: it
** fills a ring of batches (batch.h), each record marked with its flow's
** worker (pkt_flowshare of the flow hash, the share --shard w/N takes);
** each worker runs the script on its records, in order, through the same
** pkt_script_run as a single-worker run, with a fetch that scans the
** batches and a deliver that writes the verdict into the record; the
** writer waits for all N and writes the batch's records in input order
** through the loop's own deliver (loop.c). A script that decides on the
** packet and its flow's earlier packets writes what one worker writes.
**
** Signals reach the calling thread only (the workers block them), which
** reads the loop's flags: a stop ends the reading, what was read is
** written; a reload is relayed to every worker (W->reloads, acted on
** between two batches); a second stop interrupts every worker's script
** (script_guard.c) and the writer stops at the first record left alone.
*/
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowhash.h"
#include "worker.h"

/* batches in flight per worker: the reader runs ahead of the slowest */
#define RING_PER_WORKER 3

/* milliseconds the writer sleeps on a batch before it looks at the
** signal flags again */
#define WAIT_MS 50


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
  if (pkt_ring_init(&W->ring, RING_PER_WORKER * n, n, err) != PKT_OK)
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
      w->at = 0;
      b->arenas[me].used = 0;  /* the writer is done with its contents */
      b->arenas[me].nemits = 0;
    }
    while (w->at < b->nrec) {
      pkt_Record *rec = &b->rec[w->at++];
      if (rec->worker != me) continue;  /* another flow's worker's */
      if (ending(w)) {
        rec->fate = PKT_FATE_SKIP;
        continue;
      }
      w->cur = rec;
      *p = rec->p;
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
            (unsigned long long)w->cur->p.no);
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
  pkt_Record *rec = w->cur;
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
    rec->nemit++;
    return;
  }
  rec->moved = !within(p->data, p->hdr.caplen, rec->bytes, rec->caplen);
  if (rec->moved) {
    if ((off = keep(w, p->data, p->hdr.caplen)) == (size_t)-1)
      pass = rec->moved = 0;
    else rec->dataoff = off;
  }
  /* a comment the script set (info.comment) is anchored until its next */
  rec->commented = p->comment != NULL && p->comment != rec->p.comment;
  if (rec->commented) {
    if ((off = keep(w, p->comment, p->commentlen)) == (size_t)-1)
      pass = rec->commented = 0;
    else rec->commentoff = off;
  }
  rec->p.hdr = p->hdr;
  rec->p.route = p->route;
  rec->p.data = p->data;
  rec->p.comment = p->comment;
  rec->p.commentlen = p->commentlen;
  rec->fate = pass ? PKT_FATE_PASS : PKT_FATE_DROP;
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
    if (w->cur) w->cur->last = 1;
    w->ended = 1;
    while (w->fetch(w, &p) != PKT_END) {}
  }
  return NULL;
}

/* }====================================================== */


/*
** {======================================================
** The reader and the writer: the calling thread
** =======================================================
*/

typedef struct Reader {
  pkt_Packet p;             /* the record read last */
  int held;                 /* p did not fit its batch: the next one's */
  int ended;                /* the input ended (or -c, or a stop) */
} Reader;

/*
** The hash that picks a packet's worker: the flow hash, as --shard w/N
** takes it. Within a --shard K/M share the hashes span 1/M of the range:
** they are stretched over all of it (h * M, modulo 2^32), so that the
** share's flows still spread over every worker.
*/
static uint32_t workerhash (const pkt_Loop *lp, const pkt_Packet *p,
                            const unsigned char *bytes) {
  uint32_t h = pkt_flowhash_frame(p->iface ? p->iface->linktype
                                           : lp->src->linktype,
                                  bytes, p->hdr.caplen);
  return lp->shardn > 1 ? h * (uint32_t)lp->shardn : h;
}

/* batch b filled with what the loop reads next */
static void fill (pkt_Workers *W, pkt_Loop *lp, pkt_Batch *b, Reader *rd) {
  b->nrec = 0;
  b->nbytes = 0;
  while (!rd->ended) {
    pkt_Packet *p = &rd->p;
    pkt_Record *rec;
    unsigned char *at;
    size_t n;
    int fail;
    if (!rd->held) {
      if (pkt_loop_fetch(lp, p) != PKT_PACKET) {
        rd->ended = 1;
        break;
      }
      rd->held = 1;
    }
    n = (size_t)p->hdr.caplen + (p->comment ? p->commentlen : 0);
    if ((at = pkt_batch_room(b, n, &fail)) == NULL) {
      if (fail && lp->status == PKT_OK) {
        lp->status = PKT_ERROR;
        snprintf(lp->err, PKT_ERRSIZE, "%s: packet %llu: out of memory for "
                 "a %zu-byte record", lp->src->name,
                 (unsigned long long)p->no, n);
        rd->ended = 1;
      }
      break;  /* full: p opens the next batch */
    }
    rec = &b->rec[b->nrec++];
    rec->p = *p;
    memcpy(at, p->data, p->hdr.caplen);
    rec->p.data = rec->bytes = at;
    if (p->comment) {
      memcpy(at + p->hdr.caplen, p->comment, p->commentlen);
      rec->p.comment = (const char *)at + p->hdr.caplen;
    }
    rec->ts = p->hdr.ts;
    rec->caplen = p->hdr.caplen;
    rec->nemit = 0;
    rec->fate = PKT_FATE_NONE;
    rec->moved = rec->commented = rec->last = 0;
    rec->worker = (uint8_t)pkt_flowshare(workerhash(lp, p, at),
                                         (unsigned)W->n);
    rd->held = 0;
  }
}

/* the outcome of writing a batch */
enum { WRITTEN, WRITE_STOP, WRITE_SCRIPTERROR };

/*
** Batch b's records to the sinks, in input order, through the loop's
** deliver (counted, paced, ticked as with one worker): what each record's
** worker emitted while handling it first, then the record. *done: the
** records written.
*/
static int writebatch (pkt_Workers *W, pkt_Loop *lp, pkt_Batch *b,
                       int *done) {
  int i, w;
  for (w = 0; w < W->n; w++) b->arenas[w].nextemit = 0;
  for (i = 0; i < b->nrec; i++) {
    pkt_Record *rec = &b->rec[i];
    pkt_Worker *wk = &W->w[rec->worker];
    pkt_Arena *a = &b->arenas[rec->worker];
    pkt_Packet q;
    uint32_t j;
    *done = i;
    if (rec->fate == PKT_FATE_NONE || rec->fate == PKT_FATE_SKIP)
      return WRITE_STOP;  /* the run ended before its worker had it */
    if (lp->ticking) {  /* the sinks' clocks see the time as read */
      q = rec->p;
      q.hdr.ts = rec->ts;
      pkt_loop_tick(lp, &q);
    }
    for (j = 0; j < rec->nemit; j++) {
      pkt_Emitted *e = &a->emits[a->nextemit++];
      q = e->p;
      q.data = a->buf + e->dataoff;
      pkt_loop_deliver(lp, &q, 1);
      wk->emitted++;
    }
    q = rec->p;
    if (rec->moved) q.data = a->buf + rec->dataoff;
    if (rec->commented) q.comment = (const char *)a->buf + rec->commentoff;
    pkt_loop_deliver(lp, &q, rec->fate == PKT_FATE_PASS);
    if (rec->fate == PKT_FATE_PASS) wk->passed++;
    else wk->dropped++;
    *done = i + 1;
    if (rec->last) return WRITE_SCRIPTERROR;
    if (lp->halted || lp->paceend) return WRITE_STOP;
  }
  return WRITTEN;
}

/* records read but not written (the run stopped first) are not counted
** as read: the counters describe what went through */
static void unread (pkt_Stats *st, const pkt_Batch *b, int from) {
  int i;
  for (i = from; i < b->nrec; i++) {
    st->read--;
    st->bytes -= b->rec[i].caplen;
  }
}

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
  pkt_Ring *r = &W->ring;
  volatile sig_atomic_t *reload = lp->reload;
  uint64_t head = 0, tail = 0, k = (uint64_t)r->k;
  Reader rd;
  int stop = 0, rc = PKT_OK, i;
  memset(&rd, 0, sizeof(rd));
  lp->reload = NULL;  /* relayed to the workers below */
  lp->script = NULL;
  lp->writerticks = 1;
  pkt_loop_begin(lp, err);
  if (startthreads(W, err) != PKT_OK) {
    lp->status = PKT_ERROR;
    stop = 1;
  }
  while (!stop) {
    pkt_Batch *b;
    if (reload && *reload) {
      *reload = 0;
      atomic_fetch_add(&W->reloads, 1);
    }
    pkt_loop_report(lp);
    if (tail < head && pkt_ring_finished(r, &r->b[tail % k], 0)) {
      int done, how = writebatch(W, lp, &r->b[tail % k], &done);
      if (how != WRITTEN) {
        unread(lp->st, &r->b[tail % k], done);
        if (how == WRITE_SCRIPTERROR) rc = PKT_ERROR_SCRIPT;
        stop = 1;
      }
      tail++;
      continue;
    }
    if (!rd.ended && head - tail < k) {
      b = &r->b[head % k];
      fill(W, lp, b, &rd);
      if (b->nrec > 0) pkt_ring_publish(r, b, head++);
      continue;
    }
    if (tail == head) break;  /* all read, all written */
    pkt_ring_finished(r, &r->b[tail % k], WAIT_MS);
  }
  /* the workers skip what is left, and wait for nothing more */
  if (stop) atomic_store(&r->quit, 1);
  pkt_ring_close(r, head);
  for (i = 0; i < W->n; i++)
    if (W->w[i].started) pthread_join(W->w[i].thread, NULL);
  for (; tail < head; tail++) unread(lp->st, &r->b[tail % k], 0);
  if (rd.held) {
    lp->st->read--;
    lp->st->bytes -= rd.p.hdr.caplen;
  }
  lp->reload = reload;
  return pkt_loop_end(lp, rc);
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
