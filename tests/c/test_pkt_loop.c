/*
** test_pkt_loop.c - the daemon's loop (loop.c) with the real script side
** (script.c), between a source and a sink written here against the ops
** tables of source.h and sink.h: what reaches the sinks, the stats, -c,
** the stop and reload flags, input errors, --on-error=abort, and the
** contract of info (which fields a script may write, and that none of its
** writes outlives its packet). Also the status codes' names.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "loop.h"

#define NPKT 6
#define FRAMELEN 34              /* Ethernet + a 20-byte IPv4 header */


/*
** {======================================================
** A source of NPKT Ethernet/IPv4 frames, from memory
** =======================================================
*/

typedef struct Feed {
  unsigned char frames[NPKT][FRAMELEN];
  int next;                 /* frames handed out */
  int failat;               /* frame whose read fails, -1: none */
  atomic_int *raise;  /* set when frame `raiseat` is read */
  int raiseat;
} Feed;

static int feed_next (pkt_Source *s, pkt_Packet *p, char *err) {
  Feed *f = (Feed *)s->priv;
  if (f->next == f->failat) {
    snprintf(err, PKT_ERRSIZE, "truncated record");
    return PKT_ERROR;
  }
  if (f->next >= NPKT) return PKT_END;
  if (f->raise && f->next == f->raiseat) *f->raise = 1;
  memset(&p->hdr, 0, sizeof(p->hdr));
  p->hdr.ts.tv_sec = 1000 + f->next;
  p->hdr.ts.tv_usec = 500;
  p->hdr.caplen = FRAMELEN;
  p->hdr.len = FRAMELEN + 10 * f->next;
  p->data = f->frames[f->next++];
  return PKT_PACKET;
}

static int feed_setfilter (pkt_Source *s, const char *expr, char *err) {
  (void)s; (void)expr;
  snprintf(err, PKT_ERRSIZE, "no filters here");
  return PKT_ERROR_USAGE;
}

static void feed_stats (pkt_Source *s, pkt_Stats *st) {
  (void)s;
  st->haskernel = 0;
}

static double feed_progress (pkt_Source *s) {
  return (double)((Feed *)s->priv)->next / NPKT;
}

static void feed_close (pkt_Source *s) {
  (void)s;
}

static const pkt_SourceOps feed_ops = {
  "test", feed_next, feed_setfilter, feed_stats, feed_progress, NULL,
  feed_close, NULL
};

static pkt_Source *newfeed (int nano) {
  pkt_Source *s = pkt_source_new(&feed_ops, sizeof(Feed));
  Feed *f;
  int i;
  assert_non_null(s);
  f = (Feed *)s->priv;
  f->failat = -1;
  for (i = 0; i < NPKT; i++) {
    f->frames[i][12] = 0x08;         /* EtherType IPv4 */
    f->frames[i][14] = 0x45;         /* version 4, 20-byte header */
    f->frames[i][22] = (unsigned char)(64 + i);  /* TTL */
  }
  s->name = "feed";
  s->dlt = DLT_EN10MB;
  s->linktype = 1;
  s->snaplen = 262144;
  s->nano = nano;
  return s;
}

/* }====================================================== */


/*
** {======================================================
** A sink that keeps what it is given
** =======================================================
*/

typedef struct Kept {
  struct pcap_pkthdr hdr[NPKT];
  unsigned char ttl[NPKT];  /* byte 22 of each frame as delivered */
  int n;
  int failat;               /* > 0: write fails from this packet on */
} Kept;

static int kept_write (pkt_Sink *k, const pkt_Packet *p, pkt_Stats *st,
                       char *err) {
  Kept *kp = (Kept *)k->priv;
  (void)st;
  if (kp->failat > 0 && p->no >= (uint64_t)kp->failat) {  /* a full disk */
    st->passed--;
    st->failed++;
    snprintf(err, PKT_ERRSIZE, "kept: packet %llu: no room",
             (unsigned long long)p->no);
    return PKT_ERROR;
  }
  assert_true(kp->n < NPKT);
  kp->hdr[kp->n] = p->hdr;
  kp->ttl[kp->n] = p->data[22];
  kp->n++;
  return PKT_OK;
}

