/*
** sink_pcap.c - the pcap file back-end (-w): passed packets as savefile
** records, to a file or standard output, in the input's link type,
** snaplen and timestamp unit.
**
** Records are gathered in a buffer of ours and written with write(2), so
** that we know which of them reached the file. The file always ends on a
** whole record: when a write fails (a full disk, an I/O error) a regular
** file is cut back to the last whole record, the packets that did not make
** it are counted as failed, and the run stops with the number of the first
** of them. A pipe whose reader went away (EPIPE) ends the run quietly.
*/
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sink.h"

#define RECHDR 16           /* a record's header in the file */
#define MAXRECS (PKT_IOBUF / RECHDR)  /* records the buffer can hold */

typedef struct PcapFile {
  int fd;                   /* the output, -1 when not open */
  int own;                  /* ours to close (not standard output) */
  int created;              /* this run created the file */
  int started;              /* the file header is written */
  const char *path;         /* o->wfile */
  unsigned char hdr[24];    /* the file header, written at the start */
  int regular;              /* a regular file: can be cut back */
  int flush;                /* write each packet at once (-U) */
  int broken;               /* a write failed: nothing more is written */
  int endrc;                /* then: PKT_END (EPIPE) or PKT_ERROR */
  off_t size;               /* bytes in the file: header, whole records */
  unsigned char *rec;       /* records not yet written (owned) */
  size_t nrec;              /* bytes of them */
  uint64_t *no;             /* the packet number of each (owned) */
  size_t nno;               /* how many */
} PcapFile;

#define PF(k) ((PcapFile *)(k)->priv)

/* writes n bytes, past EINTR and short writes: the bytes written; on a
** failure fewer, with *e the reason */
static size_t writeall (int fd, const unsigned char *b, size_t n, int *e) {
  size_t done = 0;
  while (done < n) {
    ssize_t w = write(fd, b + done, n - done);
    if (w > 0) done += (size_t)w;
    else if (w < 0 && errno == EINTR) continue;
    else {
      *e = w < 0 ? errno : EIO;
      break;
    }
  }
  return done;
}

/* bytes of the whole records at the start of the buffer within `done`
** bytes; *n: how many records */
static size_t wholerecords (const PcapFile *f, size_t done, size_t *n) {
  size_t at = 0, i = 0;
  while (i < f->nno) {
    uint32_t caplen;
    memcpy(&caplen, f->rec + at + 8, sizeof(caplen));
    if (at + RECHDR + caplen > done) break;
    at += RECHDR + caplen;
    i++;
  }
  *n = i;
  return at;
}

/* the records held to the file: PKT_OK, or the sink's end (sink.h) */
static int drain (pkt_Sink *k, pkt_Stats *st, char *err) {
  PcapFile *f = PF(k);
  size_t done, whole, nwhole, lost;
  int e = 0;
  if (f->nrec == 0) return PKT_OK;
  done = writeall(f->fd, f->rec, f->nrec, &e);
  if (done == f->nrec) {
    f->size += (off_t)done;
    f->nrec = f->nno = 0;
    return PKT_OK;
  }
  whole = wholerecords(f, done, &nwhole);
  f->broken = 1;
  f->endrc = e == EPIPE ? PKT_END : PKT_ERROR;
  lost = f->nno - nwhole;
  st->passed -= lost;
  st->failed += lost;
  if (f->regular && done > whole &&
      ftruncate(f->fd, f->size + (off_t)whole) != 0) {
    snprintf(err, PKT_ERRSIZE, "%s: packet %llu: write error: %s; and the "
             "torn record could not be cut off: %s", k->name,
             (unsigned long long)f->no[nwhole], strerror(e),
             strerror(errno));
    return PKT_ERROR;
  }
  f->size += (off_t)whole;
  snprintf(err, PKT_ERRSIZE, "%s: packet %llu: write error: %s", k->name,
           (unsigned long long)f->no[nwhole], strerror(e));
  f->nrec = f->nno = 0;
  return f->endrc;
}

