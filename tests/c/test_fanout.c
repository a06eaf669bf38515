/*
** test_fanout.c - PACKET_FANOUT on its own (fanout.c, source_live.c):
** several live sources of one interface in one group split its packets,
** each packet to exactly one of them; with --fanout=hash both directions
** of a flow reach the same source and IPv4 fragments arrive reassembled;
** the BPF filter and the kernel's counters are per source; groups made
** apart are apart; the kernel's refusal is told with the interface and
** errno. Root only (exit 77 elsewhere): the test moves itself into a
** network namespace of its own (gone when it exits) and sends frames it
** builds into one end of a veth pair, captured on the other.
*/
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include <cmocka.h>

#include "fanout.h"
#include "source.h"

#define TXIF "fa0"               /* frames are sent here ... */
#define RXIF "fa1"               /* ... and captured here */
#define NFLOWS 64
#define PERFLOW 8                /* packets of a flow, half each way */
#define NPKTS (NFLOWS * PERFLOW)
#define MAXSRC 3
#define MAGIC 0x70666f75u        /* marks the payloads sent here */
#define PAYLOAD 8                /* magic, flow, sequence number */


/*
** {======================================================
** Frames: Ethernet/IPv4/UDP between 10.77.1.F:(1000+F) and
** 10.77.2.F:(2000+F) for flow F; the payload says flow and sequence
** =======================================================
*/

static void put16 (unsigned char *p, unsigned v) {
  p[0] = (unsigned char)(v >> 8);
  p[1] = (unsigned char)v;
}

static void put32 (unsigned char *p, uint32_t v) {
  put16(p, v >> 16);
  put16(p + 2, v & 0xffff);
}

static unsigned ipsum (const unsigned char *h) {
  uint32_t sum = 0;
  int i;
  for (i = 0; i < 20; i += 2) sum += (uint32_t)(h[i] << 8 | h[i + 1]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return ~sum & 0xffff;
}

/* the IPv4 header at h: `len` bytes of datagram from a to b, fragment
** offset `off` bytes, more fragments `mf` */
static void iphdr (unsigned char *h, unsigned len, const unsigned char *a,
                   const unsigned char *b, unsigned id, unsigned off,
                   int mf) {
  memset(h, 0, 20);
  h[0] = 0x45;
  put16(h + 2, len);
  put16(h + 4, id);
  put16(h + 6, (mf ? 0x2000u : 0) | off / 8);
  h[8] = 64;
  h[9] = 17;  /* UDP */
  memcpy(h + 12, a, 4);
  memcpy(h + 16, b, 4);
  put16(h + 10, ipsum(h));
}

static size_t ethhdr (unsigned char *f) {
  static const unsigned char macs[12] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};
  memcpy(f, macs, 12);
  put16(f + 12, 0x0800);
  return 14;
}

static void endpoints (int flow, int back, unsigned char *a,
                       unsigned char *b, unsigned *pa, unsigned *pb) {
  unsigned char x[4] = {10, 77, 1, (unsigned char)flow};
  unsigned char y[4] = {10, 77, 2, (unsigned char)flow};
  memcpy(back ? b : a, x, 4);
  memcpy(back ? a : b, y, 4);
  *(back ? pb : pa) = 1000u + (unsigned)flow;
  *(back ? pa : pb) = 2000u + (unsigned)flow;
}

/* packet `seq` of `flow`: even ones go one way, odd ones back */
static size_t udpframe (unsigned char *f, int flow, int seq) {
  unsigned char a[4], b[4], *ip, *udp;
  unsigned pa, pb;
  size_t at = ethhdr(f);
  endpoints(flow, seq & 1, a, b, &pa, &pb);
  ip = f + at;
  udp = ip + 20;
  iphdr(ip, 20 + 8 + PAYLOAD, a, b, (unsigned)(flow * PERFLOW + seq), 0, 0);
  put16(udp, pa);
  put16(udp + 2, pb);
  put16(udp + 4, 8 + PAYLOAD);
  put16(udp + 6, 0);  /* no checksum */
  put32(udp + 8, MAGIC);
  put16(udp + 12, (unsigned)flow);
  put16(udp + 14, (unsigned)seq);
  return at + 20 + 8 + PAYLOAD;
}