static int kept_close (pkt_Sink *k, char *err) {
  (void)k; (void)err;
  return PKT_OK;
}

static const pkt_SinkOps kept_ops = {
  "test", kept_write, kept_close, NULL, NULL
};

/* }====================================================== */


typedef struct Run {
  pkt_Options o;
  pkt_Source *src;
  pkt_Sink *sink;
  pkt_Stats st;
  pkt_Loop lp;
  int rc;
  char err[PKT_ERRSIZE];
  int reloaded;             /* PKT_LOOP_RELOADED seen */
} Run;

static void onloop (pkt_Loop *lp, int event) {
  if (event == PKT_LOOP_RELOADED) ((Run *)lp->ud)->reloaded++;
}

/* sets r up for a run of `chunk` (NULL: a plain copy) over a fresh feed */
static void setup (Run *r, const char *chunk, int nano) {
  memset(r, 0, sizeof(*r));
  r->o.chunk = chunk;
  r->o.onerror = PKT_ONERR_PASS;
  r->o.quiet = 1;
  r->src = newfeed(nano);
  r->sink = pkt_sink_new(&kept_ops, sizeof(Kept));
  assert_non_null(r->sink);
  r->lp.src = r->src;
  r->lp.sinks = &r->sink;
  r->lp.nsinks = 1;
  r->lp.st = &r->st;
  r->lp.hook = onloop;
  r->lp.ud = r;
  if (chunk) {
    r->lp.script = pkt_script_new(&r->o, r->err);
    assert_non_null(r->lp.script);
    assert_int_equal(pkt_script_start(r->lp.script, r->src->linktype,
                                      r->err), PKT_OK);
  }
}

static Kept *kept (Run *r) {
  return (Kept *)r->sink->priv;
}

static void run (Run *r) {
  r->rc = pkt_loop_run(&r->lp, r->err);
}

static void teardown (Run *r) {
  pkt_script_close(r->lp.script);
  assert_int_equal(pkt_sink_close(r->sink, r->err), PKT_OK);
  pkt_source_close(r->src);
}


static void test_copy (void **state) {
  Run r;
  (void)state;
  setup(&r, NULL, 1);
  run(&r);
  assert_int_equal(r.rc, PKT_OK);
  assert_int_equal(r.st.read, NPKT);
  assert_int_equal(r.st.passed, NPKT);
  assert_int_equal(kept(&r)->n, NPKT);
  assert_int_equal(kept(&r)->hdr[3].ts.tv_sec, 1003);
  assert_int_equal(kept(&r)->hdr[3].len, FRAMELEN + 30);
  teardown(&r);
}

/* the script's verdicts and its writes to the bytes reach the sink */
static void test_verdicts (void **state) {
  Run r;
  (void)state;
  setup(&r, "function packet (pkt, info)\n"
            "  pkt:set(23, pkt:get(23) - 1)\n"
            "  return info.len ~= 34 + 20\n"
            "end", 1);
  run(&r);
  assert_int_equal(r.rc, PKT_OK);
  assert_int_equal(r.st.passed, NPKT - 1);
  assert_int_equal(r.st.dropped, 1);
  assert_int_equal(kept(&r)->ttl[0], 63);
  assert_int_equal(kept(&r)->ttl[2], 66);  /* frame 3, after the drop */
  teardown(&r);
}

/* every field holds the packet's own value, whatever the script wrote to
** it before: without the per-packet store, l3 written on the first
** packet would still read 99 on the second, whose l3 is the same */
static void test_info_reset (void **state) {
  Run r;
  (void)state;
  setup(&r, "function packet (pkt, info)\n"
            "  assert(info.l3 == 15, 'l3 ' .. tostring(info.l3))\n"
            "  assert(info.caplen == 34, 'caplen')\n"
            "  assert(info.ipversion == 4, 'ipversion')\n"
            "  assert(info.linktype == 1, 'linktype')\n"
            "  assert(info.mine == nil or info.mine == 1, 'own key')\n"
            "  info.l3 = 99; info.caplen = 0; info.ipversion = false\n"
            "  info.mine = 1\n"
            "  return true\n"
            "end", 1);
  run(&r);
  assert_int_equal(r.st.errors, 0);
  assert_int_equal(r.st.passed, NPKT);
  teardown(&r);
}

