/*
** source_savefile.c - the savefile back-end (-r): any file libpcap reads
** (pcap in both byte orders and timestamp units, pcapng), from a file or
** standard input, through a large stdio buffer.
**
** A pipe or FIFO can keep a read waiting for ever, and a signal must not
** turn that wait into an input error. libpcap reads such an input through
** a stream of ours (fopencookie) whose bytes we hold, so that between two
** records we know whether a read would wait: then next() waits in poll()
** for the input or a wakeup (the signal handler's), and a signal returns
** PKT_AGAIN with nothing consumed, the loop looks at its flags and calls
** again. Inside a record the read blocks: SIGHUP and SIGUSR1 restart it
** (SA_RESTART), a stop signal (no SA_RESTART) ends the input there.
*/
#define _GNU_SOURCE  /* fopencookie */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source.h"

/* the stream libpcap reads a pipe through */
typedef struct Pipe {
  int fd;                   /* the input, blocking */
  int own;                  /* close fd at the end (not standard input) */
  int wake[2];              /* wakeup's self-pipe, non-blocking */
  unsigned char *buf;       /* PKT_IOBUF bytes read ahead (owned) */
  size_t n, i;              /* bytes in buf; bytes given to libpcap */
  int eof;                  /* read returned 0 */
  int cut;                  /* a stop signal interrupted a record */
} Pipe;

typedef struct Savefile {
  pcap_t *pcap;             /* libpcap's reader (owns the FILE) */
  char *iobuf;              /* the FILE's stdio buffer (owned) */
  off_t size;               /* file size for the progress line, 0: unknown */
  Pipe *pipe;               /* a pipe's stream (freed by its close), or NULL */
  char *filter;             /* the BPF expression set (owned), for rewind */
} Savefile;

#define FILEOF(s) ((Savefile *)(s)->priv)

/*
** The file's own timestamp unit, so the output keeps it: a pcap file with
** the microsecond magic is written back in microseconds; nanosecond pcap,
** pcapng (whose resolution is per interface) and anything we cannot peek
** at (a pipe) are read and written in nanoseconds, which loses nothing.
*/
static int nativenano (FILE *f) {
  unsigned char m[4];
  long pos = ftell(f);
  int nano = 1;
  if (pos < 0) return 1;  /* not seekable */
  if (fread(m, 1, 4, f) == 4) {
    if ((m[0] == 0xa1 && m[1] == 0xb2 && m[2] == 0xc3 && m[3] == 0xd4) ||
        (m[0] == 0xd4 && m[1] == 0xc3 && m[2] == 0xb2 && m[3] == 0xa1))
      nano = 0;
  }
  if (fseek(f, pos, SEEK_SET) != 0) return -1;
  clearerr(f);
  return nano;
}

/*
** {======================================================
** The pipe's stream
** =======================================================
*/

/* libpcap's fread lands here (the stream is unbuffered): bytes held, or
** one read of the input, which blocks */
static ssize_t pipe_read (void *cookie, char *out, size_t want) {
  Pipe *pp = (Pipe *)cookie;
  ssize_t got;
  if (pp->i == pp->n) {
    if (pp->eof) return 0;
    if ((got = read(pp->fd, pp->buf, PKT_IOBUF)) < 0) {
      /* only a stop signal interrupts it (the others restart the read):
      ** the record libpcap is reading is cut, the run ends before it */
      if (errno == EINTR) pp->cut = 1;
      return -1;
    }
    pp->n = (size_t)got;
    pp->i = 0;
    if (got == 0) {
      pp->eof = 1;
      return 0;
    }
  }
  if (want > pp->n - pp->i) want = pp->n - pp->i;
  memcpy(out, pp->buf + pp->i, want);
  pp->i += want;
  return (ssize_t)want;
}

static int pipe_close (void *cookie) {
  Pipe *pp = (Pipe *)cookie;
  int rc = pp->own ? close(pp->fd) : 0;
  if (pp->wake[0] >= 0) close(pp->wake[0]);
  if (pp->wake[1] >= 0) close(pp->wake[1]);
  free(pp->buf);
  free(pp);
  return rc;
}

/* a stream over fd (closed with it when own); NULL with errno */
static FILE *pipe_open (Savefile *sf, int fd, int own) {
  cookie_io_functions_t io = { pipe_read, NULL, NULL, pipe_close };
  Pipe *pp = calloc(1, sizeof(*pp));
  FILE *f;
  if (pp == NULL) return NULL;
  pp->fd = fd;
  pp->wake[0] = pp->wake[1] = -1;
  if ((pp->buf = malloc(PKT_IOBUF)) == NULL ||
      pipe2(pp->wake, O_CLOEXEC | O_NONBLOCK) != 0 ||
      (f = fopencookie(pp, "rb", io)) == NULL) {
    int e = errno;
    pipe_close(pp);
    errno = e;
    return NULL;
  }
  pp->own = own;
  /* stdio holds no byte of its own: what is unread is ours, in pp->buf */
  setvbuf(f, NULL, _IONBF, 0);
  sf->pipe = pp;
  return f;
}

