/*
** sink.c - what all sinks share: their allocation (source.c's
** pkt_backend_new) and their end.
*/
#include <stdlib.h>

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