/* info.sec and info.nsec are the timestamp written, in the input's unit */
static void test_info_timestamp (void **state) {
  static const char chunk[] =
    "function packet (pkt, info)\n"
    "  assert(info.nsec == NSEC, 'nsec ' .. info.nsec)\n"
    "  if info.sec == 1001 then info.sec = 7; info.nsec = 123456789 end\n"
    "  if info.sec == 1002 then info.nsec = 999999999 end\n"
    "end";
  char text[512];
  int nano;
  (void)state;
  for (nano = 0; nano <= 1; nano++) {
    Run r;
    snprintf(text, sizeof(text), "NSEC = %d\n%s", nano ? 500 : 500000,
             chunk);
    setup(&r, text, nano);
    run(&r);
    assert_int_equal(r.st.errors, 0);
    assert_int_equal(kept(&r)->hdr[0].ts.tv_sec, 1000);
    assert_int_equal(kept(&r)->hdr[0].ts.tv_usec, 500);
    assert_int_equal(kept(&r)->hdr[1].ts.tv_sec, 7);
    assert_int_equal(kept(&r)->hdr[1].ts.tv_usec, nano ? 123456789 : 123456);
    assert_int_equal(kept(&r)->hdr[2].ts.tv_sec, 1002);
    assert_int_equal(kept(&r)->hdr[2].ts.tv_usec, nano ? 999999999 : 999999);
    /* the next packet has its own again */
    assert_int_equal(kept(&r)->hdr[3].ts.tv_sec, 1003);
    teardown(&r);
  }
}

/* a write to a read-only field, or a timestamp out of range, is a script
** error on that packet (the packet passes: --on-error=pass) */
static void test_info_errors (void **state) {
  static const char *const bad[] = {
    "info.len = 1", "info.linktype = 1", "info.sec = -1",
    "info.sec = 2^32", "info.nsec = 1000000000", "info.nsec = 1.5",
    "info.sec = 'x'", "setmetatable(info, nil)"
  };
  char text[256];
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    Run r;
    snprintf(text, sizeof(text),
             "function packet (pkt, info) %s end", bad[i]);
    setup(&r, text, 1);
    run(&r);
    assert_int_equal(r.rc, PKT_OK);
    assert_int_equal(r.st.errors, NPKT);
    assert_int_equal(r.st.passed, NPKT);
    assert_int_equal(kept(&r)->hdr[0].ts.tv_sec, 1000);  /* untouched */
    teardown(&r);
  }
}

/* a packet() that takes no info still runs, and gets the bytes */
static void test_no_info (void **state) {
  Run r;
  (void)state;
  setup(&r, "function packet (pkt) return #pkt == 34 end", 1);
  run(&r);
  assert_int_equal(r.st.passed, NPKT);
  teardown(&r);
}

/* the modules are preloaded, as in the daemon */
static void test_modules (void **state) {
  Run r;
  (void)state;
  setup(&r, "local memory, layout = require 'memory', require 'layout'\n"
            "local checksum = require 'checksum'\n"
            "local ip = layout.newpointer(layout.struct{\n"
            "  { key = 'ttl', bytes = 1 } })\n"
            "function packet (pkt, info)\n"
            "  layout.setpointer(ip, pkt, info.l3 + 8)\n"
            "  return ip.ttl % 2 == 0 and memory.type(pkt) == 'other'\n"
            "    and checksum.inet(pkt, info.l3, info.l3 + 19) ~= nil\n"
            "end", 1);
  run(&r);
  assert_int_equal(r.st.errors, 0);
  assert_int_equal(r.st.passed, NPKT / 2);  /* TTLs 64..69 */
  teardown(&r);
}