/* before a record: PKT_OK when a read will not wait, PKT_AGAIN after a
** signal (nothing consumed) */
static int pipe_wait (Pipe *pp) {
  struct pollfd w[2];
  char drain[64];
  if (pp->i < pp->n || pp->eof) return PKT_OK;
  w[0].fd = pp->fd;
  w[0].events = POLLIN;
  w[1].fd = pp->wake[0];
  w[1].events = POLLIN;
  if (poll(w, 2, -1) < 0) return errno == EINTR ? PKT_AGAIN : PKT_OK;
  if (w[1].revents & POLLIN) {
    while (read(pp->wake[0], drain, sizeof(drain)) > 0) {}
    return PKT_AGAIN;
  }
  return PKT_OK;  /* data, end of file, or an error the read will say */
}

/* }====================================================== */


static int file_next (pkt_Source *s, pkt_Packet *p, char *err) {
  Savefile *sf = FILEOF(s);
  struct pcap_pkthdr *h;
  const u_char *data;
  int rc;
  if (sf->pipe != NULL) {
    if (sf->pipe->cut) return PKT_END;
    if (pipe_wait(sf->pipe) == PKT_AGAIN) return PKT_AGAIN;
  }
  rc = pcap_next_ex(sf->pcap, &h, &data);
  if (rc == 1) {
    p->hdr = *h;
    /* libpcap's malloc'd read buffer, ours until the next call: the
    ** script's writes go there and are what gets written, without a copy */
    p->data = (unsigned char *)(uintptr_t)data;
    return PKT_PACKET;
  }
  if (rc == PCAP_ERROR_BREAK) return PKT_END;
  if (sf->pipe != NULL && sf->pipe->cut) return PKT_END;  /* stopped */
  snprintf(err, PKT_ERRSIZE, "%s", pcap_geterr(sf->pcap));
  return PKT_ERROR;
}

static int file_setfilter (pkt_Source *s, const char *expr, char *err) {
  struct bpf_program prog;
  int rc = pkt_source_pcapfilter(s, FILEOF(s)->pcap, expr,
                                 PCAP_NETMASK_UNKNOWN, &prog, err);
  if (rc != PKT_OK) return rc;
  pcap_freecode(&prog);  /* the handle has its copy */
  if (FILEOF(s)->filter != expr) {
    free(FILEOF(s)->filter);
    if ((FILEOF(s)->filter = strdup(expr)) == NULL) {
      snprintf(err, PKT_ERRSIZE, "out of memory");
      return PKT_ERROR;
    }
  }
  return PKT_OK;
}

static double file_progress (pkt_Source *s) {
  FILE *f = pcap_file(FILEOF(s)->pcap);
  long pos;
  if (FILEOF(s)->size <= 0 || f == NULL || (pos = ftell(f)) < 0)
    return -1.0;
  return (double)pos / (double)FILEOF(s)->size;
}

static void file_stats (pkt_Source *s, pkt_Stats *st) {
  (void)s;
  st->haskernel = 0;
}

/* async-signal-safe: a next() waiting in pipe_wait returns */
static void file_wakeup (pkt_Source *s) {
  Pipe *pp = FILEOF(s)->pipe;
  int saved = errno;
  if (pp != NULL && write(pp->wake[1], "", 1) < 0) {}  /* full: awake */
  errno = saved;
}

static void file_close (pkt_Source *s) {
  Savefile *f = FILEOF(s);
  if (f->pcap) pcap_close(f->pcap);  /* closes the FILE too */
  f->pcap = NULL;
  f->pipe = NULL;  /* freed by the stream's close */
  free(f->iobuf);  /* only now: the FILE read into it */
  f->iobuf = NULL;
  free(f->filter);
  f->filter = NULL;
}

static FILE *openstream (pkt_Source *s, int fd, int own, char *err);
static int openpcap (pkt_Source *s, FILE *f, char *err);

