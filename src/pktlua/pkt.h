/*
** pkt.h - the pktlua daemon's internal interfaces.
**
** One packet's path: a source (savefile or live, pkt_source.c) hands a
** header and bytes to the loop (pkt_main.c); pkt_l3.c finds the network
** header; the script (pkt_script.c) sees the bytes through one reused
** reference memory and returns a verdict; a sink (pkt_sink.c) writes or
** injects what passed.
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

/* stdio buffer of the capture file and the -w file: a 4 KiB default means
** one system call per ~50 small packets */
#define PKT_IOBUF (1 << 20)

/* room for one error line (libpcap's own buffer is smaller) */
#define PKT_ERRSIZE 1024

/* what a script error on a packet does (--on-error) */
enum pkt_OnError { PKT_ONERR_PASS, PKT_ONERR_DROP, PKT_ONERR_ABORT };

typedef struct pkt_Options {
  const char *rfile;        /* -r: capture file, "-" for stdin */
  const char *iface;        /* -i: capture interface */
  const char *wfile;        /* -w: output file, "-" for stdout */
  const char *oface;        /* -o: interface passed packets are injected on */
  const char *script;       /* -f: script file */
  const char *chunk;        /* -e: script text */
  const char *user;         /* -Z: user to become once the capture is open */
  char *filter;             /* BPF expression (owned), NULL for none */
  const char **args;        /* -a NAME=VALUE, pointers into argv (owned) */
  int nargs;                /* number of -a */
  long long count;          /* -c: stop after this many packets, 0: none */
  int snaplen;              /* -s */
  int bufkib;               /* -B in KiB, 0: libpcap's default */
  int promisc;              /* 0 with -p */
  int quiet;                /* -q: no progress line, no stats summary */
  int verbose;              /* -v: tracebacks, details on stderr */
  int buffered;             /* 0 with -U: flush the output every packet */
  int statsjson;            /* --stats=json */
  int onerror;              /* enum pkt_OnError */
  long long maxinstr;       /* --max-instructions per call, 0: no limit */
  size_t maxmem;            /* --max-lua-memory in bytes, 0: no limit */
} pkt_Options;

/* counters reported at exit, on SIGUSR1 and with --stats=json */
typedef struct pkt_Stats {
  uint64_t read;            /* packets handed over by libpcap (after BPF) */
  uint64_t passed;          /* verdict pass (written/injected) */
  uint64_t dropped;         /* verdict drop */
  uint64_t errors;          /* script errors (packet, finish, limits) */
  uint64_t injecterrors;    /* pcap_inject failures */
  size_t luamem;            /* bytes the Lua state holds */
  int haskernel;            /* the fields below are valid (live) */
  unsigned kreceived;       /* pcap_stats ps_recv */
  unsigned kdropped;        /* ps_drop: no room in the buffer */
  unsigned kifdropped;      /* ps_ifdrop: dropped by the interface */
} pkt_Stats;


/* ---- pkt_options.c ---- */
/* 0: run; 1: exit 0 (--help, --version printed); -1: exit 2 (said why) */
int pkt_options_parse (pkt_Options *o, int argc, char **argv);
void pkt_options_free (pkt_Options *o);


/* ---- pkt_source.c: where packets come from ---- */
typedef struct pkt_Source pkt_Source;

typedef struct pkt_SourceOps {
  const char *kind;                               /* "file" or "live" */
  /* 1 packet, 0 nothing yet (live), -2 end or interrupted, -1 error */
  int (*next) (pkt_Source *s, struct pcap_pkthdr **h, const u_char **data);
  void (*stats) (pkt_Source *s, pkt_Stats *st);  /* kernel counters */
  double (*progress) (pkt_Source *s);            /* fraction read, <0: n/a */
  void (*close) (pkt_Source *s);
} pkt_SourceOps;

struct pkt_Source {
  const pkt_SourceOps *ops;
  pcap_t *pcap;
  const char *name;         /* file name or interface, for messages */
  int dlt;                  /* pcap_datalink() */
  int linktype;             /* the LINKTYPE_ value scripts see */
  int snaplen;              /* pcap_snapshot() */
  int nano;                 /* ts.tv_usec holds nanoseconds */
  off_t size;               /* file size for the progress line, 0: unknown */
  char *iobuf;              /* the file's stdio buffer (owned) */
  /* savefile records read by pktlua itself (pkt_source.c's fast path) */
  unsigned char *rbuf;      /* PKT_IOBUF bytes of the file (owned), or NULL */
  size_t rn, ri;            /* bytes in rbuf; where the next record starts */
  off_t rbase;              /* file offset of rbuf[0] */
  int rswap;                /* the file's byte order is not ours */
  uint32_t rsnap;           /* records with more bytes go to libpcap */
  struct pcap_pkthdr rhdr;  /* the header next() hands out */
  /* the BPF filter of a -r file, which the fast path applies itself */
  struct bpf_program rprog;
  int rfilter;              /* rprog holds a program (owned) */
};