static void test_count_and_stop (void **state) {
  Run r;
  (void)state;
  setup(&r, "function packet () end", 1);
  r.lp.count = 2;
  run(&r);
  assert_int_equal(r.rc, PKT_OK);
  assert_int_equal(r.st.read, 2);
  teardown(&r);

  {
    atomic_int stop = 0;
    setup(&r, NULL, 1);
    ((Feed *)r.src->priv)->raise = &stop;
    ((Feed *)r.src->priv)->raiseat = 3;
    r.lp.stop = &stop;
    run(&r);
    assert_int_equal(r.rc, PKT_OK);
    assert_int_equal(r.st.read, 4);  /* the packet being read completes */
    teardown(&r);
  }
}

static void test_reload (void **state) {
  atomic_int reload = 0;
  Run r;
  (void)state;
  /* each state passes its first three packets only */
  setup(&r, "local n = 0\n"
            "function packet () n = n + 1; return n <= 3 end", 1);
  ((Feed *)r.src->priv)->raise = &reload;
  ((Feed *)r.src->priv)->raiseat = 2;
  r.lp.reload = &reload;
  run(&r);
  assert_int_equal(r.rc, PKT_OK);
  assert_int_equal(r.reloaded, 1);
  assert_int_equal(reload, 0);
  assert_int_equal(r.st.read, NPKT);
  /* the packets after the reload went to a fresh state */
  assert_int_equal(r.st.passed, NPKT);
  teardown(&r);
}

static void test_input_error (void **state) {
  Run r;
  (void)state;
  setup(&r, "function packet () end", 1);
  ((Feed *)r.src->priv)->failat = 4;
  run(&r);
  assert_int_equal(r.rc, PKT_ERROR);
  assert_string_equal(r.err, "feed: packet 5: truncated record");
  assert_int_equal(r.st.read, 4);
  assert_int_equal(r.st.passed, 4);
  teardown(&r);
}

/* a sink that takes no more stops the run at that packet, as the input's
** end would: no packet is fetched after it, the error is the sink's */
static void test_sink_error (void **state) {
  Run r;
  (void)state;
  setup(&r, "function packet () return true end", 1);
  kept(&r)->failat = 3;
  run(&r);
  assert_int_equal(r.rc, PKT_ERROR);
  assert_string_equal(r.err, "kept: packet 3: no room");
  assert_int_equal(r.st.read, 3);
  assert_int_equal(r.st.passed, 2);
  assert_int_equal(r.st.failed, 1);
  assert_int_equal(kept(&r)->n, 2);
  teardown(&r);
  setup(&r, NULL, 1);  /* a plain copy too */
  kept(&r)->failat = 5;
  run(&r);
  assert_int_equal(r.rc, PKT_ERROR);
  assert_int_equal(r.st.read, 5);
  assert_int_equal(r.st.passed, 4);
  teardown(&r);
}

static void test_abort (void **state) {
  Run r;
  (void)state;
  setup(&r, "function packet (pkt, info) assert(info.len < 50) end", 1);
  r.o.onerror = PKT_ONERR_ABORT;
  run(&r);
  assert_int_equal(r.rc, PKT_ERROR_SCRIPT);
  assert_int_equal(r.st.errors, 1);
  assert_int_equal(r.st.passed, 2);  /* lens 34 and 44 */
  assert_int_equal(r.st.dropped, 1);
  assert_int_equal(r.st.read, 3);
  teardown(&r);
}

/* a sink that refuses the even packets and goes on, as -o does */
static int lossy_write (pkt_Sink *k, const pkt_Packet *p, pkt_Stats *st,
                        char *err) {
  (void)k; (void)err;
  if (p->no % 2 == 0) pkt_sink_lost(st, p);
  return PKT_OK;
}

static const pkt_SinkOps lossy_ops = {
  "lossy", lossy_write, kept_close, NULL, NULL
};

