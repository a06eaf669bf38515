/*
** loop.c - the packet loop: the fetch and deliver halves that the script
** (script.c) calls between its packets, or a plain copy without one.
*/
#include <stdio.h>

#include "loop.h"

/* a sink took no more (sink.h): the run ends before the next packet; the
** first error is the one reported */
static void halt (pkt_Loop *lp, int rc, const char *why) {
  if (rc < 0 && lp->status == PKT_OK) {
    lp->status = PKT_ERROR;
    snprintf(lp->err, PKT_ERRSIZE, "%s", why);
  }
  lp->halted = 1;
}

/* every sink's held packets to its output */
static void flush (pkt_Loop *lp) {
  char why[PKT_ERRSIZE];
  int i, rc;
  for (i = 0; i < lp->nsinks; i++) {
    pkt_Sink *k = lp->sinks[i];
    if (k->ops->flush && (rc = k->ops->flush(k, lp->st, why)) != PKT_OK)
      halt(lp, rc, why);
  }
}

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
    if (lp->halted || (lp->stop && *lp->stop)) return PKT_END;
    if (lp->reload && *lp->reload) {
      *lp->reload = 0;
      if (lp->script) return PKT_RELOAD;
    }
    if (lp->report && *lp->report) {
      *lp->report = 0;
      flush(lp);  /* passed: what the outputs have */
      src->ops->stats(src, st);
      st->luamem = pkt_script_memory(lp->script);
      if (lp->hook) lp->hook(lp, PKT_LOOP_REPORT);
    }
    if (lp->count > 0 && st->read >= (uint64_t)lp->count) return PKT_END;
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
  char why[PKT_ERRSIZE];
  int i, rc;
  if (!pass) {
    lp->st->dropped++;
    return;
  }
  lp->st->passed++;
  for (i = 0; i < lp->nsinks; i++) {
    pkt_Sink *k = lp->sinks[i];
    if ((rc = k->ops->write(k, p, lp->st, why)) != PKT_OK)
      halt(lp, rc, why);
  }
}

static int run (pkt_Loop *lp) {
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

int pkt_loop_run (pkt_Loop *lp, char *err) {
  int rc;
  lp->status = PKT_OK;
  lp->halted = 0;
  lp->err = err;
  rc = run(lp);
  flush(lp);
  return rc == PKT_OK ? lp->status : rc;
}
