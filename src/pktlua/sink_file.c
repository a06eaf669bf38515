/*
** sink_file.c - the output file of the file back-ends (sink_pcap.c,
** sink_pcapng.c): records gathered in a buffer of ours, written with
** write(2), the file always ending on a whole record (sink.h).
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

/* the fewest bytes of a record (a pcap record header; a pcapng block is
** more): how many records the buffer can hold */
#define MINREC 16
#define MAXRECS (PKT_IOBUF / MINREC)
/* in a record's packet number: a sink before this one lost that packet
** already, so it is not counted as failed again (sink.h) */
#define LOSTBEFORE (UINT64_C(1) << 63)

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
static size_t wholerecords (const pkt_OutFile *f, size_t done, size_t *n) {
  size_t at = 0, i = 0;
  while (i < f->nrec && at + f->len[i] <= done) at += f->len[i++];
  *n = i;
  return at;
}

/* the records from the nth on did not reach the file: out of passed,
** into failed, but for those a sink before had lost */
static void uncount (const pkt_OutFile *f, size_t n, pkt_Stats *st) {
  for (; n < f->nrec; n++) {
    if (f->no[n] & LOSTBEFORE) continue;
    st->passed--;
    st->passedbytes -= f->cap[n];
    st->failed++;
  }
}

/* the records held to the file: PKT_OK, or the file's end (sink.h) */
static int drain (pkt_OutFile *f, pkt_Stats *st, char *err) {
  size_t done, whole, nwhole;
  unsigned long long first;
  int e = 0;
  if (f->nbuf == 0) return PKT_OK;
  done = writeall(f->fd, f->buf, f->nbuf, &e);
  if (done == f->nbuf) {
    f->size += (off_t)done;
    f->nbuf = f->nrec = 0;
    return PKT_OK;
  }
  whole = wholerecords(f, done, &nwhole);
  f->broken = 1;
  f->endrc = e == EPIPE ? PKT_END : PKT_ERROR;
  first = (unsigned long long)(f->no[nwhole] & ~LOSTBEFORE);
  uncount(f, nwhole, st);
  if (f->regular && done > whole &&
      ftruncate(f->fd, f->size + (off_t)whole) != 0) {
    snprintf(err, PKT_ERRSIZE, "%s: packet %llu: write error: %s; and the "
             "torn record could not be cut off: %s", f->name,
             first, strerror(e),
             strerror(errno));
    return PKT_ERROR;
  }
  f->size += (off_t)whole;
  snprintf(err, PKT_ERRSIZE, "%s: packet %llu: write error: %s", f->name,
           first, strerror(e));
  f->nbuf = f->nrec = 0;
  return f->endrc;
}

int pkt_outfile_room (pkt_OutFile *f, size_t n, const pkt_Packet *p,
                      pkt_Stats *st, unsigned char **at, char *err) {
  unsigned long long no = p ? (unsigned long long)p->no : 0;
  int rc;
  if (f->broken) {
    snprintf(err, PKT_ERRSIZE, "%s: packet %llu: not written after a write "
             "error", f->name, no);
    rc = f->endrc;
    goto lost;
  }
  if (n > PKT_IOBUF - f->nbuf || f->nrec == MAXRECS) {
    if ((rc = drain(f, st, err)) != PKT_OK) goto lost;
    if (n > PKT_IOBUF) {  /* libpcap's records are less; long comments */
      snprintf(err, PKT_ERRSIZE, "%s: packet %llu: a %zu-byte record does "
               "not fit the buffer", f->name, no, n);
      f->broken = 1;
      rc = f->endrc = PKT_ERROR;
      goto lost;
    }
  }
  *at = f->buf + f->nbuf;
  return PKT_OK;
lost:  /* this packet is not written either */
  if (p) pkt_sink_lost(st, p);
  return rc;
}

int pkt_outfile_keep (pkt_OutFile *f, size_t n, const pkt_Packet *p,
                      pkt_Stats *st, char *err) {
  f->nbuf += n;
  f->no[f->nrec] = p->no;
  if (st->lostno == p->no) f->no[f->nrec] |= LOSTBEFORE;  /* rare */
  f->cap[f->nrec] = p->hdr.caplen;
  f->len[f->nrec++] = (uint32_t)n;
  return f->flush ? drain(f, st, err) : PKT_OK;
}

