/*
** sink_pcapng.c - the pcapng file back-end (-w FILE.pcapng, --format=
** pcapng): one section in our byte order, one Interface Description Block
** per input interface (link type, snaplen, name, description and
** timestamp resolution kept), passed packets as Enhanced Packet Blocks
** with their comments. The output's interface numbers are the input's
** (numbered across its sections); an interface that shows up in the
** middle of the input gets its block before its first packet.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sink.h"

#ifndef PKTLUA_VERSION
#define PKTLUA_VERSION "0.0.0"
#endif

#define MAXOPT 65532u  /* the longest option value we write (4-aligned) */

/* an interface block: link type, snaplen, name, description, tsresol */
typedef struct Idb {
  int linktype;
  uint32_t snaplen;
  const char *name, *desc;
  unsigned tsresol;
} Idb;

typedef struct NgFile {
  pkt_OutFile out;
  const pkt_Source *src;    /* its interfaces, written as they come */
  int nwritten;             /* interface blocks written */
  uint64_t *ups;            /* timestamp units per second of each */
  int capups;
  Idb own;                  /* the one interface of a source without
                            ** interface blocks */
  const pkt_Options *o;     /* o->outlinktype: pktlua.linktype's for
                            ** every interface, or -1: each its own */
} NgFile;

#define NGF(k) ((NgFile *)(k)->priv)

/* blocks are written at a cursor into sink_file.c's buffer, after their
** length was counted */
static unsigned char *put (unsigned char *at, const void *b, size_t n) {
  memcpy(at, b, n);
  return at + n;
}

static unsigned char *put32 (unsigned char *at, uint32_t v) {
  return put(at, &v, 4);
}

static size_t pad4 (size_t n) { return (n + 3) & ~(size_t)3; }

static unsigned char *putpad (unsigned char *at, size_t n) {
  size_t pad = pad4(n) - n;
  memset(at, 0, pad);
  return at + pad;
}

/* an option's bytes in the block (value cut to MAXOPT) */
static size_t optsize (size_t len) {
  return 4 + pad4(len > MAXOPT ? MAXOPT : len);
}

static unsigned char *putopt (unsigned char *at, unsigned code,
                              const void *v, size_t len) {
  uint16_t h[2];
  if (len > MAXOPT) len = MAXOPT;
  h[0] = (uint16_t)code;
  h[1] = (uint16_t)len;
  at = put(at, h, 4);
  at = put(at, v, len);
  return putpad(at, len);
}

static const char appl[] = "pktlua " PKTLUA_VERSION;

static size_t shbsize (void) {
  return 12 + 16 + optsize(sizeof(appl) - 1) + 4;
}

static unsigned char *putshb (unsigned char *at) {
  static const uint16_t version[2] = {1, 0};
  size_t len = shbsize();
  uint64_t seclen = UINT64_MAX;  /* not given */
  at = put32(at, 0x0a0d0d0au);
  at = put32(at, (uint32_t)len);
  at = put32(at, 0x1a2b3c4du);
  at = put(at, version, 4);
  at = put(at, &seclen, 8);
  at = putopt(at, 4, appl, sizeof(appl) - 1);  /* shb_userappl */
  at = put32(at, 0);  /* opt_endofopt */
  return put32(at, (uint32_t)len);
}

static size_t idbsize (const Idb *b) {
  size_t len = 12 + 8 + 4;
  if (b->name) len += optsize(strlen(b->name));
  if (b->desc) len += optsize(strlen(b->desc));
  if (b->tsresol != 6) len += optsize(1);
  return len;
}

/* the block at `at`, its unit remembered for the packets: NULL when that
** takes memory there is none of */
static unsigned char *putidb (NgFile *f, unsigned char *at, const Idb *b) {
  size_t len = idbsize(b);
  uint16_t lt[2];
  unsigned char res = (unsigned char)b->tsresol;
  uint64_t ups = pkt_tsresol_units(b->tsresol);
  if (f->nwritten == f->capups) {
    int cap = f->capups ? 2 * f->capups : 8;
    uint64_t *n = realloc(f->ups, (size_t)cap * sizeof(*n));
    if (n == NULL) return NULL;
    f->ups = n;
    f->capups = cap;
  }
  f->ups[f->nwritten++] = ups ? ups : 1000000u;
  lt[0] = (uint16_t)b->linktype;
  lt[1] = 0;
  at = put32(at, 1);
  at = put32(at, (uint32_t)len);
  at = put(at, lt, 4);
  at = put32(at, b->snaplen);
  if (b->name) at = putopt(at, 2, b->name, strlen(b->name));
  if (b->desc) at = putopt(at, 3, b->desc, strlen(b->desc));
  if (b->tsresol != 6) at = putopt(at, 9, &res, 1);
  at = put32(at, 0);  /* opt_endofopt */
  return put32(at, (uint32_t)len);
}

