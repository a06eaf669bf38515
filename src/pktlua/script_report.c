/*
** script_report.c - script errors on stderr, counted without flooding:
** "pktlua: script.lua:12: message (packet 37)" the first time; the same
** message again (even interleaved with others) is only counted, and
** summarised at the end, so a script failing on every packet prints a
** couple of lines, not millions.
*/
#include <stdio.h>
#include <string.h>

#include "script.h"

#define MAXSHOWN 50      /* distinct error lines before going quiet */

void pkt_reports_add (pkt_Reports *r, const char *msg, uint64_t pktno) {
  int i;
  for (i = 0; i < r->nseen; i++) {
    if (strncmp(msg, r->seen[i].msg, sizeof(r->seen[i].msg) - 1) == 0) {
      r->seen[i].more++;
      r->seen[i].lastpkt = pktno;
      return;
    }
  }
  if (r->shown >= MAXSHOWN) {
    if (!r->silenced)
      fprintf(stderr, "pktlua: too many different script errors; the "
              "rest are counted, not shown\n");
    r->silenced = 1;
    return;
  }
  fprintf(stderr, "pktlua: %s (packet %llu)\n", msg,
          (unsigned long long)pktno);
  r->shown++;
  if (r->nseen < PKT_MAXSEEN) {
    pkt_Seen *e = &r->seen[r->nseen++];
    snprintf(e->msg, sizeof(e->msg), "%s", msg);
    e->more = 0;
    e->lastpkt = pktno;
  }
}

/*
** What the summary at the end says: how often each error already shown
** came back, and when last.
*/
void pkt_reports_flush (pkt_Reports *r) {
  int i;
  for (i = 0; i < r->nseen; i++) {
    pkt_Seen *e = &r->seen[i];
    if (e->more > 0)
      fprintf(stderr, "pktlua: %s: %llu more time%s, last at packet %llu\n",
              e->msg, (unsigned long long)e->more, e->more == 1 ? "" : "s",
              (unsigned long long)e->lastpkt);
    e->more = 0;
  }
}
