/*
** capfile.h - pktgen's capture file writer: pcap (either byte order,
** micro- or nanosecond timestamps, any snaplen and link type) and pcapng
** (one section, one or several interfaces). Formats: pcap-savefile(5) and
** the IETF pcapng draft.
*/
#ifndef PKTGEN_CAPFILE_H
#define PKTGEN_CAPFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SNAPLEN 262144
#define T0_SEC 1700000000ull    /* 2023-11-14 22:13:20 UTC: all files start here */
#define MAXIF 4

typedef struct Out {
  FILE *f;
  const char *name;
  int nano;           /* nanosecond timestamps */
  int bigendian;      /* pcap: header and records big-endian */
  int ng;             /* pcapng instead of pcap */
  uint32_t snaplen;   /* records are cut to it */
  uint32_t linktype;  /* LINKTYPE_ value (every interface of a pcapng) */
  int nif;            /* pcapng: interfaces (default 1) ... */
  uint16_t iflink[MAXIF];  /* ... and their link types when they differ */
  unsigned iface;     /* pcapng: the interface of the next record */
  uint64_t t;         /* current time, ns since the epoch */
  uint64_t gap;       /* nonzero: every step is this many ns (--gap) */
} Out;

/* Defaults: little-endian pcap, microseconds, SNAPLEN, Ethernet, T0_SEC. */
void out_init (Out *o, const char *name);
/* Opens o->name ("-": stdout) and writes the file header. */
void out_open (Out *o);
/* Writes one record of len bytes (cut to the snaplen) stamped o->t, then
** advances the clock by step ns. */
void out_frame (Out *o, const uint8_t *p, size_t len, uint64_t step);
/* The same, for a record that holds only caplen of its len bytes. */
void out_record (Out *o, const uint8_t *p, size_t caplen, size_t len,
                 uint64_t step);
void out_close (Out *o);

#endif
