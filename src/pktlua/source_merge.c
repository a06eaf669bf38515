/*
** source_merge.c - several -r files read as one: each file's next packet
** waits here, and the earliest is handed out (as mergecap does by
** default; equal timestamps go in the order of the files on the command
** line). Every file's interfaces get entries of their own in the merged
** list (a pcap file is one interface), so a pcapng output keeps them
** apart and a pcap output sees when their link types differ.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"

typedef struct Input {
  pkt_Source *src;          /* owned */
  pkt_Packet next;          /* its packet waiting to go, when waiting */
  int waiting;
  int ended;
  uint64_t read;            /* its packets handed out, for messages */
  int *global;              /* its interface i is merged entry global[i] */
  int nglobal;
} Input;

typedef struct Merge {
  Input *in;
  int n;
  pkt_Iface **ifaces;       /* the merged interfaces (each owned) */
  int nifaces;
  char *name;               /* "a.pcap + b.pcap" (owned) */
} Merge;

#define MG(s) ((Merge *)(s)->priv)

/* a merged entry for `from` (NULL: the input's only interface) as the
** interface `local` of input in: its index, -1: no memory */
static int addiface (pkt_Source *s, Input *in, const pkt_Iface *from,
                     int local) {
  Merge *m = MG(s);
  pkt_Iface *c, **a;
  int *g;
  if (local >= in->nglobal) {
    if ((g = realloc(in->global, (size_t)(local + 1) * sizeof(*g))) == NULL)
      return -1;
    while (in->nglobal <= local) g[in->nglobal++] = -1;
    in->global = g;
  }
  if (in->global[local] >= 0) return in->global[local];
  a = realloc(m->ifaces, (size_t)(m->nifaces + 1) * sizeof(*a));
  if (a == NULL) return -1;
  m->ifaces = a;
  if ((c = calloc(1, sizeof(*c))) == NULL) return -1;
  if (from) *c = *from;
  else {
    c->linktype = in->src->linktype;
    c->dlt = in->src->dlt;
    c->snaplen = (uint32_t)in->src->snaplen;
    c->tsresol = in->src->nano ? 9 : 6;
  }
  c->index = m->nifaces;
  c->file = in->src->name;
  m->ifaces[m->nifaces++] = c;
  s->ifaces = (pkt_Iface *const *)m->ifaces;
  s->nifaces = m->nifaces;
  return in->global[local] = c->index;
}

/* the entries of the interfaces the input knows (one when it has none) */
static int addifaces (pkt_Source *s, Input *in) {
  int i;
  if (in->src->nifaces == 0) return addiface(s, in, NULL, 0) < 0 ? -1 : 0;
  for (i = 0; i < in->src->nifaces; i++)
    if (addiface(s, in, in->src->ifaces[i], i) < 0) return -1;
  return 0;
}

/* the input's next packet into in->next, its interface the merged one:
** PKT_PACKET, PKT_END, PKT_AGAIN or PKT_ERROR (err names the file) */
static int fill (pkt_Source *s, Input *in, char *err) {
  Merge *m = MG(s);
  pkt_Packet *p = &in->next;
  char why[PKT_ERRSIZE];
  int rc, g;
  memset(p, 0, sizeof(*p));
  rc = in->src->ops->next(in->src, p, why);
  if (rc == PKT_END) in->ended = 1;
  if (rc == PKT_ERROR)
    snprintf(err, PKT_ERRSIZE, "%s: packet %llu: %.800s", in->src->name,
             (unsigned long long)in->read + 1, why);
  if (rc != PKT_PACKET) return rc;
  g = addiface(s, in, p->iface, p->iface ? p->iface->index : 0);
  if (g < 0) {
    snprintf(err, PKT_ERRSIZE, "out of memory");
    return PKT_ERROR;
  }
  p->iface = m->ifaces[g];
  if (s->nano && !in->src->nano) p->hdr.ts.tv_usec *= 1000;
  in->waiting = 1;
  return PKT_PACKET;
}

/* a's timestamp is before b's (both in the merged source's unit) */
static int earlier (const pkt_Packet *a, const pkt_Packet *b) {
  return a->hdr.ts.tv_sec != b->hdr.ts.tv_sec
       ? a->hdr.ts.tv_sec < b->hdr.ts.tv_sec
       : a->hdr.ts.tv_usec < b->hdr.ts.tv_usec;
}

