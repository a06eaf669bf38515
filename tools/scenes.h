/*
** scenes.h - named hosts and small conversations, the material of pktgen's
** demo captures and of its test corpus.
*/
#ifndef PKTGEN_SCENES_H
#define PKTGEN_SCENES_H

#include "capfile.h"
#include "frame.h"

/* addresses, written a.b.c.d so tests can grep for them */
#define A4(a, b, c, d) {a, b, c, d}
extern const uint8_t h_client[4], h_client2[4], h_laptop[4], h_phone[4],
  h_gw[4], h_lab[4], h_web[4], h_router[4], h_dns[4], h_ntp[4];
extern const uint8_t a_ex[4];      /* an example.com address, in answers */
extern const uint8_t h6_client[16], h6_web[16], h6_dns[16];

extern const uint8_t opt_mss[4];   /* MSS 1460 */
extern const uint8_t opt_mss6[4];  /* MSS 1440 */
extern const uint8_t opt_ra[4];    /* Router Alert */
extern const uint8_t opt_rr[8];    /* NOP, Record Route for one address, EOL */
extern const char http_get[], http_ok[];

/* A DNS message: one question for `name` (dotted) of type qtype; a response
** carries one answer with rdata `ans`. Returns the length. */
size_t dns (uint8_t *p, uint16_t id, int response, const char *name,
            uint16_t qtype, const uint8_t *ans, size_t anslen);
/* An NTPv4 client or server message sent at time t (ns); returns 48. */
size_t ntp_msg (uint8_t *p, int server, uint64_t t);

/* one frame, 1 ms (+ jitter) after the previous one */
void emit (Out *o, Spec *s, Rng *r);
/* the IPv4 datagram s as in-order fragments of chunk bytes of payload */
void emit_fragments (Out *o, Spec *s, Rng *r, size_t chunk);
void set4 (Spec *s, const uint8_t *src, const uint8_t *dst);

/* A TCP conversation: handshake, an HTTP request and response, FIN both
** ways (base gives the link layer and IP version; alen 4 or 16). */
void tcp_conv (Out *o, Rng *r, Spec base, const uint8_t *cl,
               const uint8_t *sv, size_t alen, uint16_t cport, uint16_t sport);
/* A DNS query and its response over UDP. */
void dns_pair (Out *o, Rng *r, Spec base, const uint8_t *cl,
               const uint8_t *sv, size_t alen, uint16_t cport,
               const char *name, uint16_t qtype,
               const uint8_t *ans, size_t anslen);
/* ICMP echo request and reply (ICMPv6 when base.v6). */
void ping_pair (Out *o, Rng *r, Spec base, const uint8_t *cl,
                const uint8_t *sv, size_t alen, uint16_t seq);

#endif
