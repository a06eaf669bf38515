/*
** source.h - where packets come from. A source is a back-end behind a
** small table of operations, its state private to its file (libpcap's
** pcap_t and `priv`): the loop only calls the operations.
**
**   source.c            pkt_source_open: picks the back-end for the options
**   source_live.c       -i: a live interface (libpcap)
**   source_savefile.c   -r: any file libpcap reads (pcap, pcapng), stdin
**   source_fastpcap.c   -r: pcap 2.4 regular files, read by pktlua itself
**                       (in front of source_savefile.c, which it falls
**                       back to for any record it does not take)
**   source_pcapng.c     -r: pcapng regular files, every interface and
**                       link type (libpcap reads one link type only)
**   source_merge.c      -r A -r B...: several files, merged in timestamp
**                       order
**
** A new input format is one new source_*.c with its ops table and an
** opener that pkt_source_open calls; nothing else changes.
*/
#ifndef PKT_SOURCE_H
#define PKT_SOURCE_H

#include <string.h>

#include "pkt.h"

typedef struct pkt_Source pkt_Source;

typedef struct pkt_SourceOps {
  const char *kind;                  /* "file" or "live", for -v */
  /* the next record into p->hdr and p->data (valid until the next call;
  ** the bytes are writable): PKT_PACKET, PKT_AGAIN (nothing yet), PKT_END,
  ** or PKT_ERROR with err filled */
  int (*next) (pkt_Source *s, pkt_Packet *p, char *err);
  /* a BPF expression, applied before next() hands a record out:
  ** PKT_OK, PKT_ERROR_USAGE (it does not compile), PKT_ERROR */
  int (*setfilter) (pkt_Source *s, const char *expr, char *err);
  void (*stats) (pkt_Source *s, pkt_Stats *st);  /* kernel counters */
  double (*progress) (pkt_Source *s);            /* fraction read, <0: n/a */
  /* async-signal-safe: make a next() that waits return PKT_AGAIN; NULL
  ** for sources that never wait */
  void (*wakeup) (pkt_Source *s);
  void (*close) (pkt_Source *s);     /* releases what priv holds */
  /* --loop: the next record is the first again (filter kept): PKT_OK or
  ** PKT_ERROR with err; NULL for sources that cannot start over (live) */
  int (*rewind) (pkt_Source *s, char *err);
} pkt_SourceOps;

struct pkt_Source {
  const pkt_SourceOps *ops;
  const char *name;         /* file name or interface, for messages */
  int dlt;                  /* the DLT_ value (libpcap's pcap_datalink) */
  int linktype;             /* the LINKTYPE_ value scripts see */
  int snaplen;              /* the input's snapshot length */
  int nano;                 /* timestamps carry nanoseconds */
  pkt_Iface *const *ifaces; /* the interfaces seen so far (pcapng), each
                            ** kept until the close; NULL: one, as above */
  int nifaces;
  void *priv;               /* the back-end's state */
};

/* opens the source the options ask for, with their BPF filter: PKT_OK
** and *out, or PKT_ERROR / PKT_ERROR_USAGE (bad filter) with err */
int pkt_source_open (pkt_Source **out, const pkt_Options *o, char *err);
/* one of several live captures of o->iface that share its packets (one
** per worker): as pkt_source_open, and joined to the fanout group *group
** (o->fanout; *group < 0: a new group, whose id is stored there) */
int pkt_source_openfanout (pkt_Source **out, const pkt_Options *o,
                           int *group, char *err);
/* closes and frees (NULL is fine) */
void pkt_source_close (pkt_Source *s);


/* ---- for the back-ends ---- */

/* one zeroed block: a struct of `size` bytes and, after it, `privsize`
** bytes of a back-end's state at *priv; freed with one free() */
void *pkt_backend_new (size_t size, size_t privsize, void **priv);
/* a source with `privsize` zeroed bytes of private state; NULL: no memory */
pkt_Source *pkt_source_new (const pkt_SourceOps *ops, size_t privsize);
/* setfilter for back-ends on a pcap_t: compiles expr into *prog (mask:
** the netmask "ip broadcast" needs, PCAP_NETMASK_UNKNOWN when none) and
** sets it on p (PKT_ERROR_USAGE when it does not compile); on PKT_OK the
** caller owns *prog (pcap_freecode) */
int pkt_source_pcapfilter (pkt_Source *s, pcap_t *p, const char *expr,
                           bpf_u_int32 mask, struct bpf_program *prog,
                           char *err);

/* a 32-bit field of a capture file; swap: its byte order is not ours */
static inline uint32_t pkt_rd32 (const unsigned char *p, int swap) {
  uint32_t v;
  memcpy(&v, p, sizeof(v));
  if (swap)
    v = (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
  return v;
}

/* source_live.c: group NULL: a capture of its own, else one joined to
** the fanout group *group (pkt_fanout_join) */
int pkt_source_openlive (pkt_Source **out, const pkt_Options *o,
                         int *group, char *err);
/* the kernel's counters of a live source s, as the thread reading it
** last saw them (every LIVE_CHECKEVERY packets, on a wakeup, at its
** stats), added to st: safe from any thread */
void pkt_live_published (pkt_Source *s, pkt_Stats *st);
/* source_fanout.c: -i with --workers N, n live captures of o->iface in
** one fanout group, each with the filter: one source that stands for all
** of them (its stats the sum of pkt_live_published, its wakeup every
** member's); each worker reads its member (pkt_source_member) */
int pkt_source_openfanoutset (pkt_Source **out, const pkt_Options *o,
                              int n, char *err);
pkt_Source *pkt_source_member (pkt_Source *set, int i);
/* one -r file, pcap or pcapng ("-": standard input), by the back-end
** that suits it: PKT_OK and *s, or PKT_ERROR with err naming it */
int pkt_source_openfile (pkt_Source **s, const char *name, char *err);
/* source_merge.c: the n files, each opened by pkt_source_openfile, as one
** source of their packets in timestamp order (ties: the files' order) */
int pkt_source_openmerge (pkt_Source **out, const char *const *names,
                          int n, char *err);
/* source_savefile.c */
int pkt_source_opensavefile (pkt_Source **out, const char *name, char *err);
pcap_t *pkt_savefile_pcap (pkt_Source *s);
/* source_pcapng.c: pktlua's own pcapng reader, on fd (owned when
** ownfd) from its current offset, where a Section Header starts */
int pkt_source_openpcapng (pkt_Source **out, const char *name, int fd,
                           int ownfd, char *err);
/* timestamp units per second of a pcapng if_tsresol, 0: too fine */
uint64_t pkt_tsresol_units (unsigned tsresol);
/* source_fastpcap.c: takes over `file` (a savefile source) when its file
** suits the fast reader, else returns it unchanged */
pkt_Source *pkt_source_fastpcap (pkt_Source *file);

#endif
