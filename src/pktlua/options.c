/*
** options.c - pktlua's command line: tcpdump's flags where tcpdump has
** one, awk/sed's -f/-e for the script. Every number is checked in full.
*/
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lua.h>

#include "pkt.h"

#ifndef PKTLUA_VERSION
#define PKTLUA_VERSION "0.0.0"
#endif

static const char usage_text[] =
"usage: pktlua [-r FILE | -i IFACE] [-w [NAME=]FILE] [-o [NAME=]IFACE]\n"
"              [--format=pcap|pcapng] [-C SIZE] [-G SECONDS] [-W COUNT]\n"
"              [-z CMD] [-f SCRIPT | -e CHUNK]\n"
"              [-a NAME=VALUE] [-c COUNT] [-s SNAPLEN] [-B KIB] [-p] [-U]\n"
"              [--immediate-mode] [--fix-checksums]\n"
"              [-Z USER] [-q] [-v] [--stats=json] [--on-error=pass|drop|abort]\n"
"              [--max-instructions=N] [--max-lua-memory=SIZE]\n"
"              [--timing=original|topspeed | -x F | --pps=N | --mbps=N |\n"
"               --topspeed] [--loop=N] [--duration=SECONDS] [--limit=N]\n"
"              [--shard=K/N] [--workers=N|auto] [--fanout=hash|cpu|lb]\n"
"              [BPF expression]\n";

