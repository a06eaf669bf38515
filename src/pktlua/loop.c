/*
** loop.c - the packet loop: the fetch and deliver halves that the script
** (script.c) calls between its packets, or a plain copy without one.
*/
#include <stdio.h>

#include "cksum_pkt.h"
#include "flowhash.h"
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

/* the sinks' clocks, between two packets: p the one just read, NULL
** when a live input returned nothing (sink.h's tick) */
static void tick (pkt_Loop *lp, const pkt_Packet *p) {
  char why[PKT_ERRSIZE];
  int i, rc;
  for (i = 0; i < lp->nsinks; i++) {
    pkt_Sink *k = lp->sinks[i];
    if (k->ticks && (rc = k->ops->tick(k, p, lp->st, why)) != PKT_OK)
      halt(lp, rc, why);
  }
}

/* SIGUSR1: fresh stats for the hook (passed: what the outputs have) */
static void report (pkt_Loop *lp) {
  *lp->report = 0;
  flush(lp);
  lp->src->ops->stats(lp->src, lp->st);
  lp->st->luamem = pkt_script_memory(lp->script);
  if (lp->hook) lp->hook(lp, PKT_LOOP_REPORT);
}

/* packets read that the script saw (in --shard's share) */
static uint64_t taken (const pkt_Stats *st) {
  return st->read - st->outside;
}

#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))  /* off the path without --shard */
#else
#define NOINLINE
#endif

/* --shard: p is in another share; then it is read (numbered, counted by
** -c) but goes no further */
static NOINLINE int outside (pkt_Loop *lp, const pkt_Packet *p) {
  pkt_Stats *st = lp->st;
  if (pkt_flowshare(pkt_flowhash_frame(p->iface ? p->iface->linktype
                                                : lp->src->linktype, p->data,
                                       p->hdr.caplen),
                    lp->shardn) == lp->shardk - 1)
    return 0;
  st->read++;
  st->bytes += p->hdr.caplen;
  st->outside++;
  if (lp->hook && (st->read & 1023) == 0) lp->hook(lp, PKT_LOOP_PROGRESS);
  return 1;
}

/*
** The input ended: starts it over when --loop asks for another pass.
** A pass that gave the script nothing ends the run (--loop=0 on an empty
** file, or on one without a packet in the --shard share).
*/
static int nextpass (pkt_Loop *lp, uint64_t readbefore, char *why) {
  if (lp->loops >= 0 && lp->loop >= (uint64_t)lp->loops) return PKT_END;
  if (lp->src->ops->rewind == NULL) return PKT_END;
  if (taken(lp->st) == readbefore) return PKT_END;
  if (lp->src->ops->rewind(lp->src, why) != PKT_OK) return PKT_ERROR;
  lp->loop++;
  if (lp->pacer) pkt_pacer_newloop(lp->pacer);
  return PKT_AGAIN;
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
  if (lp->loop == 0) lp->loop = 1;
  for (;;) {
    if (lp->halted || (lp->stop && *lp->stop) || lp->paceend) return PKT_END;
    if (lp->pacer && pkt_pacer_expired(lp->pacer)) return PKT_END;
    if (lp->reload && *lp->reload) {
      *lp->reload = 0;
      if (lp->script) return PKT_RELOAD;
    }
    if (lp->report && *lp->report) report(lp);
    if (lp->count > 0 && st->read >= (uint64_t)lp->count) return PKT_END;
    p->route = PKT_ROUTE_DEFAULT;  /* a plain copy, a script error passing */
    p->emitted = 0;
    p->iface = NULL;  /* what sources of one interface leave alone */
    p->comment = NULL;
    p->commentlen = 0;
    rc = src->ops->next(src, p, why);
    if (rc == PKT_PACKET) {
      if (lp->shardn == 0 || !outside(lp, p)) break;
      continue;
    }
    if (rc == PKT_AGAIN) {  /* live: nothing yet, or a signal */
      if (lp->ticking) tick(lp, NULL);
      if (lp->hook) lp->hook(lp, PKT_LOOP_PROGRESS);  /* a quiet line moves */
      continue;
    }
    if (rc == PKT_END) {
      rc = nextpass(lp, lp->passread, why);
      lp->passread = taken(st);
      if (rc == PKT_AGAIN) continue;
      if (rc == PKT_END) return PKT_END;
    }
    snprintf(lp->err, PKT_ERRSIZE, "%s: packet %llu: %.900s", src->name,
             (unsigned long long)st->read + 1, why);
    lp->status = PKT_ERROR;
    return PKT_END;
  }
  st->read++;
  st->bytes += p->hdr.caplen;
  p->no = st->read;
  p->nano = src->nano;
  p->loop = lp->loop;
  /* no cost for sinks that do not rotate; with workers the writer ticks,
  ** in the order it writes */
  if (lp->ticking && !lp->writerticks) tick(lp, p);
  /* a paced run is slow enough for a progress check on every packet */
  if (lp->hook && ((st->read & 1023) == 0 || lp->pacer))
    lp->hook(lp, PKT_LOOP_PROGRESS);
  return PKT_PACKET;
}

