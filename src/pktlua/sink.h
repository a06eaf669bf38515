/*
** sink.h - where passed packets go. A sink is a back-end behind a small
** table of operations, its state private to its file; the loop hands each
** passed packet to every sink of the run its route names, in order.
**
**   sink.c          what all sinks share; the file format by name
**   sink_file.c     the output file both file formats write through
**   sink_pcap.c     -w: a pcap file (or standard output)
**   sink_pcapng.c   -w: a pcapng file (or standard output)
**   sink_inject.c   -o: injection on an interface (libpcap)
**
** A new output (another file format, paced injection) is one
** new sink_*.c with its ops table and an opener.
*/
#ifndef PKT_SINK_H
#define PKT_SINK_H

#include "pkt.h"
#include "rotate.h"
#include "source.h"

typedef struct pkt_Sink pkt_Sink;

/*
** A sink that cannot take more ends the run: write and flush return
** PKT_END when the output has gone (a pipe's reader closed it: the run
** ends as at the end of the input) and PKT_ERROR with err ("name: packet
** N: why") when a write failed. Either way the packets it had accepted
** but could not write are taken out of st->passed (st->emitted for those
** pktlua.emit made) and counted in st->failed (pkt_sink_lost), and it
** writes nothing more. A failure it can live with (an injection refused)
** is counted the same way and reported by the sink, and PKT_OK. A packet
** lost by two sinks is counted once: the loop calls them in order, and a
** sink that holds packets before writing them (sink_file.c) notes
** st->lostno as it takes each, so the run's sinks put the ones that hold
** nothing (-o) first.
*/
typedef struct pkt_SinkOps {
  const char *kind;                  /* "file", "inject", for messages */
  /* one passed packet (already counted in st->passed, or st->emitted) */
  int (*write) (pkt_Sink *k, const pkt_Packet *p, pkt_Stats *st, char *err);
  /* releases; a last write error as PKT_ERROR with err (after a flush
  ** there is nothing left to write) */
  int (*close) (pkt_Sink *k, char *err);
  /* writes out what it holds (the end of a run, SIGUSR1's report), so
  ** that st->passed counts only what the output has; NULL: holds nothing */
  int (*flush) (pkt_Sink *k, pkt_Stats *st, char *err);
  /* between two packets (when k->ticks): p the packet just read, NULL
  ** when a live input returned nothing; a rotation due by time (-G)
  ** happens here even on an output no packet goes to */
  int (*tick) (pkt_Sink *k, const pkt_Packet *p, pkt_Stats *st, char *err);
} pkt_SinkOps;

struct pkt_Sink {
  const pkt_SinkOps *ops;
  const char *name;         /* file or interface, for messages */
  int output;               /* the output it writes (bit of a packet's
                            ** route): 0, "default", unless set */
  int ticks;                /* wants ops->tick between packets */
  struct pkt_OutFile *file; /* a file back-end's output (-Z's steps) */
  void *priv;               /* the back-end's state */
};

/* closes and frees (NULL is fine): PKT_OK, or PKT_ERROR with err */
int pkt_sink_close (pkt_Sink *k, char *err);

/* sink.c: the -w file in the format --format or its name asks for:
** .pcapng (or .ntar) pcapng, .pcap pcap; any other name pcapng when the
** input has interfaces of several link types, else pcap. PKT_END when a
** stop signal came while a FIFO waited for its reader. Nothing is
** written until pkt_outfile_start(k->file) (-Z's order, below) */
int pkt_sink_openfile (pkt_Sink **out, const pkt_Options *o,
                       const char *file, const pkt_Source *src, char *err);


/* ---- for the back-ends ---- */

/* packet p, passed or emitted, did not reach this sink's output: out of
** st->passed and its bytes (or st->emitted), into st->failed, unless a
** sink before did so already */
void pkt_sink_lost (pkt_Stats *st, const pkt_Packet *p);

/* a sink with `privsize` zeroed bytes of private state; NULL: no memory */
pkt_Sink *pkt_sink_new (const pkt_SinkOps *ops, size_t privsize);

