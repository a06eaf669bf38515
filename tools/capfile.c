/*
** capfile.c - pcap and pcapng writing for pktgen (see capfile.h). The bytes
** depend on the arguments only, never on the host.
*/
#include "capfile.h"
#include "frame.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void out_fail (Out *o) {
  fprintf(stderr, "pktgen: %s: %s\n", o->name, strerror(errno));
  exit(1);
}

static void out_write (Out *o, const void *p, size_t n) {
  if (n > 0 && fwrite(p, 1, n, o->f) != n) out_fail(o);
}

/* a 32/16-bit field in the file's byte order (pcapng: little-endian) */
static void put32o (const Out *o, uint8_t *p, uint32_t v) {
  if (o->bigendian) put32(p, v); else put32le(p, v);
}

static void put16o (const Out *o, uint8_t *p, unsigned v) {
  if (o->bigendian) put16(p, v); else put16le(p, v);
}

void out_init (Out *o, const char *name) {
  memset(o, 0, sizeof *o);
  o->name = name;
  o->snaplen = SNAPLEN;
  o->linktype = 1;  /* LINKTYPE_ETHERNET */
  o->t = T0_SEC * 1000000000u;
}

/* pcapng: a block of type and body (padded to 4 bytes) with its lengths */
static void ng_block (Out *o, uint32_t type, const uint8_t *body, size_t n) {
  static const uint8_t zero[4] = {0, 0, 0, 0};
  uint8_t h[8], tail[4];
  size_t pad = (4 - n % 4) % 4;
  uint32_t total = (uint32_t)(12 + n + pad);
  put32o(o, h, type); put32o(o, h + 4, total); put32o(o, tail, total);
  out_write(o, h, 8); out_write(o, body, n); out_write(o, zero, pad);
  out_write(o, tail, 4);
}

static void ng_header (Out *o) {
  uint8_t shb[16], idb[20];
  int nif = o->nif > 0 ? o->nif : 1;
  put32o(o, shb, 0x1a2b3c4du);              /* byte-order magic */
  put16o(o, shb + 4, 1); put16o(o, shb + 6, 0);  /* version 1.0 */
  memset(shb + 8, 0xff, 8);                 /* section length unknown */
  ng_block(o, 0x0a0d0d0au, shb, sizeof shb);
  for (int i = 0; i < nif; i++) {
    size_t n = 8;
    put16o(o, idb, o->nif > 0 && o->iflink[i] ? o->iflink[i] : o->linktype);
    put16o(o, idb + 2, 0);
    put32o(o, idb + 4, o->snaplen);
    if (o->nano) {  /* if_tsresol = 9 (10^-9 s), then opt_endofopt */
      put16o(o, idb + 8, 9); put16o(o, idb + 10, 1);
      idb[12] = 9; idb[13] = idb[14] = idb[15] = 0;
      put32o(o, idb + 16, 0);
      n = 20;
    }
    ng_block(o, 1, idb, n);
  }
}

void out_open (Out *o) {
  uint8_t h[24];
  o->f = strcmp(o->name, "-") == 0 ? stdout : fopen(o->name, "wb");
  if (!o->f) out_fail(o);
  setvbuf(o->f, NULL, _IOFBF, 1 << 20);
  if (o->ng) { ng_header(o); return; }
  put32o(o, h, o->nano ? 0xa1b23c4du : 0xa1b2c3d4u);
  put16o(o, h + 4, 2); put16o(o, h + 6, 4);  /* version 2.4 */
  put32o(o, h + 8, 0);                       /* thiszone */
  put32o(o, h + 12, 0);                      /* sigfigs */
  put32o(o, h + 16, o->snaplen);
  put32o(o, h + 20, o->linktype);
  out_write(o, h, sizeof h);
}

void out_record (Out *o, const uint8_t *p, size_t caplen, size_t len,
                 uint64_t step) {
  uint8_t h[20];
  if (caplen > o->snaplen) caplen = o->snaplen;
  if (o->ng) {  /* Enhanced Packet Block */
    uint8_t body[20 + MAXFRAME];
    uint64_t ts = o->nano ? o->t : o->t / 1000u;
    if (caplen > MAXFRAME) { errno = EFBIG; out_fail(o); }
    put32o(o, body, o->iface);
    put32o(o, body + 4, (uint32_t)(ts >> 32));
    put32o(o, body + 8, (uint32_t)ts);
    put32o(o, body + 12, (uint32_t)caplen);
    put32o(o, body + 16, (uint32_t)len);
    memcpy(body + 20, p, caplen);
    ng_block(o, 6, body, 20 + caplen);
  } else {
    uint64_t sec = o->t / 1000000000u, ns = o->t % 1000000000u;
    put32o(o, h, (uint32_t)sec);
    put32o(o, h + 4, (uint32_t)(o->nano ? ns : ns / 1000));
    put32o(o, h + 8, (uint32_t)caplen);
    put32o(o, h + 12, (uint32_t)len);
    out_write(o, h, 16);
    out_write(o, p, caplen);
  }
  o->t += o->gap ? o->gap : step;
}

void out_frame (Out *o, const uint8_t *p, size_t len, uint64_t step) {
  out_record(o, p, len, len, step);
}

void out_close (Out *o) {
  if (fflush(o->f) != 0 || ferror(o->f)) out_fail(o);
  if (o->f != stdout && fclose(o->f) != 0) out_fail(o);
  o->f = NULL;
}
