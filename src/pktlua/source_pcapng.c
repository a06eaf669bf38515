/*
** source_pcapng.c - pktlua's own pcapng reader (-r on a pcapng regular
** file). libpcap reads a pcapng file only while every interface has the
** first one's link type and snapshot length; this reader takes every
** file: several sections in either byte order, interfaces of any link
** type, snaplen and timestamp resolution (if_tsresol, decimal or binary,
** and if_tsoffset), Enhanced, Simple and the obsolete Packet Blocks, and
** skips every other block (name resolution, statistics, custom).
**
** Each packet points at its interface (pkt_Packet.iface) and carries its
** comments; a BPF filter is compiled once per interface, for its link
** type. Blocks are read in large chunks into our own buffer and handed out
** in place. Every length comes from the file and is checked before use:
** a block that disagrees with itself is an error naming its offset.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source.h"

#define BT_SHB 0x0a0d0d0au   /* Section Header */
#define BT_IDB 1u            /* Interface Description */
#define BT_PB  2u            /* Packet (obsolete) */
#define BT_SPB 3u            /* Simple Packet */
#define BT_EPB 6u            /* Enhanced Packet */

#define OPT_COMMENT   1
#define IF_NAME       2
#define IF_DESC       3
#define IF_TSRESOL    9
#define IF_TSOFFSET   14

#define MAXBLOCK  (64u << 20)  /* a longer block is refused */
#define MAXIFACES (1 << 16)    /* interfaces in one file */

typedef struct Iface {
  pkt_Iface pub;            /* what packets point at */
  uint64_t ups;             /* timestamp units per second */
  int64_t tsoffset;         /* seconds added to every timestamp */
  struct bpf_program prog;  /* the filter for this link type */
  int hasprog;
} Iface;

typedef struct Ng {
  int fd, ownfd;
  unsigned char *buf;       /* the file's bytes from offset base */
  size_t cap, n, i;         /* room, bytes held, the next block's start */
  off_t base;
  off_t start;              /* where the file's first block is */
  off_t size;               /* the file's size */
  int swap;                 /* this section's byte order is not ours */
  int insection;
  int first;                /* global index of this section's interface 0 */
  Iface **ifs;              /* every interface of the file (owned) */
  int nifs, capifs;
  int seen;                 /* interface blocks read in this pass */
  char *filter;             /* the BPF expression (owned), NULL: none */
  char *comment;            /* the current packet's comments (owned) */
  size_t commentcap;
} Ng;

#define NG(s) ((Ng *)(s)->priv)

/* what one block gives its parser */
typedef struct Block {
  uint32_t type;
  const unsigned char *body;  /* after type and length */
  size_t len;                 /* of the body */
  long long at;               /* the block's offset in the file */
} Block;

static uint16_t rd16 (const unsigned char *p, int swap) {
  uint16_t v;
  memcpy(&v, p, sizeof(v));
  return swap ? (uint16_t)(v >> 8 | v << 8) : v;
}

static uint64_t rd64 (const unsigned char *p, int swap) {
  uint64_t a = pkt_rd32(p, swap), b = pkt_rd32(p + 4, swap);
  /* the two halves are in the section's order too */
  uint16_t probe = 1;
  int little = *(const unsigned char *)&probe == 1;
  return (little != swap) ? (b << 32 | a) : (a << 32 | b);
}

static size_t pad4 (size_t n) {
  return (n + 3) & ~(size_t)3;
}

/*
** At least k bytes from buf[i] on: 1; 0 when the file ends first (what
** there is stays); -1 on a read error (errno).
*/
static int need (Ng *g, size_t k) {
  if (g->n - g->i >= k) return 1;
  if (g->i > 0) {
    memmove(g->buf, g->buf + g->i, g->n - g->i);
    g->base += (off_t)g->i;
    g->n -= g->i;
    g->i = 0;
  }
  if (k > g->cap) {
    size_t cap = k > PKT_IOBUF ? k : PKT_IOBUF;
    unsigned char *nb = realloc(g->buf, cap);
    if (nb == NULL) return -1;
    g->buf = nb;
    g->cap = cap;
  }
  while (g->n < k) {
    ssize_t got = pread(g->fd, g->buf + g->n, g->cap - g->n,
                        g->base + (off_t)g->n);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return -1;
    if (got == 0) return 0;
    g->n += (size_t)got;
  }
  return 1;
}

