/*
** script_route.h - the script's verdict as a route (script_route.c): the
** set of -w outputs a packet goes to, private to the script side.
*/
#ifndef PKT_SCRIPT_ROUTE_H
#define PKT_SCRIPT_ROUTE_H

#include <lua.h>

#include "pkt.h"
#include "script.h"

typedef struct pkt_Routes {
  int n;                                /* outputs; 0 is "default" */
  const char *names[PKT_MAXOUTPUTS];    /* interned in the state */
  char list[256];                       /* "default, dns, ..." for errors */
} pkt_Routes;

/* interns the output names of o in L (anchored in the registry) */
void pkt_routes_init (pkt_Routes *r, lua_State *L, const pkt_Options *o);
/* the verdict at stack index idx as a route (0: drop); a name that is no
** output is reported once (repeats counted) and counted in st */
uint64_t pkt_routes_verdict (pkt_Routes *r, lua_State *L, int idx,
                             pkt_Reports *rep, pkt_Stats *st,
                             uint64_t pktno);

#endif
