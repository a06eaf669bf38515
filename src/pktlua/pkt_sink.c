/*
** pkt_sink.c - where passed packets go: a pcap file (-w) and/or an
** interface (-o).
*/
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt.h"

/*
** The injection handle is opened with the capture, before -Z drops the
** privileges it needs. Frames are injected as they are, so the output
** interface must speak the input's link layer.
*/
int pkt_sink_openinject (pkt_Sink *k, const pkt_Options *o,
                         const pkt_Source *s, char *err) {
  char perr[PCAP_ERRBUF_SIZE] = "";
  int rc;
  k->oname = o->oface;
  k->out = pcap_create(o->oface, perr);
  if (k->out == NULL) {
    snprintf(err, PKT_ERRSIZE, "%s: %s", o->oface, perr);
    return -1;
  }
  pcap_set_snaplen(k->out, 128);  /* we never read from it */
  rc = pcap_activate(k->out);
  if (rc < 0) {
    pkt_explainactivate(err, o->oface, k->out, rc, "inject");
    pcap_close(k->out);
    k->out = NULL;
    return -1;
  }
  if (pcap_datalink(k->out) != s->dlt) {
    const char *in = pcap_datalink_val_to_name(s->dlt);
    const char *out = pcap_datalink_val_to_name(pcap_datalink(k->out));
    snprintf(err, PKT_ERRSIZE,
             "%s: cannot inject %s frames on a %s interface", o->oface,
             in ? in : "unknown", out ? out : "unknown");
    pcap_close(k->out);
    k->out = NULL;
    return -1;
  }
  return 0;
}

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
  if (probe == NULL) return 0;  /* cannot tell: the real open will */
  d = pcap_dump_fopen(k->dead, probe);
  if (d != NULL) {
    pcap_dump_close(d);
    return 0;
  }
  fclose(probe);
  msg = pcap_geterr(k->dead);
  if (strncmp(msg, "stream: ", 8) == 0) msg += 8;  /* libpcap's "file" */
  snprintf(err, PKT_ERRSIZE, "%s: %s", k->wname, msg);
  return -1;
}

/*
** The output file takes the input's link type, snaplen and timestamp
** unit: the dead handle tells pcap_dump_open which header to write, and
** pcap_dump copies ts.tv_usec as is, which holds nanoseconds exactly when
** the source was opened at nanosecond precision.
*/
int pkt_sink_openfile (pkt_Sink *k, const pkt_Options *o,
                       const pkt_Source *s, char *err) {
  FILE *f;
  k->wname = strcmp(o->wfile, "-") == 0 ? "(stdout)" : o->wfile;
  k->flush = !o->buffered;
  k->dead = pcap_open_dead_with_tstamp_precision(s->dlt,
              s->snaplen > 0 ? s->snaplen : 262144,
              s->nano ? PCAP_TSTAMP_PRECISION_NANO
                      : PCAP_TSTAMP_PRECISION_MICRO);
  if (k->dead == NULL) {
    snprintf(err, PKT_ERRSIZE, "%s: cannot make a pcap handle", k->wname);
    return -1;
  }
  if (savefileok(k, err) != 0) return -1;
  f = strcmp(o->wfile, "-") == 0 ? stdout : fopen(o->wfile, "wb");
  if (f == NULL) {
    snprintf(err, PKT_ERRSIZE, "%s: %s", o->wfile, strerror(errno));
    return -1;
  }
  /* our own FILE, so that it gets a large buffer (see PKT_IOBUF) */
  if ((k->iobuf = malloc(PKT_IOBUF)) != NULL &&
      setvbuf(f, k->iobuf, _IOFBF, PKT_IOBUF) != 0) {
    free(k->iobuf);
    k->iobuf = NULL;
  }
  k->dumper = pcap_dump_fopen(k->dead, f);
  if (k->dumper == NULL) {
    snprintf(err, PKT_ERRSIZE, "%s: %s", k->wname, pcap_geterr(k->dead));
    fclose(f);  /* stdout too: it must not keep a buffer we free */
    return -1;
  }
  k->rec = malloc(PKT_IOBUF);  /* NULL: every record through pcap_dump */
  k->nrec = 0;
  return 0;
}

/* the records gathered so far to the FILE, after libpcap's file header */
static void drain (pkt_Sink *k) {
  if (k->nrec > 0)
    fwrite(k->rec, 1, k->nrec, pcap_dump_file(k->dumper));
  k->nrec = 0;
}

/*
** A savefile record is the header of pcap-savefile(5) in host byte order
** (what pcap_dump writes: 32-bit seconds and micro- or nanoseconds,
** caplen, len), then the bytes. Gathered in our own buffer, a record costs
** two memcpy, where pcap_dump's two fwrite calls (locking, stdio's
** bookkeeping) cost a third of a short packet's whole path.
*/
static void putrecord (pkt_Sink *k, const struct pcap_pkthdr *h,
                       const u_char *data) {
  uint32_t hdr[4];
  size_t need = sizeof(hdr) + h->caplen;
  if (need > PKT_IOBUF - k->nrec) {
    drain(k);
    if (need > PKT_IOBUF) {  /* cannot happen with libpcap's limits */
      pcap_dump((u_char *)k->dumper, h, data);
      return;
    }
  }
  hdr[0] = (uint32_t)h->ts.tv_sec;
  hdr[1] = (uint32_t)h->ts.tv_usec;
  hdr[2] = h->caplen;
  hdr[3] = h->len;
  memcpy(k->rec + k->nrec, hdr, sizeof(hdr));
  memcpy(k->rec + k->nrec + sizeof(hdr), data, h->caplen);
  k->nrec += need;
}

void pkt_sink_write (pkt_Sink *k, const struct pcap_pkthdr *h,
                     const u_char *data, pkt_Stats *st) {
  if (k->dumper) {
    if (k->rec != NULL) putrecord(k, h, data);
    else pcap_dump((u_char *)k->dumper, h, data);
    if (k->flush) {
      drain(k);
      pcap_dump_flush(k->dumper);
    }
  }
  if (k->out && pcap_inject(k->out, data, h->caplen) < 0) {
    st->injecterrors++;
    if (!k->injectreported) {  /* once: the count is in the stats */
      fprintf(stderr, "pktlua: %s: inject failed: %s\n", k->oname,
              pcap_geterr(k->out));
      k->injectreported = 1;
    }
  }
}

int pkt_sink_close (pkt_Sink *k, char *err) {
  int rc = 0;
  if (k->dumper) {
    FILE *f = pcap_dump_file(k->dumper);
    drain(k);
    if (pcap_dump_flush(k->dumper) != 0 || ferror(f)) {
      snprintf(err, PKT_ERRSIZE, "%s: write error: %s", k->wname,
               strerror(errno));
      rc = -1;
    }
    pcap_dump_close(k->dumper);
    k->dumper = NULL;
  }
  if (k->dead) pcap_close(k->dead);
  if (k->out) pcap_close(k->out);
  k->dead = k->out = NULL;
  free(k->iobuf);  /* only now: pcap_dump_close flushed from it */
  k->iobuf = NULL;
  free(k->rec);
  k->rec = NULL;
  return rc;
}