/* 0 ok; -1 error (err says why); -2 usage error (bad BPF expression) */
int pkt_source_open (pkt_Source *s, const pkt_Options *o, char *err);
/* pcap_activate's failure `rc` on `dev` in words ("needs root or ...") */
void pkt_explainactivate (char *err, const char *dev, pcap_t *p, int rc,
                          const char *what);


/* ---- pkt_l3.c: the network-layer header ---- */
int pkt_linktype (int dlt);
/* 0-based offset of the IPv4/IPv6 header, -1 when there is none */
long pkt_l3 (int linktype, const unsigned char *p, size_t caplen);


/* ---- pkt_sink.c: where passed packets go ---- */
typedef struct pkt_Sink {
  pcap_t *dead;             /* handle pcap_dump_open needs */
  pcap_dumper_t *dumper;    /* -w */
  pcap_t *out;              /* -o */
  const char *wname;        /* -w argument, for messages */
  const char *oname;        /* -o argument */
  int flush;                /* flush after each packet (-U) */
  int injectreported;       /* first inject error printed */
  char *iobuf;              /* the -w file's stdio buffer (owned) */
  unsigned char *rec;       /* records not yet given to stdio (owned) */
  size_t nrec;              /* bytes of them */
} pkt_Sink;

int pkt_sink_openinject (pkt_Sink *k, const pkt_Options *o,
                         const pkt_Source *s, char *err);
int pkt_sink_openfile (pkt_Sink *k, const pkt_Options *o,
                       const pkt_Source *s, char *err);
void pkt_sink_write (pkt_Sink *k, const struct pcap_pkthdr *h,
                     const u_char *data, pkt_Stats *st);
/* flushes and closes; 0 ok, -1 write error (err says why) */
int pkt_sink_close (pkt_Sink *k, char *err);


/* ---- the loop: pkt_main.c feeds packets, pkt_script.c runs them ---- */
#define PKT_FEED_STOP   0  /* end of input, -c, SIGINT/SIGTERM, input error */
#define PKT_FEED_PACKET 1  /* a packet is in the pkt_Packet */
#define PKT_FEED_RELOAD 2  /* SIGHUP: reload the script between packets */

typedef struct pkt_Packet {
  const struct pcap_pkthdr *h;  /* libpcap's header */
  unsigned char *data;      /* libpcap's buffer, writable (see pkt_main.c) */
  uint64_t no;              /* 1-based packet number, for messages */
  int nano;                 /* h->ts.tv_usec holds nanoseconds */
} pkt_Packet;

/* the next packet into *p; one of PKT_FEED_* */
typedef int (*pkt_Fetch) (void *ud, pkt_Packet *p);
/* the verdict on a packet: count it, and write/inject it if it passes */
typedef void (*pkt_Deliver) (void *ud, const pkt_Packet *p, int pass);


/* ---- pkt_script.c: the Lua side ---- */
typedef struct pkt_Script pkt_Script;

/* creates the state and compiles the script; NULL on error (err) */
pkt_Script *pkt_script_new (const pkt_Options *o, char *err);
/* runs the chunk once and finds `packet`; 0 ok, -1 error (err) */
int pkt_script_start (pkt_Script *S, int linktype, char *err);
/* runs fetched packets through packet() and delivers them until fetch
** says stop or reload; returns that PKT_FEED_*, or -1 when a script error
** ends the run (--on-error=abort; that packet is delivered as dropped) */
int pkt_script_run (pkt_Script *S, pkt_Fetch fetch, pkt_Deliver deliver,
                    void *ud, pkt_Stats *st);
/* one packet through the script, under its own protected call, for a
** harness that runs its own loop (fuzz/fuzz_capture.c); l3 is found again
** from the bytes. 1 pass, 0 drop, -1 abort (--on-error=abort) */
int pkt_script_packet (pkt_Script *S, const struct pcap_pkthdr *h,
                       unsigned char *data, int nano, long l3,
                       uint64_t pktno, pkt_Stats *st);
/* empties the reference memory and calls finish(); 0 ok, -1 error */
int pkt_script_finish (pkt_Script *S, pkt_Stats *st);
/* SIGHUP: a fresh state from the same script; on failure the old one
** stays. 0 reloaded, -1 kept the old one (reason printed). */
int pkt_script_reload (pkt_Script **S, int linktype, pkt_Stats *st);
size_t pkt_script_memory (pkt_Script *S);
void pkt_script_close (pkt_Script *S);
/* async-signal-safe: make the running script raise "interrupted" */
void pkt_script_interrupt (pkt_Script *S);

#endif
