/*
** pcapcmp: compare two capture files packet by packet.
**   pcapcmp [-t] A B
** Prints one line
**   packets_a=N packets_b=N same=N differ=N lendiff=N tsdiff=N
** followed by "offset=K count=N" for the byte offsets that differ (the
** first 16 distinct ones, most frequent first), so a difference in
** semantics (say, a UDP checksum one side recomputes) shows where it is.
** With -t timestamps must match too. Exit status: 0 identical, 1 not.
*/
#define _DEFAULT_SOURCE  /* libpcap's headers use u_int, u_char */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXOFF 65536

static unsigned long offcount[MAXOFF];

static pcap_t *openfile (const char *path) {
  char err[PCAP_ERRBUF_SIZE];
  pcap_t *p = pcap_open_offline_with_tstamp_precision(path,
                  PCAP_TSTAMP_PRECISION_NANO, err);
  if (p == NULL) {
    fprintf(stderr, "pcapcmp: %s\n", err);
    exit(2);
  }
  return p;
}

static int next (pcap_t *p, struct pcap_pkthdr **h, const unsigned char **d) {
  int r = pcap_next_ex(p, h, d);
  if (r == PCAP_ERROR) {
    fprintf(stderr, "pcapcmp: %s\n", pcap_geterr(p));
    exit(2);
  }
  return r == 1;
}

int main (int argc, char **argv) {
  int checkts = 0, argi = 1, more_a, more_b;
  unsigned long na = 0, nb = 0, same = 0, differ = 0, lendiff = 0, tsdiff = 0;
  pcap_t *a, *b;
  if (argc > 1 && strcmp(argv[1], "-t") == 0) { checkts = 1; argi++; }
  if (argc - argi != 2) {
    fputs("usage: pcapcmp [-t] A B\n", stderr);
    return 2;
  }
  a = openfile(argv[argi]);
  b = openfile(argv[argi + 1]);
  for (;;) {
    struct pcap_pkthdr *ha, *hb;
    const unsigned char *da, *db;
    int eq = 1;
    more_a = next(a, &ha, &da);
    more_b = next(b, &hb, &db);
    na += more_a;
    nb += more_b;
    if (!more_a || !more_b) break;
    if (ha->ts.tv_sec != hb->ts.tv_sec || ha->ts.tv_usec != hb->ts.tv_usec) {
      tsdiff++;
      if (checkts) eq = 0;
    }
    if (ha->caplen != hb->caplen || ha->len != hb->len) {
      lendiff++;
      eq = 0;
    }
    else if (memcmp(da, db, ha->caplen) != 0) {
      bpf_u_int32 i;
      for (i = 0; i < ha->caplen && i < MAXOFF; i++)
        if (da[i] != db[i]) offcount[i]++;
      eq = 0;
    }
    if (eq) same++; else differ++;
  }
  {  /* count what is left of the longer file */
    struct pcap_pkthdr *h;
    const unsigned char *d;
    while (more_a && next(a, &h, &d)) na++;
    while (more_b && next(b, &h, &d)) nb++;
  }
  printf("packets_a=%lu packets_b=%lu same=%lu differ=%lu lendiff=%lu tsdiff=%lu\n",
         na, nb, same, differ, lendiff, tsdiff);
  {
    int shown;
    for (shown = 0; shown < 16; shown++) {  /* selection: 16 largest counts */
      unsigned long best = 0;
      int bi = -1, i;
      for (i = 0; i < MAXOFF; i++)
        if (offcount[i] > best) { best = offcount[i]; bi = i; }
      if (bi < 0) break;
      printf("offset=%d count=%lu\n", bi, best);
      offcount[bi] = 0;
    }
  }
  pcap_close(a);
  pcap_close(b);
  return (na == nb && differ == 0) ? 0 : 1;
}
