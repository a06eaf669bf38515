/*
** pkt.h - what every part of the pktlua daemon shares: status codes, the
** command line, the counters, the packet record.
**
** One packet's path (doc/architecture.md): a source (source.h) hands a
** record to the loop (loop.h); l3.c finds the network header; the script
** (script.h) sees the bytes through one reused reference memory and
** returns a verdict; the sinks (sink.h) write or inject what passed.
*/
#ifndef PKT_H
#define PKT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <pcap/pcap.h>

/* exit statuses */
#define PKT_EXIT_OK    0   /* ran to the end (EOF, -c, SIGINT/SIGTERM) */
#define PKT_EXIT_FAIL  1   /* runtime or input error */
#define PKT_EXIT_USAGE 2   /* bad command line, script that does not load */
#define PKT_EXIT_SCRIPT 3  /* the script raised errors (on packets, unless
                           ** --on-error=pass was given; in finish) */

/* stdio buffer of the capture file and the -w file: a 4 KiB default means
** one system call per ~50 small packets */
#define PKT_IOBUF (1 << 20)

/* the live capture's defaults (source_live.c, doc/pktlua.1): the snaplen
** of tcpdump; a kernel buffer twice libpcap's 2 MiB */
#define PKT_SNAPLEN 262144
#define PKT_BUFKIB 4096

/* room for one error line (libpcap's own buffer is smaller). Functions
** that can fail take a buffer of this size from their caller, fill it
** when they return a negative status, and leave it alone otherwise. */
#define PKT_ERRSIZE 1024

/*
** Status codes, as libpcap's: 0 success, positive an outcome that is not
** an error, negative an error (the caller's error buffer says why).
** pkt_statustostr names each one.
*/
enum pkt_Status {
  PKT_OK = 0,               /* success */
  PKT_PACKET = 1,           /* a packet is in the record */
  PKT_AGAIN = 2,            /* no packet yet (live: timeout, signal) */
  PKT_END = 3,              /* end of input (or -c, or a stop signal) */
  PKT_RELOAD = 4,           /* SIGHUP: reload the script between packets */
  PKT_DONE = 5,             /* --help or --version printed: nothing to run */
  PKT_ERROR = -1,           /* runtime or input error */
  PKT_ERROR_USAGE = -2,     /* the request is wrong (bad option or filter) */
  PKT_ERROR_SCRIPT = -3     /* a script error ended the run (on-error=abort) */
};

/* a short description of a status code (pkt_Status) */
const char *pkt_statustostr (int status);

/* the -w file's format (--format; auto: by its name, see sink.c) */
enum pkt_Format { PKT_FMT_AUTO, PKT_FMT_PCAP, PKT_FMT_PCAPNG };

/* what a script error on a packet does (--on-error); DEFAULT: not given,
** the script's declared kind decides (script.c) */
enum pkt_OnError {
  PKT_ONERR_DEFAULT, PKT_ONERR_PASS, PKT_ONERR_DROP, PKT_ONERR_ABORT
};

/* --fanout: how the kernel spreads a live interface's packets over the
** workers' captures (fanout.c) */
enum pkt_Fanout {
  PKT_FANOUT_HASH,          /* by flow, both ways of a connection to one
                            ** worker; IPv4 fragments reassembled first */
  PKT_FANOUT_CPU,           /* by the CPU that received the packet */
  PKT_FANOUT_LB             /* round robin: no flow affinity */
};

/* -w outputs; a script's verdict routes each packet to some of them */
#define PKT_MAXOUTPUTS 64   /* route bits in a uint64_t */
#define PKT_MAXNAME    32   /* bytes of an output's name */
#define PKT_ROUTE_DEFAULT ((uint64_t)1)  /* output 0, "default" */

typedef struct pkt_Output {
  const char *name;         /* "default" for output 0 */
  const char *file;         /* -w: NULL: none */
  const char *iface;        /* -o: NULL: none */
} pkt_Output;

/* --workers: at most this many (a record's worker fits a byte) */
#define PKT_MAXWORKERS 256

/* when passed packets leave (pacer.c; --timing, -x, --pps, --mbps) */
enum pkt_Timing {
  PKT_TIMING_NONE,          /* -r -w: as fast as the loop goes, no pacer */
  PKT_TIMING_TOPSPEED,      /* --topspeed: at once, with replay stats */
  PKT_TIMING_ORIGINAL,      /* the capture's gaps (divided by -x) */
  PKT_TIMING_PPS,           /* --pps: a fixed packet rate */
  PKT_TIMING_MBPS           /* --mbps: a fixed bit rate */
};