/* err = "block at offset N: ..." */
static int blockerr (char *err, long long at, const char *fmt,
                     unsigned long long a, unsigned long long b) {
  char why[PKT_ERRSIZE / 2];
  snprintf(why, sizeof(why), fmt, a, b);
  snprintf(err, PKT_ERRSIZE, "pcapng block at offset %lld: %s", at, why);
  return PKT_ERROR;
}

/* the next block into *b: PKT_PACKET, PKT_END (the file ends between
** blocks), PKT_ERROR */
static int readblock (Ng *g, Block *b, char *err) {
  const unsigned char *p;
  uint32_t len;
  int rc;
  b->at = (long long)(g->base + (off_t)g->i);
  if ((rc = need(g, 8)) < 0) goto readerror;
  if (rc == 0) {
    if (g->n == g->i) return PKT_END;
    return blockerr(err, b->at, "the file ends inside a block header "
                    "(%llu of 8 bytes)", g->n - g->i, 0);
  }
  p = g->buf + g->i;
  b->type = pkt_rd32(p, g->swap);
  if (memcmp(p, "\x0a\x0d\x0d\x0a", 4) == 0) {  /* the same either way */
    uint32_t bom;
    b->type = BT_SHB;
    if ((rc = need(g, 12)) < 0) goto readerror;
    if (rc == 0)
      return blockerr(err, b->at, "the file ends inside a section header",
                      0, 0);
    p = g->buf + g->i;
    memcpy(&bom, p + 8, 4);
    if (bom == 0x1a2b3c4du) g->swap = 0;
    else if (bom == 0x4d3c2b1au) g->swap = 1;
    else
      return blockerr(err, b->at, "section header with a bad byte-order "
                      "magic 0x%08llx", bom, 0);
    g->insection = 1;
  }
  else if (!g->insection)
    return blockerr(err, b->at, "not a pcapng section header", 0, 0);
  len = pkt_rd32(p + 4, g->swap);
  if (len < 12 || len % 4 != 0)
    return blockerr(err, b->at, "block length %llu is not a multiple of 4 "
                    "of at least 12", len, 0);
  if (len > MAXBLOCK)
    return blockerr(err, b->at, "block length %llu is over the %llu bytes "
                    "pktlua takes", len, MAXBLOCK);
  if (g->size > 0 && (long long)len > (long long)g->size - b->at)
    return blockerr(err, b->at, "block length %llu runs past the end of the "
                    "file (%llu bytes left)", len,
                    (unsigned long long)((long long)g->size - b->at));
  if ((rc = need(g, len)) < 0) goto readerror;
  if (rc == 0)
    return blockerr(err, b->at, "the file ends inside the block (%llu of "
                    "%llu bytes)", g->n - g->i, len);
  p = g->buf + g->i;
  if (pkt_rd32(p + len - 4, g->swap) != len)
    return blockerr(err, b->at, "trailing length %llu differs from the "
                    "leading %llu", pkt_rd32(p + len - 4, g->swap), len);
  b->body = p + 8;
  b->len = len - 12;
  g->i += len;
  return PKT_PACKET;
readerror:
  snprintf(err, PKT_ERRSIZE, "pcapng block at offset %lld: %s", b->at,
           strerror(errno));
  return PKT_ERROR;
}

/*
** Options, from `from` bytes into the body: *code, *val and *vlen of the
** next; 1, 0 at the end (opt_endofopt or fewer than 4 bytes left), or
** PKT_ERROR when one overruns the block.
*/
static int nextopt (Ng *g, const Block *b, size_t *from, unsigned *code,
                    const unsigned char **val, size_t *vlen, char *err) {
  const unsigned char *p;
  size_t left;
  if (*from >= b->len || b->len - *from < 4) return 0;
  p = b->body + *from;
  left = b->len - *from - 4;
  *code = rd16(p, g->swap);
  *vlen = rd16(p + 2, g->swap);
  if (*code == 0) return 0;
  if (pad4(*vlen) > left)
    return blockerr(err, b->at, "option %llu of length %llu overruns the "
                    "block", *code, *vlen);
  *val = p + 4;
  *from += 4 + pad4(*vlen);
  return 1;
}