static const char help_text[] =
"Run every packet of a capture file or an interface through a Lua script.\n"
"\n"
"Input (files or one interface):\n"
"  -r FILE        read a pcap/pcapng file; \"-\" reads standard input; may\n"
"                 be repeated: the files' packets merged in timestamp order\n"
"  -i IFACE       capture live on IFACE (needs root or CAP_NET_RAW)\n"
"Output (any, or none):\n"
"  -w FILE        write passed packets to FILE: pcapng when it ends in\n"
"                 .pcapng, else pcap (pcapng for an input of several link\n"
"                 types); \"-\" writes standard output\n"
"  -w NAME=FILE   an output the script names in its verdict (repeatable;\n"
"                 -w FILE is the output named default)\n"
"  --format=pcap|pcapng\n"
"                 the -w format, whatever the name\n"
"  -o IFACE       inject passed packets on IFACE (-i A -o B bridges A to B)\n"
"  -o NAME=IFACE  an output the script names that injects on IFACE\n"
"                 (repeatable; an output may have a -w file too)\n"
"  -U             flush the -w output after every packet\n"
"  --fix-checksums\n"
"                 with -o: recompute the TCP/UDP checksums of every\n"
"                 packet sent (those the sender left to its NIC)\n"
"Rotation (each -w output on its own; every file a whole capture):\n"
"  -C SIZE        a new file before one would pass SIZE bytes (millions\n"
"                 of bytes as tcpdump, or with a k, m or g suffix)\n"
"  -G SECONDS     a new file every SECONDS, on multiples of SECONDS of\n"
"                 the clock (-G 3600: on the hour); FILE's strftime\n"
"                 conversions name it (-w cap-%Y%m%d-%H%M.pcap); a period\n"
"                 without packets still gets its (empty) file\n"
"  -W COUNT       keep the COUNT newest files of each output, delete older\n"
"                 ones; with -C the files are numbered 0..COUNT-1 in a ring\n"
"  -z CMD         run CMD FILE (by /bin/sh) on each closed file, e.g. gzip\n"
"Script (none: every packet passes unchanged):\n"
"  -f SCRIPT      run the Lua file SCRIPT\n"
"  -e CHUNK       run the Lua text CHUNK\n"
"  -a NAME=VALUE  set arg.NAME = \"VALUE\" for the script (repeatable)\n"
"  --on-error=pass|drop|abort\n"
"                 a script error on a packet passes it, drops it, or stops\n"
"                 the run; default: drop for a script that declares\n"
"                 pktlua.kind \"filter\", else pass. Script errors make the\n"
"                 exit status 3, but with an explicit --on-error=pass\n"
"  --max-instructions=N\n"
"                 a call into the script that runs more than N Lua VM\n"
"                 instructions fails with a script error\n"
"  --max-lua-memory=SIZE\n"
"                 cap the Lua heap (bytes; suffix k, m or g); an\n"
"                 allocation over it fails with a script error\n"
"Replay (-r; -o is paced with the capture's gaps unless told otherwise,\n"
"-w only when one of these is given; one timing option at most):\n"
"  --timing=original|topspeed\n"
"                 keep the capture's gaps, or send at once\n"
"  -x F, --multiplier=F  the capture's gaps divided by F (2: twice as fast)\n"
"  --pps=N        N packets per second\n"
"  --mbps=N       N megabits per second (of captured bytes)\n"
"  --topspeed     as fast as possible (with the replay's statistics)\n"
"  --loop=N       send the file N times (0: until stopped); the next pass\n"
"                 follows the last packet after the file's mean gap\n"
"  --duration=SECONDS  stop after that much sending time\n"
"  --limit=N      the same as -c\n"
"Capture:\n"
"  -c COUNT       stop after COUNT packets\n"
"  -s SNAPLEN     bytes captured per packet (live; 0: 262144; default\n"
"                 262144, with -o the interface's MTU + 22)\n"
"  -B KIB         kernel buffer size in KiB (live; default 4096)\n"
"  --immediate-mode, --no-immediate-mode\n"
"                 hand each packet over as it arrives (the default with\n"
"                 -o), or in blocks of the kernel's, at most 50 ms late\n"
"                 (the default otherwise: fewer drops in bursts)\n"
"  -p             do not put the interface in promiscuous mode\n"
"  -Z USER        become USER once the capture is open, before the\n"
"                 script runs and the -w file is opened\n"
"  BPF expression filter before the script (in the kernel when live)\n"
"  --shard=K/N    only the flows in share K of N (1 <= K <= N): a symmetric\n"
"                 hash of addresses, protocol and ports keeps both ways of\n"
"                 a connection, and all fragments of a datagram, in one\n"
"                 share; N runs with K = 1..N together do the whole input\n"
"                 (-c counts packets read, in the share or not)\n"
"  --workers=N|auto\n"
"                 run the script in N Lua states, one thread each (auto:\n"
"                 one per online CPU); a flow's packets all go to one\n"
"                 worker (the shares of --shard), and the output keeps the\n"
"                 input's order (-r; with -i, see --fanout)\n"
"  --fanout=hash|cpu|lb\n"
"                 -i with several workers: each worker captures on its own\n"
"                 socket, and the kernel hands each packet to one of them\n"
"                 (PACKET_FANOUT): by a hash of its flow, both ways of a\n"
"                 connection to one worker, IPv4 fragments reassembled\n"
"                 first (hash, the default); by the CPU that received it;\n"
"                 or in turn (lb). Only hash keeps a flow on one worker\n"
"Reporting:\n"
"  -q             no progress line, no summary at exit\n"
"  -v             more detail: link type at start, script tracebacks\n"
"  --stats=json   the summary at exit as one JSON line on stderr\n"
"  -h, --help     this text;  --version: versions of pktlua, Lua, libpcap\n"
"\n"
"Script contract: the chunk runs once; then packet(pkt, info) for every\n"
"packet: pkt is a memory over the captured bytes (writes are what gets\n"
"written), info has len, caplen, sec, nsec, linktype, l3 (1-based index\n"
"of the IP header, nil when not IP), ipversion (4, 6 or false), l4,\n"
"proto, fragment (the transport header, its protocol, \"none\"/\"first\"/\n"
"\"later\"), loop (the pass over the file, 1-based), flow (the flow hash\n"
"--shard splits by, the same both ways), interface, ifname and comment\n"
"(pcapng: the packet's own); require \"pktlua\" reaches inside tunnels\n"
"(pktlua.inner); writing info.sec/info.nsec sets the timestamp written\n"
"and, in a replay, when the packet is sent; writing info.comment sets\n"
"the comment written (pcapng).\n"
"pktlua.now() is monotonic seconds, pktlua.now(\"wall\") the wall clock;\n"
"pktlua.emit(mem [, output [, time]]) sends a packet of the script's own.\n"
"Returning false drops the packet; "
"true or nil passes it (to the default\n"
"output); an output's name or a list of names sends it there. finish()\n"
"(optional) runs once at the end, in every worker; merge(results)\n"
"(optional) then gets what they returned, in a fresh state.\n"
"info.worker is the worker (1..N). pktlua.kind(\"filter\" or \"rewriter\")\n"
"in the chunk says what a packet the script fails on becomes by default.\n"
"Signals: INT/TERM stop cleanly, HUP reloads the script, USR1 prints stats.\n"
"Exit status: 0 ok, 1 runtime, input or output error, 2 usage error or a\n"
"script that does not load, 3 script errors (see --on-error).\n"
"See pktlua(1).\n";

