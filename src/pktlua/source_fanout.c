/*
** source_fanout.c - -i with --workers N: the N live captures of one
** interface, joined to one PACKET_FANOUT group (fanout.c), seen by the
** rest of the daemon as one source. Each worker reads its own member in
** its own thread (worker_live.c); this source is never read: the main
** thread asks it for the counters (the members' as their threads last
** published them), wakes every member at a signal, and closes them all.
*/
#include <stdio.h>
#include <stdlib.h>

#include "source.h"

typedef struct Set {
  int n;
  pkt_Source **member;      /* n live sources (owned) */
} Set;

#define SET(s) ((Set *)(s)->priv)

static int set_next (pkt_Source *s, pkt_Packet *p, char *err) {
  (void)p;
  snprintf(err, PKT_ERRSIZE, "%s: the workers read the captures", s->name);
  return PKT_ERROR;
}

static int set_setfilter (pkt_Source *s, const char *expr, char *err) {
  int i, rc;
  for (i = 0; i < SET(s)->n; i++) {
    pkt_Source *m = SET(s)->member[i];
    if ((rc = m->ops->setfilter(m, expr, err)) != PKT_OK) return rc;
  }
  return PKT_OK;
}

static void set_stats (pkt_Source *s, pkt_Stats *st) {
  int i;
  st->kreceived = st->kdropped = st->kifdropped = 0;
  for (i = 0; i < SET(s)->n; i++) pkt_live_published(SET(s)->member[i], st);
}

static double set_progress (pkt_Source *s) {
  (void)s;
  return -1.0;
}

/* signal-safe as each member's */
static void set_wakeup (pkt_Source *s) {
  int i;
  for (i = 0; i < SET(s)->n; i++) {
    pkt_Source *m = SET(s)->member[i];
    if (m) m->ops->wakeup(m);
  }
}

static void set_close (pkt_Source *s) {
  int i;
  if (SET(s)->member == NULL) return;
  for (i = 0; i < SET(s)->n; i++) pkt_source_close(SET(s)->member[i]);
  free(SET(s)->member);
  SET(s)->member = NULL;
}

static const pkt_SourceOps set_ops = {
  "live", set_next, set_setfilter, set_stats, set_progress, set_wakeup,
  set_close, NULL
};

int pkt_source_openfanoutset (pkt_Source **out, const pkt_Options *o,
                              int n, char *err) {
  pkt_Source *s = pkt_source_new(&set_ops, sizeof(Set)), *m;
  int group = -1, i, rc;
  *out = NULL;
  if (s == NULL || (SET(s)->member = calloc((size_t)n, sizeof(m))) == NULL) {
    snprintf(err, PKT_ERRSIZE, "out of memory");
    pkt_source_close(s);
    return PKT_ERROR;
  }
  SET(s)->n = n;
  for (i = 0; i < n; i++) {
    if ((rc = pkt_source_openfanout(&SET(s)->member[i], o, &group, err))
        != PKT_OK) {
      pkt_source_close(s);
      return rc;
    }
  }
  m = SET(s)->member[0];  /* all opened alike */
  s->name = m->name;
  s->dlt = m->dlt;
  s->linktype = m->linktype;
  s->snaplen = m->snaplen;
  s->nano = m->nano;
  *out = s;
  return PKT_OK;
}

pkt_Source *pkt_source_member (pkt_Source *set, int i) {
  return SET(set)->member[i];
}