/* a new interface in the global list (its pointer is kept to the end) */
static Iface *addiface (pkt_Source *s, const Block *b, char *err) {
  Ng *g = NG(s);
  Iface *f;
  if (g->nifs >= MAXIFACES) {
    blockerr(err, b->at, "more than %llu interfaces", MAXIFACES, 0);
    return NULL;
  }
  if (g->nifs == g->capifs) {
    int cap = g->capifs ? 2 * g->capifs : 8;
    Iface **n = realloc(g->ifs, (size_t)cap * sizeof(*n));
    if (n == NULL) goto nomem;
    g->ifs = n;
    g->capifs = cap;
    s->ifaces = (pkt_Iface *const *)(void *)g->ifs;
  }
  if ((f = calloc(1, sizeof(*f))) == NULL) goto nomem;
  f->pub.index = g->nifs;
  g->ifs[g->nifs++] = f;
  s->nifaces = g->nifs;
  return f;
nomem:
  snprintf(err, PKT_ERRSIZE, "out of memory");
  return NULL;
}

static char *optstring (const unsigned char *v, size_t n) {
  char *c = malloc(n + 1);
  if (c != NULL) {
    memcpy(c, v, n);
    c[n] = '\0';
  }
  return c;
}

/* the filter for f's link type: PKT_OK, PKT_ERROR_USAGE (err) */
static int compileiface (Ng *g, Iface *f, char *err) {
  pcap_t *dead;
  if (g->filter == NULL || f->hasprog) return PKT_OK;
  dead = pcap_open_dead(f->pub.dlt, f->pub.snaplen ? (int)f->pub.snaplen
                                                   : 262144);
  if (dead == NULL) {
    snprintf(err, PKT_ERRSIZE, "out of memory");
    return PKT_ERROR;
  }
  if (pcap_compile(dead, &f->prog, g->filter, 1, PCAP_NETMASK_UNKNOWN)
      != 0) {
    const char *lt = pcap_datalink_val_to_name(f->pub.dlt);
    snprintf(err, PKT_ERRSIZE, "bad filter expression '%s' for interface "
             "%d (link type %s): %s", g->filter, f->pub.index,
             lt ? lt : "?", pcap_geterr(dead));
    pcap_close(dead);
    return PKT_ERROR_USAGE;
  }
  pcap_close(dead);
  f->hasprog = 1;
  return PKT_OK;
}

static int readidb (pkt_Source *s, const Block *b, char *err) {
  Ng *g = NG(s);
  size_t at = 8, vlen;
  unsigned code, tsresol = 6;
  const unsigned char *v = NULL;
  Iface *f;
  int rc;
  if (b->len < 8)
    return blockerr(err, b->at, "interface description of %llu bytes",
                    b->len, 0);
  if (g->seen < g->nifs) {  /* --loop's next pass: known already */
    g->seen++;
    return PKT_OK;
  }
  if ((f = addiface(s, b, err)) == NULL) return PKT_ERROR;
  g->seen++;
  f->pub.linktype = rd16(b->body, g->swap);
  f->pub.dlt = pkt_dlt(f->pub.linktype);
  f->pub.snaplen = pkt_rd32(b->body + 4, g->swap);
  while ((rc = nextopt(g, b, &at, &code, &v, &vlen, err)) == 1) {
    switch (code) {
      case IF_NAME: case IF_DESC: {
        char **dst = (char **)(code == IF_NAME ? &f->pub.name
                                               : &f->pub.description);
        free(*dst);
        if ((*dst = optstring(v, vlen)) == NULL) {
          snprintf(err, PKT_ERRSIZE, "out of memory");
          return PKT_ERROR;
        }
        break;
      }
      case IF_TSRESOL:
        if (vlen != 1)
          return blockerr(err, b->at, "if_tsresol of %llu bytes", vlen, 0);
        tsresol = v[0];
        break;
      case IF_TSOFFSET:
        if (vlen != 8)
          return blockerr(err, b->at, "if_tsoffset of %llu bytes", vlen, 0);
        f->tsoffset = (int64_t)rd64(v, g->swap);
        break;
      default: break;
    }
  }
  if (rc < 0) return rc;
  f->pub.tsresol = tsresol;
  if ((f->ups = pkt_tsresol_units(tsresol)) == 0)
    return blockerr(err, b->at, tsresol & 0x80
                    ? "if_tsresol 2^-%llu is finer than pktlua takes"
                    : "if_tsresol 10^-%llu is finer than pktlua takes",
                    tsresol & 0x7f, 0);
  return compileiface(g, f, err) == PKT_OK ? PKT_OK : PKT_ERROR;
}

