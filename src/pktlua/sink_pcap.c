/*
** sink_pcap.c - the pcap file back-end (-w): passed packets as savefile
** records, to a file or standard output, in the input's link type,
** snaplen and timestamp unit.
*/
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sink.h"

typedef struct PcapFile {
  pcap_t *dead;             /* the handle pcap_dump_open needs */
  pcap_dumper_t *dumper;
  int flush;                /* flush after each packet (-U) */
  char *iobuf;              /* the file's stdio buffer (owned) */
  unsigned char *rec;       /* records not yet given to stdio (owned) */
  size_t nrec;              /* bytes of them */
  int linktype;             /* the file's one link type */
  char why[160];            /* k->failed's text */
} PcapFile;

#define PF(k) ((PcapFile *)(k)->priv)

/* the records gathered so far to the FILE, after libpcap's file header */
static void drain (PcapFile *f) {
  if (f->nrec > 0)
    fwrite(f->rec, 1, f->nrec, pcap_dump_file(f->dumper));
  f->nrec = 0;
}

/*
** A savefile record is the header of pcap-savefile(5) in host byte order
** (what pcap_dump writes: 32-bit seconds and micro- or nanoseconds,
** caplen, len), then the bytes. Gathered in our own buffer, a record costs
** two memcpy, where pcap_dump's two fwrite calls (locking, stdio's
** bookkeeping) cost a third of a short packet's whole path.
*/
static void putrecord (PcapFile *f, const struct pcap_pkthdr *h,
                       const u_char *data) {
  uint32_t hdr[4];
  size_t need = sizeof(hdr) + h->caplen;
  if (need > PKT_IOBUF - f->nrec) {
    drain(f);
    if (need > PKT_IOBUF) {  /* cannot happen with libpcap's limits */
      pcap_dump((u_char *)f->dumper, h, data);
      return;
    }
  }
  hdr[0] = (uint32_t)h->ts.tv_sec;
  hdr[1] = (uint32_t)h->ts.tv_usec;
  hdr[2] = h->caplen;
  hdr[3] = h->len;
  memcpy(f->rec + f->nrec, hdr, sizeof(hdr));
  memcpy(f->rec + f->nrec + sizeof(hdr), data, h->caplen);
  f->nrec += need;
}

static void pcapfile_write (pkt_Sink *k, const pkt_Packet *p,
                            pkt_Stats *st) {
  PcapFile *f = PF(k);
  (void)st;  /* a write error shows at the close, as stdio reports it */
  if (p->iface && p->iface->linktype != f->linktype) {
    snprintf(f->why, sizeof(f->why), "interface %d has link type %d, the "
             "pcap file %d: a pcap file holds one link type (write pcapng)",
             p->iface->index, p->iface->linktype, f->linktype);
    k->failed = f->why;
    return;
  }
  if (f->rec != NULL) putrecord(f, &p->hdr, p->data);
  else pcap_dump((u_char *)f->dumper, &p->hdr, p->data);
  if (f->flush) {
    drain(f);
    pcap_dump_flush(f->dumper);
  }
}

static int pcapfile_close (pkt_Sink *k, char *err) {
  PcapFile *f = PF(k);
  int rc = PKT_OK;
  if (f->dumper) {
    FILE *fp = pcap_dump_file(f->dumper);
    drain(f);
    if (pcap_dump_flush(f->dumper) != 0 || ferror(fp)) {
      snprintf(err, PKT_ERRSIZE, "%s: write error: %s", k->name,
               strerror(errno));
      rc = PKT_ERROR;
    }
    pcap_dump_close(f->dumper);
    f->dumper = NULL;
  }
  if (f->dead) pcap_close(f->dead);
  f->dead = NULL;
  free(f->iobuf);  /* only now: pcap_dump_close flushed from it */
  f->iobuf = NULL;
  free(f->rec);
  f->rec = NULL;
  return rc;
}

static const pkt_SinkOps pcapfile_ops = {
  "file", pcapfile_write, pcapfile_close
};

