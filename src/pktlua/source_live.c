/*
** source_live.c - the live back-end (-i): libpcap's capture of an
** interface, at nanosecond precision where the platform has it.
**
** The defaults hold a burst (doc/pktlua.1, "Capture defaults"): on Linux,
** libpcap captures into TPACKET_V3 blocks unless immediate mode is asked
** for, and V3 packs packets of any size one after the other; immediate
** mode takes TPACKET_V2, one fixed slot of min(snaplen, MTU + 18, or
** 65553 with offloads) bytes per packet, so a 4 MiB buffer holds ~63
** packets on a veth. Hence: no immediate mode but with -o (a bridge wants
** latency), a block handed over at most LIVE_TIMEOUT_MS late, a buffer
** twice libpcap's, and with -o a snaplen of the MTU, so that V2's slots
** are small.
*/
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fanout.h"
#include "source.h"

#define LIVE_TIMEOUT_MS 50  /* a block waits this long at most (V3) */
#define LIVE_CHECKEVERY 1024  /* packets between two looks at the drops */
#define LINKHEADROOM 22     /* Ethernet and two VLAN tags over the MTU */

typedef struct Live {
  pcap_t *pcap;             /* the activated capture handle */
  int immediate;            /* immediate mode is on */
  int bufkib;               /* the kernel buffer asked for */
  unsigned seen;            /* packets since the last look at the drops */
  int warned;               /* the kernel's drops were told */
  /* the kernel's counters as the reading thread last saw them, for
  ** another thread's report (--workers: pkt_live_published) */
  atomic_uint pubrecv, pubdrop, pubifdrop;
  atomic_int published;
} Live;

#define LIVE(s) ((Live *)(s)->priv)

/*
** Once, when the kernel starts dropping: what would help. Looked at on a
** timeout and every LIVE_CHECKEVERY packets (libpcap sums the kernel's
** counters, which reading resets), and at the end.
*/
static void checkdrops (pkt_Source *s) {
  Live *l = LIVE(s);
  struct pcap_stat ps;
  l->seen = 0;
  if (pcap_stats(l->pcap, &ps) != 0) return;
  atomic_store_explicit(&l->pubrecv, ps.ps_recv, memory_order_relaxed);
  atomic_store_explicit(&l->pubdrop, ps.ps_drop, memory_order_relaxed);
  atomic_store_explicit(&l->pubifdrop, ps.ps_ifdrop, memory_order_relaxed);
  atomic_store_explicit(&l->published, 1, memory_order_release);
  if (l->warned || ps.ps_drop == 0) return;
  l->warned = 1;
  fprintf(stderr, "%spktlua: warning: %s: the kernel dropped %u of %u "
          "packets so far: the capture buffer was full; ",
          isatty(2) ? "\r\033[K" : "", s->name, ps.ps_drop, ps.ps_recv);
  if (l->immediate)
    fprintf(stderr, "immediate mode gives each packet a slot of its own: "
            "a larger -B (now %d KiB), a smaller -s (now %d) or "
            "--no-immediate-mode would help\n", l->bufkib, s->snaplen);
  else
    fprintf(stderr, "a larger -B (now %d KiB) or a lighter script would "
            "help\n", l->bufkib);
}

static int live_next (pkt_Source *s, pkt_Packet *p, char *err) {
  struct pcap_pkthdr *h;
  const u_char *data;
  int rc = pcap_next_ex(LIVE(s)->pcap, &h, &data);
  if (rc == 1) {
    p->hdr = *h;
    /* a frame of the ring mapping, which libpcap maps writable
    ** (PROT_WRITE) and gives back at the next call: the script's writes
    ** are what gets injected, without a copy */
    p->data = (unsigned char *)(uintptr_t)data;
    if (++LIVE(s)->seen >= LIVE_CHECKEVERY) checkdrops(s);
    return PKT_PACKET;
  }
  /* a timeout (nothing came for a while), or a wakeup */
  if (rc == 0 || rc == PCAP_ERROR_BREAK) checkdrops(s);
  if (rc == 0 || rc == PCAP_ERROR_BREAK) return PKT_AGAIN;  /* signal */
  snprintf(err, PKT_ERRSIZE, "%s", pcap_geterr(LIVE(s)->pcap));
  return PKT_ERROR;
}

static int live_setfilter (pkt_Source *s, const char *expr, char *err) {
  struct bpf_program prog;
  bpf_u_int32 net, mask;
  char perr[PCAP_ERRBUF_SIZE];
  int rc;
  /* the interface's netmask, for "ip broadcast" */
  if (pcap_lookupnet(s->name, &net, &mask, perr) != 0)
    mask = PCAP_NETMASK_UNKNOWN;
  rc = pkt_source_pcapfilter(s, LIVE(s)->pcap, expr, mask, &prog, err);
  if (rc == PKT_OK) pcap_freecode(&prog);  /* the kernel has its copy */
  return rc;
}

static void live_stats (pkt_Source *s, pkt_Stats *st) {
  struct pcap_stat ps;
  checkdrops(s);
  if (pcap_stats(LIVE(s)->pcap, &ps) == 0) {
    st->haskernel = 1;
    st->kreceived = ps.ps_recv;
    st->kdropped = ps.ps_drop;
    st->kifdropped = ps.ps_ifdrop;
  }
}