enum {
  OPT_STATS = 256, OPT_ONERROR, OPT_MAXINSTR, OPT_MAXMEM, OPT_VERSION,
  OPT_FORMAT, OPT_TIMING, OPT_PPS, OPT_MBPS, OPT_TOPSPEED, OPT_LOOP,
  OPT_DURATION, OPT_LIMIT, OPT_SHARD, OPT_IMMEDIATE, OPT_NOIMMEDIATE,
  OPT_FIXCKSUM, OPT_WORKERS, OPT_FANOUT
};

static const struct option longopts[] = {
  {"help", no_argument, NULL, 'h'},
  {"version", no_argument, NULL, OPT_VERSION},
  {"stats", required_argument, NULL, OPT_STATS},
  {"on-error", required_argument, NULL, OPT_ONERROR},
  {"max-instructions", required_argument, NULL, OPT_MAXINSTR},
  {"max-lua-memory", required_argument, NULL, OPT_MAXMEM},
  {"arg", required_argument, NULL, 'a'},
  {"format", required_argument, NULL, OPT_FORMAT},
  {"timing", required_argument, NULL, OPT_TIMING},
  {"multiplier", required_argument, NULL, 'x'},
  {"pps", required_argument, NULL, OPT_PPS},
  {"mbps", required_argument, NULL, OPT_MBPS},
  {"topspeed", no_argument, NULL, OPT_TOPSPEED},
  {"loop", required_argument, NULL, OPT_LOOP},
  {"duration", required_argument, NULL, OPT_DURATION},
  {"limit", required_argument, NULL, OPT_LIMIT},
  {"shard", required_argument, NULL, OPT_SHARD},
  {"immediate-mode", no_argument, NULL, OPT_IMMEDIATE},
  {"no-immediate-mode", no_argument, NULL, OPT_NOIMMEDIATE},
  {"fix-checksums", no_argument, NULL, OPT_FIXCKSUM},
  {"workers", required_argument, NULL, OPT_WORKERS},
  {"fanout", required_argument, NULL, OPT_FANOUT},
  {NULL, 0, NULL, 0}
};


