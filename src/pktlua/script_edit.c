/*
** script_edit.c - the script's side of packets that change length, in the
** preloaded `pktlua` module (registered by module.c):
**
**   pktlua.insert(pkt, pos, n [, fill])  n bytes before pos (#pkt + 1:
**                                        at the end): zeros, the byte
**                                        `fill`, or a string or memory's
**                                        bytes (repeated to n)
**   pktlua.remove(pkt, pos, n)           n bytes from pos
**   pktlua.resize(pkt, len)              cut or zero-pad at the end
**   pktlua.linktype(n)                   in the chunk: the LINKTYPE_ of
**                                        what the script writes (-w, -o)
**
** pkt stays the same object, re-pointed at the edited bytes (edit.c), so
** layout pointers set on it stay valid; slices of it die, as at every new
** packet. Then #pkt, info.caplen, info.len (len - caplen as it came),
** info.l3 and info.ipversion tell the truth, and so does the record the
** sinks write. Positions are 1-based; negative ones count from the end.
*/
#include <stdio.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#include "layers.h"
#include "script_state.h"

static const char scriptkey = 'S';  /* registry[&scriptkey] = S */

long pkt_checkat (lua_State *L, int arg, size_t len);  /* module.c */

void pkt_edit_attach (pkt_Script *S) {
  lua_pushlightuserdata(S->L, S);
  lua_rawsetp(S->L, LUA_REGISTRYINDEX, &scriptkey);
}

/* the script whose packet is being handled; pkt is argument 1 */
/* the link type the packet came in: its interface's (pcapng), or the
** input's */
static int inlinktype (const pkt_Script *S, const pkt_Packet *p) {
  return p->iface ? p->iface->linktype : S->info.linktype;
}

static pkt_Script *checkpkt (lua_State *L) {
  pkt_Script *S = (pkt_Script *)lua_touserdata(L, lua_upvalueindex(1));
  if (S == NULL) luaL_error(L, "packet edits work only in pktlua");
  if (S->edit.cur == NULL)
    luaL_error(L, "no packet to edit (edits work in packet(), not in the "
               "chunk or finish())");
  /* pkt's userdata block starts with its head (lmemlib.h): one compare,
  ** where luamem_tohead's type check costs a third of an edit */
  if (lua_type(L, 1) != LUA_TUSERDATA || lua_touserdata(L, 1) != S->pkt)
    luaL_argerror(L, 1, "the packet (pkt of packet()) expected");
  if (!S->edit.begun) {  /* the trailer of the frame as it came */
    pkt_Packet *p = S->edit.cur;
    long l3 = S->wantsinfo ? S->info.l3  /* found for this packet already */
                           : pkt_l3(inlinktype(S, p), p->data, p->hdr.caplen);
    S->edit.trailer = pkt_trailer(p->data, p->hdr.caplen, p->hdr.len, l3);
  }
  return S;
}

/* luaL_checkinteger, its call saved on the way every edit takes */
static lua_Integer checkint (lua_State *L, int arg) {
  int isnum;
  lua_Integer v = lua_tointegerx(L, arg, &isnum);
  return isnum ? v : luaL_checkinteger(L, arg);
}

/* a 1-based position in len bytes (negative: from the end), 0-based;
** `end`: one past the last byte is a position too */
static size_t checkpos (lua_State *L, int arg, size_t len, int end) {
  lua_Integer pos = checkint(L, arg);
  if (pos < 0 && (lua_Unsigned)-(pos + 1) < len) pos += (lua_Integer)len + 1;
  if (pos < 1 || (lua_Unsigned)pos > len + (end ? 1 : 0))
    luaL_argerror(L, arg, lua_pushfstring(L, "position %I out of bounds "
                  "(the packet has %I bytes)", pos, (lua_Integer)len));
  return (size_t)(pos - 1);
}

/* a byte count in [0, max]: past it, out of bounds (remove) */
static size_t checkcount (lua_State *L, int arg, size_t max) {
  lua_Integer n = checkint(L, arg);
  if (n < 0) luaL_argerror(L, arg, "negative count");
  if ((lua_Unsigned)n > max)
    luaL_argerror(L, arg, lua_pushfstring(L, "%I bytes out of bounds (%I "
                  "from there to the end)", n, (lua_Integer)max));
  return (size_t)n;
}

/* a length the packet would have: at most PKT_EDIT_MAX */
static void checkmax (lua_State *L, lua_Integer len) {
  if (len > PKT_EDIT_MAX)
    luaL_error(L, "the packet would be %I bytes, over the maximum of %d",
               len, PKT_EDIT_MAX);
}

/* the link type the packet is in when the script is done with it */
static int outlinktype (pkt_Script *S) {
  return S->outlinktype >= 0 ? S->outlinktype
                             : inlinktype(S, S->edit.cur);
}

/* the edit done: pkt and info show the bytes as they are now */
static void edited (lua_State *L, pkt_Script *S) {
  pkt_Packet *p = S->edit.cur;
  pkt_script_repoint(S, 1, p->data, p->hdr.caplen);
  pkt_info_edited(L, &S->info, p,
                  pkt_l3(outlinktype(S), p->data, p->hdr.caplen));
}