typedef struct pkt_Options {
  const char *rfile;        /* -r: capture file, "-" for stdin; the
                            ** first when -r is repeated */
  const char **rfiles;      /* every -r, in order (owned array) */
  int nrfiles;              /* >1: their packets merged (source_merge.c) */
  const char *iface;        /* -i: capture interface */
  const char *wfile;        /* -w FILE: output "default"'s file, "-" for
                            ** stdout, NULL: none */
  pkt_Output *outputs;      /* output 0 "default", then each NAME of -w
                            ** NAME=FILE and -o NAME=IFACE (owned) */
  int noutputs;
  int tostdout;             /* an output is "-" */
  int wformat;              /* --format: enum pkt_Format */
  const char *oface;        /* -o: the first interface an output injects
                            ** on (-o IFACE: the default's), NULL: none */
  const char *script;       /* -f: script file */
  const char *chunk;        /* -e: script text */
  const char *user;         /* -Z: user to become once the capture is open */
  char *filter;             /* BPF expression (owned), NULL for none */
  const char **args;        /* -a NAME=VALUE, pointers into argv (owned) */
  int nargs;                /* number of -a */
  long long count;          /* -c: stop after this many packets, 0: none */
  int snaplen;              /* -s; 0: not given (source_live.c decides) */
  int bufkib;               /* -B in KiB, 0: not given (PKT_BUFKIB) */
  int immediate;            /* --immediate-mode 1, --no-immediate-mode 0,
                               -1: not given (on with -o, off otherwise) */
  int fixcksum;             /* --fix-checksums: TCP/UDP sums before -o */
  int promisc;              /* 0 with -p */
  int fanout;               /* --fanout: enum pkt_Fanout, how the workers'
                            ** live captures share the interface */
  int quiet;                /* -q: no progress line, no stats summary */
  int verbose;              /* -v: tracebacks, details on stderr */
  int buffered;             /* 0 with -U: flush the output every packet */
  uint64_t rotsize;         /* -C: bytes a -w file may reach, 0: no limit */
  int64_t rotsecs;          /* -G: seconds of a -w file's period, 0: none */
  int rotkeep;              /* -W: files of an output kept, 0: all */
  const char *rotcmd;       /* -z: command run on each closed -w file */
  int statsjson;            /* --stats=json */
  int onerror;              /* enum pkt_OnError, as given */
  long long maxinstr;       /* --max-instructions per call, 0: no limit */
  size_t maxmem;            /* --max-lua-memory in bytes, 0: no limit */
  int timing;               /* enum pkt_Timing, decided by crosscheck */
  double multiplier;        /* -x: original gaps divided by it (1) */
  double rate;              /* --pps packets/s, --mbps megabits/s */
  long long loops;          /* --loop: times the file is sent, 0: forever */
  double duration;          /* --duration in seconds, 0: none */
  unsigned shardk, shardn;  /* --shard K/N (flowhash.h), shardn 0: none */
  int workers;              /* --workers: Lua states in threads (1) */
  int outlinktype;          /* set by main.c once the script started: the
                            ** LINKTYPE_ it declared (pktlua.linktype) for
                            ** every output, -1: the input's */
} pkt_Options;

