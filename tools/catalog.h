/*
** catalog.h - what pktgen can write: the demo captures, the bulk workloads
** of the benchmarks, and the test corpus.
*/
#ifndef PKTGEN_CATALOG_H
#define PKTGEN_CATALOG_H

#include "capfile.h"
#include "frame.h"

typedef struct Demo {
  const char *name;
  void (*fn) (Out *, Rng *);
  int nano;
  const char *what;
} Demo;
extern const Demo demos[];   /* ends with a NULL name */

/* n 64-byte Ethernet/IPv4/UDP frames, 1 in 8 to port 53 */
void bulk_udp64 (Out *o, Rng *r, uint64_t n);
/* n TCP/UDP/ICMP frames of 64..1500 bytes */
void bulk_mixed (Out *o, Rng *r, uint64_t n);

/* n conversations of 2..6 packets between random hosts: IPv4/IPv6 TCP,
** UDP, SCTP, ICMP, fragmented UDP (--shard's tests) */
void bulk_flows (Out *o, Rng *r, uint64_t n);

/* Writes every file of the test corpus into dir; returns 0, or exits. */
int corpus_write (const char *dir, uint64_t seed);
/* Prints the corpus's file names and what each one exercises. */
void corpus_list (FILE *f);

#endif