/*
** Can a savefile hold this link type? Asked of libpcap on a scratch memory
** stream, so that a refusal leaves the -w file untouched (not created, not
** truncated), as pcap_dump_open would.
*/
static int savefileok (pkt_Sink *k, char *err) {
  char scratch[64];
  FILE *probe = fmemopen(scratch, sizeof(scratch), "w");
  pcap_dumper_t *d;
  const char *msg;
  if (probe == NULL) return PKT_OK;  /* cannot tell: the real open will */
  d = pcap_dump_fopen(PF(k)->dead, probe);
  if (d != NULL) {
    pcap_dump_close(d);
    return PKT_OK;
  }
  fclose(probe);
  msg = pcap_geterr(PF(k)->dead);
  if (strncmp(msg, "stream: ", 8) == 0) msg += 8;  /* libpcap's "file" */
  snprintf(err, PKT_ERRSIZE, "%s: %s", k->name, msg);
  return PKT_ERROR;
}

/*
** The dead handle tells pcap_dump_open which header to write, and
** records carry ts.tv_usec as is, which holds nanoseconds exactly when
** the source was opened at nanosecond precision.
*/
static int openfile (pkt_Sink *k, const pkt_Options *o, const char *file,
                     const pkt_Source *src, char *err) {
  PcapFile *f = PF(k);
  FILE *fp;
  int i;
  f->flush = !o->buffered;
  f->linktype = src->linktype;
  for (i = 0; i < src->nifaces; i++)
    if (src->ifaces[i]->linktype != src->linktype) {
      const char *a = pcap_datalink_val_to_name(src->dlt);
      const char *b = pcap_datalink_val_to_name(src->ifaces[i]->dlt);
      snprintf(err, PKT_ERRSIZE, "%s: the input has interfaces of several "
               "link types (%s, %s): a pcap file holds one; write pcapng "
               "(a .pcapng name or --format=pcapng)", k->name,
               a ? a : "?", b ? b : "?");
      return PKT_ERROR;
    }
  f->dead = pcap_open_dead_with_tstamp_precision(src->dlt,
              src->snaplen > 0 ? src->snaplen : 262144,
              src->nano ? PCAP_TSTAMP_PRECISION_NANO
                        : PCAP_TSTAMP_PRECISION_MICRO);
  if (f->dead == NULL) {
    snprintf(err, PKT_ERRSIZE, "%s: cannot make a pcap handle", k->name);
    return PKT_ERROR;
  }
  if (savefileok(k, err) != PKT_OK) return PKT_ERROR;
  fp = strcmp(file, "-") == 0 ? stdout : fopen(file, "wb");
  if (fp == NULL) {
    snprintf(err, PKT_ERRSIZE, "%s: %s", file, strerror(errno));
    return PKT_ERROR;
  }
  /* our own FILE, so that it gets a large buffer (see PKT_IOBUF) */
  if ((f->iobuf = malloc(PKT_IOBUF)) != NULL &&
      setvbuf(fp, f->iobuf, _IOFBF, PKT_IOBUF) != 0) {
    free(f->iobuf);
    f->iobuf = NULL;
  }
  f->dumper = pcap_dump_fopen(f->dead, fp);
  if (f->dumper == NULL) {
    snprintf(err, PKT_ERRSIZE, "%s: %s", k->name, pcap_geterr(f->dead));
    fclose(fp);  /* stdout too: it must not keep a buffer we free */
    return PKT_ERROR;
  }
  f->rec = malloc(PKT_IOBUF);  /* NULL: every record through pcap_dump */
  f->nrec = 0;
  return PKT_OK;
}

int pkt_sink_openpcap (pkt_Sink **out, const pkt_Options *o,
                       const char *file, const pkt_Source *src, char *err) {
  char ignored[PKT_ERRSIZE];
  pkt_Sink *k = pkt_sink_new(&pcapfile_ops, sizeof(PcapFile));
  if (k == NULL) {
    snprintf(err, PKT_ERRSIZE, "out of memory");
    return PKT_ERROR;
  }
  k->name = strcmp(file, "-") == 0 ? "(stdout)" : file;
  if (openfile(k, o, file, src, err) != PKT_OK) {
    pkt_sink_close(k, ignored);
    return PKT_ERROR;
  }
  *out = k;
  return PKT_OK;
}
