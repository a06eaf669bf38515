/*
** sink_pcap.c - the pcap file back-end (-w): passed packets as savefile
** records, to a file or standard output, in the input's link type (or
** the one the script declared, pktlua.linktype), snaplen and timestamp
** unit, through sink_file.c's whole-record writes.
*/
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sink.h"

#define RECHDR 16           /* a record's header in the file */

typedef struct PcapFile {
  pkt_OutFile out;
  pkt_Sink *k;               /* the sink, for messages */
  const pkt_Options *o;     /* o->outlinktype: the script's link type */
  const pkt_Source *src;
  int made;                 /* the header made once the script started */
  int linktype;             /* the input's one link type */
  int declared;             /* the script declared the output's */
  unsigned char hdr[24];    /* the file header, again after a rotation */
  uint32_t snaplen;         /* the header's snaplen */
  uint32_t maxcap;          /* the longest record written, when longer */
} PcapFile;

#define PF(k) ((PcapFile *)(k)->priv)

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
  unsigned char *at;
  int rc;
  if (p->iface && p->iface->linktype != f->linktype && !f->declared) {
    snprintf(err, PKT_ERRSIZE, "%s: packet %llu: interface %d has link "
             "type %d, the pcap file %d: a pcap file holds one link type "
             "(write pcapng)", k->name, (unsigned long long)p->no,
             p->iface->index, p->iface->linktype, f->linktype);
    pkt_sink_lost(st, p);
    return PKT_ERROR;
  }
  if ((rc = pkt_outfile_place(&f->out, need, p, st, &at, err)) != PKT_OK)
    return rc;
  hdr[0] = (uint32_t)h->ts.tv_sec;
  hdr[1] = (uint32_t)h->ts.tv_usec;
  hdr[2] = h->caplen;
  hdr[3] = h->len;
  if (h->caplen > f->maxcap) f->maxcap = h->caplen;
  memcpy(at, hdr, sizeof(hdr));
  memcpy(at + sizeof(hdr), p->data, h->caplen);
  return pkt_outfile_keep(&f->out, need, p, st, err);
}

static int pcapfile_flush (pkt_Sink *k, pkt_Stats *st, char *err) {
  return pkt_outfile_flush(&PF(k)->out, st, err);
}

/*
** A script that made packets longer than the input's snaplen: libpcap's
** reader would cut them to the header's snaplen, so a file of ours
** (regular, one file: no rotation) gets the longest record's length
** there; others cannot, and say so.
*/
static void growsnaplen (pkt_Sink *k) {
  PcapFile *f = PF(k);
  pkt_OutFile *out = &f->out;
  if (f->maxcap <= f->snaplen || out->fd < 0 || out->broken) return;
  if (out->own && out->regular && out->rot == NULL &&
      pwrite(out->fd, &f->maxcap, 4, 16) == 4)
    return;
  fprintf(stderr, "pktlua: %s: records longer than the snaplen in the "
          "file header (%u): readers may cut them\n", k->name,
          (unsigned)f->snaplen);
}

static int pcapfile_close (pkt_Sink *k, char *err) {
  PcapFile *f = PF(k);
  pkt_Stats ignored;
  memset(&ignored, 0, sizeof(ignored));
  if (f->maxcap > f->snaplen && f->out.fd >= 0 && !f->out.broken &&
      pkt_outfile_flush(&f->out, &ignored, err) == PKT_OK)
    growsnaplen(k);
  return pkt_outfile_close(&f->out, err);
}

static int pcapfile_tick (pkt_Sink *k, const pkt_Packet *p, pkt_Stats *st,
                          char *err) {
  return pkt_outfile_tick(&PF(k)->out, p, st, err);
}

