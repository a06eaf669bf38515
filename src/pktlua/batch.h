/*
** batch.h - the records that one reader hands to N workers and one
** writer (batch.c, doc/workers.md). A ring of K batches, each a few
** hundred records with their bytes, all allocated before the first
** packet: the reader fills a batch and publishes it; every worker scans
** it for the records of its share, runs the script on them in order and
** writes each verdict into its record; the writer waits until all N are
** done with the batch and writes the passed records in record order, so
** the output is a single worker's, byte for byte.
**
** Synchronisation: a batch's `ready` is stored with release by the reader
** once the batch is filled, and loaded with acquire by the workers;
** `pending` (workers still at it) is decremented with release by each
** worker and loaded with acquire by the writer, which makes the verdicts,
** the edited bytes and the emitted packets visible to it. A mutex and two
** condition variables only put waiting threads to sleep.
*/
#ifndef PKT_BATCH_H
#define PKT_BATCH_H

#include <pthread.h>
#include <stdatomic.h>
#include <sys/time.h>

#include "pkt.h"

/* Batches are large so that a thread sleeps and wakes once per thousand
** small packets, not per few hundred: with the reader, the writer and the
** workers sharing the cores, each wakeup costs a switch. Their bytes are
** few enough that the ring's (1.5 MiB) stay in the caches between the
** reader's copy and the writer's: with 1 MiB each, large packets (the
** mixed workload) ran no faster with 2 workers than with 1. 64 KiB hold
** a full batch of 64-byte frames; larger packets make more, shorter
** batches, with the same bytes in flight. */
#define PKT_BATCH_RECORDS 1024        /* records of a batch */
#define PKT_BATCH_BYTES (64 * 1024)   /* its bytes (grows for a record
                                      ** that would not fit alone) */
/* Two workers write into the same batch at once: records and bytes start
** on cache lines of their own, so one worker's writes do not evict the
** line the other is using (false sharing). */
#define PKT_CACHELINE 64

/* a cache line fetched ahead (rw 1: for writing); nothing where the
** compiler has no such builtin */
#if defined(__GNUC__)
#define pkt_prefetch(a, rw) __builtin_prefetch((a), (rw))
#else
#define pkt_prefetch(a, rw) ((void)(a))
#endif

_Static_assert(PKT_BATCH_RECORDS <= 65536, "pkt_Batch.mine is 16 bits");

/* what became of a record (its worker's verdict) */
enum pkt_Fate {
  PKT_FATE_NONE,            /* not handled (yet) */
  PKT_FATE_DROP,            /* verdict drop */
  PKT_FATE_PASS,            /* passed, to the outputs of p.route */
  PKT_FATE_SKIP             /* left alone: the run is ending */
};

/*
** A record is two cache lines, each written by one thread: the packet as
** read (the reader's), and what its worker made of it (the worker's).
** Kept apart and a line each, so the worker fetches one line from the
** reader's core and the writer one from the worker's, and two workers
** never write into the same line. The fields a packet has as read and
** no script changes (its number, pass, interface) are in the first only.
*/
typedef struct pkt_Record {
  _Alignas(PKT_CACHELINE)
  struct timeval ts;        /* the timestamp as read (the sinks' clocks) */
  uint64_t no;              /* pkt_Packet's */
  uint64_t loop;
  const pkt_Iface *iface;
  uint32_t off;             /* its bytes: the batch's bytes + off, caplen of
                            ** them, then its comment's */
  uint32_t caplen, len;     /* as read */
  uint32_t commentlen;
  uint8_t hascomment;       /* it was read with a comment */
  uint8_t nano;
  uint8_t worker;           /* its worker - 1: the flow's share */
} pkt_Record;

/* where the comment a record leaves with is */
enum pkt_Comment {
  PKT_COMMENT_NONE,         /* none */
  PKT_COMMENT_READ,         /* the one it was read with */
  PKT_COMMENT_ARENA         /* one the script set, kept in the arena */
};

/* the record as its worker left it: its verdict, and the fields of its
** pkt_Packet the script may have changed */
typedef struct pkt_Verdict {
  _Alignas(PKT_CACHELINE)
  struct timeval ts;
  uint64_t route;
  size_t dataoff;           /* moved: its bytes' offset in the arena; else
                            ** from the start of the record's */
  size_t commentoff;        /* PKT_COMMENT_ARENA: the comment's there */
  size_t commentlen;
  uint32_t caplen, len;
  uint32_t nemit;           /* packets pktlua.emit made while handling it */
  uint8_t fate;             /* enum pkt_Fate */
  uint8_t moved;            /* an edit moved the bytes into the arena */
  uint8_t comment;          /* enum pkt_Comment */
  uint8_t last;             /* the run ends after it (a script error
                            ** ended its worker's run) */
} pkt_Verdict;

