/*
** sink_pcapng.c - the pcapng file back-end (-w FILE.pcapng, --format=
** pcapng): one section in our byte order, one Interface Description Block
** per input interface (link type, snaplen, name, description and
** timestamp resolution kept), passed packets as Enhanced Packet Blocks
** with their comments. The output's interface numbers are the input's
** (numbered across its sections); an interface that shows up in the
** middle of the input gets its block before its first packet.
*/
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sink.h"

#ifndef PKTLUA_VERSION
#define PKTLUA_VERSION "0.0.0"
#endif

#define MAXOPT 65532u  /* the longest option value we write (4-aligned) */

typedef struct NgFile {
  FILE *fp;
  char *iobuf;              /* the FILE's stdio buffer (owned) */
  unsigned char *rec;       /* blocks not yet given to stdio (owned) */
  size_t nrec;
  int flush;                /* -U */
  const pkt_Source *src;    /* its interfaces, written as they come */
  int nwritten;             /* interface blocks written */
  uint64_t *ups;            /* timestamp units per second of each */
  int capups;
} NgFile;

#define NGF(k) ((NgFile *)(k)->priv)

static void drain (NgFile *f) {
  if (f->nrec > 0) fwrite(f->rec, 1, f->nrec, f->fp);
  f->nrec = 0;
}

/* n bytes onto the output, through our buffer when they fit in it */
static void put (NgFile *f, const void *b, size_t n) {
  if (f->rec == NULL || n > PKT_IOBUF - f->nrec) {
    drain(f);
    if (f->rec == NULL || n > PKT_IOBUF) {
      fwrite(b, 1, n, f->fp);
      return;
    }
  }
  memcpy(f->rec + f->nrec, b, n);
  f->nrec += n;
}

static void put32 (NgFile *f, uint32_t v) { put(f, &v, 4); }

static void putpad (NgFile *f, size_t n) {
  static const unsigned char zero[4];
  put(f, zero, (4 - n % 4) % 4);
}

static size_t pad4 (size_t n) { return (n + 3) & ~(size_t)3; }

/* an option's bytes in the block (value cut to MAXOPT) */
static size_t optsize (size_t len) {
  return 4 + pad4(len > MAXOPT ? MAXOPT : len);
}

static void putopt (NgFile *f, unsigned code, const void *v, size_t len) {
  uint16_t h[2];
  if (len > MAXOPT) len = MAXOPT;
  h[0] = (uint16_t)code;
  h[1] = (uint16_t)len;
  put(f, h, 4);
  put(f, v, len);
  putpad(f, len);
}

static void putend (NgFile *f) { put32(f, 0); }

static void putshb (NgFile *f) {
  static const char appl[] = "pktlua " PKTLUA_VERSION;
  static const uint16_t version[2] = {1, 0};
  size_t len = 12 + 16 + optsize(sizeof(appl) - 1) + 4;
  uint64_t seclen = UINT64_MAX;  /* not given */
  put32(f, 0x0a0d0d0au);
  put32(f, (uint32_t)len);
  put32(f, 0x1a2b3c4du);
  put(f, version, 4);
  put(f, &seclen, 8);
  putopt(f, 4, appl, sizeof(appl) - 1);  /* shb_userappl */
  putend(f);
  put32(f, (uint32_t)len);
}

/* an interface block: link type, snaplen, name, description, tsresol */
static int putidb (NgFile *f, int linktype, uint32_t snaplen,
                   const char *name, const char *desc, unsigned tsresol) {
  size_t len = 12 + 8 + 4;
  uint16_t lt[2];
  unsigned char res = (unsigned char)tsresol;
  uint64_t ups = pkt_tsresol_units(tsresol);
  if (f->nwritten == f->capups) {
    int cap = f->capups ? 2 * f->capups : 8;
    uint64_t *n = realloc(f->ups, (size_t)cap * sizeof(*n));
    if (n == NULL) return PKT_ERROR;
    f->ups = n;
    f->capups = cap;
  }
  f->ups[f->nwritten++] = ups ? ups : 1000000u;
  if (name) len += optsize(strlen(name));
  if (desc) len += optsize(strlen(desc));
  if (tsresol != 6) len += optsize(1);
  lt[0] = (uint16_t)linktype;
  lt[1] = 0;
  put32(f, 1);
  put32(f, (uint32_t)len);
  put(f, lt, 4);
  put32(f, snaplen);
  if (name) putopt(f, 2, name, strlen(name));
  if (desc) putopt(f, 3, desc, strlen(desc));
  if (tsresol != 6) putopt(f, 9, &res, 1);
  putend(f);
  put32(f, (uint32_t)len);
  return PKT_OK;
}

/* the blocks of the source's interfaces up to `index` not written yet */
static int putifaces (NgFile *f, int index) {
  const pkt_Source *s = f->src;
  while (f->nwritten <= index && f->nwritten < s->nifaces) {
    const pkt_Iface *i = s->ifaces[f->nwritten];
    if (putidb(f, i->linktype, i->snaplen, i->name, i->description,
               i->tsresol) != PKT_OK)
      return PKT_ERROR;
  }
  return PKT_OK;
}