/* passed counts what reached every output, failed the rest, a packet
** two outputs lost once; the bytes follow */
static void test_lost_once (void **state) {
  Run r;
  pkt_Sink *two[2];
  uint64_t total = 0, odd = 0;
  int i;
  (void)state;
  setup(&r, NULL, 1);
  run(&r);  /* a plain copy first: the frames' sizes */
  assert_int_equal(kept(&r)->n, NPKT);
  for (i = 0; i < NPKT; i++) {
    total += kept(&r)->hdr[i].caplen;
    if (i % 2 == 0) odd += kept(&r)->hdr[i].caplen;  /* packets 1, 3.. */
  }
  assert_int_equal(r.st.bytes, total);
  assert_int_equal(r.st.passedbytes, total);
  teardown(&r);
  setup(&r, NULL, 1);
  two[0] = pkt_sink_new(&lossy_ops, 1);
  two[1] = pkt_sink_new(&lossy_ops, 1);
  r.lp.sinks = two;
  r.lp.nsinks = 2;
  run(&r);
  assert_int_equal(r.rc, PKT_OK);
  assert_int_equal(r.st.read, NPKT);
  assert_int_equal(r.st.passed, NPKT / 2);
  assert_int_equal(r.st.failed, NPKT / 2);
  assert_int_equal(r.st.bytes, total);
  assert_int_equal(r.st.passedbytes, odd);
  assert_int_equal(pkt_sink_close(two[0], r.err), PKT_OK);
  assert_int_equal(pkt_sink_close(two[1], r.err), PKT_OK);
  teardown(&r);
}

/* with no --on-error, the script's kind decides what its errors do: a
** filter's packets are dropped, a rewriter's and an undeclared script's
** pass; pktlua.kind() says what was declared */
static void test_kind_default (void **state) {
  static const struct { const char *decl; uint64_t passed; } cases[] = {
    {"pktlua.kind('filter') assert(pktlua.kind() == 'filter')", 2},
    {"pktlua.kind('rewriter')", NPKT},
    {"assert(pktlua.kind() == nil)", NPKT},
  };
  char chunk[256];
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    Run r;
    setup(&r, NULL, 1);
    snprintf(chunk, sizeof(chunk), "%s function packet (pkt, info) "
             "assert(info.len < 50) end", cases[i].decl);
    r.o.chunk = chunk;
    r.o.onerror = PKT_ONERR_DEFAULT;
    r.lp.script = pkt_script_new(&r.o, r.err);
    assert_non_null(r.lp.script);
    assert_int_equal(pkt_script_start(r.lp.script, r.src->linktype, r.err),
                     PKT_OK);
    run(&r);
    assert_int_equal(r.rc, PKT_OK);
    assert_int_equal(r.st.errors, NPKT - 2);  /* lens 34 and 44 pass */
    assert_int_equal(r.st.passed, cases[i].passed);
    assert_int_equal(r.st.dropped, NPKT - cases[i].passed);
    teardown(&r);
  }
}

/* every status has its own name, and an unknown one says so */
static void test_statustostr (void **state) {
  static const int codes[] = {
    PKT_OK, PKT_PACKET, PKT_AGAIN, PKT_END, PKT_RELOAD, PKT_DONE,
    PKT_ERROR, PKT_ERROR_USAGE, PKT_ERROR_SCRIPT
  };
  size_t i, j, n = sizeof(codes) / sizeof(codes[0]);
  const char *unknown = pkt_statustostr(12345);
  (void)state;
  for (i = 0; i < n; i++) {
    const char *s = pkt_statustostr(codes[i]);
    assert_non_null(s);
    assert_string_not_equal(s, unknown);
    for (j = 0; j < i; j++)
      assert_string_not_equal(s, pkt_statustostr(codes[j]));
  }
  /* negative is an error, as in libpcap */
  assert_true(PKT_ERROR < 0 && PKT_ERROR_USAGE < 0 && PKT_ERROR_SCRIPT < 0);
  assert_true(PKT_PACKET > 0 && PKT_END > 0);
}

int main (void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_copy),
    cmocka_unit_test(test_verdicts),
    cmocka_unit_test(test_info_reset),
    cmocka_unit_test(test_info_timestamp),
    cmocka_unit_test(test_info_errors),
    cmocka_unit_test(test_no_info),
    cmocka_unit_test(test_modules),
    cmocka_unit_test(test_count_and_stop),
    cmocka_unit_test(test_reload),
    cmocka_unit_test(test_input_error),
    cmocka_unit_test(test_sink_error),
    cmocka_unit_test(test_abort),
    cmocka_unit_test(test_kind_default),
    cmocka_unit_test(test_lost_once),
    cmocka_unit_test(test_statustostr),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
