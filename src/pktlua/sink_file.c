/*
** sink_file.c - the output file of the file back-ends (sink_pcap.c,
** sink_pcapng.c): records gathered in a buffer of ours, written with
** write(2), the file always ending on a whole record (sink.h); with
** -C/-G/-W/-z a series of such files, each ended whole before the next
** begins (the decisions and names: rotate.c).
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
    if (f->no[n] & PKT_NO_LOSTBEFORE) continue;
    if (f->no[n] & PKT_NO_EMITTED) st->emitted--;
    else {
      st->passed--;
      st->passedbytes -= f->cap[n];
    }
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
  first = (unsigned long long)(f->no[nwhole] &
                               ~(PKT_NO_LOSTBEFORE | PKT_NO_EMITTED));
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
  if (n > PKT_IOBUF - f->nbuf || f->nrec == PKT_OUTFILE_MAXRECS) {
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
  f->started = 1;
  /* the header held since the open is made again: the script may have
  ** declared the output's link type (pktlua.linktype) */
  f->nbuf = 0;
  if (f->fd < 0) return PKT_OK;  /* the packet clock: at the first packet */
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
  return f->header(f, f->ud, err);
}

int pkt_outfile_flush (pkt_OutFile *f, pkt_Stats *st, char *err) {
  return f->broken ? PKT_OK : drain(f, st, err);
}

/* opens `path`: PKT_OK, PKT_END (a stop while a FIFO waited for its
** reader) or PKT_ERROR */
static int openpath (pkt_OutFile *f, const char *path, char *err) {
  struct stat sb;
  f->size = 0;
  f->records = 0;
  f->path = path;
  if (strcmp(path, "-") == 0) {
    f->fd = 1;
    f->own = 0;
  }
  else if (!f->started) {
    /* before the script started (-Z's order): not truncated yet
    ** (pkt_outfile_start), and removed at the close if it never starts
    ** and this run created it */
    f->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (f->fd >= 0) f->created = 1;
    else if (errno == EEXIST) f->fd = open(path, O_WRONLY | O_CLOEXEC);
  }
  else f->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (f->fd < 0) {
    /* a FIFO's open waits for a reader: a stop signal ends the run */
    if (errno == EINTR) return PKT_END;
    snprintf(err, PKT_ERRSIZE, "%s: %s", path, strerror(errno));
    return PKT_ERROR;
  }
  if (f->fd != 1) f->own = 1;
  f->regular = fstat(f->fd, &sb) == 0 && S_ISREG(sb.st_mode);
  /* standard output may be a file opened by the shell, appended to */
  if (f->regular && (f->size = lseek(f->fd, 0, SEEK_CUR)) < 0) {
    f->regular = 0;
    f->size = 0;
  }
  return PKT_OK;
}


/*
** {======================================================
** Rotation: one file ends whole, the next begins
** =======================================================
*/

/* empty files made for periods no packet came in, at most (without -W):
** more is a clock that jumped */
#define MAXEMPTY 1000

/* the rotation's next file, for the period holding t, with its header */
static int startfile (pkt_OutFile *f, int64_t t, char *err) {
  const char *path;
  int rc;
  f->start = pkt_rotate_period(f->rot, t);
  if ((path = pkt_rotate_next(f->rot, f->start, err)) == NULL)
    rc = PKT_ERROR;
  else {
    f->name = path;
    if ((rc = openpath(f, path, err)) == PKT_OK)
      return f->header(f, f->ud, err);  /* marks a failure itself */
  }
  f->broken = 1;
  f->endrc = rc;
  return rc;
}

/* the current file, all it holds written, closed and handed to -z (a
** file cut back after a write error is whole too) */
static int endfile (pkt_OutFile *f, pkt_Stats *st, char *err) {
  int rc = f->broken ? PKT_OK : drain(f, st, err);
  if (close(f->fd) != 0 && rc == PKT_OK) {
    snprintf(err, PKT_ERRSIZE, "%s: write error: %s", f->name,
             strerror(errno));
    f->broken = 1;
    rc = f->endrc = PKT_ERROR;
  }
  f->fd = -1;
  f->own = 0;
  pkt_rotate_closed(f->rot, f->name);
  return rc;
}