uint64_t pkt_tsresol_units (unsigned tsresol) {
  uint64_t ups = 1;
  unsigned i;
  if (tsresol & 0x80)  /* 2^-n */
    return (tsresol & 0x7f) > 63 ? 0 : (uint64_t)1 << (tsresol & 0x7f);
  if (tsresol > 19) return 0;
  for (i = 0; i < tsresol; i++) ups *= 10;
  return ups;
}

/* frac/ups of a second in nanoseconds (frac < ups) */
static uint64_t tonsec (uint64_t frac, uint64_t ups) {
  if (ups <= 1000000000u && 1000000000u % ups == 0)
    return frac * (1000000000u / ups);
#ifdef __SIZEOF_INT128__
  return (uint64_t)((unsigned __int128)frac * 1000000000u / ups);
#else
  return (uint64_t)((long double)frac * 1e9L / (long double)ups);
#endif
}

/* a timestamp in ups units into p's header (nanoseconds) */
static int settime (const Block *b, const Iface *f, uint64_t ts,
                    pkt_Packet *p, char *err) {
  uint64_t sec = ts / f->ups;
  int64_t s;
  if (sec > (uint64_t)INT64_MAX / 2)
    return blockerr(err, b->at, "timestamp %llu is out of range", ts, 0);
  s = (int64_t)sec;
  if ((f->tsoffset > 0 && s > INT64_MAX / 2 - f->tsoffset) ||
      (f->tsoffset < 0 && f->tsoffset < INT64_MIN / 2))
    return blockerr(err, b->at, "if_tsoffset %llu is out of range",
                    (unsigned long long)f->tsoffset, 0);
  p->hdr.ts.tv_sec = (time_t)(s + f->tsoffset);
  p->hdr.ts.tv_usec = (suseconds_t)tonsec(ts % f->ups, f->ups);
  return PKT_OK;
}

/* the section's interface `id`, or NULL (err) */
static Iface *ifaceof (Ng *g, const Block *b, uint32_t id, char *err) {
  if (id >= (uint32_t)(g->seen - g->first)) {
    blockerr(err, b->at, "packet of interface %llu, the section has %llu",
             id, (unsigned long long)(g->seen - g->first));
    return NULL;
  }
  return g->ifs[g->first + (int)id];
}

/* opt_comment options from `at` on, joined by newlines, into p */
static int comments (Ng *g, const Block *b, size_t at, pkt_Packet *p,
                     char *err) {
  const unsigned char *v = NULL;
  size_t vlen, n = 0;
  unsigned code;
  int rc;
  while ((rc = nextopt(g, b, &at, &code, &v, &vlen, err)) == 1) {
    if (code != OPT_COMMENT) continue;
    if (n + vlen + 2 > g->commentcap) {
      size_t cap = (n + vlen + 2) * 2;
      char *c = realloc(g->comment, cap);
      if (c == NULL) {
        snprintf(err, PKT_ERRSIZE, "out of memory");
        return PKT_ERROR;
      }
      g->comment = c;
      g->commentcap = cap;
    }
    if (n > 0) g->comment[n++] = '\n';
    memcpy(g->comment + n, v, vlen);
    n += vlen;
  }
  if (rc < 0) return rc;
  if (n > 0) {
    g->comment[n] = '\0';
    p->comment = g->comment;
    p->commentlen = n;
  }
  return PKT_OK;
}

/* an Enhanced or obsolete Packet Block into p */
static int readpacket (Ng *g, const Block *b, pkt_Packet *p, char *err) {
  int old = b->type == BT_PB;
  uint32_t caplen, len, id;
  uint64_t ts;
  Iface *f;
  if (b->len < 20)
    return blockerr(err, b->at, "packet block of %llu bytes", b->len, 0);
  id = old ? rd16(b->body, g->swap) : pkt_rd32(b->body, g->swap);
  ts = (uint64_t)pkt_rd32(b->body + 4, g->swap) << 32 | pkt_rd32(b->body + 8, g->swap);
  caplen = pkt_rd32(b->body + 12, g->swap);
  len = pkt_rd32(b->body + 16, g->swap);
  if (caplen > b->len - 20)
    return blockerr(err, b->at, "captured length %llu overruns the block "
                    "(%llu bytes of data)", caplen, b->len - 20);
  if ((f = ifaceof(g, b, id, err)) == NULL) return PKT_ERROR;
  if (settime(b, f, ts, p, err) != PKT_OK) return PKT_ERROR;
  p->hdr.caplen = caplen;
  p->hdr.len = len;
  p->data = (unsigned char *)(uintptr_t)(b->body + 20);
  p->iface = &f->pub;
  return comments(g, b, 20 + pad4(caplen), p, err);
}

