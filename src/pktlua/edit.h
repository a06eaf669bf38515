/*
** edit.h - packets that change length (edit.c): the bytes of the packet
** being handled move, on their first edit that needs room, into one
** reused buffer with head- and tailroom; the packet record (pkt_Packet)
** is re-pointed there, so the sinks write what the script made. Packets
** that are not edited are never copied.
*/
#ifndef PKT_EDIT_H
#define PKT_EDIT_H

#include "pkt.h"

#define PKT_EDIT_ROOM 256            /* head- and tailroom of the buffer */
#define PKT_EDIT_MAX  (256 * 1024)   /* no edit makes a packet longer */
/* the buffer's first size: a jumbo frame and its room, so that packets
** of every usual size reuse it from the first edit on */
#define PKT_EDIT_FIRST (2 * PKT_EDIT_ROOM + 9216)

typedef struct pkt_Edit {
  pkt_Packet *cur;          /* the packet being handled, NULL outside */
  int begun;                /* cur was edited: lo, hi, uncaptured valid */
  unsigned char *lo, *hi;   /* where cur's bytes may grow without a move */
  uint32_t uncaptured;      /* len - caplen of cur as it came (kept) */
  size_t trailer;           /* bytes after its IP packet as it came, which
                            ** pktlua.fixup leaves out of the IP length:
                            ** set by the script side, kept here as the
                            ** bytes at the end of the frame, less what
                            ** removals cut, plus what goes in or after */
  unsigned char *buf;       /* the reused buffer (owned) */
  size_t size;              /* its size */
  unsigned char *scratch;   /* a fill that overlaps the packet (owned) */
  size_t scratchsize;
} pkt_Edit;

/* n bytes made at 0-based `at` (at <= caplen) of E->cur, their content
** undefined: PKT_OK, or PKT_ERROR when the packet would pass
** PKT_EDIT_MAX or no memory is left (err says which); nothing changed then */
int pkt_edit_insert (pkt_Edit *E, size_t at, size_t n, char *err);
/* n bytes removed from 0-based `at` (at + n <= caplen); never fails */
void pkt_edit_remove (pkt_Edit *E, size_t at, size_t n);
/* the length on the wire of E->cur (at least its caplen): what was never
** captured, kept by the edits after */
void pkt_edit_setwirelen (pkt_Edit *E, uint32_t len);
/* a copy of the n bytes at src in E's scratch area (a fill taken from
** the packet itself stays valid across a move): NULL when out of memory */
const unsigned char *pkt_edit_stage (pkt_Edit *E, const void *src,
                                     size_t n);
/* src points into the bytes an edit may move */
int pkt_edit_overlaps (const pkt_Edit *E, const void *src, size_t n);
/* releases the buffers */
void pkt_edit_free (pkt_Edit *E);

#endif