/* counters reported at exit, on SIGUSR1 and with --stats=json */
typedef struct pkt_Stats {
  uint64_t read;            /* packets handed over by the source (after BPF) */
  uint64_t passed;          /* verdict pass, and reached every output */
  uint64_t emitted;         /* sent by pktlua.emit, and reached its output */
  uint64_t failed;          /* verdict pass or emitted, lost to an output's
                            ** error (a -w write error, a refused
                            ** injection) */
  uint64_t dropped;         /* verdict drop */
  uint64_t outside;         /* read, but outside --shard's share: not seen
                               by the script, not written */
  uint64_t bytes;           /* captured bytes of the packets read */
  uint64_t passedbytes;     /* captured bytes of the passed packets */
  uint64_t lostno;          /* the packet a sink last counted as failed,
                            ** its number << 1 | emitted
                            ** (pkt_sink_lost): not counted twice */
  double elapsed;           /* seconds from the loop's start to the report
                            ** (main.c) */
  uint64_t errors;          /* script errors (packet, finish, limits) */
  uint64_t injecterrors;    /* injections that failed */
  uint64_t unknownoutputs;  /* verdict names that are no output */
  uint64_t outpassed[PKT_MAXOUTPUTS];  /* packets routed to each output */
  size_t luamem;            /* bytes the Lua state holds */
  int haskernel;            /* the fields below are valid (live) */
  unsigned kreceived;       /* pcap_stats ps_recv */
  unsigned kdropped;        /* ps_drop: no room in the buffer */
  unsigned kifdropped;      /* ps_ifdrop: dropped by the interface */
  /* -o: what sink_inject.c sent, and its failures by cause, each with the
  ** number of its first packet */
  uint64_t injected, injectedbytes;
  uint64_t msgsize, msgsizefirst;   /* EMSGSIZE: over the MTU */
  uint64_t nobufs, nobufsfirst;     /* ENOBUFS after the retries */
  uint64_t otherfail, otherfirst;   /* anything else */
  uint64_t nobufsretries;           /* ENOBUFS retried */
  uint64_t oversize, oversizefirst;   /* over the MTU: GRO/GSO frames */
  uint64_t truncated, truncatedfirst; /* cut short by -s */
  uint64_t cksumfixed;              /* --fix-checksums changed the sum */
  /* a paced or looped run (pacer.c; pkt_pacer_report) */
  int replay;               /* the fields below are valid */
  uint64_t loop;            /* the loop being sent (1-based) */
  uint64_t released, releasedbytes;  /* handed to the sinks on schedule */
  double seconds;           /* from the first packet to now or the end */
  double latemean, latep99, latemax;  /* lateness in microseconds */
  int haslate;              /* a schedule was kept (not --topspeed) */
} pkt_Stats;


/*
** One interface of the input: a pcapng Interface Description Block
** (source_pcapng.c), kept for the whole run, so a packet may point at it.
*/
typedef struct pkt_Iface {
  int index;                /* 0-based, counted across the file's sections */
  int linktype;             /* the LINKTYPE_ value */
  int dlt;                  /* the DLT_ value (libpcap's) */
  uint32_t snaplen;         /* 0: no limit */
  unsigned tsresol;         /* if_tsresol as the file says it (6: usec) */
  const char *name;         /* if_name, NULL when absent */
  const char *description;  /* if_description, NULL when absent */
  const char *file;         /* the -r file it is in, when several are
                            ** merged (source_merge.c), else NULL */
} pkt_Iface;

/*
** One packet on its way through the daemon. A source fills hdr and data;
** the loop numbers it; the script may change the bytes (in place) and the
** timestamp (info.sec/info.nsec); the sinks write hdr and data.
*/
typedef struct pkt_Packet {
  struct pcap_pkthdr hdr;   /* timestamp, caplen, len: the record's own */
  unsigned char *data;      /* caplen bytes, writable (see source.h) */
  uint64_t no;              /* 1-based packet number, for messages */
  uint64_t route;           /* the outputs it goes to (bit i: output i),
                            ** from the script's verdict */
  int nano;                 /* hdr.ts.tv_usec holds nanoseconds */
  int emitted;              /* made by pktlua.emit (no is the packet's
                            ** being handled), not read */
  uint64_t loop;            /* --loop: which pass over the file (1-based) */
  const pkt_Iface *iface;   /* its interface, NULL: the source's only one */
  const char *comment;      /* its comment(s), joined by newlines; NULL:
                            ** none (the script may set info.comment) */
  size_t commentlen;
} pkt_Packet;


/* ---- options.c: the command line ---- */
/* PKT_OK: run; PKT_DONE: --help/--version printed; PKT_ERROR_USAGE (the
** reason printed) */
int pkt_options_parse (pkt_Options *o, int argc, char **argv);
void pkt_options_free (pkt_Options *o);


/* ---- l3.c: the network-layer header ---- */
int pkt_linktype (int dlt);
/* the DLT_ value libpcap uses for a LINKTYPE_ value */
int pkt_dlt (int linktype);
/* 0-based offset of the IPv4/IPv6 header, -1 when there is none */
long pkt_l3 (int linktype, const unsigned char *p, size_t caplen);


/* ---- iface.c ---- */
/* the MTU of the interface, -1 when it cannot be known */
int pkt_ifmtu (const char *iface);


/* ---- status.c ---- */
/* pcap_activate's failure `rc` on `dev` in words ("needs root or ...");
** `what` says what the handle was for ("capture" or "inject") */
void pkt_explainactivate (char *err, const char *dev, pcap_t *p, int rc,
                          const char *what);


#endif
