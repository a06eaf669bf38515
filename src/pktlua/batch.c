/*
** batch.c - the ring of batches between the reader, the workers and the
** writer (batch.h): memory, publication, waiting.
*/
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "batch.h"

int pkt_ring_init (pkt_Ring *r, int k, int n, char *err) {
  int i;
  memset(r, 0, sizeof(*r));
  r->k = k;
  r->nworkers = n;
  atomic_init(&r->end, UINT64_MAX);
  atomic_init(&r->quit, 0);
  atomic_init(&r->awaited, UINT64_MAX);
  pthread_mutex_init(&r->mu, NULL);
  pthread_cond_init(&r->work, NULL);
  pthread_cond_init(&r->done, NULL);
  r->b = calloc((size_t)k, sizeof(*r->b));
  if (r->b == NULL) goto fail;
  for (i = 0; i < k; i++) {
    pkt_Batch *b = &r->b[i];
    atomic_init(&b->ready, 0);
    atomic_init(&b->pending, 0);
    b->rec = aligned_alloc(PKT_CACHELINE,
                           PKT_BATCH_RECORDS * sizeof(*b->rec));
    b->out = aligned_alloc(PKT_CACHELINE,
                           PKT_BATCH_RECORDS * sizeof(*b->out));
    b->bytes = aligned_alloc(PKT_CACHELINE, PKT_BATCH_BYTES);
    b->size = PKT_BATCH_BYTES;
    b->mine = calloc(PKT_BATCH_RECORDS, sizeof(*b->mine));
    b->first = calloc((size_t)n + 1, sizeof(*b->first));
    b->arenas = calloc((size_t)n, sizeof(*b->arenas));
    if (b->rec == NULL || b->out == NULL || b->bytes == NULL || b->mine == NULL ||
        b->first == NULL || b->arenas == NULL)
      goto fail;
  }
  return PKT_OK;
fail:
  snprintf(err, PKT_ERRSIZE, "--workers: out of memory for the batches");
  pkt_ring_free(r);
  return PKT_ERROR;
}

void pkt_ring_free (pkt_Ring *r) {
  int i, w;
  if (r->b == NULL) return;
  for (i = 0; i < r->k; i++) {
    pkt_Batch *b = &r->b[i];
    free(b->rec);
    free(b->out);
    free(b->bytes);
    free(b->mine);
    free(b->first);
    if (b->arenas)
      for (w = 0; w < r->nworkers; w++) {
        free(b->arenas[w].buf);
        free(b->arenas[w].emits);
      }
    free(b->arenas);
  }
  free(r->b);
  r->b = NULL;
  pthread_mutex_destroy(&r->mu);
  pthread_cond_destroy(&r->work);
  pthread_cond_destroy(&r->done);
}

/* n rounded up to whole cache lines */
static size_t lines (size_t n) {
  return (n + PKT_CACHELINE - 1) & ~(size_t)(PKT_CACHELINE - 1);
}

unsigned char *pkt_batch_room (pkt_Batch *b, size_t n, int *fail) {
  unsigned char *at;
  size_t need = lines(n);
  *fail = 0;
  if (b->nrec >= PKT_BATCH_RECORDS) return NULL;
  if (need < n || need > b->size - b->nbytes) {
    unsigned char *nb;
    if (b->nrec > 0) return NULL;  /* full: the record opens the next */
    /* a giant record: a buffer of its own size, aligned as the first */
    if (need < n || (nb = aligned_alloc(PKT_CACHELINE, need)) == NULL) {
      *fail = 1;
      return NULL;
    }
    free(b->bytes);
    b->bytes = nb;
    b->size = need;
  }
  at = b->bytes + b->nbytes;
  b->nbytes += need;
  return at;
}

void pkt_batch_sort (pkt_Batch *b, int nworkers) {
  int i, w;
  for (w = 0; w <= nworkers; w++) b->first[w] = 0;
  for (i = 0; i < b->nrec; i++) b->first[b->rec[i].worker + 1]++;
  for (w = 0; w < nworkers; w++) b->first[w + 1] += b->first[w];
  /* first[w] runs ahead while worker w's records are placed, and ends
  ** where w + 1's begin: shifted back below */
  for (i = 0; i < b->nrec; i++)
    b->mine[b->first[b->rec[i].worker]++] = (uint16_t)i;
  for (w = nworkers; w > 0; w--) b->first[w] = b->first[w - 1];
  b->first[0] = 0;
}