int pkt_outfile_header (pkt_OutFile *f, size_t n, char *err) {
  int e = 0;
  if (!f->started) {  /* held for pkt_outfile_start */
    f->nbuf += n;
    return PKT_OK;
  }
  if (writeall(f->fd, f->buf + f->nbuf, n, &e) != n) {
    if (f->regular && ftruncate(f->fd, f->size) != 0) {}  /* best effort */
    snprintf(err, PKT_ERRSIZE, "%s: write error: %s", f->name, strerror(e));
    f->broken = 1;
    f->endrc = e == EPIPE ? PKT_END : PKT_ERROR;
    return PKT_ERROR;
  }
  f->size += (off_t)n;
  return PKT_OK;
}

int pkt_outfile_give (pkt_OutFile *f, uid_t uid, gid_t gid, char *err) {
  if (f->created && fchown(f->fd, uid, gid) != 0) {
    snprintf(err, PKT_ERRSIZE, "%s: cannot give the file to the -Z user: "
             "%s", f->name, strerror(errno));
    return PKT_ERROR;
  }
  return PKT_OK;
}

int pkt_outfile_start (pkt_OutFile *f, char *err) {
  struct stat sb;
  size_t n = f->nbuf;  /* the header */
  f->started = 1;
  f->nbuf = 0;
  f->regular = fstat(f->fd, &sb) == 0 && S_ISREG(sb.st_mode);
  if (f->regular && f->own && ftruncate(f->fd, 0) != 0) {
    snprintf(err, PKT_ERRSIZE, "%s: %s", f->name, strerror(errno));
    f->broken = 1;
    f->endrc = PKT_ERROR;
    return PKT_ERROR;
  }
  /* standard output may be a file opened by the shell, appended to */
  if (f->regular && (f->size = lseek(f->fd, 0, SEEK_CUR)) < 0) {
    f->regular = 0;
    f->size = 0;
  }
  return pkt_outfile_header(f, n, err);
}

int pkt_outfile_flush (pkt_OutFile *f, pkt_Stats *st, char *err) {
  return f->broken ? PKT_OK : drain(f, st, err);
}

int pkt_outfile_close (pkt_OutFile *f, char *err) {
  pkt_Stats ignored;
  int rc = PKT_OK;
  memset(&ignored, 0, sizeof(ignored));
  if (f->fd >= 0 && f->started && !f->broken) rc = drain(f, &ignored, err);
  /* as the -Z user, the directory may not let us: an empty file stays */
  if (f->created && !f->started && unlink(f->path) != 0) {}
  f->created = 0;
  if (f->fd >= 0 && f->own && close(f->fd) != 0 && rc == PKT_OK) {
    snprintf(err, PKT_ERRSIZE, "%s: write error: %s", f->name,
             strerror(errno));
    rc = PKT_ERROR;
  }
  f->fd = -1;
  free(f->buf);
  f->buf = NULL;
  free(f->no);
  f->no = NULL;
  free(f->len);
  f->len = NULL;
  free(f->cap);
  f->cap = NULL;
  return rc == PKT_END ? PKT_OK : rc;
}

int pkt_outfile_open (pkt_OutFile *f, const char *name, const char *file,
                      int buffered, char *err) {
  f->name = name;
  f->path = file;
  f->fd = -1;
  f->flush = !buffered;
  f->buf = malloc(PKT_IOBUF);
  f->no = malloc(MAXRECS * sizeof(*f->no));
  f->len = malloc(MAXRECS * sizeof(*f->len));
  f->cap = malloc(MAXRECS * sizeof(*f->cap));
  if (f->buf == NULL || f->no == NULL || f->len == NULL || f->cap == NULL) {
    snprintf(err, PKT_ERRSIZE, "%s: out of memory", name);
    return PKT_ERROR;
  }
  if (strcmp(file, "-") == 0) {
    f->fd = 1;
    return PKT_OK;
  }
  /* not truncated here: pkt_outfile_start */
  f->fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (f->fd >= 0) f->created = 1;
  else if (errno == EEXIST) f->fd = open(file, O_WRONLY | O_CLOEXEC);
  if (f->fd < 0) {
    /* a FIFO's open waits for a reader: a stop signal ends the run */
    if (errno == EINTR) return PKT_END;
    snprintf(err, PKT_ERRSIZE, "%s: %s", file, strerror(errno));
    return PKT_ERROR;
  }
  f->own = 1;
  return PKT_OK;
}
