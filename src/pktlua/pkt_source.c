/*
** pkt_source.c - packet sources, one table of operations per kind as
** libpcap does it: a savefile (-r) or a live interface (-i).
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pkt.h"


/*
** {======================================================
** Savefiles
** =======================================================
*/

/*
** The file's own timestamp unit, so the output keeps it: a pcap file with
** the microsecond magic is written back in microseconds; nanosecond pcap,
** pcapng (whose resolution is per interface) and anything we cannot peek
** at (a pipe) are read and written in nanoseconds, which loses nothing.
*/
static int nativenano (FILE *f) {
  unsigned char m[4];
  long pos = ftell(f);
  int nano = 1;
  if (pos < 0) return 1;  /* not seekable */
  if (fread(m, 1, 4, f) == 4) {
    if ((m[0] == 0xa1 && m[1] == 0xb2 && m[2] == 0xc3 && m[3] == 0xd4) ||
        (m[0] == 0xd4 && m[1] == 0xc3 && m[2] == 0xb2 && m[3] == 0xa1))
      nano = 0;
  }
  if (fseek(f, pos, SEEK_SET) != 0) return -1;
  clearerr(f);
  return nano;
}

static int file_next (pkt_Source *s, struct pcap_pkthdr **h,
                      const u_char **data) {
  int rc = pcap_next_ex(s->pcap, h, data);
  return rc == PCAP_ERROR_BREAK ? -2 : rc;  /* -2: end of file */
}

