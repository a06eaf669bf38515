/*
** pktgen - deterministic capture generator for pktlua's examples, tests and
** benchmarks.
**
**   pktgen --demo NAME [-w FILE]       a small hand-written capture (--list)
**   pktgen --udp64 N [-w FILE]         N 64-byte Ethernet/IPv4/UDP frames
**   pktgen --mixed N [-w FILE]         N TCP/UDP/ICMP frames of 64..1500 bytes
**   pktgen --flows N [-w FILE]         N conversations between random hosts
**   pktgen --corpus DIR                the test corpus (--list-corpus)
**   options: --seed S (default 1), --nano (nanosecond timestamps),
**            --gap NS (ns between two frames, for replay tests)
**
** The files are written byte by byte here (capfile.c), so the same arguments
** give the same bytes on every host: the committed captures/ are checked
** against a fresh run. Every IPv4 header, TCP, UDP, ICMP and ICMPv6
** checksum is computed by code independent of src/checksum (frame.c), so
** the files can serve as an oracle for it.
*/
#include "catalog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage (FILE *f) {
  fprintf(f,
    "usage: pktgen [--seed S] [--nano] [-w FILE] --demo NAME | --udp64 N |"
    " --mixed N |\n"
    "       --flows N\n"
    "       pktgen [--seed S] --corpus DIR\n"
    "       pktgen --list | --list-corpus\n"
    "Writes a deterministic pcap file (Ethernet) to FILE (default: stdout).\n"
    "  --demo NAME  a small capture (see --list)\n"
    "  --udp64 N    N 64-byte Ethernet/IPv4/UDP frames, 1 in 8 to port 53\n"
    "  --mixed N    N TCP/UDP/ICMP frames of 64..1500 bytes\n"
    "  --flows N    N conversations of 2..6 packets between random hosts:\n"
    "               IPv4/IPv6 TCP, UDP, SCTP, ICMP, fragmented UDP\n"
    "  --corpus DIR the test corpus: one file per link type, file format and\n"
    "               oddity the tests cover (see --list-corpus)\n"
    "  --seed S     PRNG seed (default 1): same seed, same bytes\n"
    "  --nano       nanosecond timestamps\n"
    "  --gap NS     NS nanoseconds between two frames (default: the mode's)\n");
}

static uint64_t parse_count (const char *opt, const char *s) {
  char *end;
  unsigned long long v;
  errno = 0;
  if (s == NULL || *s == '\0' || *s == '-') goto bad;
  v = strtoull(s, &end, 0);
  if (errno != 0 || *end != '\0') goto bad;
  return v;
bad:
  fprintf(stderr, "pktgen: %s needs a non-negative integer, got '%s'\n",
          opt, s ? s : "");
  exit(2);
}

int main (int argc, char **argv) {
  const char *file = "-", *demo = NULL, *dir = NULL;
  uint64_t seed = 1, count = 0;
  uint64_t gap = 0;
  int mode = 0, nano = 0;  /* 1 demo, 2 udp64, 3 mixed, 4 corpus, 5 flows */
  const Demo *d = NULL;
  Out o;
  Rng r;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "-w") == 0 || strcmp(a, "--write") == 0) {
      if (!v) goto missing;
      file = v; i++;
    } else if (strcmp(a, "--seed") == 0) {
      seed = parse_count(a, v); i++;
    } else if (strcmp(a, "--nano") == 0) {
      nano = 1;
    } else if (strcmp(a, "--gap") == 0) {
      gap = parse_count(a, v); i++;
    } else if (strcmp(a, "--demo") == 0) {
      if (!v) goto missing;
      demo = v; mode = 1; i++;
    } else if (strcmp(a, "--udp64") == 0) {
      count = parse_count(a, v); mode = 2; i++;
    } else if (strcmp(a, "--mixed") == 0) {
      count = parse_count(a, v); mode = 3; i++;
    } else if (strcmp(a, "--flows") == 0) {
      count = parse_count(a, v); mode = 5; i++;
    } else if (strcmp(a, "--corpus") == 0) {
      if (!v) goto missing;
      dir = v; mode = 4; i++;
    } else if (strcmp(a, "--list") == 0) {
      for (d = demos; d->name; d++) printf("%-6s %s\n", d->name, d->what);
      return 0;
    } else if (strcmp(a, "--list-corpus") == 0) {
      corpus_list(stdout);
      return 0;
    } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      usage(stdout);
      return 0;
    } else {
      fprintf(stderr, "pktgen: unknown argument '%s'\n", a);
      usage(stderr);
      return 2;
    }
    continue;
  missing:
    fprintf(stderr, "pktgen: %s needs an argument\n", a);
    return 2;
  }
  if (mode == 0) {
    usage(stderr);
    return 2;
  }
  if (mode == 4) return corpus_write(dir, seed);
  if (mode == 1) {
    for (d = demos; d->name && strcmp(d->name, demo) != 0; d++) ;
    if (!d->name) {
      fprintf(stderr, "pktgen: no demo '%s' (try --list)\n", demo);
      return 2;
    }
    nano |= d->nano;
  }
  out_init(&o, file);
  o.nano = nano;
  o.gap = gap;
  out_open(&o);
  r.s = seed;
  if (mode == 1) d->fn(&o, &r);
  else if (mode == 2) bulk_udp64(&o, &r, count);
  else if (mode == 5) bulk_flows(&o, &r, count);
  else bulk_mixed(&o, &r, count);
  out_close(&o);
  return 0;
}
