/*
** sink_inject.c - the injection back-end (-o): passed packets sent on an
** interface with pcap_inject, as they are.
*/
#include <stdio.h>

#include "sink.h"

typedef struct Inject {
  pcap_t *out;              /* the activated handle */
  int reported;             /* the first failure was printed */
} Inject;

#define INJ(k) ((Inject *)(k)->priv)

static int inject_write (pkt_Sink *k, const pkt_Packet *p, pkt_Stats *st,
                         char *err) {
  Inject *j = INJ(k);
  (void)err;  /* a refused frame is counted, the run goes on */
  if (pcap_inject(j->out, p->data, p->hdr.caplen) < 0) {
    st->injecterrors++;
    if (!j->reported) {  /* once: the count is in the stats */
      fprintf(stderr, "pktlua: %s: inject failed: %s\n", k->name,
              pcap_geterr(j->out));
      j->reported = 1;
    }
  }
  return PKT_OK;
}

static int inject_close (pkt_Sink *k, char *err) {
  (void)err;
  if (INJ(k)->out) pcap_close(INJ(k)->out);
  INJ(k)->out = NULL;
  return PKT_OK;
}

static const pkt_SinkOps inject_ops = {
  "inject", inject_write, inject_close, NULL
};

/*
** The handle is opened with the capture, before -Z drops the privileges
** it needs. Frames are injected as they are, so the output interface must
** speak the input's link layer.
*/
int pkt_sink_openinject (pkt_Sink **out, const pkt_Options *o,
                         const pkt_Source *src, char *err) {
  char perr[PCAP_ERRBUF_SIZE] = "";
  pkt_Sink *k = pkt_sink_new(&inject_ops, sizeof(Inject));
  pcap_t *p;
  int rc;
  if (k == NULL) {
    snprintf(err, PKT_ERRSIZE, "out of memory");
    return PKT_ERROR;
  }
  k->name = o->oface;
  p = INJ(k)->out = pcap_create(o->oface, perr);
  if (p == NULL) {
    snprintf(err, PKT_ERRSIZE, "%s: %s", o->oface, perr);
    goto fail;
  }
  pcap_set_snaplen(p, 128);  /* we never read from it */
  rc = pcap_activate(p);
  if (rc < 0) {
    pkt_explainactivate(err, o->oface, p, rc, "inject");
    goto fail;
  }
  if (pcap_datalink(p) != src->dlt) {
    const char *in = pcap_datalink_val_to_name(src->dlt);
    const char *name = pcap_datalink_val_to_name(pcap_datalink(p));
    snprintf(err, PKT_ERRSIZE,
             "%s: cannot inject %s frames on a %s interface", o->oface,
             in ? in : "unknown", name ? name : "unknown");
    goto fail;
  }
  *out = k;
  return PKT_OK;
fail:
  pkt_sink_close(k, perr);
  return PKT_ERROR;
}
