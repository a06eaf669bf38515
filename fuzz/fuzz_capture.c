/*
** fuzz_capture.c - libFuzzer target (a): a capture file through pktlua's
** own path (the daemon's sources but main.c, compiled from src/pktlua/):
** the source back-ends, the loop (pkt_loop_run, the one main runs), the
** l3 finder, the script side and the pcap sink, with a script that reads
** every field of every protocol layout in layouts/ at every plausible
** offset, runs the checksum module over the packet, rewrites the IPv4
** TTL and the timestamp, and edits the packet's length (pktlua.insert,
** remove, resize, info.len) before pktlua.fixup walks what is left.
**
** The input is the whole file. pkt_source_open takes a file name, so the
** bytes go into an anonymous memory file (memfd) opened by its /proc path:
** libpcap and the fast reader read them as they read `-r FILE`; passed
** packets are written to /dev/null.
*/
#define _GNU_SOURCE  /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "loop.h"

#ifndef FUZZ_SOURCE_DIR
#error "FUZZ_SOURCE_DIR (the source tree, for layouts/) must be defined"
#endif

static const char scripttext[] =
  "package.path = '" FUZZ_SOURCE_DIR "/?.lua;" FUZZ_SOURCE_DIR
  "/lua/?.lua;' .. package.path\n"
  "local layout = require 'layout'\n"
  "local checksum = require 'checksum'\n"
  "local pktlua = require 'pktlua'\n"
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
  "  -- edits steered by the packet's last byte (its own bytes as fill,\n"
  "  -- growth past the room, cuts), then the fix-ups over what is left\n"
  "  local b = n > 0 and pkt:get(n) or 0\n"
  "  if b % 4 == 0 then pcall(pktlua.insert, pkt, b % (n + 1) + 1, b * 3, pkt)\n"
  "  elseif b % 4 == 1 then pcall(pktlua.remove, pkt, b % (n + 1) + 1, b % 9)\n"
  "  elseif b % 4 == 2 then pcall(pktlua.resize, pkt, n + b % 600 - 300)\n"
  "  end\n"
  "  if b % 3 == 0 then pcall(function () info.len = #pkt + b end) end\n"
  "  pcall(pktlua.fixup, pkt, info)\n"
  "  if l3 then pcall(pktlua.fixup, pkt, l3) end\n"
  "  if n % 5 == 1 then info.nsec = n * 1000 end  -- the written timestamp\n"
  "  if n % 3 == 1 then info.comment = (info.comment or '') .. '\\nc' end\n"
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
    opts.outlinktype = -1;  /* the input's */
    opts.chunk = scripttext;
    opts.snaplen = 262144;
    opts.buffered = 1;
    opts.quiet = 1;
    opts.onerror = PKT_ONERR_PASS;
    opts.maxinstr = 10000000;        /* a fuzzed packet never loops forever */
    opts.maxmem = (size_t)64 << 20;
  }
  S = pkt_script_new(&opts, err);
  if (S == NULL || pkt_script_start(S, linktype, err) != PKT_OK) {
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

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  char err[PKT_ERRSIZE] = "", path[64];
  pkt_Source *src;
  pkt_Sink *sink;
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
  memset(&st, 0, sizeof(st));
  if (pkt_source_open(&src, &opts, err) == PKT_OK) {
    pkt_Script *S = getscript(src->linktype);
    opts.wformat = src->nifaces > 0 ? PKT_FMT_PCAPNG : PKT_FMT_PCAP;
    if (pkt_sink_openfile(&sink, &opts, opts.wfile, src, err) == PKT_OK) {
      pkt_Loop lp;
      (void)pkt_outfile_start(sink->file, err);  /* /dev/null: cannot fail */
      memset(&lp, 0, sizeof(lp));
      lp.src = src;
      lp.sinks = &sink;
      lp.nsinks = 1;
      lp.script = S;
      lp.st = &st;
      (void)pkt_loop_run(&lp, err);  /* no signals: never reloads */
      pkt_sink_close(sink, err);
    }
    /* as at the end of a run: the reference memory goes empty */
    pkt_script_finish(S, &st);
    if (getenv("FUZZ_TRACE"))
      fprintf(stderr, "fuzz_capture: linktype %d, %llu read, %llu passed, "
              "%llu dropped, %llu errors\n", src->linktype,
              (unsigned long long)st.read, (unsigned long long)st.passed,
              (unsigned long long)st.dropped, (unsigned long long)st.errors);
    pkt_source_close(src);
  }
  close(fd);
  return 0;
}