static int txsock (void) {
  struct sockaddr_ll sa;
  int fd = socket(AF_PACKET, SOCK_RAW, 0);
  assert_true(fd >= 0);
  memset(&sa, 0, sizeof(sa));
  sa.sll_family = AF_PACKET;
  sa.sll_ifindex = (int)if_nametoindex(TXIF);
  assert_true(sa.sll_ifindex > 0);
  assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
  return fd;
}

static void sendframe (int fd, const unsigned char *f, size_t len) {
  assert_int_equal(send(fd, f, len, 0), (ssize_t)len);
}

/* every flow's packets, the flows interleaved (flow order, then
** sequence order: a flow's packets in order) */
static void sendflows (void) {
  unsigned char f[128];
  int fd = txsock(), flow, seq;
  for (seq = 0; seq < PERFLOW; seq++)
    for (flow = 0; flow < NFLOWS; flow++)
      sendframe(fd, f, udpframe(f, flow, seq));
  close(fd);
}

/* }====================================================== */


/*
** {======================================================
** The sources under test, and what each one read
** =======================================================
*/

typedef struct Catch {
  int n;                    /* packets of ours read */
  int seen[NFLOWS][PERFLOW];  /* times each was read */
  int lastseq[NFLOWS];      /* the flow's last sequence number, -1 */
  int disorder;             /* a flow's packets out of order */
  int maxlen;               /* the longest packet read */
  int others;               /* packets not ours (the filter failed) */
} Catch;

static pkt_Options options (int mode) {
  static char filter[] = "udp and net 10.77.0.0/16";
  pkt_Options o;
  memset(&o, 0, sizeof(o));
  o.iface = RXIF;
  o.promisc = 1;
  o.immediate = -1;
  o.fanout = mode;
  o.filter = filter;
  return o;
}

static void openmember (pkt_Source **s, int mode, int *group) {
  pkt_Options o = options(mode);
  char err[PKT_ERRSIZE] = "";
  int rc = pkt_source_openfanout(s, &o, group, err);
  if (rc != PKT_OK) fail_msg("open: %s", err);
  assert_true(*group >= 0 && *group <= 0xffff);
}

static void take (Catch *c, const pkt_Packet *p) {
  const unsigned char *d = p->data + 14 + 20 + 8;
  int flow, seq;
  if (p->hdr.caplen < 14 + 20 + 8 + PAYLOAD ||
      !(d[0] == 0x70 && d[1] == 0x66 && d[2] == 0x6f && d[3] == 0x75)) {
    c->others++;
    return;
  }
  flow = d[4] << 8 | d[5];
  seq = d[6] << 8 | d[7];
  if (flow >= NFLOWS || seq >= PERFLOW) {
    c->others++;
    return;
  }
  if ((int)p->hdr.caplen > c->maxlen) c->maxlen = (int)p->hdr.caplen;
  c->n++;
  c->seen[flow][seq]++;
  if (seq <= c->lastseq[flow]) c->disorder++;
  c->lastseq[flow] = seq;
}

/* an idle capture waits for its first block without end (TPACKET_V3):
** a timer wakes the source being read, as main.c's signals do (only that
** one: a wakeup makes a source's next read return at once) */
static pkt_Source *volatile reading;

static void onalarm (int sig) {
  pkt_Source *s = reading;
  (void)sig;
  if (s) s->ops->wakeup(s);
}

static void wakeevery (long usec) {
  struct itimerval it = { {0, usec}, {0, usec} };
  signal(SIGALRM, onalarm);
  setitimer(ITIMER_REAL, &it, NULL);
}

/* reads every source in turn until `want` packets came in all, and a
** second more (none may come twice), or 30 s */
static void collect (pkt_Source **s, Catch *c, int n, int want) {
  struct timespec t0, t;
  int i, total = 0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  wakeevery(20000);
  for (;;) {
    for (i = 0; i < n; i++) {
      pkt_Packet p;
      char err[PKT_ERRSIZE];
      int rc;
      reading = s[i];
      while ((rc = s[i]->ops->next(s[i], &p, err)) == PKT_PACKET) {
        take(&c[i], &p);
        total++;
      }
      reading = NULL;
      if (rc != PKT_AGAIN) fail_msg("read: %s", err);
    }
    clock_gettime(CLOCK_MONOTONIC, &t);
    if (total >= want && t.tv_sec - t0.tv_sec >= 1) break;  /* and no more */
    if (t.tv_sec - t0.tv_sec > 30) break;  /* a loaded machine: slow */
  }
  wakeevery(0);
}