static const pkt_SinkOps pcapfile_ops = {
  "file", pcapfile_write, pcapfile_close, pcapfile_flush, pcapfile_tick
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

/* a pcap file holds one link type: a mixed input is refused up front
** (unless the script declared the output's, pktlua.linktype) */
static int onelinktype (pkt_Sink *k, const pkt_Source *src, char *err) {
  int i;
  for (i = 0; i < src->nifaces; i++)
    if (src->ifaces[i]->linktype != src->ifaces[0]->linktype) {
      const char *a = pcap_datalink_val_to_name(src->dlt);
      const char *b = pcap_datalink_val_to_name(src->ifaces[i]->dlt);
      const char *fa = src->ifaces[0]->file, *fb = src->ifaces[i]->file;
      if (fa && fb)  /* merged -r files (source_merge.c) */
        snprintf(err, PKT_ERRSIZE, "%s: the inputs have several link types "
                 "(%s: %s, %s: %s): a pcap file holds one; write pcapng "
                 "(a .pcapng name or --format=pcapng)", k->name, fa,
                 a ? a : "?", fb, b ? b : "?");
      else
        snprintf(err, PKT_ERRSIZE, "%s: the input has interfaces of several "
                 "link types (%s, %s): a pcap file holds one; write pcapng "
                 "(a .pcapng name or --format=pcapng)", k->name,
                 a ? a : "?", b ? b : "?");
      return PKT_ERROR;
    }
  return PKT_OK;
}

/*
** The header for the link type the packets are in: the input's, or the
** one the script declared (pktlua.linktype), known once its chunk ran.
** The file is opened before (-Z's order, sink.h) and its header made
** again when the script has started.
*/
static int makeheader (PcapFile *f, char *err) {
  pkt_Source out = *f->src;  /* as the file says it */
  f->declared = f->o->outlinktype >= 0;
  if (f->declared) {
    out.linktype = f->o->outlinktype;
    out.dlt = pkt_dlt(f->o->outlinktype);
  }
  if ((!f->declared && onelinktype(f->k, f->src, err) != PKT_OK) ||
      fileheader(f->k, &out, f->hdr, err) != PKT_OK)
    return PKT_ERROR;
  memcpy(&f->snaplen, f->hdr + 16, 4);
  if (f->maxcap < f->snaplen) f->maxcap = f->snaplen;
  return PKT_OK;
}

/* each file's header (sink_file.c's pkt_OutHeader) */
static int pcapheader (pkt_OutFile *out, void *ud, char *err) {
  PcapFile *f = (PcapFile *)ud;
  unsigned char *at;
  if (out->started && !f->made) {  /* the script has said its link type */
    if (makeheader(f, err) != PKT_OK) return PKT_ERROR;
    f->made = 1;
  }
  if (pkt_outfile_room(out, sizeof(f->hdr), NULL, NULL, &at, err) != PKT_OK)
    return PKT_ERROR;
  memcpy(at, f->hdr, sizeof(f->hdr));
  return pkt_outfile_header(out, sizeof(f->hdr), err);
}

static int openfile (pkt_Sink *k, const pkt_Options *o, const char *file,
                     const pkt_Source *src, char *err) {
  PcapFile *f = PF(k);
  f->k = k;
  f->o = o;
  f->src = src;
  f->linktype = src->nifaces > 0 ? src->ifaces[0]->linktype : src->linktype;
  if (makeheader(f, err) != PKT_OK) return PKT_ERROR;
  return pkt_outfile_open(&f->out, k->name, file, o, pcapheader, f, err);
}

int pkt_sink_openpcap (pkt_Sink **out, const pkt_Options *o,
                       const char *file, const pkt_Source *src, char *err) {
  char ignored[PKT_ERRSIZE];
  pkt_Sink *k = pkt_sink_new(&pcapfile_ops, sizeof(PcapFile));
  int rc;
  if (k == NULL) {
    snprintf(err, PKT_ERRSIZE, "out of memory");
    return PKT_ERROR;
  }
  PF(k)->out.fd = -1;
  k->file = &PF(k)->out;
  k->name = strcmp(file, "-") == 0 ? "(stdout)" : file;
  if ((rc = openfile(k, o, file, src, err)) != PKT_OK) {
    pkt_sink_close(k, ignored);
    return rc;
  }
  k->ticks = PF(k)->out.rot != NULL;
  *out = k;
  return PKT_OK;
}