/*
** A savefile record is the header of pcap-savefile(5) in host byte order
** (what pcap_dump writes: 32-bit seconds and micro- or nanoseconds,
** caplen, len), then the bytes. Gathered in our own buffer, a record costs
** two memcpy, where pcap_dump's two fwrite calls (locking, stdio's
** bookkeeping) cost a third of a short packet's whole path.
*/
static int pcapfile_write (pkt_Sink *k, const pkt_Packet *p, pkt_Stats *st,
                           char *err) {
  PcapFile *f = PF(k);
  const struct pcap_pkthdr *h = &p->hdr;
  size_t need = RECHDR + h->caplen;
  uint32_t hdr[4];
  int rc;
  if (f->broken) {
    snprintf(err, PKT_ERRSIZE, "%s: packet %llu: not written after a write "
             "error", k->name, (unsigned long long)p->no);
    rc = f->endrc;
    goto lost;
  }
  if (need > PKT_IOBUF - f->nrec) {
    if ((rc = drain(k, st, err)) != PKT_OK) goto lost;
    if (need > PKT_IOBUF) {  /* cannot happen: libpcap's records are less */
      snprintf(err, PKT_ERRSIZE, "%s: packet %llu: a %u-byte record does "
               "not fit the buffer", k->name, (unsigned long long)p->no,
               h->caplen);
      f->broken = 1;
      rc = f->endrc = PKT_ERROR;
      goto lost;
    }
  }
  hdr[0] = (uint32_t)h->ts.tv_sec;
  hdr[1] = (uint32_t)h->ts.tv_usec;
  hdr[2] = h->caplen;
  hdr[3] = h->len;
  memcpy(f->rec + f->nrec, hdr, sizeof(hdr));
  memcpy(f->rec + f->nrec + sizeof(hdr), p->data, h->caplen);
  f->nrec += need;
  f->no[f->nno++] = p->no;
  return f->flush ? drain(k, st, err) : PKT_OK;
lost:  /* this packet is not written either */
  st->passed--;
  st->failed++;
  return rc;
}

static int pcapfile_flush (pkt_Sink *k, pkt_Stats *st, char *err) {
  return PF(k)->broken ? PKT_OK : drain(k, st, err);
}

static int pcapfile_close (pkt_Sink *k, char *err) {
  PcapFile *f = PF(k);
  pkt_Stats ignored;
  int rc = PKT_OK;
  memset(&ignored, 0, sizeof(ignored));
  if (f->fd >= 0 && f->started && !f->broken) rc = drain(k, &ignored, err);
  if (f->fd >= 0 && f->own && close(f->fd) != 0 && rc == PKT_OK) {
    snprintf(err, PKT_ERRSIZE, "%s: write error: %s", k->name,
             strerror(errno));
    rc = PKT_ERROR;
  }
  f->fd = -1;
  free(f->rec);
  f->rec = NULL;
  free(f->no);
  f->no = NULL;
  return rc == PKT_END ? PKT_OK : rc;
}

static const pkt_SinkOps pcapfile_ops = {
  "file", pcapfile_write, pcapfile_close, pcapfile_flush
};

/*
** The file header libpcap writes for this link type, snaplen and
** timestamp unit (the unit of the source's ts.tv_usec), made on a scratch
** memory stream, so that a link type a savefile cannot hold leaves the -w
** file untouched (not created, not truncated), as pcap_dump_open would.
*/
static int fileheader (pkt_Sink *k, const pkt_Source *src,
                       unsigned char hdr[24], char *err) {
  pcap_t *dead = pcap_open_dead_with_tstamp_precision(src->dlt,
                   src->snaplen > 0 ? src->snaplen : 262144,
                   src->nano ? PCAP_TSTAMP_PRECISION_NANO
                             : PCAP_TSTAMP_PRECISION_MICRO);
  char scratch[64];
  FILE *probe;
  pcap_dumper_t *d;
  const char *msg;
  if (dead == NULL || (probe = fmemopen(scratch, sizeof(scratch), "w"))
                      == NULL) {
    snprintf(err, PKT_ERRSIZE, "%s: out of memory", k->name);
    if (dead) pcap_close(dead);
    return PKT_ERROR;
  }
  d = pcap_dump_fopen(dead, probe);
  if (d != NULL) {
    pcap_dump_close(d);  /* the header is in scratch */
    memcpy(hdr, scratch, 24);
    pcap_close(dead);
    return PKT_OK;
  }
  fclose(probe);
  msg = pcap_geterr(dead);
  if (strncmp(msg, "stream: ", 8) == 0) msg += 8;  /* libpcap's "file" */
  snprintf(err, PKT_ERRSIZE, "%s: %s", k->name, msg);
  pcap_close(dead);
  return PKT_ERROR;
}