/* a usage error: the reason, the hint, and PKT_ERROR_USAGE for the caller
** to return */
static int bad (const char *fmt, ...) {
  va_list ap;
  fputs("pktlua: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputs("\n", stderr);
  fputs("Try 'pktlua --help' for more information.\n", stderr);
  return PKT_ERROR_USAGE;
}

/*
** A whole decimal number in [min, max]; anything else (sign where none
** belongs, trailing text, overflow) is refused with the option's name.
*/
static int getnum (const char *opt, const char *s, long long min,
                   long long max, long long *v) {
  char *end;
  errno = 0;
  if (*s == '\0' || *s == ' ' || *s == '+')
    return bad("option %s: '%s' is not a number", opt, s);
  *v = strtoll(s, &end, 10);
  if (*end != '\0')
    return bad("option %s: '%s' is not a number", opt, s);
  if (errno == ERANGE || *v < min || *v > max)
    return bad("option %s: %s: out of range %lld..%lld", opt, s, min, max);
  return PKT_OK;
}

/* a byte count with an optional k/m/g (binary) suffix */
static int getsize (const char *opt, const char *s, size_t *v) {
  char *end;
  unsigned long long n, mul = 1;
  errno = 0;
  if (*s < '0' || *s > '9')
    return bad("option %s: '%s' is not a size", opt, s);
  n = strtoull(s, &end, 10);
  if (end[0] != '\0') {
    switch (end[0]) {
      case 'k': case 'K': mul = 1ull << 10; break;
      case 'm': case 'M': mul = 1ull << 20; break;
      case 'g': case 'G': mul = 1ull << 30; break;
      default: return bad("option %s: '%s' is not a size", opt, s);
    }
    if (end[1] != '\0' && !((end[1] == 'b' || end[1] == 'B') && end[2] == 0))
      return bad("option %s: '%s' is not a size", opt, s);
  }
  if (errno == ERANGE || n == 0 || n > SIZE_MAX / mul)
    return bad("option %s: '%s' is out of range", opt, s);
  *v = (size_t)(n * mul);
  return PKT_OK;
}

/* -C: millions of bytes as tcpdump's, or a size with a k/m/g suffix */
static int getfilesize (const char *s, uint64_t *v) {
  size_t len = strlen(s), z;
  long long n;
  if (len > 0 && s[len - 1] >= '0' && s[len - 1] <= '9') {
    if (getnum("-C", s, 1, LLONG_MAX / 1000000, &n) != PKT_OK)
      return PKT_ERROR_USAGE;
    *v = (uint64_t)n * 1000000u;
    return PKT_OK;
  }
  if (getsize("-C", s, &z) != PKT_OK) return PKT_ERROR_USAGE;
  *v = z;
  return PKT_OK;
}

/* a positive, finite number, at most max ("1e3", "0.5") */
static int getreal (const char *opt, const char *s, double max, double *v) {
  char *end;
  errno = 0;
  if (*s == '\0' || *s == ' ' || *s == '+')
    return bad("option %s: '%s' is not a number", opt, s);
  *v = strtod(s, &end);
  if (*end != '\0' || isnan(*v))
    return bad("option %s: '%s' is not a number", opt, s);
  if (errno == ERANGE || !(*v > 0.0) || *v > max)
    return bad("option %s: %s: out of range (0, %g]", opt, s, max);
  return PKT_OK;
}

/* --workers N (1..PKT_MAXWORKERS) or auto: the online CPUs */
static int getworkers (pkt_Options *o, const char *s) {
  long long n;
  if (strcmp(s, "auto") == 0) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    n = cpus < 1 ? 1 : cpus > PKT_MAXWORKERS ? PKT_MAXWORKERS : cpus;
  }
  else if (getnum("--workers", s, 1, PKT_MAXWORKERS, &n) != PKT_OK)
    return PKT_ERROR_USAGE;
  o->workers = (int)n;
  return PKT_OK;
}

/* --shard K/N: two whole numbers, 1 <= K <= N */
static int getshard (pkt_Options *o, const char *s) {
  const char *slash = strchr(s, '/');
  char k[24];
  long long vk, vn;
  if (slash == NULL || (size_t)(slash - s) >= sizeof(k))
    return bad("option --shard: '%s' is not K/N (e.g. 2/4)", s);
  memcpy(k, s, (size_t)(slash - s));
  k[slash - s] = '\0';
  if (getnum("--shard", slash + 1, 1, 1 << 20, &vn) != PKT_OK ||
      getnum("--shard", k, 1, LLONG_MAX, &vk) != PKT_OK)
    return PKT_ERROR_USAGE;
  if (vk > vn)
    return bad("option --shard: %s: K is not in 1..N", s);
  o->shardk = (unsigned)vk;
  o->shardn = (unsigned)vn;
  return PKT_OK;
}