_Static_assert(sizeof(pkt_Record) == PKT_CACHELINE, "a record's line");
_Static_assert(sizeof(pkt_Verdict) == PKT_CACHELINE, "a verdict's line");

/* a packet pktlua.emit made: its bytes in the arena */
typedef struct pkt_Emitted {
  pkt_Packet p;
  size_t dataoff;
} pkt_Emitted;

/*
** One worker's side of one batch: the bytes of its edited records (an
** edit moves a packet into the script's reused buffer, which the next
** packet reuses before the writer has written this one) and the packets
** it emitted. Grown on demand and kept: no allocation once the run has
** seen its largest batch. Offsets, not pointers, survive the growth.
*/
typedef struct pkt_Arena {
  unsigned char *buf;
  size_t used, size;
  pkt_Emitted *emits;
  size_t nemits, maxemits;
  size_t nextemit;          /* (the writer's) the next one to write */
} pkt_Arena;

typedef struct pkt_Batch {
  atomic_ullong ready;      /* seq + 1 once filled (0: never) */
  atomic_int pending;       /* workers not done with it */
  uint64_t seq;             /* its number in the run, 0-based */
  int nrec;
  pkt_Record *rec;          /* PKT_BATCH_RECORDS (owned) */
  pkt_Verdict *out;         /* rec[i]'s is out[i] (owned) */
  /* the records by worker, each worker's in input order: worker w's are
  ** rec[mine[first[w]]] .. rec[mine[first[w + 1] - 1]], so a worker
  ** touches no other worker's record */
  uint16_t *mine;           /* PKT_BATCH_RECORDS (owned) */
  int *first;               /* nworkers + 1 (owned) */
  unsigned char *bytes;     /* the records' bytes and comments (owned) */
  size_t nbytes, size;
  pkt_Arena *arenas;        /* one per worker (owned) */
} pkt_Batch;

typedef struct pkt_Ring {
  pkt_Batch *b;             /* k batches; seq s lives in b[s % k] */
  int k;
  int nworkers;
  atomic_ullong end;        /* batches the run has: workers wait for no
                            ** seq at or past it (UINT64_MAX: open) */
  atomic_int quit;          /* the writer stopped: workers skip the rest */
  atomic_ullong awaited;    /* the batch the writer sleeps on: the worker
                            ** that finishes it wakes the writer, the
                            ** ones that finish earlier batches do not */
  pthread_mutex_t mu;
  pthread_cond_t work;      /* a batch was published, or the end */
  pthread_cond_t done;      /* a batch's last worker finished it */
} pkt_Ring;

/* k batches for n workers: PKT_OK or PKT_ERROR (err) */
int pkt_ring_init (pkt_Ring *r, int k, int n, char *err);
void pkt_ring_free (pkt_Ring *r);
/* the reader: room for a record of n bytes in b (its first record may
** make it grow): NULL when it is full (or out of memory, err) */
unsigned char *pkt_batch_room (pkt_Batch *b, size_t n, int *fail);
/* the reader: b's records sorted by worker (mine, first) */
void pkt_batch_sort (pkt_Batch *b, int nworkers);
/* a record as read: its bytes and comment in b */
void pkt_record_packet (const pkt_Batch *b, const pkt_Record *rec,
                        pkt_Packet *p);
/* the reader: b holds seq's records, for the workers */
void pkt_ring_publish (pkt_Ring *r, pkt_Batch *b, uint64_t seq);
/* the reader: no batch comes after `nbatches` */
void pkt_ring_close (pkt_Ring *r, uint64_t nbatches);
/* a worker: batch seq, once published; NULL when the run has no such
** batch */
pkt_Batch *pkt_ring_wait (pkt_Ring *r, uint64_t seq);
/* a worker is done with b: 1 if it was the last */
int pkt_ring_done (pkt_Ring *r, pkt_Batch *b);
/* the writer: every worker is done with b (1), or not yet after waiting
** up to `ms` milliseconds (0). Batches finish in order (each worker takes
** them in order), so b done means every batch before it is done. */
int pkt_ring_finished (pkt_Ring *r, pkt_Batch *b, int ms);
/* a worker's arena: room for n more bytes (at a->buf + a->used): the
** offset, or (size_t)-1 when out of memory */
size_t pkt_arena_add (pkt_Arena *a, const void *src, size_t n);
/* a worker's arena: one more emitted packet, NULL when out of memory */
pkt_Emitted *pkt_arena_emit (pkt_Arena *a);

#endif
