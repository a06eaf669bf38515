/*
** flowhash.c - the symmetric flow hash behind --shard (and, later,
** --workers): one value per conversation, whichever way a packet goes.
**
** Symmetric by ordering, not by a commutative mix: the two endpoints
** (address, then port) are put in a fixed order before they are hashed,
** so A:a -> B:b and B:b -> A:a hash the same words. (An XOR of the two
** sides would be symmetric too, but it maps every pair with the same XOR
** to one value: 10.0.0.1 <-> 10.0.0.2 and 10.0.0.5 <-> 10.0.0.6 collide.)
**
** The hash is part of the command line's contract: N machines running
** --shard K/N over copies of one capture must agree on every packet,
** whatever their byte order, pktlua's build or the day. So the seed is a
** constant, bytes are read big-endian by shifts, and tests/c pins known
** values: a change to them splits existing shard sets and needs saying.
**
** Fragments: every fragment of a datagram, the first included, is hashed
** by its addresses and protocol only, never its ports. Later fragments
** carry no transport header; if the first fragment were hashed with its
** ports, it would land in another share than the rest of its datagram,
** and no share could reassemble it (a first fragment's ports may even be
** cut off). For IPv6 the "protocol" is the fragment header itself: the
** next header named in it is not part of the reassembly key (RFC 8200
** 4.5: addresses and identification), and in the first fragment
** extension headers may come between it and the transport header.
** The price: a flow whose packets are sometimes fragmented is split
** between its fragments' share and its whole packets' share, as with the
** kernel's fanout hash; a script that reassembles still sees whole
** datagrams together, which is what matters.
**
** Tunnels: the outer header only. Every packet of a GRE, IP-in-IP or
** GTP-U tunnel between two endpoints lands in one share (they carry no
** ports, or fixed ones); VXLAN and Geneve spread anyway, since their
** senders set the outer UDP source port from the inner flow (RFC 7348
** 5, RFC 8926 3.3). A script that wants the inner flow hashes it itself:
** pktlua.flowhash(pkt, pktlua.inner(pkt, info)).
*/
#include "flowhash.h"
#include "layers.h"

#define SEED 0x706b746c75610017ull   /* "pktlua", and the issue it is for */
#define MUL  0x9e3779b97f4a7c15ull   /* 2^64 / golden ratio, odd */
#define MUL2 0xff51afd7ed558ccdull   /* the final mix's multipliers */
#define MUL3 0xc4ceb9fe1a85ec53ull

#define IP_TCP     6
#define IP_AH      51
#define IP_UDP     17
#define IP_DCCP    33
#define IP_FRAGMENT 44
#define IP_SCTP    132
#define IP_UDPLITE 136

#define LT_ETHERNET 1

static uint64_t get32 (const unsigned char *p) {
  return (uint64_t)p[0] << 24 | (uint64_t)p[1] << 16 | (uint64_t)p[2] << 8 |
         p[3];
}

static uint64_t get64 (const unsigned char *p) {
  return get32(p) << 32 | get32(p + 4);
}

static uint64_t get48 (const unsigned char *p) {
  return get32(p) << 16 | (uint64_t)p[4] << 8 | p[5];
}

/* one word into the state: a multiply spreads low bits up, the shift
** brings high bits down for the next word */
static uint64_t absorb (uint64_t h, uint64_t w) {
  h = (h ^ w) * MUL;
  return h ^ (h >> 32);
}

/* the final avalanche; the top 32 bits are the best mixed */
static uint32_t fold (uint64_t h) {
  h ^= h >> 33;
  h *= MUL2;
  h ^= h >> 33;
  h *= MUL3;
  h ^= h >> 33;
  return (uint32_t)(h >> 32);
}

/* protocols whose header starts with a source and a destination port */
static int hasports (int proto) {
  return proto == IP_TCP || proto == IP_UDP || proto == IP_SCTP ||
         proto == IP_DCCP || proto == IP_UDPLITE;
}

/*
** Not IP: the Ethernet addresses, ordered. Other link types carry one
** address (SLL: the sender's) or none, which cannot be made symmetric:
** all their non-IP packets get one value (one share).
*/
static uint32_t linkhash (int linktype, const unsigned char *p,
                          size_t caplen) {
  uint64_t a, b;
  if (linktype != LT_ETHERNET || caplen < 12) return fold(SEED);
  a = get48(p);
  b = get48(p + 6);
  if (a > b) { uint64_t t = a; a = b; b = t; }
  return fold(absorb(absorb(SEED, a), b));
}