/* n bytes at 0-based at: room made, then filled by argument fillarg (0:
** zeros) */
static void insert (lua_State *L, pkt_Script *S, size_t at, size_t n,
                    int fillarg) {
  pkt_Edit *E = &S->edit;
  char err[PKT_ERRSIZE];
  const unsigned char *fill = NULL;
  size_t flen = 0;
  int byte = 0;
  int type = fillarg == 0 ? LUA_TNONE : lua_type(L, fillarg);
  if (type == LUA_TNUMBER) {
    lua_Integer b = luaL_checkinteger(L, fillarg);
    luaL_argcheck(L, b >= 0 && b <= 255, fillarg, "byte out of range");
    byte = (int)b;
  } else if (type != LUA_TNONE && type != LUA_TNIL) {
    /* a string (the common fill, checked without luamem's type test) is
    ** never the packet's bytes; a memory may be */
    fill = type == LUA_TSTRING
           ? (const unsigned char *)lua_tolstring(L, fillarg, &flen)
           : (const unsigned char *)luamem_checkarray(L, fillarg, &flen);
    luaL_argcheck(L, flen > 0 || n == 0, fillarg, "empty fill");
    if (flen > n) flen = n;
    /* the packet's own bytes move with the edit: copied first */
    if (type != LUA_TSTRING && flen > 0 && pkt_edit_overlaps(E, fill, flen) &&
        (fill = pkt_edit_stage(E, fill, flen)) == NULL)
      luaL_error(L, "not enough memory");
  }  /* else zeros */
  if (pkt_edit_insert(E, at, n, err) != PKT_OK)
    luaL_error(L, "%s", err);
  if (fill == NULL) {
    memset(E->cur->data + at, byte, n);
  } else {
    size_t i;
    for (i = 0; i < n; i += flen)
      memcpy(E->cur->data + at + i, fill, n - i < flen ? n - i : flen);
  }
  edited(L, S);
}

static int lib_insert (lua_State *L) {
  pkt_Script *S = checkpkt(L);
  size_t len = S->edit.cur->hdr.caplen;
  size_t at = checkpos(L, 2, len, 1);
  lua_Integer n = checkint(L, 3);
  luaL_argcheck(L, n >= 0, 3, "negative count");
  checkmax(L, n > PKT_EDIT_MAX ? n : (lua_Integer)len + n);
  insert(L, S, at, (size_t)n, 4);
  return 0;
}

static int lib_remove (lua_State *L) {
  pkt_Script *S = checkpkt(L);
  size_t len = S->edit.cur->hdr.caplen;
  size_t at = checkpos(L, 2, len, 1);
  size_t n = checkcount(L, 3, len - at);
  pkt_edit_remove(&S->edit, at, n);
  edited(L, S);
  return 0;
}

static int lib_resize (lua_State *L) {
  pkt_Script *S = checkpkt(L);
  size_t len = S->edit.cur->hdr.caplen;
  lua_Integer want = luaL_checkinteger(L, 2);
  size_t n;
  luaL_argcheck(L, want >= 0, 2, "negative length");
  checkmax(L, want);
  n = (size_t)want;
  if (n < len) {
    pkt_edit_remove(&S->edit, n, len - n);
    edited(L, S);
  } else if (n > len) {
    insert(L, S, len, n - len, 0);
  }
  return 0;
}

/* pktlua.fixup(pkt [, at]): at (1-based, or info: its l3) or the IP
** header the output's link layer leads to; the IP headers fixed */
static int lib_fixup (lua_State *L) {
  pkt_Script *S = checkpkt(L);
  pkt_Packet *p = S->edit.cur;
  int lt = outlinktype(S);
  long l3 = lua_isnoneornil(L, 2) ? pkt_l3(lt, p->data, p->hdr.caplen)
                                  : pkt_checkat(L, 2, p->hdr.caplen);
  lua_pushinteger(L, pkt_fixup(p->data, p->hdr.caplen, p->hdr.len, l3,
                               lt == 1 ? 0 : -1, S->edit.trailer));
  return 1;
}

/* in the chunk: the link type the outputs are written in */
static int lib_linktype (lua_State *L) {
  pkt_Script *S = (pkt_Script *)lua_touserdata(L, lua_upvalueindex(1));
  lua_Integer n = luaL_checkinteger(L, 1);
  if (S == NULL) return luaL_error(L, "pktlua.linktype works only in pktlua");
  if (S->started)
    return luaL_error(L, "pktlua.linktype: the output's link type is "
                      "declared in the chunk, before the first packet");
  luaL_argcheck(L, n >= 0 && n <= 0xffff &&
                pcap_datalink_val_to_name(pkt_dlt((int)n)) != NULL, 1,
                "not a link type libpcap knows (a LINKTYPE_ number)");
  S->outlinktype = (int)n;
  return 0;
}

void pkt_edit_lib (lua_State *L) {
  static const luaL_Reg funcs[] = {
    {"insert", lib_insert},
    {"remove", lib_remove},
    {"resize", lib_resize},
    {"fixup", lib_fixup},
    {"linktype", lib_linktype},
    {NULL, NULL}
  };
  lua_rawgetp(L, LUA_REGISTRYINDEX, &scriptkey);  /* nil outside pktlua */
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_pushlightuserdata(L, NULL);
  }
  luaL_setfuncs(L, funcs, 1);
}
