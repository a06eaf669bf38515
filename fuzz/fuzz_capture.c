/*
** fuzz_capture.c - libFuzzer target (a): a capture file through pktlua's
** own reading and dispatch path (pkt_source.c, pkt_l3.c, pkt_script.c,
** pkt_sink.c, compiled from src/pktlua/), with a script that reads every
** field of every protocol layout in layouts/ at every plausible offset,
** runs the checksum module over the packet, and rewrites the IPv4 TTL.
**
** The input is the whole file. pkt_source_open takes a file name, so the
** bytes go into an anonymous memory file (memfd) opened by its /proc path:
** libpcap reads them with the same FILE-based code as for `-r FILE`. The
** loop below is pkt_main.c's: pkt_script_run fetching from the source
** and delivering to the sink (to /dev/null).
*/
#define _GNU_SOURCE  /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pkt.h"

#ifndef FUZZ_SOURCE_DIR
#error "FUZZ_SOURCE_DIR (the source tree, for layouts/) must be defined"
#endif

static const char scripttext[] =
  "package.path = '" FUZZ_SOURCE_DIR "/?.lua;" FUZZ_SOURCE_DIR
  "/lua/?.lua;' .. package.path\n"
  "local layout = require 'layout'\n"
  "local checksum = require 'checksum'\n"
  "local names = { 'ethernet', 'vlan', 'arp', 'ipv4', 'ipv6', 'icmp',\n"
  "  'icmpv6', 'udp', 'tcp', 'sll', 'sll2' }\n"
  "local ptrs = {}\n"
  "for _, n in ipairs(names) do\n"
  "  ptrs[n] = layout.newpointer(require('layouts.' .. n))\n"
  "end\n"
  "local ip = ptrs.ipv4\n"
  "local function readall (p)\n"
  "  for k, v in pairs(p) do\n"
  "    if type(v) ~= 'number' and type(v) ~= 'boolean' and\n"
  "       type(v) ~= 'string' then readall(v) end\n"
  "  end\n"
  "  if p == ptrs.ipv4 or p == ptrs.tcp then local _ = tostring(p) end\n"
  "end\n"
  "local l2 = { ptrs.ethernet, ptrs.sll, ptrs.sll2 }\n"
  "local function at (p, pkt, pos)\n"
  "  if pcall(layout.setpointer, p, pkt, pos) then pcall(readall, p) end\n"
  "end\n"
  "function packet (pkt, info)\n"
  "  local n, l3 = #pkt, info.l3\n"
  "  for _, p in ipairs(l2) do at(p, pkt, 1) end\n"
  "  at(ptrs.vlan, pkt, 15); at(ptrs.arp, pkt, 15)\n"
  "  local l4 = n - 7\n"
  "  if l3 then\n"
  "    at(ptrs.ipv4, pkt, l3); at(ptrs.ipv6, pkt, l3)\n"
  "    local ok, ihl = pcall(function () return ptrs.ipv4.ihl end)\n"
  "    l4 = l3 + (ok and ihl * 4 or 40)\n"
  "  end\n"
  "  for _, k in ipairs{ 'tcp', 'udp', 'icmp', 'icmpv6' } do\n"
  "    at(ptrs[k], pkt, l4)\n"
  "  end\n"
  "  at(ptrs.tcp, pkt, n - 9)  -- straddles the end: out of bounds reads\n"
  "  if l3 then\n"
  "    pcall(checksum.verifyipv4, pkt, l3)\n"
  "    pcall(checksum.verifyl4, pkt, l3)\n"
  "    pcall(checksum.inet, pkt, l3)\n"
  "    if pcall(layout.setpointer, ip, pkt, l3) and\n"
  "       pcall(function () return ip.version == 4 and ip.timetolive > 0 end)\n"
  "    then\n"
  "      pcall(function () ip.timetolive = ip.timetolive - 1 end)\n"
  "      pcall(checksum.fixl4, pkt, l3)\n"
  "    end\n"
  "  end\n"
  "  return n % 7 ~= 3  -- drop some, pass the rest\n"
  "end\n"
  "function finish () end\n";

