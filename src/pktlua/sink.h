/*
** sink.h - where passed packets go. A sink is a back-end behind a small
** table of operations, its state private to its file; the loop hands each
** passed packet to every sink of the run, in order.
**
**   sink.c          what all sinks share
**   sink_pcap.c     -w: a pcap file (or standard output)
**   sink_pcapng.c   -w: a pcapng file (or standard output)
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

typedef struct pkt_SinkOps {
  const char *kind;                  /* "file", "inject", for messages */
  /* one passed packet; counts its own failures in st (a failure is
  ** reported once by the sink, and the run goes on) */
  void (*write) (pkt_Sink *k, const pkt_Packet *p, pkt_Stats *st);
  /* flushes and releases: PKT_OK, or PKT_ERROR (a write error) with err */
  int (*close) (pkt_Sink *k, char *err);
} pkt_SinkOps;

struct pkt_Sink {
  const pkt_SinkOps *ops;
  const char *name;         /* file or interface, for messages */
  int output;               /* the output it writes (bit of a packet's
                            ** route): 0, "default", unless set */
  const char *failed;       /* set by write when the sink cannot go on
                            ** (a packet it cannot hold): the run ends
                            ** with this error */
  void *priv;               /* the back-end's state */
};

/* closes and frees (NULL is fine): PKT_OK, or PKT_ERROR with err */
int pkt_sink_close (pkt_Sink *k, char *err);


/* ---- for the back-ends ---- */

/* a sink with `privsize` zeroed bytes of private state; NULL: no memory */
pkt_Sink *pkt_sink_new (const pkt_SinkOps *ops, size_t privsize);

/* sink.c: the -w file in the format --format or its name asks for:
** .pcapng (or .ntar) pcapng, .pcap pcap; any other name pcapng when the
** input has interfaces of several link types, else pcap */
int pkt_sink_openfile (pkt_Sink **out, const pkt_Options *o,
                       const char *file, const pkt_Source *src, char *err);
/* sink_pcapng.c: `file` as pcapng, with the source's interfaces */
int pkt_sink_openpcapng (pkt_Sink **out, const pkt_Options *o,
                         const char *file, const pkt_Source *src,
                         char *err);
/* sink_pcap.c: `file`, in the source's link type, snaplen and
** timestamp unit */
int pkt_sink_openpcap (pkt_Sink **out, const pkt_Options *o,
                       const char *file, const pkt_Source *src, char *err);
/* sink_inject.c: o->oface, which must speak the source's link layer */
int pkt_sink_openinject (pkt_Sink **out, const pkt_Options *o,
                         const pkt_Source *src, char *err);

#endif
