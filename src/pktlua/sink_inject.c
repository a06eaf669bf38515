/*
** sink_inject.c - the injection back-end (-o): passed packets sent on an
** interface with pcap_inject, as they are.
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sink.h"

typedef struct Inject {
  pcap_t *out;              /* the activated handle */
  int dlt;                  /* its link type */
  int declared;             /* the script declared the frames' (all) */
  int reported;             /* the first failure was printed */
  int ether;                /* the link layer is Ethernet */
  int mtu;                  /* the interface's, -1: unknown */
  const char *in;           /* the capture interface (-i), NULL: a file */
  int toldover, toldcut;    /* the first oversize/cut frame was told */
} Inject;

#define INJ(k) ((Inject *)(k)->priv)

/* a full queue drains in microseconds: retried this many times, each
** wait twice the last (10 us .. 1.3 ms, 2.6 ms in all) */
#define NOBUFS_TRIES 8

static void fail (uint64_t *n, uint64_t *first, uint64_t no) {
  if ((*n)++ == 0) *first = no;
}

/*
** A frame over the interface's MTU is not one the capture saw on a wire:
** the kernel merged segments (GRO on the capture side, GSO/TSO of a local
** sender) and hands one super-frame to the capture. Ethernet only: the
** link header is 14 bytes, 18 with a VLAN tag. A replay (-r) leaves big
** frames to the kernel, which counts them as EMSGSIZE.
*/
static int oversize (const Inject *j, const pkt_Packet *p) {
  const unsigned char *d = p->data;
  unsigned max;
  if (!j->ether || j->mtu <= 0 || j->in == NULL) return 0;
  max = (unsigned)j->mtu + 14;
  if (p->hdr.caplen >= 14 && (((unsigned)d[12] << 8 | d[13]) == 0x8100 ||
                              ((unsigned)d[12] << 8 | d[13]) == 0x88a8))
    max += 4;
  return p->hdr.len > max;
}

/*
** Frames that cannot leave as they came: counted with their first packet,
** told once each with what would help, never sent (a frame cut by -s
** would leave short, with lengths and checksums that lie).
*/
static int refuse (pkt_Sink *k, const pkt_Packet *p, pkt_Stats *st) {
  Inject *j = INJ(k);
  if (oversize(j, p)) {
    fail(&st->oversize, &st->oversizefirst, p->no);
    if (!j->toldover++)
      fprintf(stderr, "pktlua: %s: packet %llu: a %u-byte frame, over the "
              "MTU %d: the kernel merged segments (GRO/GSO/TSO) before the "
              "capture; not sent (counted). Turn that off: ethtool -K %s "
              "gro off gso off tso off (and on the sending side)\n",
              k->name, (unsigned long long)p->no, p->hdr.len, j->mtu,
              j->in ? j->in : "IFACE");
  }
  else if (p->hdr.caplen < p->hdr.len) {
    fail(&st->truncated, &st->truncatedfirst, p->no);
    if (!j->toldcut++)
      fprintf(stderr, "pktlua: %s: packet %llu: %u of its %u bytes "
              "captured (-s): not sent (counted); a larger -s would send "
              "it\n", k->name, (unsigned long long)p->no, p->hdr.caplen,
              p->hdr.len);
  }
  else return 0;
  st->injecterrors++;
  pkt_sink_lost(st, p);
  return 1;
}

