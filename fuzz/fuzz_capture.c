/*
** fuzz_capture.c - libFuzzer target (a): a capture file through pktlua's
** own reading and dispatch path (pkt_source.c, pkt_l3.c, pkt_script.c,
** pkt_sink.c, linked from src/pktlua/), with a script that reads every
** field of every protocol layout in layouts/ at every plausible offset,
** runs the checksum module over the packet, and rewrites the IPv4 TTL.
**
** The input is the whole file. pkt_source_open takes a file name, so the
** bytes go into an anonymous memory file (memfd) opened by its /proc path:
** libpcap reads them with the same FILE-based code as for `-r FILE`. The
** loop below is pkt_main.c's: next, l3, script, sink (to /dev/null).
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
** One script state for the whole run: compiling the script and its eleven
** layouts costs more than most inputs, and the script keeps no state of
** its own between packets. Its options must outlive it.
*/
static pkt_Options opts;
static pkt_Script *script;

static void setup (void) {
  char err[PKT_ERRSIZE] = "";
  memset(&opts, 0, sizeof(opts));
  opts.wfile = "/dev/null";
  opts.chunk = scripttext;
  opts.snaplen = 262144;
  opts.buffered = 1;
  opts.quiet = 1;
  opts.onerror = PKT_ONERR_PASS;
  opts.maxinstr = 10000000;        /* a fuzzed packet never loops forever */
  opts.maxmem = (size_t)64 << 20;
  script = pkt_script_new(&opts, err);
  if (script == NULL || pkt_script_start(script, 1, err) != 0) {
    fprintf(stderr, "fuzz_capture: the harness script fails: %s\n", err);
    abort();  /* nothing would be fuzzed */
  }
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  char err[PKT_ERRSIZE] = "", path[64];
  pkt_Source src;
  pkt_Sink sink;
  pkt_Stats st;
  int fd;
  if (script == NULL) setup();
  fd = memfd_create("fuzzcap", 0);
  if (fd < 0) return 0;
  if (size > 0 && write(fd, data, size) != (ssize_t)size) {
    close(fd);
    return 0;
  }
  snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
  opts.rfile = path;
  memset(&src, 0, sizeof(src));
  memset(&sink, 0, sizeof(sink));
  memset(&st, 0, sizeof(st));
  if (pkt_source_open(&src, &opts, err) == 0) {
    if (pkt_sink_openfile(&sink, &opts, &src, err) == 0) {
      for (;;) {
        struct pcap_pkthdr *h;
        const u_char *cdata;
        unsigned char *p;
        int rc = src.ops->next(&src, &h, &cdata), verdict;
        if (rc != 1) break;  /* end, or a broken record: pkt_main stops */
        st.read++;
        p = (unsigned char *)(uintptr_t)cdata;
        verdict = pkt_script_packet(script, h, p, src.nano,
                                    pkt_l3(src.linktype, p, h->caplen),
                                    st.read, &st);
        if (verdict > 0) pkt_sink_write(&sink, h, p, &st);
      }
    }
    /* as at the end of a run: the reference memory goes empty */
    pkt_script_finish(script, &st);
    pkt_sink_close(&sink, err);
    src.ops->close(&src);
  }
  close(fd);
  return 0;
}
