/*
** source_fastpcap.c - pktlua's own reader for the common savefile: a
** regular file in pcap format 2.4, read in large blocks with pread into
** our own buffer, each record handed out in place (libpcap's pcap_next_ex
** costs two fread calls and a copy per packet, a third of a short
** packet's path).
**
** It sits in front of a savefile source (source_savefile.c), which keeps
** the file open. Only records libpcap would hand out unchanged are taken:
** caplen within the snapshot and the length, timestamps that fit
** libpcap's 32-bit signed fields. At anything else (such a record, a
** short read, the end of the file) the FILE is moved to that record and
** libpcap reads the rest, so its checks and its error messages stay
** exactly as they were.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source.h"

typedef struct Fast {
  pkt_Source *file;         /* the savefile source behind (owned) */
  unsigned char *rbuf;      /* PKT_IOBUF bytes of the file (owned), or NULL
                            ** once libpcap reads */
  size_t rn, ri;            /* bytes in rbuf; where the next record starts */
  off_t rbase;              /* file offset of rbuf[0] */
  off_t size;               /* the file's size, for the progress line */
  int swap;                 /* the file's byte order is not ours */
  uint32_t snap;            /* records with more bytes go to libpcap */
  struct bpf_program prog;  /* the BPF filter, applied here as libpcap's
                            ** reader would (owned when hasprog) */
  int hasprog;
} Fast;

#define FAST(s) ((Fast *)(s)->priv)

/* keeps the unread bytes and fills the rest of the buffer; 0: none came */
static int refill (Fast *f) {
  ssize_t got;
  size_t left = f->rn - f->ri;
  if (left > 0 && f->ri > 0) memmove(f->rbuf, f->rbuf + f->ri, left);
  f->rbase += (off_t)f->ri;
  f->rn = left;
  f->ri = 0;
  got = pread(fileno(pcap_file(pkt_savefile_pcap(f->file))), f->rbuf + left,
              PKT_IOBUF - left, f->rbase + (off_t)left);
  if (got <= 0) return 0;
  f->rn += (size_t)got;
  return 1;
}

/* libpcap reads on from the record at rbuf[ri] */
static int handover (Fast *f, pkt_Packet *p, char *err) {
  FILE *fp = pcap_file(pkt_savefile_pcap(f->file));
  off_t at = f->rbase + (off_t)f->ri;
  free(f->rbuf);
  f->rbuf = NULL;
  if (fseeko(fp, at, SEEK_SET) != 0) {  /* cannot happen: a regular file */
    snprintf(err, PKT_ERRSIZE, "cannot seek to offset %lld",
             (long long)at);
    return PKT_ERROR;
  }
  return f->file->ops->next(f->file, p, err);
}

static int fast_next (pkt_Source *s, pkt_Packet *p, char *err) {
  Fast *f = FAST(s);
  const unsigned char *r;
  uint32_t sec, frac, caplen, len;
  for (;;) {
    if (f->rbuf == NULL) return f->file->ops->next(f->file, p, err);
    if (f->rn - f->ri < 16 && !refill(f)) return handover(f, p, err);
    if (f->rn - f->ri < 16) return handover(f, p, err);
    r = f->rbuf + f->ri;
    sec = pkt_rd32(r, f->swap);
    frac = pkt_rd32(r + 4, f->swap);
    caplen = pkt_rd32(r + 8, f->swap);
    len = pkt_rd32(r + 12, f->swap);
    if (caplen > f->snap || caplen > len || sec > INT32_MAX ||
        frac > INT32_MAX)
      return handover(f, p, err);
    if (f->rn - f->ri < 16 + (size_t)caplen) {
      if (!refill(f) || f->rn - f->ri < 16 + (size_t)caplen)
        return handover(f, p, err);
      r = f->rbuf + f->ri;
    }
    p->hdr.ts.tv_sec = (time_t)sec;
    p->hdr.ts.tv_usec = (suseconds_t)frac;
    p->hdr.caplen = caplen;
    p->hdr.len = len;
    f->ri += 16 + (size_t)caplen;
    /* what libpcap's reader does with the filter set on the handle */
    if (f->hasprog && pcap_offline_filter(&f->prog, &p->hdr, r + 16) == 0)
      continue;
    /* our own buffer, until the next call: the script writes in place */
    p->data = (unsigned char *)(uintptr_t)(r + 16);
    return PKT_PACKET;
  }
}

/* set on libpcap's handle too, for the records it reads after a handover */
static int fast_setfilter (pkt_Source *s, const char *expr, char *err) {
  Fast *f = FAST(s);
  int rc;
  if (f->hasprog) pcap_freecode(&f->prog);
  f->hasprog = 0;
  rc = pkt_source_pcapfilter(s, pkt_savefile_pcap(f->file), expr,
                             PCAP_NETMASK_UNKNOWN, &f->prog, err);
  f->hasprog = rc == PKT_OK;
  return rc;
}