/* an input interface's block: its link type, or the script's
** (pktlua.linktype: every packet is in that one) */
static Idb ifaceidb (const NgFile *f, const pkt_Iface *i) {
  Idb b;
  b.linktype = f->o->outlinktype >= 0 ? f->o->outlinktype : i->linktype;
  b.snaplen = i->snaplen;
  b.name = i->name;
  b.desc = i->description;
  b.tsresol = i->tsresol;
  return b;
}

/* bytes of the blocks of the source's interfaces from the next one not
** written up to `index` */
static size_t ifacessize (const NgFile *f, int index) {
  size_t n = 0;
  int i;
  for (i = f->nwritten; i <= index && i < f->src->nifaces; i++) {
    Idb b = ifaceidb(f, f->src->ifaces[i]);
    n += idbsize(&b);
  }
  return n;
}

static unsigned char *putifaces (NgFile *f, unsigned char *at, int index) {
  while (at && f->nwritten <= index && f->nwritten < f->src->nifaces) {
    Idb b = ifaceidb(f, f->src->ifaces[f->nwritten]);
    at = putidb(f, at, &b);
  }
  return at;
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

/* the comment's lines, one option each: their bytes (and the end) */
static size_t commentsize (const pkt_Packet *p) {
  const char *c = p->comment, *end = c ? c + p->commentlen : NULL;
  size_t n = 0;
  while (c && c < end) {
    const char *nl = memchr(c, '\n', (size_t)(end - c));
    n += optsize((size_t)((nl ? nl : end) - c));
    c = nl ? nl + 1 : end;
  }
  return n > 0 ? n + 4 : 0;
}

static unsigned char *putcomment (unsigned char *at, const pkt_Packet *p) {
  const char *c = p->comment, *end = c ? c + p->commentlen : NULL;
  if (c == NULL || p->commentlen == 0) return at;
  while (c < end) {
    const char *nl = memchr(c, '\n', (size_t)(end - c));
    at = putopt(at, 1, c, (size_t)((nl ? nl : end) - c));
    c = nl ? nl + 1 : end;
  }
  return put32(at, 0);  /* opt_endofopt */
}

/* an Enhanced Packet Block, after the blocks of interfaces not yet
** written, in one record */
static int ngfile_write (pkt_Sink *k, const pkt_Packet *p, pkt_Stats *st,
                         char *err) {
  NgFile *f = NGF(k);
  int id = p->iface ? p->iface->index : 0;
  uint64_t sec, nsec, ts;
  uint32_t hdr[7];
  size_t idbs = 0, len, optlen = commentsize(p);
  unsigned char *at;
  int rc;
  len = 12 + 20 + pad4(p->hdr.caplen) + optlen;
  if (id >= f->nwritten) idbs = ifacessize(f, id);
  if ((rc = pkt_outfile_next(&f->out, idbs + len, p, st, err)) != PKT_OK)
    return rc;
  /* a new file's header holds the interfaces known so far */
  idbs = id >= f->nwritten ? ifacessize(f, id) : 0;
  if ((rc = pkt_outfile_room(&f->out, idbs + len, p, st, &at, err))
      != PKT_OK)
    return rc;
  if (idbs > 0 && (at = putifaces(f, at, id)) == NULL) {
    snprintf(err, PKT_ERRSIZE, "%s: packet %llu: out of memory", k->name,
             (unsigned long long)p->no);
    pkt_sink_lost(st, p);
    return PKT_ERROR;
  }
  if (id >= f->nwritten) {  /* an interface the source does not know */
    snprintf(err, PKT_ERRSIZE, "%s: packet %llu: no interface %d",
             k->name, (unsigned long long)p->no, id);
    pkt_sink_lost(st, p);
    return PKT_ERROR;
  }
  sec = p->hdr.ts.tv_sec > 0 ? (uint64_t)p->hdr.ts.tv_sec : 0;
  nsec = p->hdr.ts.tv_usec > 0 ? (uint64_t)p->hdr.ts.tv_usec : 0;
  if (!p->nano) nsec *= 1000;
  ts = units(sec, nsec, f->ups[id]);
  hdr[0] = 6;
  hdr[1] = (uint32_t)len;
  hdr[2] = (uint32_t)id;
  hdr[3] = (uint32_t)(ts >> 32);
  hdr[4] = (uint32_t)ts;
  hdr[5] = p->hdr.caplen;
  hdr[6] = p->hdr.len;
  at = put(at, hdr, sizeof(hdr));
  at = put(at, p->data, p->hdr.caplen);
  at = putpad(at, p->hdr.caplen);
  at = putcomment(at, p);
  put32(at, (uint32_t)len);
  return pkt_outfile_keep(&f->out, idbs + len, p, st, err);
}

static int ngfile_flush (pkt_Sink *k, pkt_Stats *st, char *err) {
  return pkt_outfile_flush(&NGF(k)->out, st, err);
}

static int ngfile_close (pkt_Sink *k, char *err) {
  NgFile *f = NGF(k);
  free(f->ups);
  f->ups = NULL;
  return pkt_outfile_close(&f->out, err);
}

static int ngfile_tick (pkt_Sink *k, const pkt_Packet *p, pkt_Stats *st,
                        char *err) {
  return pkt_outfile_tick(&NGF(k)->out, p, st, err);
}

static const pkt_SinkOps ngfile_ops = {
  "file", ngfile_write, ngfile_close, ngfile_flush, ngfile_tick
};

/* each file's header (sink_file.c's pkt_OutHeader): the section header
** and the blocks of the interfaces known so far */
static int ngheader (pkt_OutFile *out, void *ud, char *err) {
  NgFile *f = (NgFile *)ud;
  int last = f->src->nifaces - 1;
  size_t n;
  unsigned char *at;
  f->nwritten = 0;  /* a new section: its interfaces from the first */
  /* the script's link type, once its chunk ran (the file is opened
  ** before, sink.h) */
  f->own.linktype = f->o->outlinktype >= 0 ? f->o->outlinktype
                                           : f->src->linktype;
  n = shbsize() + (last >= 0 ? ifacessize(f, last) : idbsize(&f->own));
  if (pkt_outfile_room(out, n, NULL, NULL, &at, err) != PKT_OK)
    return PKT_ERROR;
  at = putshb(at);
  at = last >= 0 ? putifaces(f, at, last) : putidb(f, at, &f->own);
  if (at == NULL) {
    snprintf(err, PKT_ERRSIZE, "%s: out of memory", out->name);
    return PKT_ERROR;
  }
  return pkt_outfile_header(out, n, err);
}

static int openfile (pkt_Sink *k, const pkt_Options *o, const char *file,
                     const pkt_Source *src, char *err) {
  NgFile *f = NGF(k);
  f->src = src;
  f->o = o;
  /* no interface blocks: one interface, the source's own */
  f->own.linktype = src->linktype;  /* or the script's: ngheader */
  f->own.snaplen = (uint32_t)src->snaplen;
  f->own.name = strcmp(src->ops->kind, "live") == 0 ? src->name : NULL;
  f->own.desc = NULL;
  f->own.tsresol = src->nano ? 9 : 6;
  return pkt_outfile_open(&f->out, k->name, file, o, ngheader, f, err);
}

int pkt_sink_openpcapng (pkt_Sink **out, const pkt_Options *o,
                         const char *file, const pkt_Source *src,
                         char *err) {
  char ignored[PKT_ERRSIZE];
  pkt_Sink *k = pkt_sink_new(&ngfile_ops, sizeof(NgFile));
  int rc;
  if (k == NULL) {
    snprintf(err, PKT_ERRSIZE, "out of memory");
    return PKT_ERROR;
  }
  NGF(k)->out.fd = -1;
  k->file = &NGF(k)->out;
  k->name = strcmp(file, "-") == 0 ? "(stdout)" : file;
  if ((rc = openfile(k, o, file, src, err)) != PKT_OK) {
    pkt_sink_close(k, ignored);
    return rc;
  }
  k->ticks = NGF(k)->out.rot != NULL;
  *out = k;
  return PKT_OK;
}
