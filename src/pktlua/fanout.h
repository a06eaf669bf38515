/*
** fanout.h - live capture by several workers: each worker's capture of
** one interface joins one PACKET_FANOUT group, and the kernel hands each
** packet to one member of the group (doc/workers.md, "Live capture").
**
**   int group = -1;                         -- no group yet
**   pkt_fanout_join(p1, "eth0", PKT_FANOUT_HASH, &group, err);  -- makes it
**   pkt_fanout_join(p2, "eth0", PKT_FANOUT_HASH, &group, err);  -- joins it
**
** Linux only; elsewhere pkt_fanout_join fails with a message that says so.
*/
#ifndef PKT_FANOUT_H
#define PKT_FANOUT_H

#include "pkt.h"

/* "hash", "cpu", "lb" for an enum pkt_Fanout */
const char *pkt_fanout_name (int mode);

/*
** Joins the socket of the activated live capture p (on iface, for the
** messages) to a fanout group of `mode` (enum pkt_Fanout): *group < 0
** makes a new group whose id no other group of this network namespace
** has, and stores that id in *group; else p joins the group *group. Every
** member must be opened with the same settings (the kernel compares the
** interface, the protocol and the mode). PKT_OK, or PKT_ERROR with err
** naming the interface and the kernel's reason.
*/
int pkt_fanout_join (pcap_t *p, const char *iface, int mode, int *group,
                     char *err);

#endif
