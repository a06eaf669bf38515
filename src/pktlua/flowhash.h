/*
** flowhash.h - a symmetric flow hash (flowhash.c): both directions of a
** connection, and every fragment of a datagram, give the same value, on
** every machine and in every run. --shard K/N keeps the packets whose
** hash falls in share K of N; scripts read it as info.flow and
** pktlua.flowhash, pktlua.share.
*/
#ifndef PKT_FLOWHASH_H
#define PKT_FLOWHASH_H

#include <stddef.h>
#include <stdint.h>

/*
** The flow hash of a packet of link type `linktype` (LINKTYPE_ value)
** whose IP header starts at the 0-based offset l3 (pkt_l3; -1 when not
** IP). What goes in:
**   IPv4/IPv6: the two addresses, the protocol and, for TCP, UDP, SCTP,
**     DCCP and UDP-Lite, the two ports (when captured);
**   a fragment (first or later): the addresses and the protocol only
**     (IPv6: the addresses only);
**   a tunnel: its outer header only;
**   not IP: the two Ethernet addresses (other link types: one value).
** Reads only captured bytes; allocates nothing.
*/
uint32_t pkt_flowhash (int linktype, const unsigned char *p, size_t caplen,
                       long l3);

/* the same for a frame whose IP header is still to be found */
uint32_t pkt_flowhash_frame (int linktype, const unsigned char *p,
                             size_t caplen);

/* the share (0..n-1) of n that the hash h falls in: the high bits of h
** scaled to n, so every share is a contiguous range of hashes */
static inline unsigned pkt_flowshare (uint32_t h, unsigned n) {
  return (unsigned)(((uint64_t)h * n) >> 32);
}

#endif