/*
** Where the ports to hash are (-1: none) behind the IP header at l3, and
** the protocol to hash in *proto (the header's, to start with). IPv4
** without AH and IPv6 with the transport header first are read here, on
** the way most packets take; anything else through layers.c's walk.
*/
static long ports (const unsigned char *p, size_t caplen, size_t l3,
                   int *proto) {
  const unsigned char *ip = p + l3;
  size_t off;
  pkt_L4 r;
  if (ip[0] >> 4 == 4) {
    size_t hl = (size_t)(ip[0] & 15) * 4;
    if ((ip[6] & 0x3f) | ip[7]) return -1;  /* MF or an offset: a fragment */
    if (*proto == IP_AH || hl < 20) goto walk;
    off = l3 + hl;
  } else {
    if (!hasports(*proto)) goto walk;
    off = l3 + 40;
  }
  return hasports(*proto) && off <= caplen && caplen - off >= 4
         ? (long)off : -1;
walk:
  pkt_l4(p, caplen, (long)l3, &r);
  if (r.frag == PKT_FRAG_FIRST || r.frag == PKT_FRAG_LATER) {
    /* no ports, even in the first: see above */
    if (ip[0] >> 4 == 6) *proto = IP_FRAGMENT;
    return -1;
  }
  if (r.proto < 0) return -1;
  *proto = r.proto;
  return hasports(r.proto) && r.off >= 0 && caplen - (size_t)r.off >= 4
         ? r.off : -1;
}

uint32_t pkt_flowhash (int linktype, const unsigned char *p, size_t caplen,
                       long l3) {
  const unsigned char *ip;
  uint64_t a0, a1 = 0, b0, b1 = 0, h;
  unsigned pa = 0, pb = 0, version;
  int proto;
  long l4;
  if (l3 < 0 || (size_t)l3 >= caplen) return linkhash(linktype, p, caplen);
  ip = p + l3;
  version = ip[0] >> 4;
  if (version == 4 && caplen - (size_t)l3 >= 20) {
    a0 = get32(ip + 12);
    b0 = get32(ip + 16);
    proto = ip[9];
  } else if (version == 6 && caplen - (size_t)l3 >= 40) {
    a0 = get64(ip + 8);
    a1 = get64(ip + 16);
    b0 = get64(ip + 24);
    b1 = get64(ip + 32);
    proto = ip[6];
  } else {
    return linkhash(linktype, p, caplen);  /* the IP header is cut */
  }
  l4 = ports(p, caplen, (size_t)l3, &proto);
  if (l4 >= 0) {
    pa = (unsigned)p[l4] << 8 | p[l4 + 1];
    pb = (unsigned)p[l4 + 2] << 8 | p[l4 + 3];
  }
  /* the endpoints in a fixed order: the smaller address first, or the
  ** smaller port when the addresses are the same */
  if (a0 > b0 || (a0 == b0 && (a1 > b1 || (a1 == b1 && pa > pb)))) {
    uint64_t t;
    unsigned tp;
    t = a0; a0 = b0; b0 = t;
    t = a1; a1 = b1; b1 = t;
    tp = pa; pa = pb; pb = tp;
  }
  h = SEED;
  if (version == 4) {
    h = absorb(h, a0 << 32 | b0);
  } else {
    h = absorb(h, a0);
    h = absorb(h, a1);
    h = absorb(h, b0);
    h = absorb(h, b1);
  }
  h = absorb(h, (uint64_t)pa << 48 | (uint64_t)pb << 32 |
                (uint64_t)proto << 8 | version);
  return fold(h);
}

/*
** The frame most captures are made of, hashed without the walks: Ethernet
** with no tag, IPv4 with no options and no fragment, a protocol with
** ports, the ports captured. The words and their order are
** pkt_flowhash's, so is the value (tests/c/test_flowhash.c compares the
** two over mutated frames). The reader of --workers hashes every packet
** before any worker sees it: this is a third of its work per 64-byte
** frame, the walks two thirds of that.
*/
static int fastframe (const unsigned char *p, size_t caplen, uint32_t *h) {
  const unsigned char *ip = p + 14;
  uint64_t a, b;
  unsigned pa, pb, proto;
  if (caplen < 14 + 20 + 4 || p[12] != 0x08 || p[13] != 0x00 ||
      ip[0] != 0x45 || (ip[6] & 0x3f) | ip[7] || !hasports(ip[9]))
    return 0;
  proto = ip[9];
  a = get32(ip + 12);
  b = get32(ip + 16);
  pa = (unsigned)ip[20] << 8 | ip[21];
  pb = (unsigned)ip[22] << 8 | ip[23];
  if (a > b || (a == b && pa > pb)) {
    uint64_t t = a;
    unsigned tp = pa;
    a = b; b = t;
    pa = pb; pb = tp;
  }
  *h = fold(absorb(absorb(SEED, a << 32 | b),
                   (uint64_t)pa << 48 | (uint64_t)pb << 32 |
                   (uint64_t)proto << 8 | 4));
  return 1;
}

uint32_t pkt_flowhash_frame (int linktype, const unsigned char *p,
                             size_t caplen) {
  uint32_t h;
  if (linktype == LT_ETHERNET && fastframe(p, caplen, &h)) return h;
  return pkt_flowhash(linktype, p, caplen, pkt_l3(linktype, p, caplen));
}