static int merge_next (pkt_Source *s, pkt_Packet *p, char *err) {
  Merge *m = MG(s);
  Input *first = NULL;
  int i, rc;
  for (i = 0; i < m->n; i++) {
    Input *in = &m->in[i];
    if (!in->waiting && !in->ended &&
        (rc = fill(s, in, err)) != PKT_PACKET && rc != PKT_END)
      return rc;
    /* strictly earlier: a tie keeps the command line's order */
    if (in->waiting && (first == NULL || earlier(&in->next, &first->next)))
      first = in;
  }
  if (first == NULL) return PKT_END;
  first->waiting = 0;
  first->read++;
  p->hdr = first->next.hdr;
  p->data = first->next.data;
  p->iface = first->next.iface;
  p->comment = first->next.comment;
  p->commentlen = first->next.commentlen;
  return PKT_PACKET;
}

static int merge_setfilter (pkt_Source *s, const char *expr, char *err) {
  int i, rc;
  for (i = 0; i < MG(s)->n; i++) {
    pkt_Source *f = MG(s)->in[i].src;
    if ((rc = f->ops->setfilter(f, expr, err)) != PKT_OK) return rc;
  }
  return PKT_OK;
}

static void merge_stats (pkt_Source *s, pkt_Stats *st) {
  int i;
  for (i = 0; i < MG(s)->n; i++)
    MG(s)->in[i].src->ops->stats(MG(s)->in[i].src, st);
}

/* the mean of the files' fractions */
static double merge_progress (pkt_Source *s) {
  double sum = 0;
  int i;
  for (i = 0; i < MG(s)->n; i++) {
    pkt_Source *f = MG(s)->in[i].src;
    double x = f->ops->progress(f);
    if (x < 0) return -1.0;
    sum += x;
  }
  return sum / MG(s)->n;
}

static void merge_wakeup (pkt_Source *s) {
  int i;
  for (i = 0; i < MG(s)->n; i++) {
    pkt_Source *f = MG(s)->in[i].src;
    if (f && f->ops->wakeup) f->ops->wakeup(f);
  }
}

static void merge_close (pkt_Source *s) {
  Merge *m = MG(s);
  int i;
  for (i = 0; i < m->n; i++) {
    pkt_source_close(m->in[i].src);
    free(m->in[i].global);
  }
  for (i = 0; i < m->nifaces; i++) free(m->ifaces[i]);
  free(m->ifaces);
  free(m->in);
  free(m->name);
}

static int merge_rewind (pkt_Source *s, char *err) {
  int i, rc;
  for (i = 0; i < MG(s)->n; i++) {
    Input *in = &MG(s)->in[i];
    if (in->src->ops->rewind == NULL) {
      snprintf(err, PKT_ERRSIZE, "%s: cannot be read again", in->src->name);
      return PKT_ERROR;
    }
    if ((rc = in->src->ops->rewind(in->src, err)) != PKT_OK) return rc;
    in->waiting = in->ended = 0;
    in->read = 0;
  }
  return PKT_OK;
}

static const pkt_SourceOps merge_ops = {
  "file", merge_next, merge_setfilter, merge_stats, merge_progress,
  merge_wakeup, merge_close, merge_rewind
};

/* the merged source's fields from its files' */
static int describe (pkt_Source *s, char *err) {
  Merge *m = MG(s);
  size_t len = 1;
  int i;
  for (i = 0; i < m->n; i++) len += strlen(m->in[i].src->name) + 3;
  if ((m->name = malloc(len)) == NULL) goto nomem;
  m->name[0] = '\0';
  for (i = 0; i < m->n; i++) {
    pkt_Source *f = m->in[i].src;
    if (i > 0) strcat(m->name, " + ");
    strcat(m->name, f->name);
    if (f->snaplen > s->snaplen) s->snaplen = f->snaplen;
    s->nano |= f->nano;
  }
  s->name = m->name;
  s->dlt = m->in[0].src->dlt;
  s->linktype = m->in[0].src->linktype;
  for (i = 0; i < m->n; i++)
    if (addifaces(s, &m->in[i]) != 0) goto nomem;
  return PKT_OK;
nomem:
  snprintf(err, PKT_ERRSIZE, "out of memory");
  return PKT_ERROR;
}

int pkt_source_openmerge (pkt_Source **out, const char *const *names,
                          int n, char *err) {
  pkt_Source *s = pkt_source_new(&merge_ops, sizeof(Merge));
  int rc;
  *out = NULL;
  if (s == NULL || (MG(s)->in = calloc((size_t)n, sizeof(Input))) == NULL) {
    pkt_source_close(s);
    snprintf(err, PKT_ERRSIZE, "out of memory");
    return PKT_ERROR;
  }
  for (MG(s)->n = 0; MG(s)->n < n; MG(s)->n++) {
    rc = pkt_source_openfile(&MG(s)->in[MG(s)->n].src, names[MG(s)->n], err);
    if (rc != PKT_OK) {
      pkt_source_close(s);
      return rc;
    }
  }
  if ((rc = describe(s, err)) != PKT_OK) {
    pkt_source_close(s);
    return rc;
  }
  *out = s;
  return PKT_OK;
}
