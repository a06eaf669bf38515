/*
** pacer.c - the replay's schedule (pacer.h): each passed packet waits for
** its send time, anchored at the first packet, and its lateness goes into
** a fixed histogram.
*/
#include <string.h>
#include <time.h>

#include "pacer.h"

#define NS 1000000000LL
/* the last stretch before a send time is spun, not slept: waking from a
** sleep takes tens of microseconds on a loaded machine */
#define SPIN_NS 50000LL
/* the longest single sleep: a signal that comes just before it starts is
** seen within this much */
#define SLICE_NS 100000000LL

int64_t pkt_clock_ns (int wall) {
  struct timespec t;
  clock_gettime(wall ? CLOCK_REALTIME : CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * NS + t.tv_nsec;
}

void pkt_pacer_init (pkt_Pacer *pc, const pkt_Options *o) {
  memset(pc, 0, sizeof(*pc));
  pc->mode = o->timing;
  pc->multiplier = o->multiplier > 0 ? o->multiplier : 1.0;
  pc->rate = o->timing == PKT_TIMING_MBPS ? o->rate * 1e6 : o->rate;
  pc->duration = (int64_t)(o->duration * 1e9);
}

static int64_t tsof (const pkt_Packet *p) {
  return (int64_t)p->hdr.ts.tv_sec * NS +
         (p->nano ? (int64_t)p->hdr.ts.tv_usec
                  : (int64_t)p->hdr.ts.tv_usec * 1000);
}

/*
** Where a loop starts: one mean gap of the previous loop after its last
** packet (0 when it had one packet), so loop 2 follows loop 1 as the
** file's packets follow each other.
*/
static void startloop (pkt_Pacer *pc, int64_t ts) {
  if (pc->newloop && pc->inloop > 0) {
    int64_t span = pc->last - pc->first;
    int64_t gap = pc->inloop > 1 ? span / (int64_t)(pc->inloop - 1) : 0;
    if (span < 0) span = 0, gap = 0;
    pc->offset += span + gap;
  }
  pc->newloop = 0;
  pc->inloop = 0;
  pc->first = ts;
}

/* send time of p, in ns after the start */
static int64_t due (pkt_Pacer *pc, const pkt_Packet *p) {
  switch (pc->mode) {
    case PKT_TIMING_ORIGINAL: {
      int64_t ts = tsof(p);
      if (pc->n == 0 || pc->newloop) startloop(pc, ts);
      pc->last = ts;
      return (int64_t)((double)(pc->offset + ts - pc->first) /
                       pc->multiplier);
    }
    case PKT_TIMING_PPS:
      return (int64_t)((double)pc->n * 1e9 / pc->rate);
    case PKT_TIMING_MBPS:
      return (int64_t)((double)pc->bytes * 8e9 / pc->rate);
    default:
      return 0;
  }
}

/* bucket of a lateness of v ns: exact below 16, then 16 per octave */
static int bucketof (int64_t v) {
  int e = 0;
  if (v < 16) return v < 0 ? 0 : (int)v;
  for (e = 4; e < 62 && (v >> (e + 1)) != 0; e++) ;
  return (e - 3) * 16 + (int)((v >> (e - 4)) & 15);
}

/* the highest lateness bucket b holds */
static int64_t bucketmax (int b) {
  int e;
  if (b < 16) return b;
  e = b / 16 + 3;
  return ((int64_t)(16 + b % 16 + 1) << (e - 4)) - 1;
}

static void record (pkt_Pacer *pc, int64_t late) {
  if (late < 0) late = 0;
  pc->late[bucketof(late)]++;
  pc->nlate++;
  pc->latesum += (double)late;
  if (late > pc->latemax) pc->latemax = late;
}

int pkt_pacer_wait (pkt_Pacer *pc, const pkt_Packet *p,
                    int (*check) (void *ud), void *ud) {
  int64_t at, now;
  if (!pc->started) {
    pc->started = 1;
    pc->start = pkt_clock_ns(0);
  }
  at = due(pc, p);
  if (pc->duration > 0 && at >= pc->duration) return PKT_END;
  if (pc->mode != PKT_TIMING_TOPSPEED) {
    at += pc->start;
    for (;;) {
      now = pkt_clock_ns(0);
      if (now >= at) break;
      if (at - now > SPIN_NS) {
        int64_t until = at - SPIN_NS;
        struct timespec t;
        if (until - now > SLICE_NS) until = now + SLICE_NS;
        t.tv_sec = (time_t)(until / NS);
        t.tv_nsec = (long)(until % NS);
        /* before each slice, not only after EINTR: a signal that came
        ** while the script ran has set its flag already */
        if (check(ud)) return PKT_END;
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL);
      }
    }
    record(pc, now - at);
  }
  pc->inloop++;
  pc->n++;
  pc->bytes += p->hdr.caplen;
  return PKT_OK;
}

void pkt_pacer_newloop (pkt_Pacer *pc) {
  pc->newloop = 1;
}

int pkt_pacer_expired (const pkt_Pacer *pc) {
  return pc->duration > 0 && pc->started &&
         pkt_clock_ns(0) - pc->start >= pc->duration;
}

void pkt_pacer_finish (pkt_Pacer *pc) {
  if (pc->started && pc->end == 0) pc->end = pkt_clock_ns(0);
}

/* the lateness under which a fraction q of the packets stayed */
static int64_t quantile (const pkt_Pacer *pc, double q) {
  uint64_t want = (uint64_t)((double)pc->nlate * q), seen = 0;
  int b;
  if (want == 0) want = 1;
  for (b = 0; b < PKT_PACER_NBUCKETS; b++) {
    seen += pc->late[b];
    if (seen >= want) break;
  }
  if (b == PKT_PACER_NBUCKETS) return pc->latemax;
  return bucketmax(b) < pc->latemax ? bucketmax(b) : pc->latemax;
}

void pkt_pacer_report (const pkt_Pacer *pc, pkt_Stats *st) {
  int64_t end = pc->end ? pc->end : pkt_clock_ns(0);
  st->replay = 1;
  st->released = pc->n;
  st->releasedbytes = pc->bytes;
  st->seconds = pc->started ? (double)(end - pc->start) / 1e9 : 0.0;
  st->haslate = pc->nlate > 0;
  if (st->haslate) {
    st->latemean = pc->latesum / (double)pc->nlate / 1e3;
    st->latep99 = (double)quantile(pc, 0.99) / 1e3;
    st->latemax = (double)pc->latemax / 1e3;
  }
}
