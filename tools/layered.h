/*
** layered.h - corpus captures of the layers around IP (layered.c): more
** link layers (PPP, Cisco HDLC, PPPoE, MPLS), IPv6 extension headers and
** tunnels, each checked against tshark by the daemon's tests.
*/
#ifndef PKTGEN_LAYERED_H
#define PKTGEN_LAYERED_H

#include "capfile.h"
#include "frame.h"

void c_ppp (Out *o, Rng *r);        /* LINKTYPE_PPP */
void c_chdlc (Out *o, Rng *r);      /* LINKTYPE_C_HDLC */
void c_pppoe (Out *o, Rng *r);      /* Ethernet */
void c_mpls (Out *o, Rng *r);       /* Ethernet */
void c_ipv6ext (Out *o, Rng *r);    /* Ethernet */
void c_tunnels (Out *o, Rng *r);    /* Ethernet */

#endif
