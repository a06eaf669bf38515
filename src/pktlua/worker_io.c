/*
** worker_io.c - --workers N over capture files: the reading into the
** ring of batches and the writing out of it, both in the calling thread
** (worker.h's pkt_Io), the thread the signals reach.
**
** One turn of the duty writes the finished batches in order through the
** loop's own deliver, then fills the free ones through the loop's own
** fetch; then the thread sleeps until WAKE more batches are done, so
** that it wakes once per few batches, not once per batch, and its turn
** is short next to the work still in the ring: it takes a core from a
** worker while it runs, and the other workers must not run dry meanwhile
** (a ring of 6 batches, refilled half at a time, let them: ttl.lua with
** 2 workers over 64-byte frames took 0.22-0.24 s, with 24 refilled 3 at a
** time 0.19-0.20 s).
**
** Why not let the workers read and write themselves (the one that would
** wait for a batch reads it, the last to finish a batch writes it)? It
** was tried: the duty then moves between cores every few batches, and
** with it the input's and the outputs' buffers, whose cache misses made
** filling a batch two to three times slower on the 2-core test machine;
** and a worker that spins for its batch takes a core from the others on
** a loaded machine.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "flowhash.h"
#include "worker.h"

/* records of a batch read from a pipe or a FIFO */
#define PKT_BATCH_PIPE 256

/* milliseconds the calling thread sleeps on a batch before it looks at
** the signal flags again */
#define WAIT_MS 50

/* finished batches the calling thread sleeps for, the ring being full */
#define WAKE 3

/* The records were written on another core: fetching the one a few
** records ahead hides the transfer behind the work on this one. */
#define AHEAD 8

void pkt_record_prefetch (const pkt_Batch *b, int i) {
  pkt_prefetch(&b->out[i], 0);
  pkt_prefetch(b->bytes + b->rec[i].off, 0);
}

/* record i of b and the bytes ahead, fetched for writing: the batch's
** last run left their lines in other cores' caches */
static void prefetchw (const pkt_Batch *b, int i) {
  if (i < PKT_BATCH_RECORDS) pkt_prefetch(&b->rec[i], 1);
  if (b->nbytes + 16 * PKT_CACHELINE < b->size)
    pkt_prefetch(b->bytes + b->nbytes + 16 * PKT_CACHELINE, 1);
}

static pkt_Batch *slot (pkt_Workers *W, uint64_t seq) {
  return &W->ring.b[seq % (uint64_t)W->ring.k];
}


