/*
** sink.c - what all sinks share: their allocation and their end.
*/
#include <stdlib.h>

#include "sink.h"

pkt_Sink *pkt_sink_new (const pkt_SinkOps *ops, size_t privsize) {
  pkt_Sink *k = calloc(1, sizeof(*k));
  if (k == NULL) return NULL;
  if (privsize > 0 && (k->priv = calloc(1, privsize)) == NULL) {
    free(k);
    return NULL;
  }
  k->ops = ops;
  return k;
}

int pkt_sink_close (pkt_Sink *k, char *err) {
  int rc;
  if (k == NULL) return PKT_OK;
  rc = k->ops->close(k, err);
  free(k->priv);
  free(k);
  return rc;
}
