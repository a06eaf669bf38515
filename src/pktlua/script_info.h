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
#define PKT_INFO_NSLOTS  4  /* stack slots of pkt_info_new: info, 3 keys */

typedef struct pkt_Info {
  lua_Integer len, sec, nsec;  /* the computed fields, this packet's */
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
  const void *keys[PKT_INFO_NFIELDS];  /* the field names' strings */
} pkt_Info;

/* pushes info and the keys of its stored fields (PKT_INFO_NSLOTS slots);
** `in` must outlive the table (its metamethods point at it), and so must
** in->pkt, the head of the memory the script sees the packet through */
void pkt_info_new (lua_State *L, pkt_Info *in);
/* the packet p's fields, before its call (info at stack index `info`) */
void pkt_info_update (lua_State *L, pkt_Info *in, int info,
                      const pkt_Packet *p);
/* after an edit of p: caplen, len, l3 and ipversion as the bytes are now,
** l3 found by `linktype` (the output's) */
void pkt_info_edited (lua_State *L, pkt_Info *in, int info, int linktype,
                      const pkt_Packet *p);
/* the timestamp and comment the script wrote into p (in->tswritten) */
void pkt_info_settime (pkt_Info *in, pkt_Packet *p);

#endif