/*
** {======================================================
** Reading and writing a batch
** =======================================================
*/

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
static void fill (pkt_Workers *W, pkt_Loop *lp, pkt_Batch *b) {
  pkt_Io *io = &W->io;
  b->nrec = 0;
  b->nbytes = 0;
  while (!io->ended && b->nrec < io->maxrec) {
    pkt_Packet *p = &io->held;
    pkt_Record *rec;
    unsigned char *at;
    size_t n;
    int fail;
    if (!io->isheld) {
      if (pkt_loop_fetch(lp, p) != PKT_PACKET) {
        io->ended = 1;
        break;
      }
      io->isheld = 1;
    }
    n = (size_t)p->hdr.caplen + (p->comment ? p->commentlen : 0);
    if ((at = pkt_batch_room(b, n, &fail)) == NULL) {
      if (fail && lp->status == PKT_OK) {
        lp->status = PKT_ERROR;
        snprintf(lp->err, PKT_ERRSIZE, "%s: packet %llu: out of memory for "
                 "a %zu-byte record", lp->src->name,
                 (unsigned long long)p->no, n);
        io->ended = 1;
      }
      break;  /* full: p opens the next batch */
    }
    rec = &b->rec[b->nrec++];
    prefetchw(b, b->nrec + AHEAD);
    memcpy(at, p->data, p->hdr.caplen);
    if (p->comment) memcpy(at + p->hdr.caplen, p->comment, p->commentlen);
    rec->ts = p->hdr.ts;
    rec->no = p->no;
    rec->loop = p->loop;
    rec->iface = p->iface;
    rec->off = (uint32_t)(at - b->bytes);
    rec->caplen = p->hdr.caplen;
    rec->len = p->hdr.len;
    rec->commentlen = p->comment ? (uint32_t)p->commentlen : 0;
    rec->hascomment = p->comment != NULL;
    rec->nano = (uint8_t)p->nano;
    /* hashed from the bytes as read, not from their copy: the copy's
    ** lines may still be on their way from the core that wrote them
    ** last, and the hash would wait for them */
    rec->worker = (uint8_t)pkt_flowshare(workerhash(lp, p, p->data),
                                         (unsigned)W->n);
    io->isheld = 0;
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
    const pkt_Record *rec = &b->rec[i];
    const pkt_Verdict *v = &b->out[i];
    pkt_Worker *wk = &W->w[rec->worker];
    pkt_Arena *a = &b->arenas[rec->worker];
    pkt_Packet q;
    uint32_t j;
    *done = i;
    if (i + AHEAD < b->nrec) pkt_record_prefetch(b, i + AHEAD);
    if (v->fate == PKT_FATE_NONE || v->fate == PKT_FATE_SKIP)
      return WRITE_STOP;  /* the run ended before its worker had it */
    pkt_record_packet(b, rec, &q);
    if (lp->ticking) pkt_loop_tick(lp, &q);  /* the time as read */
    for (j = 0; j < v->nemit; j++) {
      pkt_Emitted *e = &a->emits[a->nextemit++];
      pkt_Packet ep = e->p;
      ep.data = a->buf + e->dataoff;
      pkt_loop_deliver(lp, &ep, 1);
      wk->emitted++;
    }
    q.hdr.ts = v->ts;
    q.hdr.caplen = v->caplen;
    q.hdr.len = v->len;
    q.route = v->route;
    q.data = v->moved ? a->buf + v->dataoff : q.data + v->dataoff;
    q.comment = v->comment == PKT_COMMENT_NONE ? NULL
              : v->comment == PKT_COMMENT_ARENA
                ? (const char *)a->buf + v->commentoff : q.comment;
    q.commentlen = v->commentlen;
    pkt_loop_deliver(lp, &q, v->fate == PKT_FATE_PASS);
    if (v->fate == PKT_FATE_PASS) wk->passed++;
    else wk->dropped++;
    *done = i + 1;
    if (v->last) return WRITE_SCRIPTERROR;
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

/* }====================================================== */


/*
** {======================================================
** The duty
** =======================================================
*/

/* every input is a regular file (standard input too) */
static int regular (const pkt_Options *o) {
  struct stat sb;
  int i;
  for (i = 0; i < o->nrfiles; i++) {
    const char *f = o->rfiles[i];
    if ((strcmp(f, "-") == 0 ? fstat(0, &sb) : stat(f, &sb)) != 0 ||
        !S_ISREG(sb.st_mode))
      return 0;
  }
  return 1;
}

void pkt_io_begin (pkt_Workers *W, pkt_Loop *lp, atomic_int *reload) {
  pkt_Io *io = &W->io;
  memset(io, 0, sizeof(*io));
  io->lp = lp;
  io->reload = reload;
  io->rc = PKT_OK;
  /* a batch goes to the workers once full: from a pipe that trickles,
  ** smaller ones reach the script sooner */
  io->maxrec = regular(W->o) ? PKT_BATCH_RECORDS : PKT_BATCH_PIPE;
}

/*
** One turn of the duty: the finished batches written, in order, then the
** free ones filled and published; the signals' flags looked at first.
** The run is over once all is read and written, or the writer stopped it
** (a script error, a halted sink, the pacer's end): the workers then skip
** what they hold and wait for nothing more.
*/
static void work (pkt_Workers *W) {
  pkt_Io *io = &W->io;
  pkt_Ring *r = &W->ring;
  pkt_Loop *lp = io->lp;
  uint64_t k = (uint64_t)r->k;
  if (io->reload && atomic_exchange(io->reload, 0))
    atomic_fetch_add(&W->reloads, 1);  /* acted on between two batches */
  pkt_loop_report(lp);
  for (;;) {
    if (io->tail < io->head && pkt_ring_finished(r, slot(W, io->tail), 0)) {
      int done, how = writebatch(W, lp, slot(W, io->tail), &done);
      if (how != WRITTEN) {
        unread(lp->st, slot(W, io->tail), done);
        if (how == WRITE_SCRIPTERROR) io->rc = PKT_ERROR_SCRIPT;
        io->stopped = 1;
      }
      io->tail++;
      if (io->stopped) break;
    }
    else if (!io->ended && io->head - io->tail < k) {
      pkt_Batch *b = slot(W, io->head);
      fill(W, lp, b);
      if (b->nrec > 0) {
        pkt_batch_sort(b, W->n);
        pkt_ring_publish(r, b, io->head++);
      }
    }
    else break;
  }
}

void pkt_io_drive (pkt_Workers *W) {
  pkt_Io *io = &W->io;
  pkt_Ring *r = &W->ring;
  while (!io->stopped) {
    uint64_t until;
    work(W);
    if (io->stopped || (io->ended && io->tail == io->head)) break;
    /* the ring is full, or all is read: sleep until WAKE more are done */
    until = io->tail + WAKE - 1 < io->head ? io->tail + WAKE - 1
                                           : io->head - 1;
    pkt_ring_finished(r, slot(W, until), WAIT_MS);
  }
  pkt_io_halt(W);
}

void pkt_io_halt (pkt_Workers *W) {
  /* the workers skip what is left, and wait for nothing more */
  if (W->io.stopped) atomic_store(&W->ring.quit, 1);
  pkt_ring_close(&W->ring, W->io.head);
}

void pkt_io_end (pkt_Workers *W) {
  pkt_Io *io = &W->io;
  pkt_Stats *st = io->lp->st;
  uint64_t t;
  for (t = io->tail; t < io->head; t++) unread(st, slot(W, t), 0);
  if (io->isheld) {
    st->read--;
    st->bytes -= io->held.hdr.caplen;
  }
}

/* }====================================================== */
