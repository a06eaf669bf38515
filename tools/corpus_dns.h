/*
** corpus_dns.h - corpus captures of DNS queries (corpus_dns.c), the input
** of dnsname.lua's test.
*/
#ifndef PKTGEN_CORPUS_DNS_H
#define PKTGEN_CORPUS_DNS_H

#include "capfile.h"
#include "frame.h"

void c_dns (Out *o, Rng *r);          /* well-formed queries, a response */
void c_dns_hostile (Out *o, Rng *r);  /* malformed names; one good last */

#endif