static void closeall (pkt_Source **s, int n) {
  int i;
  for (i = 0; i < n; i++) pkt_source_close(s[i]);
}

static void reset (Catch *c, int n) {
  int i;
  memset(c, 0, (size_t)n * sizeof(*c));
  for (i = 0; i < n; i++) memset(c[i].lastseq, 0xff, sizeof(c[i].lastseq));
}

/* the union of the catches is every packet sent, each once */
static void assert_complete (const Catch *c, int n) {
  int f, q, i, total = 0;
  for (i = 0; i < n; i++) {
    assert_int_equal(c[i].others, 0);
    total += c[i].n;
  }
  for (f = 0; f < NFLOWS; f++)
    for (q = 0; q < PERFLOW; q++) {
      int times = 0;
      for (i = 0; i < n; i++) times += c[i].seen[f][q];
      if (times != 1)
        fail_msg("flow %d packet %d read %d times (%d and %d read, %d "
                 "others)", f, q, times, c[0].n, n > 1 ? c[1].n : -1,
                 c[0].others);
    }
  assert_int_equal(total, NPKTS);
}

/* two members of a new group of `mode`, the flows sent through, each
** packet read once by one of them */
static void splitby (int mode, pkt_Source **s, Catch *c) {
  int group = -1;
  openmember(&s[0], mode, &group);
  openmember(&s[1], mode, &group);
  reset(c, 2);
  sendflows();
  collect(s, c, 2, NPKTS);
  assert_complete(c, 2);
}

/* }====================================================== */


/* hash: every flow, both of its directions, on one source, in order; the
** kernel's counters are each source's own */
static void test_hash (void **state) {
  pkt_Source *s[2];
  Catch c[2];
  int f, q, i;
  (void)state;
  splitby(PKT_FANOUT_HASH, s, c);
  for (f = 0; f < NFLOWS; f++) {
    int on = c[0].seen[f][0] ? 0 : 1;
    for (q = 0; q < PERFLOW; q++)
      if (c[on].seen[f][q] != 1)
        fail_msg("flow %d: packet %d (%s) not on the source of packet 0",
                 f, q, q & 1 ? "back" : "forth");
  }
  /* 64 flows all on one of two sources: once in 2^63 */
  assert_true(c[0].n > 0 && c[1].n > 0);
  for (i = 0; i < 2; i++) {
    pkt_Stats st;
    memset(&st, 0, sizeof(st));
    s[i]->ops->stats(s[i], &st);
    assert_true(st.haskernel);
    assert_int_equal(st.kreceived, (unsigned)c[i].n);
    assert_int_equal(st.kdropped, 0);
    assert_int_equal(c[i].disorder, 0);
  }
  closeall(s, 2);
}

/* hash: the fragments of a datagram reach one source as one datagram
** (PACKET_FANOUT_FLAG_DEFRAG) */
static void test_hash_defrag (void **state) {
  pkt_Source *s[2];
  Catch c[2];
  unsigned char f[256], a[4], b[4], *ip;
  unsigned pa, pb;
  size_t at;
  int group = -1, fd;
  (void)state;
  openmember(&s[0], PKT_FANOUT_HASH, &group);
  openmember(&s[1], PKT_FANOUT_HASH, &group);
  reset(c, 2);
  fd = txsock();
  endpoints(5, 0, a, b, &pa, &pb);
  /* the first fragment: the UDP header, our payload and 88 bytes more */
  at = ethhdr(f);
  ip = f + at;
  iphdr(ip, 20 + 104, a, b, 4242, 0, 1);
  put16(ip + 20, pa);
  put16(ip + 22, pb);
  put16(ip + 24, 8 + 96 + 100);  /* the whole datagram's UDP length */
  put16(ip + 26, 0);
  put32(ip + 28, MAGIC);
  put16(ip + 32, 5);
  put16(ip + 34, 0);
  memset(ip + 36, 'x', 88);
  sendframe(fd, f, at + 20 + 104);
  /* the second: 100 more bytes at offset 104 */
  iphdr(ip, 20 + 100, a, b, 4242, 104, 0);
  memset(ip + 20, 'y', 100);
  sendframe(fd, f, at + 20 + 100);
  close(fd);
  collect(s, c, 2, 1);
  assert_int_equal(c[0].n + c[1].n, 1);
  assert_int_equal(c[0].others + c[1].others, 0);
  assert_int_equal(c[0].maxlen + c[1].maxlen, 14 + 20 + 204);
  closeall(s, 2);
}