/*
** Fast path for the common savefile: a regular file in pcap format 2.4,
** read in large blocks with pread into our own buffer, each record handed
** out in place (libpcap's pcap_next_ex costs two fread calls and a copy
** per packet, a third of a short packet's path). Only records libpcap
** would hand out unchanged are taken: caplen within the snapshot and the
** length, timestamps that fit libpcap's 32-bit signed fields. At anything
** else (such a record, a short read, the end of the file) the FILE is
** moved to that record and libpcap reads the rest, so its checks and its
** error messages stay exactly as they were.
*/
static uint32_t rd32 (const unsigned char *p, int swap) {
  uint32_t v;
  memcpy(&v, p, sizeof(v));
  if (swap)
    v = (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
  return v;
}

/* keeps the unread bytes and fills the rest of the buffer; 0: none came */
static int refill (pkt_Source *s) {
  ssize_t got;
  size_t left = s->rn - s->ri;
  if (left > 0 && s->ri > 0) memmove(s->rbuf, s->rbuf + s->ri, left);
  s->rbase += (off_t)s->ri;
  s->rn = left;
  s->ri = 0;
  got = pread(fileno(pcap_file(s->pcap)), s->rbuf + left, PKT_IOBUF - left,
              s->rbase + (off_t)left);
  if (got <= 0) return 0;
  s->rn += (size_t)got;
  return 1;
}

/* libpcap reads on from the record at rbuf[ri] */
static int handover (pkt_Source *s, struct pcap_pkthdr **h,
                     const u_char **data) {
  FILE *f = pcap_file(s->pcap);
  off_t at = s->rbase + (off_t)s->ri;
  free(s->rbuf);
  s->rbuf = NULL;
  if (fseeko(f, at, SEEK_SET) != 0) return -1;  /* cannot happen: a file */
  return file_next(s, h, data);
}

static int fast_next (pkt_Source *s, struct pcap_pkthdr **h,
                      const u_char **data) {
  const unsigned char *r;
  uint32_t sec, frac, caplen, len;
  for (;;) {
    if (s->rbuf == NULL) return file_next(s, h, data);
    if (s->rn - s->ri < 16 && !refill(s)) return handover(s, h, data);
    if (s->rn - s->ri < 16) return handover(s, h, data);
    r = s->rbuf + s->ri;
    sec = rd32(r, s->rswap);
    frac = rd32(r + 4, s->rswap);
    caplen = rd32(r + 8, s->rswap);
    len = rd32(r + 12, s->rswap);
    if (caplen > s->rsnap || caplen > len || sec > INT32_MAX ||
        frac > INT32_MAX)
      return handover(s, h, data);
    if (s->rn - s->ri < 16 + (size_t)caplen) {
      if (!refill(s) || s->rn - s->ri < 16 + (size_t)caplen)
        return handover(s, h, data);
      r = s->rbuf + s->ri;
    }
    s->rhdr.ts.tv_sec = (time_t)sec;
    s->rhdr.ts.tv_usec = (suseconds_t)frac;
    s->rhdr.caplen = caplen;
    s->rhdr.len = len;
    s->ri += 16 + (size_t)caplen;
    /* what libpcap's reader does with the filter set on the handle */
    if (s->rfilter && pcap_offline_filter(&s->rprog, &s->rhdr, r + 16) == 0)
      continue;
    *h = &s->rhdr;
    *data = r + 16;
    return 1;
  }
}

/*
** Turns the fast path on when the file allows it: a regular file, the
** pcap 2.4 header libpcap has just read (nothing else in front), the
** timestamp unit the handle was opened with. A BPF filter is applied
** here with the program libpcap's reader would run (rprog).
** PKTLUA_READER=libpcap in the environment leaves every record to
** libpcap (to rule this reader out when a capture reads oddly).
*/
static void fastopen (pkt_Source *s) {
  FILE *f = pcap_file(s->pcap);
  unsigned char hdr[24];
  uint32_t magic;
  struct stat sb;
  int swap;
  const char *reader = getenv("PKTLUA_READER");
  if (reader != NULL && *reader != '\0') {
    if (strcmp(reader, "libpcap") == 0) return;
    fprintf(stderr, "pktlua: warning: PKTLUA_READER=%s is not 'libpcap': "
            "ignored\n", reader);
  }
  if (f == NULL || fstat(fileno(f), &sb) != 0 ||
      !S_ISREG(sb.st_mode) || ftello(f) != 24 ||
      pread(fileno(f), hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr))
    return;
  swap = pcap_is_swapped(s->pcap);
  magic = rd32(hdr, swap);
  if ((magic != 0xa1b2c3d4u || s->nano) && (magic != 0xa1b23c4du || !s->nano))
    return;
  if (pcap_major_version(s->pcap) != 2 || pcap_minor_version(s->pcap) != 4 ||
      pcap_snapshot(s->pcap) <= 0)
    return;
  if ((s->rbuf = malloc(PKT_IOBUF)) == NULL) return;
  s->rswap = swap;
  s->rsnap = (uint32_t)pcap_snapshot(s->pcap);
  s->rbase = 24;
  s->rn = s->ri = 0;
}

static double file_progress (pkt_Source *s) {
  FILE *f = pcap_file(s->pcap);
  long pos;
  if (s->size <= 0 || f == NULL) return -1.0;
  if (s->rbuf != NULL)  /* the fast path reads past the FILE's position */
    return (double)(s->rbase + (off_t)s->ri) / (double)s->size;
  if ((pos = ftell(f)) < 0) return -1.0;
  return (double)pos / (double)s->size;
}

static void file_stats (pkt_Source *s, pkt_Stats *st) {
  (void)s;
  st->haskernel = 0;
}

static void any_close (pkt_Source *s) {
  if (s->pcap) pcap_close(s->pcap);  /* closes the FILE too */
  s->pcap = NULL;
  free(s->iobuf);
  s->iobuf = NULL;
  free(s->rbuf);
  s->rbuf = NULL;
  if (s->rfilter) pcap_freecode(&s->rprog);
  s->rfilter = 0;
}

static const pkt_SourceOps file_ops = {
  "file", fast_next, file_stats, file_progress, any_close
};

static int openfile (pkt_Source *s, const char *name, char *err) {
  char perr[PCAP_ERRBUF_SIZE] = "";
  struct stat sb;
  FILE *f;
  int nano, isstdin = strcmp(name, "-") == 0;
  if (isstdin) {
    f = stdin;
    s->name = "(stdin)";
  }
  else if ((f = fopen(name, "rb")) == NULL) {
    snprintf(err, PKT_ERRSIZE, "%s: %s", name, strerror(errno));
    return -1;
  }
  /* before any other use of the stream; NULL (no memory) keeps stdio's */
  if ((s->iobuf = malloc(PKT_IOBUF)) != NULL &&
      setvbuf(f, s->iobuf, _IOFBF, PKT_IOBUF) != 0) {
    free(s->iobuf);
    s->iobuf = NULL;
  }
  if (fstat(fileno(f), &sb) == 0) {
    if (S_ISDIR(sb.st_mode)) {
      snprintf(err, PKT_ERRSIZE, "%s: is a directory", name);
      if (!isstdin) fclose(f);
      free(s->iobuf);
      s->iobuf = NULL;
      return -1;
    }
    if (S_ISREG(sb.st_mode) && !isstdin) s->size = sb.st_size;
  }
  nano = nativenano(f);
  if (nano < 0) {
    snprintf(err, PKT_ERRSIZE, "%s: %s", s->name, strerror(errno));
    if (!isstdin) fclose(f);
    free(s->iobuf);
    s->iobuf = NULL;
    return -1;
  }
  s->pcap = pcap_fopen_offline_with_tstamp_precision(f,
              nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO,
              perr);
  if (s->pcap == NULL) {  /* libpcap's words are clear ("unknown file format") */
    snprintf(err, PKT_ERRSIZE, "%s: %s", s->name, perr);
    if (!isstdin) fclose(f);
    free(s->iobuf);
    s->iobuf = NULL;
    return -1;
  }
  s->nano = nano;
  s->ops = &file_ops;
  return 0;
}

/* }====================================================== */


/*
** {======================================================
** Live capture
** =======================================================
*/

static int live_next (pkt_Source *s, struct pcap_pkthdr **h,
                      const u_char **data) {
  int rc = pcap_next_ex(s->pcap, h, data);
  return rc == PCAP_ERROR_BREAK ? -2 : rc;  /* -2: pcap_breakloop (signal) */
}

static void live_stats (pkt_Source *s, pkt_Stats *st) {
  struct pcap_stat ps;
  if (pcap_stats(s->pcap, &ps) == 0) {
    st->haskernel = 1;
    st->kreceived = ps.ps_recv;
    st->kdropped = ps.ps_drop;
    st->kifdropped = ps.ps_ifdrop;
  }
}

static double live_progress (pkt_Source *s) {
  (void)s;
  return -1.0;
}

static const pkt_SourceOps live_ops = {
  "live", live_next, live_stats, live_progress, any_close
};

/*
** pcap_activate's codes in words a user can act on. `what` says what the
** handle was for ("capture" or "inject").
*/
void pkt_explainactivate (char *err, const char *dev, pcap_t *p, int rc,
                          const char *what) {
  const char *detail = pcap_geterr(p);
  switch (rc) {
    case PCAP_ERROR_NO_SUCH_DEVICE:
      snprintf(err, PKT_ERRSIZE, "%s: no such device (%s)", dev, detail);
      break;
    case PCAP_ERROR_PERM_DENIED:
      snprintf(err, PKT_ERRSIZE,
               "%s: permission denied: to %s, pktlua needs root or "
               "CAP_NET_RAW (%s)", dev, what, detail);
      break;
    case PCAP_ERROR_PROMISC_PERM_DENIED:
      snprintf(err, PKT_ERRSIZE,
               "%s: permission denied for promiscuous mode (try -p)", dev);
      break;
    case PCAP_ERROR_IFACE_NOT_UP:
      snprintf(err, PKT_ERRSIZE, "%s: interface is down", dev);
      break;
    default:
      snprintf(err, PKT_ERRSIZE, "%s: %s%s%s", dev, pcap_statustostr(rc),
               detail[0] ? ": " : "", detail);
      break;
  }
}

static int openlive (pkt_Source *s, const pkt_Options *o, char *err) {
  char perr[PCAP_ERRBUF_SIZE] = "";
  int rc;
  s->name = o->iface;
  s->pcap = pcap_create(o->iface, perr);
  if (s->pcap == NULL) {
    snprintf(err, PKT_ERRSIZE, "%s: %s", o->iface, perr);
    return -1;
  }
  pcap_set_snaplen(s->pcap, o->snaplen);
  pcap_set_promisc(s->pcap, o->promisc);
  /* a packet reaches the script when it arrives, not when a buffer fills */
  pcap_set_immediate_mode(s->pcap, 1);
  if (o->bufkib > 0) pcap_set_buffer_size(s->pcap, o->bufkib * 1024);
  s->nano = pcap_set_tstamp_precision(s->pcap,
                                      PCAP_TSTAMP_PRECISION_NANO) == 0;
  rc = pcap_activate(s->pcap);
  if (rc < 0) {
    pkt_explainactivate(err, o->iface, s->pcap, rc, "capture");
    any_close(s);
    return -1;
  }
  if (rc > 0)  /* a warning: the capture runs, but the user should know */
    fprintf(stderr, "pktlua: warning: %s: %s%s%s\n", o->iface,
            pcap_statustostr(rc), pcap_geterr(s->pcap)[0] ? ": " : "",
            pcap_geterr(s->pcap));
  /* the precision actually in effect */
  s->nano = pcap_get_tstamp_precision(s->pcap) == PCAP_TSTAMP_PRECISION_NANO;
  /* a bridge forwards what it receives; without this, -i X -o X would
  ** capture its own injections */
  if (o->oface != NULL && pcap_setdirection(s->pcap, PCAP_D_IN) != 0 &&
      o->verbose)
    fprintf(stderr, "pktlua: %s: cannot capture inbound only: %s\n",
            o->iface, pcap_geterr(s->pcap));
  s->ops = &live_ops;
  return 0;
}

/* }====================================================== */


static int setfilter (pkt_Source *s, const pkt_Options *o, char *err) {
  struct bpf_program prog;
  bpf_u_int32 net = 0, mask = PCAP_NETMASK_UNKNOWN;
  char perr[PCAP_ERRBUF_SIZE];
  if (o->filter == NULL) return 0;
  /* the netmask only matters for "ip broadcast" */
  if (o->iface && pcap_lookupnet(o->iface, &net, &mask, perr) != 0)
    mask = PCAP_NETMASK_UNKNOWN;
  if (pcap_compile(s->pcap, &prog, o->filter, 1, mask) != 0) {
    snprintf(err, PKT_ERRSIZE, "bad filter expression '%s': %s", o->filter,
             pcap_geterr(s->pcap));
    return -2;
  }
  if (pcap_setfilter(s->pcap, &prog) != 0) {
    snprintf(err, PKT_ERRSIZE, "%s: cannot set the filter: %s", s->name,
             pcap_geterr(s->pcap));
    pcap_freecode(&prog);
    return -1;
  }
  if (o->rfile) {  /* kept for the fast path */
    s->rprog = prog;
    s->rfilter = 1;
  }
  else pcap_freecode(&prog);
  return 0;
}

int pkt_source_open (pkt_Source *s, const pkt_Options *o, char *err) {
  int rc;
  memset(s, 0, sizeof(*s));
  s->name = o->rfile ? o->rfile : o->iface;
  rc = o->rfile ? openfile(s, o->rfile, err) : openlive(s, o, err);
  if (rc != 0) return rc;
  s->dlt = pcap_datalink(s->pcap);
  s->linktype = pkt_linktype(s->dlt);
  s->snaplen = pcap_snapshot(s->pcap);
  if ((rc = setfilter(s, o, err)) != 0) {
    s->ops->close(s);
    return rc;
  }
  if (o->rfile) fastopen(s);
  return 0;
}