/*
** One script state per link type for the whole run: compiling the script
** and its eleven layouts costs more than most inputs, and the script keeps
** no state of its own between packets. The link type is the state's
** (pkt_script_start), as l3 is found with it. Options outlive the states.
*/
#define MAXSTATES 16
static pkt_Options opts;
static struct { int linktype; pkt_Script *S; } states[MAXSTATES];
static int nstates;

static pkt_Script *getscript (int linktype) {
  char err[PKT_ERRSIZE] = "";
  pkt_Script *S;
  int i;
  for (i = 0; i < nstates; i++)
    if (states[i].linktype == linktype) return states[i].S;
  if (nstates == 0) {
    memset(&opts, 0, sizeof(opts));
    opts.wfile = "/dev/null";
    opts.chunk = scripttext;
    opts.snaplen = 262144;
    opts.buffered = 1;
    opts.quiet = 1;
    opts.onerror = PKT_ONERR_PASS;
    opts.maxinstr = 10000000;        /* a fuzzed packet never loops forever */
    opts.maxmem = (size_t)64 << 20;
  }
  S = pkt_script_new(&opts, err);
  if (S == NULL || pkt_script_start(S, linktype, err) != 0) {
    fprintf(stderr, "fuzz_capture: the harness script fails: %s\n", err);
    abort();  /* nothing would be fuzzed */
  }
  if (nstates == MAXSTATES) {  /* many link types: recycle the last slot */
    pkt_script_close(states[MAXSTATES - 1].S);
    nstates--;
  }
  states[nstates].linktype = linktype;
  states[nstates].S = S;
  nstates++;
  return S;
}

/* pkt_main.c's two halves of the loop, for pkt_script_run */
typedef struct Feed {
  pkt_Source *src;
  pkt_Sink *sink;
  pkt_Stats *st;
} Feed;

static int feed_fetch (void *ud, pkt_Packet *p) {
  Feed *f = (Feed *)ud;
  struct pcap_pkthdr *h;
  const u_char *d;
  if (f->src->ops->next(f->src, &h, &d) != 1)
    return PKT_FEED_STOP;  /* end, or a broken record: pkt_main stops */
  f->st->read++;
  p->h = h;
  p->data = (unsigned char *)(uintptr_t)d;  /* writable, see pkt_main.c */
  p->no = f->st->read;
  p->nano = f->src->nano;
  return PKT_FEED_PACKET;
}

static void feed_deliver (void *ud, const pkt_Packet *p, int pass) {
  Feed *f = (Feed *)ud;
  if (pass) {
    f->st->passed++;
    pkt_sink_write(f->sink, p->h, p->data, f->st);
  }
  else f->st->dropped++;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  char err[PKT_ERRSIZE] = "", path[64];
  pkt_Source src;
  pkt_Sink sink;
  pkt_Stats st;
  int fd;
  fd = memfd_create("fuzzcap", 0);
  if (fd < 0) return 0;
  if (size > 0 && write(fd, data, size) != (ssize_t)size) {
    close(fd);
    return 0;
  }
  snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
  if (nstates == 0) (void)getscript(1);  /* sets opts up */
  opts.rfile = path;
  memset(&src, 0, sizeof(src));
  memset(&sink, 0, sizeof(sink));
  memset(&st, 0, sizeof(st));
  if (pkt_source_open(&src, &opts, err) == 0) {
    pkt_Script *S = getscript(src.linktype);
    if (pkt_sink_openfile(&sink, &opts, &src, err) == 0) {
      Feed feed;
      feed.src = &src; feed.sink = &sink; feed.st = &st;
      (void)pkt_script_run(S, feed_fetch, feed_deliver, &feed, &st);
    }
    /* as at the end of a run: the reference memory goes empty */
    pkt_script_finish(S, &st);
    if (getenv("FUZZ_TRACE"))
      fprintf(stderr, "fuzz_capture: linktype %d, %llu read, %llu passed, "
              "%llu dropped, %llu errors\n", src.linktype,
              (unsigned long long)st.read, (unsigned long long)st.passed,
              (unsigned long long)st.dropped, (unsigned long long)st.errors);
    pkt_sink_close(&sink, err);
    src.ops->close(&src);
  }
  close(fd);
  return 0;
}