/* a Simple Packet Block: interface 0, no timestamp, no options */
static int readsimple (Ng *g, const Block *b, pkt_Packet *p, char *err) {
  uint32_t len, caplen;
  Iface *f;
  if (b->len < 4)
    return blockerr(err, b->at, "simple packet block of %llu bytes",
                    b->len, 0);
  if ((f = ifaceof(g, b, 0, err)) == NULL) return PKT_ERROR;
  len = pkt_rd32(b->body, g->swap);
  caplen = len;
  if (f->pub.snaplen > 0 && caplen > f->pub.snaplen) caplen = f->pub.snaplen;
  if (caplen > b->len - 4)
    return blockerr(err, b->at, "packet length %llu overruns the block "
                    "(%llu bytes of data)", caplen, b->len - 4);
  p->hdr.ts.tv_sec = 0;
  p->hdr.ts.tv_usec = 0;
  p->hdr.caplen = caplen;
  p->hdr.len = len;
  p->data = (unsigned char *)(uintptr_t)(b->body + 4);
  p->iface = &f->pub;
  return PKT_OK;
}

static int readshb (Ng *g, const Block *b, char *err) {
  unsigned major, minor;
  if (b->len < 16)
    return blockerr(err, b->at, "section header of %llu bytes", b->len, 0);
  major = rd16(b->body + 4, g->swap);
  minor = rd16(b->body + 6, g->swap);
  if (major != 1 || (minor != 0 && minor != 2))
    return blockerr(err, b->at, "pcapng version %llu.%llu (pktlua reads "
                    "1.0)", major, minor);
  g->first = g->seen;  /* interface numbers start again */
  return PKT_OK;
}

/*
** The next packet block; section headers and interfaces on the way are
** taken in, anything else skipped. With `peek`, stops in front of a packet
** block instead (PKT_PACKET, nothing in p): what the open reads ahead.
*/
static int advance (pkt_Source *s, pkt_Packet *p, int peek, char *err) {
  Ng *g = NG(s);
  Block b = {0};  /* (gcc -O3 cannot see readblock set it) */
  for (;;) {
    int rc;
    if (peek) {
      uint32_t t;
      if ((rc = need(g, 8)) < 0) {
        snprintf(err, PKT_ERRSIZE, "%s", strerror(errno));
        return PKT_ERROR;
      }
      if (rc == 0) return PKT_END;  /* next() tells a cut header */
      t = pkt_rd32(g->buf + g->i, g->swap);
      if (g->insection && (t == BT_EPB || t == BT_SPB || t == BT_PB))
        return PKT_PACKET;
    }
    if ((rc = readblock(g, &b, err)) != PKT_PACKET) return rc;
    switch (b.type) {
      case BT_SHB: rc = readshb(g, &b, err); break;
      case BT_IDB: rc = readidb(s, &b, err); break;
      case BT_EPB: case BT_PB: rc = readpacket(g, &b, p, err); break;
      case BT_SPB: rc = readsimple(g, &b, p, err); break;
      default: continue;  /* name resolution, statistics, custom, ... */
    }
    if (rc != PKT_OK) return rc;
    if (b.type == BT_EPB || b.type == BT_PB || b.type == BT_SPB) {
      const Iface *f = (const Iface *)(const void *)p->iface;
      if (f->hasprog &&
          pcap_offline_filter(&f->prog, &p->hdr, p->data) == 0)
        continue;
      return PKT_PACKET;
    }
  }
}

static int ng_next (pkt_Source *s, pkt_Packet *p, char *err) {
  return advance(s, p, 0, err);
}