static double fast_progress (pkt_Source *s) {
  Fast *f = FAST(s);
  if (f->rbuf == NULL) return f->file->ops->progress(f->file);
  if (f->size <= 0) return -1.0;
  /* we read past the FILE's position */
  return (double)(f->rbase + (off_t)f->ri) / (double)f->size;
}

static void fast_stats (pkt_Source *s, pkt_Stats *st) {
  FAST(s)->file->ops->stats(FAST(s)->file, st);
}

static void fast_close (pkt_Source *s) {
  Fast *f = FAST(s);
  pkt_source_close(f->file);
  f->file = NULL;
  free(f->rbuf);
  f->rbuf = NULL;
  if (f->hasprog) pcap_freecode(&f->prog);
  f->hasprog = 0;
}

/* the records start after the 24-byte file header; we read with pread,
** so the FILE's position matters only at a handover, which seeks */
static int fast_rewind (pkt_Source *s, char *err) {
  Fast *f = FAST(s);
  if (f->rbuf == NULL && (f->rbuf = malloc(PKT_IOBUF)) == NULL) {
    snprintf(err, PKT_ERRSIZE, "out of memory");
    return PKT_ERROR;
  }
  f->rbase = 24;
  f->rn = f->ri = 0;
  return PKT_OK;
}

static const pkt_SourceOps fastpcap_ops = {
  "file", fast_next, fast_setfilter, fast_stats, fast_progress, NULL,
  fast_close, fast_rewind
};

/*
** libpcap rewrites some link types' pseudo-headers as it reads a record
** (pcap-util.c's post-processing): the fields a host wrote in its own byte
** order are swapped when the file's order is not ours, and a memory-mapped
** USB record's length is corrected in any file. Records of these link
** types are libpcap's to read, or the script would see other bytes.
*/
static int postprocessed (int dlt, int swap) {
  switch (dlt) {
    case DLT_USB_LINUX_MMAPPED: return 1;
    case DLT_USB_LINUX: case DLT_NFLOG: case DLT_PFLOG:
    case DLT_LINUX_SLL: case DLT_LINUX_SLL2: return swap;
    default: return 0;
  }
}

/*
** Takes over when the file allows it: a regular file, the pcap 2.4 header
** libpcap has just read (nothing else in front), the timestamp unit the
** handle was opened with, a link type libpcap hands out unchanged. PKTLUA_READER=libpcap in the environment leaves
** every record to libpcap (to rule this reader out when a capture reads
** oddly).
*/
pkt_Source *pkt_source_fastpcap (pkt_Source *file) {
  pcap_t *pcap = pkt_savefile_pcap(file);
  FILE *fp = pcap_file(pcap);
  unsigned char hdr[24];
  uint32_t magic;
  struct stat sb;
  pkt_Source *s;
  Fast *f;
  int swap;
  const char *reader = getenv("PKTLUA_READER");
  if (reader != NULL && *reader != '\0') {
    if (strcmp(reader, "libpcap") == 0) return file;
    fprintf(stderr, "pktlua: warning: PKTLUA_READER=%s is not 'libpcap': "
            "ignored\n", reader);
  }
  if (fp == NULL || fstat(fileno(fp), &sb) != 0 ||
      !S_ISREG(sb.st_mode) || ftello(fp) != 24 ||
      pread(fileno(fp), hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr))
    return file;
  swap = pcap_is_swapped(pcap);
  magic = pkt_rd32(hdr, swap);
  if ((magic != 0xa1b2c3d4u || file->nano) &&
      (magic != 0xa1b23c4du || !file->nano))
    return file;
  if (pcap_major_version(pcap) != 2 || pcap_minor_version(pcap) != 4 ||
      pcap_snapshot(pcap) <= 0 || postprocessed(file->dlt, swap))
    return file;
  if ((s = pkt_source_new(&fastpcap_ops, sizeof(Fast))) == NULL)
    return file;
  f = FAST(s);
  if ((f->rbuf = malloc(PKT_IOBUF)) == NULL) {
    pkt_source_close(s);  /* f->file is still NULL: file stays open */
    return file;
  }
  f->file = file;
  f->swap = swap;
  f->snap = (uint32_t)pcap_snapshot(pcap);
  f->rbase = 24;
  /* what the savefile source would show: nothing for standard input */
  f->size = file->ops->progress(file) >= 0.0 ? sb.st_size : 0;
  s->name = file->name;
  s->dlt = file->dlt;
  s->linktype = file->linktype;
  s->snaplen = file->snaplen;
  s->nano = file->nano;
  return s;
}