/*
** One timing option at most: `name` asks for `mode`. --timing=original
** and -x say the same thing twice, so they go together.
*/
static int settiming (pkt_Options *o, const char **chosen, const char *name,
                      int mode) {
  if (*chosen != NULL &&
      !(o->timing == PKT_TIMING_ORIGINAL && mode == PKT_TIMING_ORIGINAL))
    return bad("%s and %s exclude each other (one timing option at most)",
               *chosen, name);
  *chosen = name;
  o->timing = mode;
  return PKT_OK;
}

/* the arguments left after the options, joined by spaces (tcpdump's way) */
static int joinfilter (pkt_Options *o, int argc, char **argv) {
  size_t len = 0;
  int i;
  if (optind >= argc) return PKT_OK;
  for (i = optind; i < argc; i++) len += strlen(argv[i]) + 1;
  o->filter = malloc(len);
  if (o->filter == NULL) return bad("out of memory");
  o->filter[0] = '\0';
  for (i = optind; i < argc; i++) {
    if (i > optind) strcat(o->filter, " ");
    strcat(o->filter, argv[i]);
  }
  return PKT_OK;
}

static void version (void) {
  printf("pktlua %s\n%s\n%s\n", PKTLUA_VERSION, LUA_RELEASE,
         pcap_lib_version());
}

/* the output named nm, a new one if need be: its index, or -1 */
static int outputnamed (pkt_Options *o, const char *opt, const char *arg,
                        const char *nm) {
  char *n;
  int i;
  for (i = 0; i < o->noutputs; i++)
    if (strcmp(o->outputs[i].name, nm) == 0) return i;
  if (o->noutputs == PKT_MAXOUTPUTS) {
    bad("%s %s: more than %d outputs", opt, arg, PKT_MAXOUTPUTS);
    return -1;
  }
  if ((n = malloc(strlen(nm) + 1)) == NULL) {
    bad("out of memory");
    return -1;
  }
  strcpy(n, nm);
  o->outputs[o->noutputs].name = n;
  return o->noutputs++;
}

