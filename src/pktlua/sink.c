/*
** sink.c - what all sinks share: their allocation (source.c's
** pkt_backend_new) and their end.
*/
#include <stdlib.h>
#include <string.h>

#include "sink.h"

pkt_Sink *pkt_sink_new (const pkt_SinkOps *ops, size_t privsize) {
  void *priv;
  pkt_Sink *k = (pkt_Sink *)pkt_backend_new(sizeof(*k), privsize, &priv);
  if (k == NULL) return NULL;
  k->ops = ops;
  k->priv = priv;
  return k;
}

void pkt_sink_lost (pkt_Stats *st, const pkt_Packet *p) {
  if (st->lostno == p->no) return;  /* an earlier sink lost it already */
  st->lostno = p->no;
  st->passed--;
  st->passedbytes -= p->hdr.caplen;
  st->failed++;
}

int pkt_sink_close (pkt_Sink *k, char *err) {
  int rc;
  if (k == NULL) return PKT_OK;
  rc = k->ops->close(k, err);
  free(k);
  return rc;
}

/* the name ends with ext */
static int endswith (const char *name, const char *ext) {
  size_t n = strlen(name), e = strlen(ext);
  return n > e && strcmp(name + n - e, ext) == 0;
}

/* the source has interfaces of more than one link type */
static int mixedlinks (const pkt_Source *src) {
  int i;
  for (i = 0; i < src->nifaces; i++)
    if (src->ifaces[i]->linktype != src->linktype) return 1;
  return 0;
}

int pkt_sink_openfile (pkt_Sink **out, const pkt_Options *o,
                       const char *file, const pkt_Source *src, char *err) {
  int format = o->wformat;
  if (format == PKT_FMT_AUTO) {
    if (endswith(file, ".pcapng") || endswith(file, ".ntar"))
      format = PKT_FMT_PCAPNG;
    else if (endswith(file, ".pcap")) format = PKT_FMT_PCAP;
    else format = mixedlinks(src) ? PKT_FMT_PCAPNG : PKT_FMT_PCAP;
  }
  if (format == PKT_FMT_PCAPNG)
    return pkt_sink_openpcapng(out, o, file, src, err);
  return pkt_sink_openpcap(out, o, file, src, err);
}
