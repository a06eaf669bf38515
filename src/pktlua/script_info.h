/*
** script_info.h - the info table (script_info.c), private to the script
** side: script.c makes it once and refreshes it before every packet.
*/
#ifndef PKT_SCRIPT_INFO_H
#define PKT_SCRIPT_INFO_H

#include <lua.h>

#include "edit.h"
#include "lmemlib.h"
#include "pkt.h"

#define PKT_INFO_NFIELDS 16  /* info's fields (script_info.c's fieldnames) */
#define PKT_INFO_NCACHED 4   /* of which D caches (script_info.c) */
/* stack slots of pkt_info_new: info, D, info's metatable, "__index", the
** names of the 3 stored and the cached fields, info.fragment's 3 values */
#define PKT_INFO_NSLOTS  (4 + 3 + PKT_INFO_NCACHED + 3)

typedef struct pkt_Info {
  lua_Integer len, sec, nsec;  /* the computed fields, this packet's */
  int ipversion;               /* info.ipversion, 0: false */
  int linktype;                /* the source's link type */
  int worker;                  /* info.worker: 1..N with --workers N */
  long l3;                     /* this packet's IP header, 0-based, or -1 */
  const luamem_Head *pkt;      /* the bytes info.l4 is looked for in */
  uint64_t loop;               /* info.loop */
  const pkt_Iface *iface;      /* the packet's interface, or NULL */
  const char *pcomment;        /* the packet's comment, or NULL */
  size_t pcommentlen;
  int tswritten;               /* the script wrote info.sec, info.nsec or
                               ** info.comment: pkt_info_settime applies */
  int commentset;              /* info.comment was written */
  const char *comment;         /* what it was set to (anchored), or NULL */
  size_t commentlen;
  pkt_Edit *edit;              /* the packet info.len writes to */
  int wantl4;                  /* the script read l4, proto or fragment:
                               ** D caches them for every packet */
  int swapped;                 /* info's __index is info_index (edited) */
  int want;                    /* bit R_...: caplen, l3, ipversion read or
                               ** written, stored in info every packet */
  lua_Integer cached[PKT_INFO_NCACHED];  /* what D holds, -1: nil */
  int kit;                     /* registry ref: {info, stored fields' names} */
  const void *keys[PKT_INFO_NFIELDS];  /* the field names' strings */
} pkt_Info;

/* pushes info and its helpers (PKT_INFO_NSLOTS slots); `in` must outlive
** the table (its metamethods point at it), and so must in->pkt, the head
** of the memory the script sees the packet through */
void pkt_info_new (lua_State *L, pkt_Info *in);
/* the packet p's fields, before its call (info at stack index `info`,
** its slots after it) */
void pkt_info_update (lua_State *L, pkt_Info *in, int info,
                      const pkt_Packet *p);
/* after an edit of p: caplen, len, l3 (0-based, -1: none, found by the
** caller for the output's link type) and ipversion as the bytes are now
** (any frame: no slots needed) */
void pkt_info_edited (lua_State *L, pkt_Info *in, const pkt_Packet *p,
                      long l3);
/* after the last packet: l4, proto and fragment nil (pkt is empty) */
void pkt_info_done (lua_State *L, pkt_Info *in, int info);
/* the timestamp and comment the script wrote into p (in->tswritten) */
void pkt_info_settime (pkt_Info *in, pkt_Packet *p);

#endif
