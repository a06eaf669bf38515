/*
** sink.h - where passed packets go. A sink is a back-end behind a small
** table of operations, its state private to its file; the loop hands each
** passed packet to every sink of the run, in order.
**
**   sink.c          what all sinks share
**   sink_pcap.c     -w: a pcap file (or standard output)
**   sink_inject.c   -o: injection on an interface (libpcap)
**
** A new output (another file format, rotation, a named output, paced
** injection) is one new sink_*.c with its ops table and an opener.
*/
#ifndef PKT_SINK_H
#define PKT_SINK_H

#include "pkt.h"
#include "source.h"

typedef struct pkt_Sink pkt_Sink;

/*
** A sink that cannot take more ends the run: write and flush return
** PKT_END when the output has gone (a pipe's reader closed it: the run
** ends as at the end of the input) and PKT_ERROR with err ("name: packet
** N: why") when a write failed. Either way the packets it had accepted
** but could not write are taken out of st->passed and counted in
** st->failed, and it writes nothing more. A failure it can live with (an
** injection refused) is counted and reported by the sink, and PKT_OK.
*/
typedef struct pkt_SinkOps {
  const char *kind;                  /* "file", "inject", for messages */
  /* one passed packet (already counted in st->passed) */
  int (*write) (pkt_Sink *k, const pkt_Packet *p, pkt_Stats *st, char *err);
  /* releases; a last write error as PKT_ERROR with err (after a flush
  ** there is nothing left to write) */
  int (*close) (pkt_Sink *k, char *err);
  /* writes out what it holds (the end of a run, SIGUSR1's report), so
  ** that st->passed counts only what the output has; NULL: holds nothing */
  int (*flush) (pkt_Sink *k, pkt_Stats *st, char *err);
} pkt_SinkOps;

struct pkt_Sink {
  const pkt_SinkOps *ops;
  const char *name;         /* file or interface, for messages */
  void *priv;               /* the back-end's state */
};

/* closes and frees (NULL is fine): PKT_OK, or PKT_ERROR with err */
int pkt_sink_close (pkt_Sink *k, char *err);


/* ---- for the back-ends ---- */

/* a sink with `privsize` zeroed bytes of private state; NULL: no memory */
pkt_Sink *pkt_sink_new (const pkt_SinkOps *ops, size_t privsize);

/* sink_pcap.c: o->wfile, in the source's link type, snaplen and
** timestamp unit; PKT_END when a stop signal came while a FIFO waited for
** its reader. Opened with the privileges -Z drops, nothing written (nor
** an existing file truncated) until pkt_sink_pcapstart */
int pkt_sink_openpcap (pkt_Sink **out, const pkt_Options *o,
                       const pkt_Source *src, char *err);
/* -Z: a file this run created becomes the user's */
int pkt_sink_pcapgive (pkt_Sink *k, uid_t uid, gid_t gid, char *err);
/* the script started: truncates the file, writes its header */
int pkt_sink_pcapstart (pkt_Sink *k, char *err);
/* the script did not start: removes a file this run created */
void pkt_sink_pcapabandon (pkt_Sink *k);
/* sink_inject.c: o->oface, which must speak the source's link layer */
int pkt_sink_openinject (pkt_Sink **out, const pkt_Options *o,
                         const pkt_Source *src, char *err);

#endif
