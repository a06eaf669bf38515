/*
** pacer.h - when each passed packet leaves (pacer.c): the replay's
** schedule between the loop and the sinks, and the timing error it
** achieved. One pacer for every sink: -o and a paced -w wait alike.
**
** The schedule is anchored at the first packet: packet k leaves at
**   start + (ts_k - ts_0) / multiplier       (original timing)
**   start + k / pps                           (--pps)
**   start + bytes before k * 8 / (mbps 1e6)   (--mbps)
** never from the previous packet's actual send time, so lateness does not
** add up. ts_k is the timestamp after the script (info.sec/info.nsec).
*/
#ifndef PKT_PACER_H
#define PKT_PACER_H

#include <stdint.h>

#include "pkt.h"

/* lateness histogram: 16 buckets per power of two of nanoseconds */
#define PKT_PACER_NBUCKETS 1024

typedef struct pkt_Pacer {
  int mode;                 /* enum pkt_Timing */
  double multiplier;        /* original timing: gaps divided by it */
  double rate;              /* packets/s (pps) or bits/s (mbps) */
  int64_t duration;         /* --duration in ns, 0: none */
  int started;              /* the first packet anchored the schedule */
  int64_t start, end;       /* monotonic ns: first release, the end */
  /* original timing: where the schedule is in the capture's time */
  int64_t first, last;      /* this loop's first and last timestamp (ns) */
  int64_t offset;           /* schedule time of this loop's first packet */
  uint64_t inloop;          /* packets of this loop released */
  int newloop;              /* the next packet starts a loop */
  uint64_t n, bytes;        /* released: packets, caplen bytes */
  uint64_t late[PKT_PACER_NBUCKETS];  /* lateness, per bucket */
  uint64_t nlate;           /* packets with a schedule (lateness kept) */
  double latesum;           /* ns */
  int64_t latemax;          /* ns */
} pkt_Pacer;

/* monotonic (clock CLOCK_MONOTONIC) or wall (CLOCK_REALTIME) time in ns */
int64_t pkt_clock_ns (int wall);

/* the schedule the options ask for (o->timing ...) */
void pkt_pacer_init (pkt_Pacer *pc, const pkt_Options *o);
/*
** Waits until p is due, sleeping (a paused sender uses no CPU) and
** spinning only the last tens of microseconds. Before each slice of
** sleep (a signal ends one early) `check(ud)` says whether to stop
** (nonzero); it may also act on a report flag. PKT_OK: send p now;
** PKT_END: stop before p (check said so, or --duration is over).
*/
int pkt_pacer_wait (pkt_Pacer *pc, const pkt_Packet *p,
                    int (*check) (void *ud), void *ud);
/* the next packet starts the file over (--loop): the timeline goes on */
void pkt_pacer_newloop (pkt_Pacer *pc);
/* --duration is over */
int pkt_pacer_expired (const pkt_Pacer *pc);
/* the end of the replay (for its duration and rates) */
void pkt_pacer_finish (pkt_Pacer *pc);
/* the replay's figures into st (st->replay ...) */
void pkt_pacer_report (const pkt_Pacer *pc, pkt_Stats *st);

#endif