/* a signal woke the pacer: stop, or print the report and wait on */
static int pacecheck (void *ud) {
  pkt_Loop *lp = (pkt_Loop *)ud;
  if (lp->stop && *lp->stop) return 1;
  if (lp->report && *lp->report) report(lp);
  return 0;
}

/*
** --fix-checksums: the TCP/UDP checksum of a whole, unfragmented packet
** computed again, one pass over its bytes. A sender that leaves the sum
** to its NIC (CHECKSUM_PARTIAL: veth, virtio, most NICs) hands a capture
** the pseudo-header's sum in the field, which libpcap does not flag.
*/
static void fixchecksum (pkt_Loop *lp, const pkt_Packet *p) {
  long l3 = pkt_l3(p->iface ? p->iface->linktype : lp->src->linktype,
                   p->data, p->hdr.caplen);
  cksum_L4 k;
  unsigned char *ck;
  uint16_t v;
  if (l3 < 0 || p->hdr.caplen < p->hdr.len) return;
  if (cksum_l4find(p->data + l3, p->hdr.caplen - (size_t)l3, &k) != NULL ||
      (k.proto != PROTO_TCP && k.proto != PROTO_UDP))
    return;
  ck = (unsigned char *)k.seg + k.ckoff;  /* within p->data, writable */
  if (k.zeroisnone && ck[0] == 0 && ck[1] == 0) return;  /* no checksum */
  v = cksum_l4compute(&k);
  if (ck[0] != (v >> 8) || ck[1] != (v & 0xff)) {
    ck[0] = (unsigned char)(v >> 8);
    ck[1] = (unsigned char)(v & 0xff);
    lp->st->cksumfixed++;
  }
}

/*
** A packet read and passed, after the pacer's wait, or one pktlua.emit
** made (p->emitted), at once: a replay paces the packets it reads, and
** what the script adds while handling one leaves with it.
*/
static void deliver (void *ud, const pkt_Packet *p, int pass) {
  pkt_Loop *lp = (pkt_Loop *)ud;
  char why[PKT_ERRSIZE];
  int i, rc;
  if (!pass) {
    lp->st->dropped++;
    return;
  }
  /* a stop while waiting: the packet is not sent (nor counted), fetch
  ** ends the run */
  if (!p->emitted && lp->pacer &&
      pkt_pacer_wait(lp->pacer, p, pacecheck, lp) != PKT_OK) {
    lp->paceend = 1;
    return;
  }
  if (p->emitted) lp->st->emitted++;
  else {
    lp->st->passed++;
    lp->st->passedbytes += p->hdr.caplen;
  }
  for (i = 0; i < PKT_MAXOUTPUTS && (p->route >> i) != 0; i++)
    if ((p->route >> i) & 1) lp->st->outpassed[i]++;
  if (lp->fixcksum) fixchecksum(lp, p);
  for (i = 0; i < lp->nsinks; i++) {
    pkt_Sink *k = lp->sinks[i];
    if (((p->route >> k->output) & 1) == 0) continue;
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
    if (rc < 0) return PKT_ERROR_SCRIPT;  /* abort, or the early stop */
    break;
  }
  return lp->status;
}

void pkt_loop_begin (pkt_Loop *lp, char *err) {
  int i;
  lp->status = PKT_OK;
  lp->halted = 0;
  lp->ticking = 0;
  for (i = 0; i < lp->nsinks; i++)
    if (lp->sinks[i]->ticks) lp->ticking = 1;
  lp->err = err;
}

int pkt_loop_end (pkt_Loop *lp, int rc) {
  flush(lp);
  /* an output's error outranks a script's: the output is incomplete */
  return lp->status != PKT_OK ? lp->status : rc;
}

int pkt_loop_run (pkt_Loop *lp, char *err) {
  pkt_loop_begin(lp, err);
  return pkt_loop_end(lp, run(lp));
}

int pkt_loop_fetch (pkt_Loop *lp, pkt_Packet *p) {
  return fetch(lp, p);
}

void pkt_loop_deliver (pkt_Loop *lp, const pkt_Packet *p, int pass) {
  deliver(lp, p, pass);
}

void pkt_loop_tick (pkt_Loop *lp, const pkt_Packet *p) {
  if (lp->ticking) tick(lp, p);
}

void pkt_loop_report (pkt_Loop *lp) {
  if (lp->report && *lp->report) report(lp);
}