/* sink_pcapng.c: `file` as pcapng, with the source's interfaces */
int pkt_sink_openpcapng (pkt_Sink **out, const pkt_Options *o,
                         const char *file, const pkt_Source *src,
                         char *err);
/* sink_pcap.c: `file`, in the source's link type, snaplen and
** timestamp unit */
int pkt_sink_openpcap (pkt_Sink **out, const pkt_Options *o,
                       const char *file, const pkt_Source *src, char *err);
/* sink_inject.c: injection on iface; then the frames' link type (a DLT_,
** `declared` by the script for all of them, or the input's), which the
** interface must speak: PKT_OK, or PKT_ERROR with err */
int pkt_sink_openinject (pkt_Sink **out, const char *iface,
                         const pkt_Source *src, char *err);
int pkt_sink_injectlink (pkt_Sink *k, int dlt, int declared, char *err);

/*
** sink_file.c: an output file written in whole records. Records are
** gathered in a buffer and written with write(2), so that we know which
** of them reached the file. The file always ends on a whole record: when
** a write fails (a full disk, an I/O error) a regular file is cut back to
** its last whole record, the packets that did not make it are counted as
** failed, and the file's end (sink.h) names the first of them. A pipe
** whose reader went away (EPIPE) ends the run quietly.
**
** With -C, -G, -W or -z the output rotates (rotate.h): before a record
** and between packets the file may end (all it holds written, closed,
** handed to -z) and the next begin, its header written again by the
** back-end's header function, so every file is a whole capture.
** The first file is opened before -Z drops privileges (tcpdump's way),
** but neither truncated nor written before the script has started: the
** header waits in the buffer for pkt_outfile_start, and a file this run
** created that never started is removed when it is closed; an existing
** one is left as it was. Files a rotation opens later are the -Z user's.
*/
typedef struct pkt_OutFile pkt_OutFile;

/* writes a new file's header: pkt_outfile_room(f, n, NULL, NULL, ...),
** then pkt_outfile_header; ud is the back-end's */
typedef int (*pkt_OutHeader) (pkt_OutFile *f, void *ud, char *err);

struct pkt_OutFile {
  const char *name;         /* for messages: the file being written */
  const char *path;         /* the file, to remove it */
  int fd;                   /* the output, -1 when not open */
  int own;                  /* ours to close (not standard output) */
  int regular;              /* a regular file: can be cut back */
  int flush;                /* write each record at once (-U) */
  int created;              /* this run created the file */
  int started;              /* truncated, its header written */
  int broken;               /* a write failed: nothing more is written */
  int endrc;                /* then: PKT_END (EPIPE) or PKT_ERROR */
  off_t size;               /* bytes in the file: header, whole records */
  unsigned char *buf;       /* records not yet written (owned) */
  size_t nbuf;              /* bytes of them */
  uint64_t *no;             /* the packet number of each (owned), with
                            ** PKT_NO_EMITTED for emitted ones, and a
                            ** mark: lost by a sink before (sink_file.c) */
  uint32_t *len;            /* the bytes of each (owned) */
  uint32_t *cap;            /* its packet's captured bytes (owned) */
  size_t nrec;              /* how many */
  pkt_OutHeader header;     /* set once the output is open */
  void *ud;                 /* the header function's */
  pkt_Rotate *rot;          /* the rotation (owned), NULL: one file */
  int64_t start;            /* the current file's period (rotate.h) */
  uint64_t records;         /* records kept in the current file */
  unsigned ticks;           /* between two reaps of -z's commands */
};

#define PKT_NO_EMITTED ((uint64_t)1 << 63)
/* in a record's packet number: a sink before this one lost that packet
** already, so it is not counted as failed again (pkt_sink_lost) */
#define PKT_NO_LOSTBEFORE ((uint64_t)1 << 62)
/* the records the buffer holds: as many as the shortest (a pcap record
** header, 16 bytes; a pcapng block is more) fit */
#define PKT_OUTFILE_MAXRECS (PKT_IOBUF / 16)

