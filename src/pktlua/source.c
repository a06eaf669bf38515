/*
** source.c - opening a source: the back-end the options ask for, its BPF
** filter, and what all back-ends share.
*/
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source.h"

/* the back-end's state follows the struct in the same block, aligned for
** any type (libpcap's pcap_create_common does the same) */
void *pkt_backend_new (size_t size, size_t privsize, void **priv) {
  size_t at = (size + _Alignof(max_align_t) - 1) /
              _Alignof(max_align_t) * _Alignof(max_align_t);
  char *b = calloc(1, at + privsize);
  if (b != NULL) *priv = privsize > 0 ? b + at : NULL;
  return b;
}

pkt_Source *pkt_source_new (const pkt_SourceOps *ops, size_t privsize) {
  void *priv;
  pkt_Source *s = (pkt_Source *)pkt_backend_new(sizeof(*s), privsize, &priv);
  if (s == NULL) return NULL;
  s->ops = ops;
  s->priv = priv;
  return s;
}

void pkt_source_close (pkt_Source *s) {
  if (s == NULL) return;
  s->ops->close(s);
  free(s);
}

int pkt_source_pcapfilter (pkt_Source *s, pcap_t *p, const char *expr,
                           bpf_u_int32 mask, struct bpf_program *prog,
                           char *err) {
  if (pcap_compile(p, prog, expr, 1, mask) != 0) {
    snprintf(err, PKT_ERRSIZE, "bad filter expression '%s': %s", expr,
             pcap_geterr(p));
    return PKT_ERROR_USAGE;
  }
  if (pcap_setfilter(p, prog) != 0) {
    snprintf(err, PKT_ERRSIZE, "%s: cannot set the filter: %s", s->name,
             pcap_geterr(p));
    pcap_freecode(prog);
    return PKT_ERROR;
  }
  return PKT_OK;
}

/*
** -r on a pcapng file goes to pktlua's own reader (source_pcapng.c) when
** the file can be read twice: a regular file, or standard input
** redirected from one; a pipe goes to libpcap, as does everything with
** PKTLUA_READER=libpcap. 1: *s opened (or rc an error); 0: not pcapng.
*/
static int openpcapng (pkt_Source **s, const char *name, int *rc,
                       char *err) {
  static const unsigned char shb[4] = {0x0a, 0x0d, 0x0d, 0x0a};
  const char *reader = getenv("PKTLUA_READER");
  unsigned char m[4];
  struct stat sb;
  int isstdin = strcmp(name, "-") == 0, fd;
  off_t at;
  if (reader != NULL && strcmp(reader, "libpcap") == 0) return 0;
  /* looked at before the open: a FIFO's open would wait for its writer,
  ** which is the savefile source's to do (a stop signal ends it) */
  if ((isstdin ? fstat(0, &sb) : stat(name, &sb)) != 0 ||
      !S_ISREG(sb.st_mode))
    return 0;
  fd = isstdin ? 0 : open(name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;  /* the savefile source says why */
  at = lseek(fd, 0, SEEK_CUR);
  if (at < 0 || pread(fd, m, 4, at) != 4 || memcmp(m, shb, 4) != 0)
    goto notng;
  *rc = pkt_source_openpcapng(s, isstdin ? "(stdin)" : name, fd, !isstdin,
                              err);
  return 1;
notng:
  if (!isstdin) close(fd);
  return 0;
}

int pkt_source_openfile (pkt_Source **s, const char *name, char *err) {
  int rc;
  *s = NULL;
  if (openpcapng(s, name, &rc, err)) return rc;
  rc = pkt_source_opensavefile(s, name, err);
  if (rc == PKT_OK) *s = pkt_source_fastpcap(*s);
  return rc;
}

/* the source the options ask for; group: see pkt_source_openfanout */
static int opensource (pkt_Source **out, const pkt_Options *o, int *group,
                       char *err) {
  pkt_Source *s;
  int rc;
  *out = NULL;
  if (o->nrfiles > 1)
    rc = pkt_source_openmerge(&s, o->rfiles, o->nrfiles, err);
  else if (o->rfile) rc = pkt_source_openfile(&s, o->rfile, err);
  else rc = pkt_source_openlive(&s, o, group, err);
  if (rc != PKT_OK) return rc;
  if (o->filter && (rc = s->ops->setfilter(s, o->filter, err)) != PKT_OK) {
    pkt_source_close(s);
    return rc;
  }
  *out = s;
  return PKT_OK;
}

int pkt_source_open (pkt_Source **out, const pkt_Options *o, char *err) {
  return opensource(out, o, NULL, err);
}

int pkt_source_openfanout (pkt_Source **out, const pkt_Options *o,
                           int *group, char *err) {
  if (o->iface == NULL) {
    snprintf(err, PKT_ERRSIZE, "a fanout group is for live capture (-i)");
    return PKT_ERROR_USAGE;
  }
  return opensource(out, o, group, err);
}
