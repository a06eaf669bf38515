/*
** source_savefile.c - the savefile back-end (-r): any file libpcap reads
** (pcap in both byte orders and timestamp units, pcapng), from a file or
** standard input, through a large stdio buffer.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "source.h"

typedef struct Savefile {
  pcap_t *pcap;             /* libpcap's reader (owns the FILE) */
  char *iobuf;              /* the FILE's stdio buffer (owned) */
  off_t size;               /* file size for the progress line, 0: unknown */
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

static int file_next (pkt_Source *s, pkt_Packet *p, char *err) {
  struct pcap_pkthdr *h;
  const u_char *data;
  int rc = pcap_next_ex(FILEOF(s)->pcap, &h, &data);
  if (rc == 1) {
    p->hdr = *h;
    /* libpcap's malloc'd read buffer, ours until the next call: the
    ** script's writes go there and are what gets written, without a copy */
    p->data = (unsigned char *)(uintptr_t)data;
    return PKT_PACKET;
  }
  if (rc == PCAP_ERROR_BREAK) return PKT_END;
  snprintf(err, PKT_ERRSIZE, "%s", pcap_geterr(FILEOF(s)->pcap));
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

static void file_close (pkt_Source *s) {
  Savefile *f = FILEOF(s);
  if (f->pcap) pcap_close(f->pcap);  /* closes the FILE too */
  f->pcap = NULL;
  free(f->iobuf);  /* only now: the FILE read into it */
  f->iobuf = NULL;
  free(f->filter);
  f->filter = NULL;
}

static int openstream (pkt_Source *s, FILE *f, int isstdin, char *err);

/*
** --loop: libpcap cannot seek back to a pcapng file's first record, so
** the file is opened anew (a regular file only: a pipe's bytes are gone)
** and given the same filter.
*/
static int file_rewind (pkt_Source *s, char *err) {
  Savefile *sf = FILEOF(s);
  struct stat sb;
  FILE *f;
  if (sf->size <= 0 || stat(s->name, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    snprintf(err, PKT_ERRSIZE, "%s: not a regular file: cannot read it "
             "again", s->name);
    return PKT_ERROR;
  }
  if ((f = fopen(s->name, "rb")) == NULL) {
    snprintf(err, PKT_ERRSIZE, "%s: %s", s->name, strerror(errno));
    return PKT_ERROR;
  }
  pcap_close(sf->pcap);
  sf->pcap = NULL;
  free(sf->iobuf);
  sf->iobuf = NULL;
  if (openstream(s, f, 0, err) != PKT_OK) return PKT_ERROR;
  return sf->filter ? file_setfilter(s, sf->filter, err) : PKT_OK;
}

static const pkt_SourceOps savefile_ops = {
  "file", file_next, file_setfilter, file_stats, file_progress, NULL,
  file_close, file_rewind
};

pcap_t *pkt_savefile_pcap (pkt_Source *s) {
  return FILEOF(s)->pcap;
}

/* opens f (already open) as a savefile; on error f is closed */
static int openstream (pkt_Source *s, FILE *f, int isstdin, char *err) {
  Savefile *sf = FILEOF(s);
  char perr[PCAP_ERRBUF_SIZE] = "";
  struct stat sb;
  int nano;
  /* before any other use of the stream; NULL (no memory) keeps stdio's */
  if ((sf->iobuf = malloc(PKT_IOBUF)) != NULL &&
      setvbuf(f, sf->iobuf, _IOFBF, PKT_IOBUF) != 0) {
    free(sf->iobuf);
    sf->iobuf = NULL;
  }
  if (fstat(fileno(f), &sb) == 0) {
    if (S_ISDIR(sb.st_mode)) {
      snprintf(err, PKT_ERRSIZE, "%s: is a directory", s->name);
      goto fail;
    }
    if (S_ISREG(sb.st_mode) && !isstdin) sf->size = sb.st_size;
  }
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
  if (!isstdin) fclose(f);
  return PKT_ERROR;  /* iobuf: freed by the close */
}

int pkt_source_opensavefile (pkt_Source **out, const char *name, char *err) {
  pkt_Source *s = pkt_source_new(&savefile_ops, sizeof(Savefile));
  int isstdin = strcmp(name, "-") == 0;
  FILE *f;
  if (s == NULL) {
    snprintf(err, PKT_ERRSIZE, "out of memory");
    return PKT_ERROR;
  }
  s->name = isstdin ? "(stdin)" : name;
  f = isstdin ? stdin : fopen(name, "rb");
  if (f == NULL) {
    snprintf(err, PKT_ERRSIZE, "%s: %s", name, strerror(errno));
    pkt_source_close(s);
    return PKT_ERROR;
  }
  if (openstream(s, f, isstdin, err) != PKT_OK) {
    pkt_source_close(s);
    return PKT_ERROR;
  }
  *out = s;
  return PKT_OK;
}
