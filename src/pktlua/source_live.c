/*
** source_live.c - the live back-end (-i): libpcap's capture of an
** interface, in immediate mode, at nanosecond precision where the
** platform has it.
*/
#include <stdio.h>
#include <string.h>

#include "source.h"

typedef struct Live {
  pcap_t *pcap;             /* the activated capture handle */
} Live;

#define LIVE(s) ((Live *)(s)->priv)

static int live_next (pkt_Source *s, pkt_Packet *p, char *err) {
  struct pcap_pkthdr *h;
  const u_char *data;
  int rc = pcap_next_ex(LIVE(s)->pcap, &h, &data);
  if (rc == 1) {
    p->hdr = *h;
    /* a frame of the ring mapping, which libpcap maps writable
    ** (PROT_WRITE) and gives back at the next call: the script's writes
    ** are what gets injected, without a copy */
    p->data = (unsigned char *)(uintptr_t)data;
    return PKT_PACKET;
  }
  if (rc == 0 || rc == PCAP_ERROR_BREAK) return PKT_AGAIN;  /* signal */
  snprintf(err, PKT_ERRSIZE, "%s", pcap_geterr(LIVE(s)->pcap));
  return PKT_ERROR;
}

static int live_setfilter (pkt_Source *s, const char *expr, char *err) {
  struct bpf_program prog;
  bpf_u_int32 net, mask;
  char perr[PCAP_ERRBUF_SIZE];
  int rc;
  /* the interface's netmask, for "ip broadcast" */
  if (pcap_lookupnet(s->name, &net, &mask, perr) != 0)
    mask = PCAP_NETMASK_UNKNOWN;
  rc = pkt_source_pcapfilter(s, LIVE(s)->pcap, expr, mask, &prog, err);
  if (rc == PKT_OK) pcap_freecode(&prog);  /* the kernel has its copy */
  return rc;
}

static void live_stats (pkt_Source *s, pkt_Stats *st) {
  struct pcap_stat ps;
  if (pcap_stats(LIVE(s)->pcap, &ps) == 0) {
    st->haskernel = 1;
    st->kreceived = ps.ps_recv;
    st->kdropped = ps.ps_drop;
    st->kifdropped = ps.ps_ifdrop;
  }
}

static double live_progress (pkt_Source *s) {
  (void)s;
  return -1.0;
}

/* pcap_breakloop is signal-safe: a capture waiting in poll() returns at
** once instead of at the next packet */
static void live_wakeup (pkt_Source *s) {
  pcap_breakloop(LIVE(s)->pcap);
}

static void live_close (pkt_Source *s) {
  if (LIVE(s)->pcap) pcap_close(LIVE(s)->pcap);
  LIVE(s)->pcap = NULL;
}

static const pkt_SourceOps live_ops = {
  "live", live_next, live_setfilter, live_stats, live_progress,
  live_wakeup, live_close, NULL
};

int pkt_source_openlive (pkt_Source **out, const pkt_Options *o, char *err) {
  char perr[PCAP_ERRBUF_SIZE] = "";
  pkt_Source *s = pkt_source_new(&live_ops, sizeof(Live));
  pcap_t *p;
  int rc;
  if (s == NULL) {
    snprintf(err, PKT_ERRSIZE, "out of memory");
    return PKT_ERROR;
  }
  s->name = o->iface;
  p = LIVE(s)->pcap = pcap_create(o->iface, perr);
  if (p == NULL) {
    snprintf(err, PKT_ERRSIZE, "%s: %s", o->iface, perr);
    pkt_source_close(s);
    return PKT_ERROR;
  }
  pcap_set_snaplen(p, o->snaplen);
  pcap_set_promisc(p, o->promisc);
  /* a packet reaches the script when it arrives, not when a buffer fills */
  pcap_set_immediate_mode(p, 1);
  if (o->bufkib > 0) pcap_set_buffer_size(p, o->bufkib * 1024);
  pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
  rc = pcap_activate(p);
  if (rc < 0) {
    pkt_explainactivate(err, o->iface, p, rc, "capture");
    pkt_source_close(s);
    return PKT_ERROR;
  }
  if (rc > 0)  /* a warning: the capture runs, but the user should know */
    fprintf(stderr, "pktlua: warning: %s: %s%s%s\n", o->iface,
            pcap_statustostr(rc), pcap_geterr(p)[0] ? ": " : "",
            pcap_geterr(p));
  /* the precision actually in effect */
  s->nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
  /* a bridge forwards what it receives; without this, -i X -o X would
  ** capture its own injections */
  if (o->oface != NULL && pcap_setdirection(p, PCAP_D_IN) != 0 &&
      o->verbose)
    fprintf(stderr, "pktlua: %s: cannot capture inbound only: %s\n",
            o->iface, pcap_geterr(p));
  s->dlt = pcap_datalink(p);
  s->linktype = pkt_linktype(s->dlt);
  s->snaplen = pcap_snapshot(p);
  *out = s;
  return PKT_OK;
}
