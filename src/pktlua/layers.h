/*
** layers.h - the packet's layers as the daemon finds them: the network
** header behind the link layer (l3.c), the transport header behind the IP
** headers and the packet a tunnel carries (layers.c). Offsets are 0-based
** here; scripts see them 1-based. Every read is checked against caplen.
*/
#ifndef PKT_LAYERS_H
#define PKT_LAYERS_H

#include "pkt.h"

/* ---- l3.c: the IP header behind a link layer ---- */
/* the IP header in a payload of ethertype `type` at `off` (VLAN tags,
** MPLS, PPPoE on the way), -1 when there is none */
long pkt_l3_payload (const unsigned char *p, size_t caplen, unsigned type,
                     size_t off);
/* the same behind an Ethernet header at `off`, and a PPP frame */
long pkt_l3_ethernet (const unsigned char *p, size_t caplen, size_t off);
long pkt_l3_ppp (const unsigned char *p, size_t caplen, size_t off);

/* ---- layers.c: the transport header, tunnels ---- */
enum pkt_Frag {
  PKT_FRAG_UNKNOWN = -1,  /* not IP, or cut before it could be told */
  PKT_FRAG_NONE = 0,      /* a whole datagram */
  PKT_FRAG_FIRST = 1,     /* the first fragment: it has the transport header */
  PKT_FRAG_LATER = 2      /* any other fragment */
};

/* what follows an IP header */
typedef struct pkt_L4 {
  long off;    /* the transport header (TCP, UDP, ICMP, GRE, ...), -1 none */
  int proto;   /* its protocol number, -1 when not known */
  int frag;    /* enum pkt_Frag */
} pkt_L4;

/*
** The header after the IP header at l3 (-1: none) and its IPv4 options or
** IPv6 extension headers (hop-by-hop, routing, destination options,
** fragment, AH; AH after IPv4 too). off is -1 for a later fragment, a cut
** header chain, No Next Header (59), or when not a byte of the header is
** captured; proto is known whenever the chain up to it is captured.
*/
void pkt_l4 (const unsigned char *p, size_t caplen, long l3, pkt_L4 *r);

/* tunnels, as pkt_inner names them */
enum pkt_Tunnel {
  PKT_TUN_NONE = 0,
  PKT_TUN_IP,       /* IP in IP: protocol 4 or 41 */
  PKT_TUN_GRE,      /* GRE: IP, MPLS or Ethernet (0x6558) inside */
  PKT_TUN_VXLAN,    /* UDP to port 4789: Ethernet inside */
  PKT_TUN_GENEVE,   /* UDP to port 6081: Ethernet or IP inside */
  PKT_TUN_GTPU      /* UDP to port 2152, a G-PDU: IP inside */
};

/*
** The IP header of the packet that the transport header l4 carries (IP in
** IP, GRE, VXLAN, Geneve, GTP-U), -1 when none; *kind gets the tunnel.
*/
long pkt_inner (const unsigned char *p, size_t caplen, const pkt_L4 *l4,
                int *kind);
/* a tunnel's name ("gre", ...) */
const char *pkt_tunnelname (int kind);

/* ---- fixup.c: lengths and checksums after edits ---- */
/* Sets the lengths and checksums of the IP packet at l3 and of the
** packets it carries, in p[0..caplen) of len bytes on the wire, and the
** length of a PPPoE session header behind the Ethernet header at `eth`
** (-1: none); the last `trailer` bytes are not IP. Returns the IP headers
** fixed. */
int pkt_fixup (unsigned char *p, size_t caplen, size_t len, long l3,
               long eth, size_t trailer);
/* the bytes after the IP packet at l3 (by its length field) in a frame
** captured whole: Ethernet padding, an FCS; 0 when cut or not IP */
size_t pkt_trailer (const unsigned char *p, size_t caplen, size_t len,
                    long l3);

#endif