/*
** From the current file to the next: for -C one more of the same
** period; for -G the file of t's period, after an empty file (a header)
** for each period in between that no packet came in, so that a quiet
** period still has its file and a reader can tell it from a gap in the
** capture (at most -W of them, or MAXEMPTY).
*/
static int turn (pkt_OutFile *f, int due, int64_t t, pkt_Stats *st,
                 char *err) {
  int64_t g = pkt_rotate_seconds(f->rot), at = f->start, last;
  int64_t most = pkt_rotate_keep(f->rot) > 0 ? pkt_rotate_keep(f->rot) - 1
                                             : MAXEMPTY;
  int rc = endfile(f, st, err);
  if (rc != PKT_OK) return rc;
  if (due != PKT_ROT_TIME) return startfile(f, at, err);
  last = pkt_rotate_period(f->rot, t);
  at += g;
  if ((last - at) / g > most) {
    if (pkt_rotate_keep(f->rot) == 0)
      fprintf(stderr, "pktlua: %s: the clock jumped %lld s: no empty files "
              "for the first %lld periods\n", f->name,
              (long long)(last - f->start),
              (long long)((last - at) / g - most));
    at = last - most * g;
  }
  for (; at < last; at += g)
    if ((rc = startfile(f, at, err)) != PKT_OK ||
        (rc = endfile(f, st, err)) != PKT_OK)
      return rc;
  return startfile(f, t, err);
}

int pkt_outfile_next (pkt_OutFile *f, size_t n, const pkt_Packet *p,
                      pkt_Stats *st, char *err) {
  int64_t t;
  int due, rc;
  if (f->rot == NULL || f->broken) return PKT_OK;  /* room reports it */
  /* the clock only when time decides (-G, the packet clock's first) */
  t = pkt_rotate_seconds(f->rot) > 0 || f->fd < 0 ? pkt_rotate_now(f->rot, p)
                                                  : -1;
  if (f->fd < 0) rc = startfile(f, t, err);  /* the packet clock's first */
  else {
    due = pkt_rotate_due(f->rot, f->start, t,
                         (uint64_t)f->size + f->nbuf + n, f->records);
    if (due == PKT_ROT_NONE) return PKT_OK;
    rc = turn(f, due, t, st, err);
  }
  if (rc != PKT_OK) pkt_sink_lost(st, p);
  return rc;
}

int pkt_outfile_tick (pkt_OutFile *f, const pkt_Packet *p, pkt_Stats *st,
                      char *err) {
  int64_t t;
  if (f->rot == NULL || f->broken) return PKT_OK;
  if (p == NULL || (++f->ticks & 1023) == 0) pkt_rotate_reap(f->rot);
  if (pkt_rotate_seconds(f->rot) == 0 && f->fd >= 0) return PKT_OK;
  if ((t = pkt_rotate_now(f->rot, p)) < 0) return PKT_OK;
  if (f->fd < 0) return startfile(f, t, err);
  if (pkt_rotate_due(f->rot, f->start, t, 0, 0) != PKT_ROT_TIME)
    return PKT_OK;
  return turn(f, PKT_ROT_TIME, t, st, err);
}

/* }====================================================== */


int pkt_outfile_close (pkt_OutFile *f, char *err) {
  pkt_Stats ignored;
  int rc = PKT_OK;
  memset(&ignored, 0, sizeof(ignored));
  /* the packet clock and no packet: the run still leaves its file
  ** (once the script started) */
  if (f->rot && f->fd < 0 && f->header && f->started && !f->broken)
    rc = startfile(f, pkt_rotate_wallnow(), err);
  if (f->rot && f->fd >= 0 && f->started) rc = endfile(f, &ignored, err);
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
  pkt_rotate_free(f->rot);
  f->rot = NULL;
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
                      const pkt_Options *o, pkt_OutHeader header, void *ud,
                      char *err) {
  int64_t t;
  int rc;
  f->name = name;
  f->path = file;
  f->fd = -1;
  f->flush = !o->buffered;
  f->buf = malloc(PKT_IOBUF);
  f->no = malloc(PKT_OUTFILE_MAXRECS * sizeof(*f->no));
  f->len = malloc(PKT_OUTFILE_MAXRECS * sizeof(*f->len));
  f->cap = malloc(PKT_OUTFILE_MAXRECS * sizeof(*f->cap));
  if (f->buf == NULL || f->no == NULL || f->len == NULL || f->cap == NULL) {
    snprintf(err, PKT_ERRSIZE, "%s: out of memory", name);
    return PKT_ERROR;
  }
  if (pkt_rotate_new(&f->rot, o, file, err) != PKT_OK) return PKT_ERROR;
  f->header = header;
  f->ud = ud;
  /* the first file: opened now, before -Z drops privileges, its header
  ** held until pkt_outfile_start */
  if (f->rot == NULL) {
    if ((rc = openpath(f, file, err)) != PKT_OK) return rc;
    rc = header(f, ud, err);
  }
  else if ((t = pkt_rotate_now(f->rot, NULL)) >= 0)
    rc = startfile(f, t, err);
  else rc = PKT_OK;  /* the packet clock: at the first packet */
  if (rc != PKT_OK) f->header = NULL;  /* no file at the close */
  return rc;
}