/*
** Opened before -Z drops privileges (tcpdump's way), but neither
** truncated nor written before the script has started (pkt_sink_pcapstart):
** a script that does not start leaves an existing file as it was and
** removes one it created.
*/
static int openfile (pkt_Sink *k, const pkt_Options *o,
                     const pkt_Source *src, char *err) {
  PcapFile *f = PF(k);
  f->flush = !o->buffered;
  f->path = o->wfile;
  if (fileheader(k, src, f->hdr, err) != PKT_OK) return PKT_ERROR;
  f->rec = malloc(PKT_IOBUF);
  f->no = malloc(MAXRECS * sizeof(*f->no));
  if (f->rec == NULL || f->no == NULL) {
    snprintf(err, PKT_ERRSIZE, "%s: out of memory", k->name);
    return PKT_ERROR;
  }
  if (strcmp(o->wfile, "-") == 0) f->fd = 1;
  else {
    f->fd = open(o->wfile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (f->fd >= 0) f->created = 1;
    else if (errno == EEXIST)
      f->fd = open(o->wfile, O_WRONLY | O_CLOEXEC);
    if (f->fd < 0) {
      /* a FIFO's open waits for a reader: a stop signal ends the run */
      if (errno == EINTR) return PKT_END;
      snprintf(err, PKT_ERRSIZE, "%s: %s", o->wfile, strerror(errno));
      return PKT_ERROR;
    }
    f->own = 1;
  }
  return PKT_OK;
}

int pkt_sink_pcapgive (pkt_Sink *k, uid_t uid, gid_t gid, char *err) {
  PcapFile *f = PF(k);
  if (f->created && fchown(f->fd, uid, gid) != 0) {
    snprintf(err, PKT_ERRSIZE, "%s: cannot give the file to the -Z user: "
             "%s", k->name, strerror(errno));
    return PKT_ERROR;
  }
  return PKT_OK;
}

void pkt_sink_pcapabandon (pkt_Sink *k) {
  PcapFile *f = PF(k);
  /* (as the -Z user, the directory may not let us: an empty file stays) */
  if (f->created && !f->started && unlink(f->path) != 0) {}
  f->created = 0;
}

int pkt_sink_pcapstart (pkt_Sink *k, char *err) {
  PcapFile *f = PF(k);
  struct stat sb;
  int e = 0;
  f->started = 1;
  f->regular = fstat(f->fd, &sb) == 0 && S_ISREG(sb.st_mode);
  /* standard output may be a file opened by the shell, appended to */
  if (f->regular && f->own && ftruncate(f->fd, 0) != 0) {
    snprintf(err, PKT_ERRSIZE, "%s: %s", k->name, strerror(errno));
    f->broken = 1;
    return PKT_ERROR;
  }
  if (f->regular && (f->size = lseek(f->fd, 0, SEEK_CUR)) < 0) {
    f->regular = 0;
    f->size = 0;
  }
  if (writeall(f->fd, f->hdr, sizeof(f->hdr), &e) != sizeof(f->hdr)) {
    if (f->regular && ftruncate(f->fd, f->size) != 0) {}  /* best effort */
    snprintf(err, PKT_ERRSIZE, "%s: write error: %s", k->name, strerror(e));
    f->broken = 1;
    return PKT_ERROR;
  }
  f->size += (off_t)sizeof(f->hdr);
  return PKT_OK;
}

int pkt_sink_openpcap (pkt_Sink **out, const pkt_Options *o,
                       const pkt_Source *src, char *err) {
  char ignored[PKT_ERRSIZE];
  pkt_Sink *k = pkt_sink_new(&pcapfile_ops, sizeof(PcapFile));
  int rc;
  if (k == NULL) {
    snprintf(err, PKT_ERRSIZE, "out of memory");
    return PKT_ERROR;
  }
  PF(k)->fd = -1;
  k->name = strcmp(o->wfile, "-") == 0 ? "(stdout)" : o->wfile;
  if ((rc = openfile(k, o, src, err)) != PKT_OK) {
    pkt_sink_close(k, ignored);
    return rc;
  }
  *out = k;
  return PKT_OK;
}