/* lb and cpu: no flow affinity, but each packet still once */
static void test_lb_cpu (void **state) {
  pkt_Source *s[2];
  Catch c[2];
  (void)state;
  splitby(PKT_FANOUT_LB, s, c);
  /* round robin: one each in turn */
  assert_true(abs(c[0].n - c[1].n) <= 1);
  closeall(s, 2);
  splitby(PKT_FANOUT_CPU, s, c);
  closeall(s, 2);
}

/* two groups made apart get ids of their own, and each sees every packet
** once: a second pktlua on the interface does not split with the first */
static void test_groups_apart (void **state) {
  pkt_Source *s[MAXSRC];
  Catch c[MAXSRC];
  int g1 = -1, g2 = -1;
  (void)state;
  openmember(&s[0], PKT_FANOUT_HASH, &g1);
  openmember(&s[1], PKT_FANOUT_HASH, &g1);
  openmember(&s[2], PKT_FANOUT_HASH, &g2);
  assert_int_not_equal(g1, g2);
  reset(c, MAXSRC);
  sendflows();
  collect(s, c, MAXSRC, 2 * NPKTS);
  assert_complete(c, 2);
  assert_complete(c + 2, 1);
  closeall(s, MAXSRC);
}

/* the kernel refuses a member that differs from the group: the message
** names the interface, the kernel's reason and errno */
static void test_refused (void **state) {
  pkt_Source *s[2] = {NULL, NULL};
  pkt_Options o = options(PKT_FANOUT_LB);
  char err[PKT_ERRSIZE] = "";
  int group = -1, rc;
  (void)state;
  openmember(&s[0], PKT_FANOUT_HASH, &group);
  rc = pkt_source_openfanout(&s[1], &o, &group, err);
  assert_int_equal(rc, PKT_ERROR);
  assert_null(s[1]);
  assert_non_null(strstr(err, RXIF ": "));
  assert_non_null(strstr(err, "PACKET_FANOUT"));
  assert_non_null(strstr(err, "--fanout=lb"));
  assert_non_null(strstr(err, "(errno "));
  closeall(s, 1);
  /* a file is no fanout member */
  o.iface = NULL;
  o.rfile = "x.pcap";
  assert_int_equal(pkt_source_openfanout(&s[1], &o, &group, err),
                   PKT_ERROR_USAGE);
}

/* a namespace of our own with the veth pair, no IPv6 (its router
** solicitations would be captured too); 0, or -1 to skip */
static int setupnet (void) {
  FILE *f;
  if (geteuid() != 0 || unshare(CLONE_NEWNET) != 0) return -1;
  if ((f = fopen("/proc/sys/net/ipv6/conf/default/disable_ipv6", "w"))) {
    fputs("1\n", f);
    fclose(f);
  }
  if (system("ip link add " TXIF " type veth peer name " RXIF " && "
             "ip link set " TXIF " up && ip link set " RXIF " up") != 0)
    return -1;
  return 0;
}

int main (void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_hash),
    cmocka_unit_test(test_hash_defrag),
    cmocka_unit_test(test_lb_cpu),
    cmocka_unit_test(test_groups_apart),
    cmocka_unit_test(test_refused),
  };
  if (setupnet() != 0) {
    printf("SKIP(root): needs root and network namespaces\n");
    return 77;
  }
  return cmocka_run_group_tests(tests, NULL, NULL);
}