/* seconds and nanoseconds in units of ups per second, rounded to the
** nearest (nanoseconds read from a binary resolution are rounded down) */
static uint64_t units (uint64_t sec, uint64_t nsec, uint64_t ups) {
  uint64_t frac;
  if (ups <= 1000000000u && 1000000000u % ups == 0)
    frac = nsec / (1000000000u / ups);
  else
#ifdef __SIZEOF_INT128__
    frac = (uint64_t)(((unsigned __int128)nsec * ups + 500000000u) /
                      1000000000u);
#else
    frac = (uint64_t)((long double)nsec * (long double)ups / 1e9L + 0.5L);
#endif
  return sec * ups + frac;  /* wraps only past the year 500000 */
}

static void ngfile_write (pkt_Sink *k, const pkt_Packet *p, pkt_Stats *st) {
  NgFile *f = NGF(k);
  int id = p->iface ? p->iface->index : 0;
  uint64_t sec, nsec, ts;
  uint32_t hdr[7];
  size_t len, optlen = 0;
  const char *c, *end;
  (void)st;  /* a write error shows at the close, as stdio reports it */
  if (id >= f->nwritten && (putifaces(f, id) != PKT_OK ||
                            id >= f->nwritten)) {
    k->failed = "out of memory";
    return;
  }
  sec = p->hdr.ts.tv_sec > 0 ? (uint64_t)p->hdr.ts.tv_sec : 0;
  nsec = p->hdr.ts.tv_usec > 0 ? (uint64_t)p->hdr.ts.tv_usec : 0;
  if (!p->nano) nsec *= 1000;
  ts = units(sec, nsec, f->ups[id]);
  /* comments: one option per line */
  c = p->comment;
  end = c ? c + p->commentlen : NULL;
  while (c && c < end) {
    const char *nl = memchr(c, '\n', (size_t)(end - c));
    size_t n = (size_t)((nl ? nl : end) - c);
    optlen += optsize(n);
    c = nl ? nl + 1 : end;
  }
  if (optlen > 0) optlen += 4;
  len = 12 + 20 + pad4(p->hdr.caplen) + optlen;
  hdr[0] = 6;
  hdr[1] = (uint32_t)len;
  hdr[2] = (uint32_t)id;
  hdr[3] = (uint32_t)(ts >> 32);
  hdr[4] = (uint32_t)ts;
  hdr[5] = p->hdr.caplen;
  hdr[6] = p->hdr.len;
  put(f, hdr, sizeof(hdr));
  put(f, p->data, p->hdr.caplen);
  putpad(f, p->hdr.caplen);
  for (c = p->comment; c && c < end;) {
    const char *nl = memchr(c, '\n', (size_t)(end - c));
    size_t n = (size_t)((nl ? nl : end) - c);
    putopt(f, 1, c, n);
    c = nl ? nl + 1 : end;
  }
  if (optlen > 0) putend(f);
  put32(f, (uint32_t)len);
  if (f->flush) {
    drain(f);
    fflush(f->fp);
  }
}

static int ngfile_close (pkt_Sink *k, char *err) {
  NgFile *f = NGF(k);
  int rc = PKT_OK;
  if (f->fp) {
    drain(f);
    if (fflush(f->fp) != 0 || ferror(f->fp)) {
      snprintf(err, PKT_ERRSIZE, "%s: write error: %s", k->name,
               strerror(errno));
      rc = PKT_ERROR;
    }
    fclose(f->fp);  /* stdout too: it must not keep a buffer we free */
    f->fp = NULL;
  }
  free(f->iobuf);
  f->iobuf = NULL;
  free(f->rec);
  f->rec = NULL;
  free(f->ups);
  f->ups = NULL;
  return rc;
}

static const pkt_SinkOps ngfile_ops = {
  "file", ngfile_write, ngfile_close
};

int pkt_sink_openpcapng (pkt_Sink **out, const pkt_Options *o,
                         const char *file, const pkt_Source *src,
                         char *err) {
  char ignored[PKT_ERRSIZE];
  pkt_Sink *k = pkt_sink_new(&ngfile_ops, sizeof(NgFile));
  NgFile *f;
  int rc;
  if (k == NULL) {
    snprintf(err, PKT_ERRSIZE, "out of memory");
    return PKT_ERROR;
  }
  f = NGF(k);
  k->name = strcmp(file, "-") == 0 ? "(stdout)" : file;
  f->flush = !o->buffered;
  f->src = src;
  f->fp = strcmp(file, "-") == 0 ? stdout : fopen(file, "wb");
  if (f->fp == NULL) {
    snprintf(err, PKT_ERRSIZE, "%s: %s", file, strerror(errno));
    pkt_sink_close(k, ignored);
    return PKT_ERROR;
  }
  if ((f->iobuf = malloc(PKT_IOBUF)) != NULL &&
      setvbuf(f->fp, f->iobuf, _IOFBF, PKT_IOBUF) != 0) {
    free(f->iobuf);
    f->iobuf = NULL;
  }
  f->rec = malloc(PKT_IOBUF);  /* NULL: every piece straight to stdio */
  putshb(f);
  if (src->nifaces > 0) rc = putifaces(f, src->nifaces - 1);
  else  /* one interface: the source's own */
    rc = putidb(f, src->linktype, (uint32_t)src->snaplen,
                strcmp(src->ops->kind, "live") == 0 ? src->name : NULL,
                NULL, src->nano ? 9 : 6);
  if (rc != PKT_OK) {
    snprintf(err, PKT_ERRSIZE, "out of memory");
    pkt_sink_close(k, ignored);
    return PKT_ERROR;
  }
  if (f->flush) {
    drain(f);
    fflush(f->fp);
  }
  *out = k;
  return PKT_OK;
}