/*
** -w NAME=FILE or -w FILE; -o NAME=IFACE or -o IFACE: a file, an
** interface of the output NAME ("default" without one). An output may have
** one of each. NAME is letters, digits, '_' and '-' (at most PKT_MAXNAME
** bytes); anything else before a '=' is part of a file name (write
** ./a=b.pcap for a file whose name would read as NAME=FILE).
*/
static int addoutput (pkt_Options *o, int opt, const char *arg) {
  const char *eq = strchr(arg, '='), *c, *to = arg;
  const char *what = opt == 'w' ? "-w" : "-o", **slot;
  char nm[PKT_MAXNAME + 1] = "default";
  int i, isname = eq != NULL && eq > arg && eq - arg <= PKT_MAXNAME;
  for (c = arg; isname && c < eq; c++)
    if (!(*c == '_' || *c == '-' || (*c >= '0' && *c <= '9') ||
          (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')))
      isname = 0;
  if (isname) {
    memcpy(nm, arg, (size_t)(eq - arg));
    nm[eq - arg] = '\0';
    to = eq + 1;
  }
  if (to[0] == '\0')
    return bad("%s %s: empty %s name", what, arg,
               opt == 'w' ? "file" : "interface");
  if ((i = strcmp(nm, "default") == 0 ? 0 : outputnamed(o, what, arg, nm))
      < 0)
    return PKT_ERROR_USAGE;
  slot = opt == 'w' ? &o->outputs[i].file : &o->outputs[i].iface;
  if (*slot != NULL)
    return bad("%s %s: output '%s' is already %s", what, arg, nm, *slot);
  *slot = to;
  if (opt == 'w' && i == 0) o->wfile = to;
  if (opt == 'o' && o->oface == NULL) o->oface = to;
  return PKT_OK;
}

/*
** The replay's timing: what was asked, else the capture's gaps when a file
** is injected (as tcpreplay does), else no pacer at all, but for --loop
** and --duration, which go as fast as possible with the replay's stats.
*/
static int checktiming (pkt_Options *o, const char *chosen) {
  int i;
  const char *what = chosen ? chosen
                   : o->loops != 1 ? "--loop"
                   : o->duration > 0 ? "--duration" : NULL;
  if (what && o->rfile == NULL)
    return bad("%s replays a file: it needs -r", what);
  for (i = 0; o->loops != 1 && i < o->nrfiles; i++)
    if (strcmp(o->rfiles[i], "-") == 0)
      return bad("--loop: standard input cannot be read again");
  if (chosen == NULL) {
    if (o->rfile && o->oface) o->timing = PKT_TIMING_ORIGINAL;
    else if (what) o->timing = PKT_TIMING_TOPSPEED;
  }
  return PKT_OK;
}

/* -C/-G/-W/-z rotate files: not standard output, not without -w */
static int checkrotate (const pkt_Options *o, int nstdout) {
  const char *opt = o->rotsize ? "-C" : o->rotsecs ? "-G"
                  : o->rotkeep ? "-W" : o->rotcmd ? "-z" : NULL;
  int i, nfiles = 0;
  if (opt == NULL) return PKT_OK;
  for (i = 0; i < o->noutputs; i++) nfiles += o->outputs[i].file != NULL;
  if (nfiles == 0) return bad("%s rotates -w files: give -w FILE", opt);
  if (nstdout > 0) return bad("%s: standard output (-w -) cannot rotate", opt);
  if (o->rotkeep && !o->rotsize && !o->rotsecs)
    return bad("-W needs -C or -G: there is only one file to keep");
  return PKT_OK;
}

/* checks that need every option seen */
static int crosscheck (pkt_Options *o, const char *chosen) {
  int i, nstdout = 0, nstdin = 0;
  if (o->rfile == NULL && o->iface == NULL)
    return bad("no input: give -r FILE or -i IFACE");
  if (o->rfile != NULL && o->iface != NULL)
    return bad("-r and -i exclude each other");
  if (o->script != NULL && o->chunk != NULL)
    return bad("-f and -e exclude each other");
  for (i = 0; i < o->nrfiles; i++) {
    if (o->rfiles[i][0] == '\0') return bad("-r: empty file name");
    if (strcmp(o->rfiles[i], "-") == 0) nstdin++;
  }
  if (nstdin > 1) return bad("-r: only one input can be standard input");
  for (i = 0; i < o->noutputs; i++)
    if (o->outputs[i].file && strcmp(o->outputs[i].file, "-") == 0)
      nstdout++;
  if (nstdout > 1) return bad("-w: only one output can be standard output");
  if (checkrotate(o, nstdout) != PKT_OK) return PKT_ERROR_USAGE;
  o->tostdout = nstdout > 0;
  return checktiming(o, chosen);
}

int pkt_options_parse (pkt_Options *o, int argc, char **argv) {
  int c;
  long long n;
  const char *chosen = NULL;  /* the timing option given */
  int fanoutgiven = 0;
  memset(o, 0, sizeof(*o));
  o->outlinktype = -1;  /* main.c: the script's, once it started */
  o->outputs = calloc(PKT_MAXOUTPUTS, sizeof(*o->outputs));
  if (o->outputs == NULL) return bad("out of memory");
  o->outputs[0].name = "default";
  o->noutputs = 1;
  o->multiplier = 1.0;
  o->loops = 1;
  o->immediate = -1;
  o->promisc = 1;
  o->workers = 1;
  o->buffered = 1;
  o->onerror = PKT_ONERR_DEFAULT;
  opterr = 0;  /* our own messages */
  while ((c = getopt_long(argc, argv, ":r:i:w:o:f:e:a:c:s:B:pUZ:qvhx:C:G:W:z:",
                          longopts, NULL)) != -1) {
    switch (c) {
      case 'r':
        if (o->rfiles == NULL &&
            (o->rfiles = calloc((size_t)argc, sizeof(*o->rfiles))) == NULL)
          return bad("out of memory");
        o->rfiles[o->nrfiles++] = optarg;
        if (o->rfile == NULL) o->rfile = optarg;
        break;
      case 'i': o->iface = optarg; break;
      case 'w': case 'o':
        if (addoutput(o, c, optarg) != PKT_OK) return PKT_ERROR_USAGE;
        break;
      case 'C':
        if (getfilesize(optarg, &o->rotsize) != PKT_OK)
          return PKT_ERROR_USAGE;
        break;
      case 'G':
        if (getnum("-G", optarg, 1, INT_MAX, &n) != PKT_OK)
          return PKT_ERROR_USAGE;
        o->rotsecs = n;
        break;
      case 'W':
        if (getnum("-W", optarg, 1, 1000000, &n) != PKT_OK)
          return PKT_ERROR_USAGE;
        o->rotkeep = (int)n;
        break;
      case 'z':
        if (*optarg == '\0') return bad("option -z: empty command");
        o->rotcmd = optarg;
        break;
      case 'f': o->script = optarg; break;
      case 'e': o->chunk = optarg; break;
      case 'Z':
        if (*optarg == '\0') return bad("option -Z: empty user name");
        o->user = optarg;
        break;
      case 'p': o->promisc = 0; break;
      case 'U': o->buffered = 0; break;
      case 'q': o->quiet = 1; break;
      case 'v': o->verbose++; break;
      case 'a': {
        const char *eq = strchr(optarg, '=');
        const char **na;
        if (eq == NULL || eq == optarg)
          return bad("option -a: '%s' is not NAME=VALUE", optarg);
        na = realloc(o->args, (size_t)(o->nargs + 1) * sizeof(*na));
        if (na == NULL) return bad("out of memory");
        o->args = na;
        o->args[o->nargs++] = optarg;
        break;
      }
      case 'c': case OPT_LIMIT:
        if (getnum(c == 'c' ? "-c" : "--limit", optarg, 1, LLONG_MAX,
                   &o->count) != PKT_OK)
          return PKT_ERROR_USAGE;
        break;
      case OPT_TIMING:
        if (strcmp(optarg, "original") == 0)
          n = PKT_TIMING_ORIGINAL;
        else if (strcmp(optarg, "topspeed") == 0)
          n = PKT_TIMING_TOPSPEED;
        else
          return bad("option --timing: '%s' is not original or topspeed",
                     optarg);
        if (settiming(o, &chosen, "--timing", (int)n) != PKT_OK)
          return PKT_ERROR_USAGE;
        break;
      case 'x':
        if (getreal("-x", optarg, 1e6, &o->multiplier) != PKT_OK ||
            settiming(o, &chosen, "-x", PKT_TIMING_ORIGINAL) != PKT_OK)
          return PKT_ERROR_USAGE;
        break;
      case OPT_PPS: case OPT_MBPS: {
        const char *name = c == OPT_PPS ? "--pps" : "--mbps";
        if (getreal(name, optarg, 1e9, &o->rate) != PKT_OK ||
            settiming(o, &chosen, name, c == OPT_PPS ? PKT_TIMING_PPS
                                                     : PKT_TIMING_MBPS)
            != PKT_OK)
          return PKT_ERROR_USAGE;
        break;
      }
      case OPT_TOPSPEED:
        if (settiming(o, &chosen, "--topspeed", PKT_TIMING_TOPSPEED)
            != PKT_OK)
          return PKT_ERROR_USAGE;
        break;
      case OPT_LOOP:
        if (getnum("--loop", optarg, 0, LLONG_MAX, &o->loops) != PKT_OK)
          return PKT_ERROR_USAGE;
        break;
      case OPT_SHARD:
        if (getshard(o, optarg) != PKT_OK) return PKT_ERROR_USAGE;
        break;
      case OPT_WORKERS:
        if (getworkers(o, optarg) != PKT_OK) return PKT_ERROR_USAGE;
        break;
      case OPT_DURATION:
        if (getreal("--duration", optarg, 1e9, &o->duration) != PKT_OK)
          return PKT_ERROR_USAGE;
        break;
      case 's':
        if (getnum("-s", optarg, 0, PKT_SNAPLEN, &n) != PKT_OK)
          return PKT_ERROR_USAGE;
        o->snaplen = n == 0 ? PKT_SNAPLEN : (int)n;  /* tcpdump's -s 0 */
        break;
      case 'B':
        if (getnum("-B", optarg, 1, INT_MAX / 1024, &n) != PKT_OK)
          return PKT_ERROR_USAGE;
        o->bufkib = (int)n;
        break;
      case OPT_IMMEDIATE: o->immediate = 1; break;
      case OPT_NOIMMEDIATE: o->immediate = 0; break;
      case OPT_FIXCKSUM: o->fixcksum = 1; break;
      case OPT_FANOUT:
        if (strcmp(optarg, "hash") == 0) o->fanout = PKT_FANOUT_HASH;
        else if (strcmp(optarg, "cpu") == 0) o->fanout = PKT_FANOUT_CPU;
        else if (strcmp(optarg, "lb") == 0) o->fanout = PKT_FANOUT_LB;
        else
          return bad("option --fanout: '%s' is not hash, cpu or lb", optarg);
        fanoutgiven = 1;
        break;
      case OPT_STATS:
        if (strcmp(optarg, "json") != 0)
          return bad("option --stats: '%s' is not json", optarg);
        o->statsjson = 1;
        break;
      case OPT_ONERROR:
        if (strcmp(optarg, "pass") == 0) o->onerror = PKT_ONERR_PASS;
        else if (strcmp(optarg, "drop") == 0) o->onerror = PKT_ONERR_DROP;
        else if (strcmp(optarg, "abort") == 0) o->onerror = PKT_ONERR_ABORT;
        else
          return bad("option --on-error: '%s' is not pass, drop or abort",
                     optarg);
        break;
      case OPT_FORMAT:
        if (strcmp(optarg, "pcap") == 0) o->wformat = PKT_FMT_PCAP;
        else if (strcmp(optarg, "pcapng") == 0) o->wformat = PKT_FMT_PCAPNG;
        else return bad("option --format: '%s' is not pcap or pcapng", optarg);
        break;
      case OPT_MAXINSTR:
        if (getnum("--max-instructions", optarg, 1, INT_MAX, &o->maxinstr)
            != PKT_OK)
          return PKT_ERROR_USAGE;
        break;
      case OPT_MAXMEM:
        if (getsize("--max-lua-memory", optarg, &o->maxmem) != PKT_OK)
          return PKT_ERROR_USAGE;
        break;
      case 'h':
        fputs(usage_text, stdout);
        fputs(help_text, stdout);
        return PKT_DONE;
      case OPT_VERSION:
        version();
        return PKT_DONE;
      case ':':
        return bad("option %s needs an argument", argv[optind - 1]);
      default: {
        char opt[3] = {'-', (char)optopt, '\0'};
        if (optopt == 0) return bad("unknown option %s", argv[optind - 1]);
        return bad("unknown option %s", opt);
      }
    }
  }
  if (joinfilter(o, argc, argv) != PKT_OK) return PKT_ERROR_USAGE;
  if (fanoutgiven && o->rfile)
    return bad("--fanout spreads a live capture over the workers: it "
               "needs -i");
  return crosscheck(o, chosen);
}

void pkt_options_free (pkt_Options *o) {
  int i;
  for (i = 1; i < o->noutputs; i++) free((void *)o->outputs[i].name);
  free(o->outputs);
  o->outputs = NULL;
  free((void *)o->rfiles);
  o->rfiles = NULL;
  o->nrfiles = 0;
  o->noutputs = 0;
  free(o->filter);
  free((void *)o->args);
  o->filter = NULL;
  o->args = NULL;
}