void pkt_live_published (pkt_Source *s, pkt_Stats *st) {
  Live *l = LIVE(s);
  if (!atomic_load_explicit(&l->published, memory_order_acquire)) return;
  st->haskernel = 1;
  st->kreceived += atomic_load_explicit(&l->pubrecv, memory_order_relaxed);
  st->kdropped += atomic_load_explicit(&l->pubdrop, memory_order_relaxed);
  st->kifdropped += atomic_load_explicit(&l->pubifdrop,
                                         memory_order_relaxed);
}

static double live_progress (pkt_Source *s) {
  (void)s;
  return -1.0;
}

/* pcap_breakloop is signal-safe: a capture waiting in poll() returns at
** once instead of at the next packet */
static void live_wakeup (pkt_Source *s) {
  pcap_breakloop(LIVE(s)->pcap);
}

static void live_close (pkt_Source *s) {
  if (LIVE(s)->pcap) pcap_close(LIVE(s)->pcap);
  LIVE(s)->pcap = NULL;
}

static const pkt_SourceOps live_ops = {
  "live", live_next, live_setfilter, live_stats, live_progress,
  live_wakeup, live_close, NULL
};

/* -s, else a whole frame of the interface when bridging (-o), else
** tcpdump's */
static int defaultsnaplen (const pkt_Options *o) {
  int mtu;
  if (o->snaplen > 0) return o->snaplen;
  if (o->oface && (mtu = pkt_ifmtu(o->iface)) > 0 &&
      mtu < PKT_SNAPLEN - LINKHEADROOM)
    return mtu + LINKHEADROOM;
  return PKT_SNAPLEN;
}

int pkt_source_openlive (pkt_Source **out, const pkt_Options *o,
                         int *group, char *err) {
  char perr[PCAP_ERRBUF_SIZE] = "";
  pkt_Source *s = pkt_source_new(&live_ops, sizeof(Live));
  pcap_t *p;
  int rc;
  if (s == NULL) {
    snprintf(err, PKT_ERRSIZE, "out of memory");
    return PKT_ERROR;
  }
  s->name = o->iface;
  p = LIVE(s)->pcap = pcap_create(o->iface, perr);
  if (p == NULL) {
    snprintf(err, PKT_ERRSIZE, "%s: %s", o->iface, perr);
    pkt_source_close(s);
    return PKT_ERROR;
  }
  LIVE(s)->immediate = o->immediate >= 0 ? o->immediate : o->oface != NULL;
  LIVE(s)->bufkib = o->bufkib > 0 ? o->bufkib : PKT_BUFKIB;
  pcap_set_snaplen(p, defaultsnaplen(o));
  pcap_set_promisc(p, o->promisc);
  pcap_set_immediate_mode(p, LIVE(s)->immediate);
  pcap_set_timeout(p, LIVE_TIMEOUT_MS);
  pcap_set_buffer_size(p, LIVE(s)->bufkib * 1024);
  pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
  rc = pcap_activate(p);
  if (rc < 0) {
    pkt_explainactivate(err, o->iface, p, rc, "capture");
    pkt_source_close(s);
    return PKT_ERROR;
  }
  if (rc > 0)  /* a warning: the capture runs, but the user should know */
    fprintf(stderr, "pktlua: warning: %s: %s%s%s\n", o->iface,
            pcap_statustostr(rc), pcap_geterr(p)[0] ? ": " : "",
            pcap_geterr(p));
  /* bound by pcap_activate: the group can be joined now. The moment
  ** between the two, this socket sees all of the interface's packets,
  ** as the group's members do: the workers' captures are all open
  ** before the traffic they split matters (doc/workers.md) */
  if (group &&
      pkt_fanout_join(p, o->iface, o->fanout, group, err) != PKT_OK) {
    pkt_source_close(s);
    return PKT_ERROR;
  }
  /* the precision actually in effect */
  s->nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
  /* a bridge forwards what it receives; without this, -i X -o X would
  ** capture its own injections */
  if (o->oface != NULL && pcap_setdirection(p, PCAP_D_IN) != 0 &&
      o->verbose)
    fprintf(stderr, "pktlua: %s: cannot capture inbound only: %s\n",
            o->iface, pcap_geterr(p));
  s->dlt = pcap_datalink(p);
  s->linktype = pkt_linktype(s->dlt);
  s->snaplen = pcap_snapshot(p);
  if (o->verbose)
    fprintf(stderr, "pktlua: %s: immediate mode %s, kernel buffer %d KiB, "
            "snaplen %d", o->iface, LIVE(s)->immediate ? "on" : "off",
            LIVE(s)->bufkib, s->snaplen);
  if (o->verbose && group)
    fprintf(stderr, ", fanout group %d (%s)", *group,
            pkt_fanout_name(o->fanout));
  if (o->verbose && !LIVE(s)->immediate)
    fprintf(stderr, ", packets handed over in blocks at most %d ms late",
            LIVE_TIMEOUT_MS);
  if (o->verbose) fputc('\n', stderr);
  *out = s;
  return PKT_OK;
}