void pkt_record_packet (const pkt_Batch *b, const pkt_Record *rec,
                        pkt_Packet *p) {
  p->hdr.ts = rec->ts;
  p->hdr.caplen = rec->caplen;
  p->hdr.len = rec->len;
  p->data = b->bytes + rec->off;
  p->no = rec->no;
  p->route = PKT_ROUTE_DEFAULT;  /* as the loop's fetch hands it out */
  p->nano = rec->nano;
  p->emitted = 0;
  p->loop = rec->loop;
  p->iface = rec->iface;
  p->comment = rec->hascomment ? (const char *)p->data + rec->caplen : NULL;
  p->commentlen = rec->commentlen;
}

void pkt_ring_publish (pkt_Ring *r, pkt_Batch *b, uint64_t seq) {
  b->seq = seq;
  atomic_store_explicit(&b->pending, r->nworkers, memory_order_relaxed);
  atomic_store_explicit(&b->ready, seq + 1, memory_order_release);
  pthread_mutex_lock(&r->mu);
  pthread_cond_broadcast(&r->work);
  pthread_mutex_unlock(&r->mu);
}

void pkt_ring_close (pkt_Ring *r, uint64_t nbatches) {
  atomic_store(&r->end, nbatches);
  pthread_mutex_lock(&r->mu);
  pthread_cond_broadcast(&r->work);
  pthread_mutex_unlock(&r->mu);
}

/* batch seq is there to take (1), never will be (0), or not yet (-1) */
static int available (pkt_Ring *r, pkt_Batch *b, uint64_t seq) {
  if (atomic_load_explicit(&b->ready, memory_order_acquire) == seq + 1)
    return 1;
  return atomic_load(&r->end) <= seq ? 0 : -1;
}

pkt_Batch *pkt_ring_wait (pkt_Ring *r, uint64_t seq) {
  pkt_Batch *b = &r->b[seq % (uint64_t)r->k];
  int a = available(r, b, seq);
  if (a < 0) {
    pthread_mutex_lock(&r->mu);
    while ((a = available(r, b, seq)) < 0)
      pthread_cond_wait(&r->work, &r->mu);
    pthread_mutex_unlock(&r->mu);
  }
  return a ? b : NULL;
}

int pkt_ring_done (pkt_Ring *r, pkt_Batch *b) {
  uint64_t seq = b->seq;  /* read before: once done, b is the reader's */
  /* sequentially consistent, both here and in pkt_ring_finished: either
  ** this worker sees the writer's `awaited`, or the writer sees the
  ** batch finished before it sleeps */
  int last = atomic_fetch_sub(&b->pending, 1) == 1;
  if (last && seq >= atomic_load(&r->awaited)) {
    pthread_mutex_lock(&r->mu);
    pthread_cond_signal(&r->done);
    pthread_mutex_unlock(&r->mu);
  }
  return last;
}

static int finished (pkt_Batch *b) {
  return atomic_load(&b->pending) == 0;
}

int pkt_ring_finished (pkt_Ring *r, pkt_Batch *b, int ms) {
  struct timespec until;
  if (finished(b)) return 1;
  if (ms <= 0) return 0;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_nsec += (long)ms * 1000000L;
  until.tv_sec += until.tv_nsec / 1000000000L;
  until.tv_nsec %= 1000000000L;
  pthread_mutex_lock(&r->mu);
  atomic_store(&r->awaited, b->seq);
  while (!finished(b))
    if (pthread_cond_timedwait(&r->done, &r->mu, &until) == ETIMEDOUT) break;
  atomic_store(&r->awaited, UINT64_MAX);
  pthread_mutex_unlock(&r->mu);
  return finished(b);
}

/* a grown buffer of at least `need` elements of `size` bytes */
static int grow (void **buf, size_t *max, size_t need, size_t size) {
  size_t n = *max ? *max : 16;
  void *nb;
  while (n < need) n *= 2;
  if ((nb = realloc(*buf, n * size)) == NULL) return 0;
  *buf = nb;
  *max = n;
  return 1;
}

size_t pkt_arena_add (pkt_Arena *a, const void *src, size_t n) {
  size_t at = a->used;
  if (n > a->size - a->used &&
      !grow((void **)&a->buf, &a->size, a->used + n, 1))
    return (size_t)-1;
  if (n > 0) memcpy(a->buf + at, src, n);
  a->used += n;
  return at;
}

pkt_Emitted *pkt_arena_emit (pkt_Arena *a) {
  if (a->nemits == a->maxemits &&
      !grow((void **)&a->emits, &a->maxemits, a->nemits + 1,
            sizeof(*a->emits)))
    return NULL;
  return &a->emits[a->nemits++];
}