/*
** --loop: libpcap cannot seek back to a pcapng file's first record, so
** the file is opened anew (a regular file only: a pipe's bytes are gone)
** and given the same filter.
*/
static int file_rewind (pkt_Source *s, char *err) {
  Savefile *sf = FILEOF(s);
  struct stat sb;
  FILE *f;
  int fd;
  if (sf->size <= 0 || stat(s->name, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    snprintf(err, PKT_ERRSIZE, "%s: not a regular file: cannot read it "
             "again", s->name);
    return PKT_ERROR;
  }
  if ((fd = open(s->name, O_RDONLY | O_CLOEXEC)) < 0) {
    snprintf(err, PKT_ERRSIZE, "%s: %s", s->name, strerror(errno));
    return PKT_ERROR;
  }
  pcap_close(sf->pcap);  /* closes its FILE too */
  sf->pcap = NULL;
  free(sf->iobuf);  /* only now: the FILE read into it */
  sf->iobuf = NULL;
  if ((f = openstream(s, fd, 1, err)) == NULL) return PKT_ERROR;
  if (openpcap(s, f, err) != PKT_OK) return PKT_ERROR;
  return sf->filter ? file_setfilter(s, sf->filter, err) : PKT_OK;
}

static const pkt_SourceOps savefile_ops = {
  "file", file_next, file_setfilter, file_stats, file_progress,
  file_wakeup, file_close, file_rewind
};

pcap_t *pkt_savefile_pcap (pkt_Source *s) {
  return FILEOF(s)->pcap;
}

/*
** The stream libpcap reads fd through: a regular file through stdio with a
** large buffer, anything that can wait (pipe, FIFO, terminal, socket)
** through our pipe stream. NULL with err; fd is closed then when own.
*/
static FILE *openstream (pkt_Source *s, int fd, int own, char *err) {
  Savefile *sf = FILEOF(s);
  struct stat sb;
  FILE *f;
  if (fstat(fd, &sb) != 0) {
    snprintf(err, PKT_ERRSIZE, "%s: %s", s->name, strerror(errno));
    goto fail;
  }
  if (S_ISDIR(sb.st_mode)) {
    snprintf(err, PKT_ERRSIZE, "%s: is a directory", s->name);
    goto fail;
  }
  if (!S_ISREG(sb.st_mode)) {
    if ((f = pipe_open(sf, fd, own)) == NULL) {
      snprintf(err, PKT_ERRSIZE, "%s: %s", s->name, strerror(errno));
      goto fail;
    }
    return f;
  }
  if (own) {
    sf->size = sb.st_size;
    f = fdopen(fd, "rb");
  }
  else f = stdin;
  if (f == NULL) {
    snprintf(err, PKT_ERRSIZE, "%s: %s", s->name, strerror(errno));
    goto fail;
  }
  /* before any other use of the stream; NULL (no memory) keeps stdio's */
  if ((sf->iobuf = malloc(PKT_IOBUF)) != NULL &&
      setvbuf(f, sf->iobuf, _IOFBF, PKT_IOBUF) != 0) {
    free(sf->iobuf);
    sf->iobuf = NULL;
  }
  return f;
fail:
  if (own) close(fd);
  return NULL;
}

/* opens f as a savefile: PKT_OK, PKT_END (a stop signal came while the
** file header was awaited), PKT_ERROR; on failure f is closed (not
** standard input) */
static int openpcap (pkt_Source *s, FILE *f, char *err) {
  Savefile *sf = FILEOF(s);
  char perr[PCAP_ERRBUF_SIZE] = "";
  int nano, rc;
  if ((nano = nativenano(f)) < 0) {
    snprintf(err, PKT_ERRSIZE, "%s: %s", s->name, strerror(errno));
    goto fail;
  }
  sf->pcap = pcap_fopen_offline_with_tstamp_precision(f,
               nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO,
               perr);
  if (sf->pcap == NULL) {  /* libpcap says it well ("unknown file format") */
    snprintf(err, PKT_ERRSIZE, "%s: %s", s->name, perr);
    goto fail;
  }
  s->nano = nano;
  s->dlt = pcap_datalink(sf->pcap);
  s->linktype = pkt_linktype(s->dlt);
  s->snaplen = pcap_snapshot(sf->pcap);
  return PKT_OK;
fail:
  rc = sf->pipe != NULL && sf->pipe->cut ? PKT_END : PKT_ERROR;
  if (f != stdin) fclose(f);  /* a pipe stream frees its Pipe */
  sf->pipe = NULL;
  return rc;  /* iobuf: freed by the close */
}

int pkt_source_opensavefile (pkt_Source **out, const char *name, char *err) {
  pkt_Source *s = pkt_source_new(&savefile_ops, sizeof(Savefile));
  int isstdin = strcmp(name, "-") == 0;
  int fd = 0, rc;
  FILE *f;
  if (s == NULL) {
    snprintf(err, PKT_ERRSIZE, "out of memory");
    return PKT_ERROR;
  }
  s->name = isstdin ? "(stdin)" : name;
  /* a FIFO's open waits for a writer; a stop signal ends the wait (the
  ** others restart it) and the run, which has nothing to read */
  if (!isstdin && (fd = open(name, O_RDONLY | O_CLOEXEC)) < 0) {
    int e = errno;
    pkt_source_close(s);
    if (e == EINTR) return PKT_END;
    snprintf(err, PKT_ERRSIZE, "%s: %s", name, strerror(e));
    return PKT_ERROR;
  }
  if ((f = openstream(s, fd, !isstdin, err)) == NULL) {
    pkt_source_close(s);
    return PKT_ERROR;
  }
  if ((rc = openpcap(s, f, err)) != PKT_OK) {
    pkt_source_close(s);
    return rc;
  }
  *out = s;
  return PKT_OK;
}