/* opens `file` ("-": standard output) for `name`'s records (-U unless
** o->buffered), or the first file of its rotation (-C/-G/-W/-z in o),
** and writes its header with `header`: PKT_OK, PKT_END (a stop while a
** FIFO waited for its reader) or PKT_ERROR with err; pkt_outfile_close
** in every case. With PKTLUA_ROTATE_CLOCK=packet the first file waits
** for the first packet, whose time names it */
int pkt_outfile_open (pkt_OutFile *f, const char *name, const char *file,
                      const pkt_Options *o, pkt_OutHeader header, void *ud,
                      char *err);
/* a record of n bytes for packet p comes next: when the rotation says
** so, the file ends and the next begins first. PKT_OK, or the file's end
** (sink.h) with p counted as failed */
int pkt_outfile_next (pkt_OutFile *f, size_t n, const pkt_Packet *p,
                      pkt_Stats *st, char *err);
/* sink.h's tick: a -G period that ended starts the next file */
int pkt_outfile_tick (pkt_OutFile *f, const pkt_Packet *p, pkt_Stats *st,
                      char *err);
/* room for n bytes at the end of the buffer (*at): the file header,
** or a record kept by pkt_outfile_keep. PKT_OK, or the file's end
** (sink.h) with packet p (NULL: the header) counted as failed */
int pkt_outfile_room (pkt_OutFile *f, size_t n, const pkt_Packet *p,
                      pkt_Stats *st, unsigned char **at, char *err);
/* the records held to the file (sink.h's flush) */
int pkt_outfile_flush (pkt_OutFile *f, pkt_Stats *st, char *err);
/* the n bytes filled at the room are packet p's record */
static inline int pkt_outfile_keep (pkt_OutFile *f, size_t n,
                                    const pkt_Packet *p, pkt_Stats *st,
                                    char *err) {
  size_t i = f->nrec++;
  f->nbuf += n;
  f->records++;
  f->no[i] = p->no | (p->emitted ? PKT_NO_EMITTED : 0);
  if (st->lostno == (p->no << 1 | (p->emitted != 0)))
    f->no[i] |= PKT_NO_LOSTBEFORE;  /* rare */
  f->cap[i] = p->hdr.caplen;
  f->len[i] = (uint32_t)n;
  return f->flush ? pkt_outfile_flush(f, st, err) : PKT_OK;
}

/*
** pkt_outfile_next then pkt_outfile_room, for packet p's record of n
** bytes. Every packet of a run takes this, so the common case (one file,
** no error, room in the buffer) is a few comparisons here, not two calls
** (60 of the ~250 instructions a 64-byte frame's write cost).
*/
static inline int pkt_outfile_place (pkt_OutFile *f, size_t n,
                                     const pkt_Packet *p, pkt_Stats *st,
                                     unsigned char **at, char *err) {
  int rc;
  if (f->rot == NULL && !f->broken && n <= PKT_IOBUF - f->nbuf &&
      f->nrec < PKT_OUTFILE_MAXRECS) {
    *at = f->buf + f->nbuf;
    return PKT_OK;
  }
  if ((rc = pkt_outfile_next(f, n, p, st, err)) != PKT_OK) return rc;
  return pkt_outfile_room(f, n, p, st, at, err);
}
/* the n bytes filled at the room are the file's header: written now,
** or by pkt_outfile_start */
int pkt_outfile_header (pkt_OutFile *f, size_t n, char *err);
/* -Z: a file this run created becomes the user's */
int pkt_outfile_give (pkt_OutFile *f, uid_t uid, gid_t gid, char *err);
/* the script started: the file truncated, its header written */
int pkt_outfile_start (pkt_OutFile *f, char *err);
/* what is left written, the file closed (and handed to -z; removed if
** this run created it and it never started), the memory freed; a
** rotation waits for its -z commands */
int pkt_outfile_close (pkt_OutFile *f, char *err);

#endif