/* compiled for every interface seen so far, and for each one to come */
static int ng_setfilter (pkt_Source *s, const char *expr, char *err) {
  Ng *g = NG(s);
  int i, rc;
  free(g->filter);
  if ((g->filter = malloc(strlen(expr) + 1)) == NULL) {
    snprintf(err, PKT_ERRSIZE, "out of memory");
    return PKT_ERROR;
  }
  strcpy(g->filter, expr);
  for (i = 0; i < g->nifs; i++) {
    if (g->ifs[i]->hasprog) pcap_freecode(&g->ifs[i]->prog);
    g->ifs[i]->hasprog = 0;
    if ((rc = compileiface(g, g->ifs[i], err)) != PKT_OK) return rc;
  }
  if (g->nifs == 0) {  /* still say now whether it compiles at all */
    Iface probe;
    memset(&probe, 0, sizeof(probe));
    probe.pub.dlt = s->dlt;
    if ((rc = compileiface(g, &probe, err)) != PKT_OK) return rc;
    pcap_freecode(&probe.prog);
  }
  return PKT_OK;
}

static double ng_progress (pkt_Source *s) {
  Ng *g = NG(s);
  if (g->size <= 0) return -1.0;
  return (double)(g->base + (off_t)g->i) / (double)g->size;
}

static void ng_stats (pkt_Source *s, pkt_Stats *st) {
  (void)s;
  st->haskernel = 0;
}

static void ng_close (pkt_Source *s) {
  Ng *g = NG(s);
  int i;
  for (i = 0; i < g->nifs; i++) {
    Iface *f = g->ifs[i];
    if (f->hasprog) pcap_freecode(&f->prog);
    free((void *)f->pub.name);
    free((void *)f->pub.description);
    free(f);
  }
  free(g->ifs);
  g->ifs = NULL;
  g->nifs = 0;
  free(g->buf);
  g->buf = NULL;
  free(g->filter);
  g->filter = NULL;
  free(g->comment);
  g->comment = NULL;
  if (g->ownfd && g->fd >= 0) close(g->fd);
  g->fd = -1;
}

/* --loop: the file again from its first section; its interfaces are the
** ones read in the first pass (the same pkt_Iface, the same numbers) */
static int ng_rewind (pkt_Source *s, char *err) {
  Ng *g = NG(s);
  (void)err;
  g->base = g->start;
  g->n = g->i = 0;
  g->swap = g->insection = 0;
  g->first = g->seen = 0;
  return PKT_OK;
}

static const pkt_SourceOps pcapng_ops = {
  "file", ng_next, ng_setfilter, ng_stats, ng_progress, NULL, ng_close,
  ng_rewind
};

int pkt_source_openpcapng (pkt_Source **out, const char *name, int fd,
                           int ownfd, char *err) {
  pkt_Source *s = pkt_source_new(&pcapng_ops, sizeof(Ng));
  struct stat sb;
  Ng *g;
  off_t start;
  int rc;
  if (s == NULL) {
    if (ownfd) close(fd);
    snprintf(err, PKT_ERRSIZE, "out of memory");
    return PKT_ERROR;
  }
  g = NG(s);
  g->fd = fd;
  g->ownfd = ownfd;
  s->name = name;
  s->nano = 1;  /* as the savefile source reads pcapng: nothing lost */
  s->dlt = DLT_EN10MB;  /* until an interface says otherwise */
  s->linktype = pkt_linktype(s->dlt);
  s->snaplen = 262144;
  start = lseek(fd, 0, SEEK_CUR);
  g->base = g->start = start > 0 ? start : 0;
  if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) g->size = sb.st_size;
  /* the first section's interfaces, so that the run knows the link type
  ** before its first packet */
  rc = advance(s, NULL, 1, err);
  if (rc == PKT_ERROR) {
    char why[PKT_ERRSIZE];
    snprintf(why, sizeof(why), "%s", err);
    snprintf(err, PKT_ERRSIZE, "%s: %.900s", name, why);
    pkt_source_close(s);
    return PKT_ERROR;
  }
  if (g->nifs > 0) {
    int i;
    s->dlt = g->ifs[0]->pub.dlt;
    s->linktype = g->ifs[0]->pub.linktype;
    /* the largest, for a pcap output: each interface may have its own */
    s->snaplen = 0;
    for (i = 0; i < g->nifs; i++) {
      uint32_t sn = g->ifs[i]->pub.snaplen;
      if (sn == 0 || sn > 262144) sn = 262144;
      if ((int)sn > s->snaplen) s->snaplen = (int)sn;
    }
  }
  *out = s;
  return PKT_OK;
}