/*
** Failures are counted by cause with their first packet (the stats say
** them); a full queue (ENOBUFS) is waited out a few times before the
** packet counts as not sent.
*/
static int inject_write (pkt_Sink *k, const pkt_Packet *p, pkt_Stats *st,
                         char *err) {
  Inject *j = INJ(k);
  (void)err;  /* a refused frame is counted, the run goes on */
  long wait = 10000;
  int tries = 0, e;
  if (p->iface != NULL && p->iface->dlt != j->dlt && !j->declared) {
    /* a pcapng input's interface of another link type than this one */
    st->injecterrors++;
    fail(&st->otherfail, &st->otherfirst, p->no);
    if (!j->reported)
      fprintf(stderr, "pktlua: %s: packet %llu: cannot inject frames of "
              "link type %d (interface %d's) here\n", k->name,
              (unsigned long long)p->no, p->iface->linktype,
              p->iface->index);
    j->reported = 1;
    pkt_sink_lost(st, p);
    return PKT_OK;
  }
  if (refuse(k, p, st)) return PKT_OK;
  while (pcap_inject(j->out, p->data, p->hdr.caplen) < 0) {
    e = errno;
    if (e == ENOBUFS && tries++ < NOBUFS_TRIES) {
      struct timespec t = {0, wait};
      st->nobufsretries++;
      nanosleep(&t, NULL);
      wait *= 2;
      continue;
    }
    st->injecterrors++;
    pkt_sink_lost(st, p);
    if (e == EMSGSIZE) fail(&st->msgsize, &st->msgsizefirst, p->no);
    else if (e == ENOBUFS) fail(&st->nobufs, &st->nobufsfirst, p->no);
    else fail(&st->otherfail, &st->otherfirst, p->no);
    if (!j->reported) {  /* once: the count is in the stats */
      fprintf(stderr, "pktlua: %s: inject failed: %s\n", k->name,
              pcap_geterr(j->out));
      j->reported = 1;
    }
    return PKT_OK;
  }
  st->injected++;
  st->injectedbytes += p->hdr.caplen;
  return PKT_OK;
}

static int inject_close (pkt_Sink *k, char *err) {
  (void)err;
  if (INJ(k)->out) pcap_close(INJ(k)->out);
  INJ(k)->out = NULL;
  return PKT_OK;
}

static const pkt_SinkOps inject_ops = {
  "inject", inject_write, inject_close, NULL, NULL
};

/*
** The handle is opened with the capture, before -Z drops the privileges
** it needs. Frames are injected as they are, so the output interface must
** speak their link layer: pkt_sink_injectlink checks, once the script
** said which (pktlua.linktype).
*/
int pkt_sink_injectlink (pkt_Sink *k, int dlt, int declared, char *err) {
  Inject *j = INJ(k);
  if (j->dlt != dlt) {
    const char *in = pcap_datalink_val_to_name(dlt);
    const char *name = pcap_datalink_val_to_name(j->dlt);
    snprintf(err, PKT_ERRSIZE,
             "%s: cannot inject %s frames on a %s interface", k->name,
             in ? in : "unknown", name ? name : "unknown");
    return PKT_ERROR;
  }
  j->declared = declared;
  return PKT_OK;
}

int pkt_sink_openinject (pkt_Sink **out, const char *iface,
                         const pkt_Source *src, char *err) {
  char perr[PCAP_ERRBUF_SIZE] = "";
  pkt_Sink *k = pkt_sink_new(&inject_ops, sizeof(Inject));
  pcap_t *p;
  int rc;
  if (k == NULL) {
    snprintf(err, PKT_ERRSIZE, "out of memory");
    return PKT_ERROR;
  }
  k->name = iface;
  p = INJ(k)->out = pcap_create(iface, perr);
  if (p == NULL) {
    snprintf(err, PKT_ERRSIZE, "%s: %s", iface, perr);
    goto fail;
  }
  pcap_set_snaplen(p, 128);  /* we never read from it */
  rc = pcap_activate(p);
  if (rc < 0) {
    pkt_explainactivate(err, iface, p, rc, "inject");
    goto fail;
  }
  INJ(k)->dlt = pcap_datalink(p);
  INJ(k)->ether = INJ(k)->dlt == DLT_EN10MB;
  INJ(k)->mtu = pkt_ifmtu(iface);
  /* bridging (-i A -o B): the capture's interface, for its offloads */
  INJ(k)->in = strcmp(src->ops->kind, "live") == 0 ? src->name : NULL;
  *out = k;
  return PKT_OK;
fail:
  pkt_sink_close(k, perr);
  return PKT_ERROR;
}
