/*
** loop.c - the packet loop: the fetch and deliver halves that the script
** (script.c) calls between its packets, or a plain copy without one.
*/
#include <stdio.h>

#include "loop.h"

/*
** The next packet, after the signals, -c and the progress hook had their
** turn; called between two packets, so a reload or a stop never cuts one.
*/
static int fetch (void *ud, pkt_Packet *p) {
  pkt_Loop *lp = (pkt_Loop *)ud;
  pkt_Source *src = lp->src;
  pkt_Stats *st = lp->st;
  char why[PKT_ERRSIZE];
  int rc;
  for (;;) {
    if (lp->stop && *lp->stop) return PKT_END;
    if (lp->reload && *lp->reload) {
      *lp->reload = 0;
      if (lp->script) return PKT_RELOAD;
    }
    if (lp->report && *lp->report) {
      *lp->report = 0;
      src->ops->stats(src, st);
      st->luamem = pkt_script_memory(lp->script);
      if (lp->hook) lp->hook(lp, PKT_LOOP_REPORT);
    }
    if (lp->count > 0 && st->read >= (uint64_t)lp->count) return PKT_END;
    if (lp->status != PKT_OK) return PKT_END;  /* a sink failed for good */
    p->route = PKT_ROUTE_DEFAULT;  /* a plain copy, a script error passing */
    p->iface = NULL;  /* what sources of one interface leave alone */
    p->comment = NULL;
    p->commentlen = 0;
    rc = src->ops->next(src, p, why);
    if (rc == PKT_PACKET) break;
    if (rc == PKT_AGAIN) continue;  /* live: nothing yet, or a signal */
    if (rc == PKT_END) return PKT_END;
    snprintf(lp->err, PKT_ERRSIZE, "%s: packet %llu: %.900s", src->name,
             (unsigned long long)st->read + 1, why);
    lp->status = PKT_ERROR;
    return PKT_END;
  }
  st->read++;
  p->no = st->read;
  p->nano = src->nano;
  if (lp->hook && (st->read & 1023) == 0) lp->hook(lp, PKT_LOOP_PROGRESS);
  return PKT_PACKET;
}

static void deliver (void *ud, const pkt_Packet *p, int pass) {
  pkt_Loop *lp = (pkt_Loop *)ud;
  int i;
  if (!pass) {
    lp->st->dropped++;
    return;
  }
  lp->st->passed++;
  for (i = 0; i < PKT_MAXOUTPUTS && (p->route >> i) != 0; i++)
    if ((p->route >> i) & 1) lp->st->outpassed[i]++;
  for (i = 0; i < lp->nsinks; i++) {
    pkt_Sink *k = lp->sinks[i];
    if (((p->route >> k->output) & 1) == 0) continue;
    k->ops->write(k, p, lp->st);
    if (k->failed && lp->status == PKT_OK) {  /* fetch ends the run */
      snprintf(lp->err, PKT_ERRSIZE, "%s: packet %llu: %.900s", k->name,
               (unsigned long long)p->no, k->failed);
      lp->status = PKT_ERROR;
    }
  }
}

int pkt_loop_run (pkt_Loop *lp, char *err) {
  lp->status = PKT_OK;
  lp->err = err;
  for (;;) {
    int rc;
    if (lp->script == NULL) {  /* a plain copy */
      pkt_Packet p;
      while (fetch(lp, &p) == PKT_PACKET) deliver(lp, &p, 1);
      break;
    }
    rc = pkt_script_run(lp->script, fetch, deliver, lp, lp->st);
    if (rc == PKT_RELOAD) {
      if (lp->hook) lp->hook(lp, PKT_LOOP_RELOADING);
      pkt_script_reload(&lp->script, lp->src->linktype, lp->st);
      if (lp->hook) lp->hook(lp, PKT_LOOP_RELOADED);
      continue;
    }
    if (rc < 0) return PKT_ERROR_SCRIPT;  /* --on-error=abort */
    break;
  }
  return lp->status;
}
