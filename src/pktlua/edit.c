/*
** edit.c - the bytes of a packet that changes length. A packet starts in
** its source's record (writable until the next packet); removals and
** truncations stay there (the smaller side of the cut moves). Growth
** moves the smaller side into the room around the packet when there is
** some, else the packet into the reused buffer, PKT_EDIT_ROOM bytes from
** each end: a VLAN tag pushed costs a copy of the frame and a move of 12
** bytes, a second one only the move. The buffer grows on demand and is
** kept: no allocation per packet.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edit.h"

/* the packet as it came: where it may grow, what was never captured */
static void begin (pkt_Edit *E) {
  pkt_Packet *p = E->cur;
  if (E->begun) return;
  E->begun = 1;
  E->lo = p->data;
  E->hi = p->data + p->hdr.caplen;
  E->uncaptured = p->hdr.len > p->hdr.caplen ? p->hdr.len - p->hdr.caplen
                                             : 0;
}

/* the record's lengths after an edit: len - caplen as it came */
static void setlen (pkt_Edit *E, size_t caplen) {
  pkt_Packet *p = E->cur;
  p->hdr.caplen = (bpf_u_int32)caplen;
  p->hdr.len = E->uncaptured > UINT32_MAX - caplen
               ? UINT32_MAX : (bpf_u_int32)(caplen + E->uncaptured);
}

/*
** Moves the packet into the buffer (made larger when it must be) with a
** gap of n bytes at `at`: [room][at bytes][gap][the rest][room]. The
** packet may already be in the buffer, anywhere: the half that moves
** toward the other goes second.
*/
static int recenter (pkt_Edit *E, size_t at, size_t n, char *err) {
  pkt_Packet *p = E->cur;
  size_t len = p->hdr.caplen, tail = len - at;
  size_t need = PKT_EDIT_ROOM + len + n + PKT_EDIT_ROOM;
  unsigned char *d;
  if (need > E->size) {
    size_t size = E->size * 2 > need ? E->size * 2 : need;
    if (size < PKT_EDIT_FIRST) size = PKT_EDIT_FIRST;
    unsigned char *nb = malloc(size);
    if (nb == NULL) {
      snprintf(err, PKT_ERRSIZE, "not enough memory for a %zu-byte packet",
               len + n);
      return PKT_ERROR;
    }
    memcpy(nb + PKT_EDIT_ROOM, p->data, at);
    memcpy(nb + PKT_EDIT_ROOM + at + n, p->data + at, tail);
    free(E->buf);  /* the packet may have been there: copied now */
    E->buf = nb;
    E->size = size;
  } else {
    d = E->buf + PKT_EDIT_ROOM;
    if (d > p->data) {  /* toward the end: the tail first */
      memmove(d + at + n, p->data + at, tail);
      memmove(d, p->data, at);
    } else {
      memmove(d, p->data, at);
      memmove(d + at + n, p->data + at, tail);
    }
  }
  p->data = E->buf + PKT_EDIT_ROOM;
  E->lo = E->buf;
  E->hi = E->buf + E->size;
  return PKT_OK;
}

int pkt_edit_insert (pkt_Edit *E, size_t at, size_t n, char *err) {
  pkt_Packet *p = E->cur;
  size_t len = p->hdr.caplen, front, back;
  if (n > PKT_EDIT_MAX || len > PKT_EDIT_MAX - n) {
    snprintf(err, PKT_ERRSIZE, "the packet would be %zu bytes, over the "
             "maximum of %d", n > PKT_EDIT_MAX ? n : len + n, PKT_EDIT_MAX);
    return PKT_ERROR;
  }
  if (n == 0) return PKT_OK;
  begin(E);
  if (at > len - (E->trailer < len ? E->trailer : len))
    E->trailer += n;  /* inside the trailer, or after it: more of it */
  front = (size_t)(p->data - E->lo);
  back = (size_t)(E->hi - (p->data + len));
  if (n <= front && (at <= len - at || n > back)) {  /* the front moves */
    memmove(p->data - n, p->data, at);
    p->data -= n;
  } else if (n <= back) {  /* the tail moves */
    memmove(p->data + at + n, p->data + at, len - at);
  } else if (recenter(E, at, n, err) != PKT_OK) {
    return PKT_ERROR;
  }
  setlen(E, len + n);
  return PKT_OK;
}

void pkt_edit_remove (pkt_Edit *E, size_t at, size_t n) {
  pkt_Packet *p = E->cur;
  size_t len = p->hdr.caplen, tail = len - at - n;
  if (n == 0) return;
  begin(E);
  if (E->trailer > 0) {  /* what is cut from the trailer is no more */
    size_t tstart = len > E->trailer ? len - E->trailer : 0;
    if (at + n > tstart) E->trailer -= at + n - (at > tstart ? at : tstart);
  }
  if (at <= tail) {  /* the front moves up to the cut */
    memmove(p->data + n, p->data, at);
    p->data += n;
  } else {
    memmove(p->data + at, p->data + at + n, tail);
  }
  setlen(E, len - n);
}

void pkt_edit_setwirelen (pkt_Edit *E, uint32_t len) {
  begin(E);
  E->uncaptured = len - E->cur->hdr.caplen;
  setlen(E, E->cur->hdr.caplen);
}

int pkt_edit_overlaps (const pkt_Edit *E, const void *src, size_t n) {
  const unsigned char *s = (const unsigned char *)src;
  const pkt_Packet *p = E->cur;
  /* compared as addresses: the ranges may belong to different objects */
  uintptr_t a = (uintptr_t)s, b = a + n;
  uintptr_t lo = (uintptr_t)(E->begun ? E->lo : p->data);
  uintptr_t hi = (uintptr_t)(E->begun ? E->hi : p->data + p->hdr.caplen);
  if (a < hi && b > lo) return 1;
  return E->buf != NULL && a < (uintptr_t)(E->buf + E->size) &&
         b > (uintptr_t)E->buf;
}

const unsigned char *pkt_edit_stage (pkt_Edit *E, const void *src,
                                     size_t n) {
  if (n > E->scratchsize) {
    unsigned char *s = realloc(E->scratch, n);
    if (s == NULL) return NULL;
    E->scratch = s;
    E->scratchsize = n;
  }
  memcpy(E->scratch, src, n);
  return E->scratch;
}

void pkt_edit_free (pkt_Edit *E) {
  free(E->buf);
  free(E->scratch);
  E->buf = E->scratch = NULL;
  E->size = E->scratchsize = 0;
}
