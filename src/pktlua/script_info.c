/*
** script_info.c - the info table: the fields of the packet being handled,
** which a script reads on every packet, and the two it may write.
*/
#include <lua.h>
#include <lauxlib.h>

#include "flowhash.h"
#include "layers.h"
#include "script_info.h"

/* the stored fields' keys, at info + KEY_... on the stack */
#define KEY_CAPLEN 1
#define KEY_L3     2
#define KEY_IPVER  3

/*
** caplen, l3 and ipversion, which scripts read on every packet to find
** their headers, are plain fields of the table: a read costs what any
** table read costs. They are stored before every packet, changed or not:
** a table has no hook for writes to keys it holds, so a store skipped
** because the value had not changed would leave a script's write in place
** for later packets. So a script may overwrite them (to hand a helper
** another header, say) and the next packet still sees its own.
** len, sec, nsec, linktype and loop are not in the table: info's __index
** computes them when read, which costs nothing to scripts that do not
** read them (a store is the dearest step of the per-packet path), and
** their writes reach __newindex: sec and nsec set the packet's timestamp
** (what -w writes, and when a replay sends the packet); len sets the
** length on the wire (#pkt or more: what was never captured, which edits
** then keep, script_edit.c); linktype and loop (the pass over the file,
** --loop) are read-only. Edits re-store caplen, l3 and ipversion. Other
** keys are the script's own and stay. l4, proto and fragment are computed too, when
** read (layers.c's walk over the IP header chain, in the bytes as they are
** then): a script that never reads them pays not even the walk. So is
** flow, the symmetric flow hash (flowhash.c) that --shard splits by.
** interface, ifname and comment (a pcapng input's) are computed too;
** comment is writable (what a pcapng -w writes).
*/
enum {  /* fieldnames' order: the per-packet reads first (fieldof's loop) */
  F_L4, F_PROTO, F_FRAGMENT, F_LEN, F_SEC, F_NSEC, F_LINKTYPE, F_LOOP,
  F_CAPLEN, F_L3, F_IPVERSION, F_IFACE, F_IFNAME, F_COMMENT, F_FLOW,
  F_WORKER
};
static const char *const fieldnames[PKT_INFO_NFIELDS] = {
  "l4", "proto", "fragment", "len", "sec", "nsec", "linktype", "loop",
  "caplen", "l3", "ipversion", "interface", "ifname", "comment", "flow",
  "worker"
};

/* the packet's own link type: its interface's, or the source's */
static int linktypeof (const pkt_Info *in, const pkt_Iface *iface) {
  return iface ? iface->linktype : in->linktype;
}

/*
** Which of info's fields the key at `arg` names, or -1. Short strings are
** interned, so a key is compared by identity with the state's own copies
** (in->keys, anchored in info's metatable): no strcmp, not even a type
** test (lua_topointer gives any other value a pointer of its own, or NULL).
*/
static int fieldof (pkt_Info *in, lua_State *L, int arg) {
  const void *k = lua_topointer(L, arg);
  int i;
  for (i = 0; i < PKT_INFO_NFIELDS; i++)
    if (k == in->keys[i]) return i;
  return -1;
}

static int info_index (lua_State *L) {
  pkt_Info *in = (pkt_Info *)lua_touserdata(L, lua_upvalueindex(1));
  int f = fieldof(in, L, 2);
  switch (f) {
    case F_L4: case F_PROTO: case F_FRAGMENT: {
      pkt_L4 r;
      pkt_l4((const unsigned char *)in->pkt->mem, in->pkt->len, in->l3, &r);
      if (f == F_L4 && r.off >= 0) lua_pushinteger(L, r.off + 1);
      else if (f == F_PROTO && r.proto >= 0) lua_pushinteger(L, r.proto);
      else if (f == F_FRAGMENT && r.frag >= 0)  /* "none", "first", "later" */
        lua_pushvalue(L, lua_upvalueindex(2 + r.frag));
      else lua_pushnil(L);
      break;
    }
    case F_LEN: lua_pushinteger(L, in->len); break;
    case F_SEC: lua_pushinteger(L, in->sec); break;
    case F_NSEC: lua_pushinteger(L, in->nsec); break;
    case F_LINKTYPE: lua_pushinteger(L, linktypeof(in, in->iface)); break;
    case F_LOOP: lua_pushinteger(L, (lua_Integer)in->loop); break;
    case F_IFACE:
      lua_pushinteger(L, in->iface ? in->iface->index : 0);
      break;
    case F_IFNAME:
      if (in->iface && in->iface->name) lua_pushstring(L, in->iface->name);
      else lua_pushnil(L);
      break;
    case F_COMMENT:
      if (in->commentset && in->comment)
        lua_pushlstring(L, in->comment, in->commentlen);
      else if (!in->commentset && in->pcomment)
        lua_pushlstring(L, in->pcomment, in->pcommentlen);
      else lua_pushnil(L);
      break;
    case F_FLOW:  /* flowhash.c's, as --shard uses it */
      lua_pushinteger(L, pkt_flowhash(linktypeof(in, in->iface),
                                      (const unsigned char *)in->pkt->mem,
                                      in->pkt->len, in->l3));
      break;
    case F_WORKER: lua_pushinteger(L, in->worker); break;
    default: lua_pushnil(L); break;  /* l3 when not IP, the script's own */
  }
  return 1;
}

/* a whole number in [0, max] for info.`name` */
static lua_Integer tsfield (lua_State *L, const char *name,
                            lua_Integer max) {
  int isnum;
  lua_Integer v = lua_tointegerx(L, 3, &isnum);
  if (!isnum || v < 0 || v > max)
    luaL_error(L, "info.%s: %s is not an integer in 0..%I", name,
               luaL_tolstring(L, 3, NULL), max);
  return v;
}

static int info_newindex (lua_State *L) {
  pkt_Info *in = (pkt_Info *)lua_touserdata(L, lua_upvalueindex(1));
  int f = fieldof(in, L, 2);
  switch (f) {
    case F_SEC: in->sec = tsfield(L, "sec", 0xffffffff); break;  /* pcap's */
    case F_NSEC: in->nsec = tsfield(L, "nsec", 999999999); break;
    case F_COMMENT:  /* anchored in the registry until the next write */
      if (!lua_isnil(L, 3) && lua_type(L, 3) != LUA_TSTRING)
        return luaL_error(L, "info.comment: a string or nil, not a %s",
                          luaL_typename(L, 3));
      lua_pushvalue(L, 3);
      lua_setfield(L, LUA_REGISTRYINDEX, "pktlua.comment");
      in->comment = lua_tolstring(L, 3, &in->commentlen);
      in->commentset = 1;
      break;
    case F_LEN: {
      int isnum;
      lua_Integer v = lua_tointegerx(L, 3, &isnum);
      if (in->edit == NULL || in->edit->cur == NULL)
        return luaL_error(L, "info.len: no packet (written in packet())");
      if (!isnum || v < (lua_Integer)in->pkt->len || v > 0xffffffff)
        return luaL_error(L, "info.len: %s is not an integer in %I..%I "
                          "(#pkt to 2^32-1)", luaL_tolstring(L, 3, NULL),
                          (lua_Integer)in->pkt->len, (lua_Integer)0xffffffff);
      pkt_edit_setwirelen(in->edit, (uint32_t)v);
      in->len = v;
      return 0;
    }
    case F_LINKTYPE: case F_L4: case F_PROTO: case F_FRAGMENT:
    case F_LOOP: case F_IFACE: case F_IFNAME: case F_FLOW: case F_WORKER:
      return luaL_error(L, "info.%s is read-only (only info.sec, "
                        "info.nsec, info.len and info.comment can be "
                        "written)", fieldnames[f]);
    default: lua_rawset(L, 1); return 0;  /* stored, reset next packet */
  }
  in->tswritten = 1;
  return 0;
}

void pkt_info_settime (pkt_Info *in, pkt_Packet *p) {
  p->hdr.ts.tv_sec = (time_t)in->sec;
  p->hdr.ts.tv_usec = (suseconds_t)(p->nano ? in->nsec : in->nsec / 1000);
  if (in->commentset) {
    p->comment = in->comment;
    p->commentlen = in->comment ? in->commentlen : 0;
  }
  in->tswritten = 0;
}

void pkt_info_new (lua_State *L, pkt_Info *in) {
  static const char *const keys[] = {  /* the order of the KEY_... */
    "caplen", "l3", "ipversion"
  };
  int info = lua_gettop(L) + 1;
  size_t i;
  /* l3 comes and goes (nil when not IP). Inserted first, it sits in its
  ** main position of the node array, where re-inserting it always finds
  ** room: no rehash, so no allocation, however often it changes. */
  lua_createtable(L, 0, 4);                            /* info */
  lua_pushstring(L, "l3");
  lua_pushinteger(L, 0);
  lua_rawset(L, info);
  for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
    lua_pushstring(L, keys[i]);                        /* KEY_... */
    lua_pushvalue(L, -1);
    lua_pushinteger(L, 0);
    lua_rawset(L, info);
  }
  lua_createtable(L, PKT_INFO_NFIELDS, 3);
  /* the field names, anchored in the metatable for their addresses */
  for (i = 0; i < PKT_INFO_NFIELDS; i++) {
    lua_pushstring(L, fieldnames[i]);
    in->keys[i] = lua_topointer(L, -1);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_pushlightuserdata(L, in);
  lua_pushliteral(L, "none");  /* info.fragment's values, PKT_FRAG_... */
  lua_pushliteral(L, "first");
  lua_pushliteral(L, "later");
  lua_pushcclosure(L, info_index, 4);
  lua_setfield(L, -2, "__index");
  lua_pushlightuserdata(L, in);
  lua_pushcclosure(L, info_newindex, 1);
  lua_setfield(L, -2, "__newindex");
  lua_pushliteral(L, "pktlua info");  /* setmetatable(info) is an error */
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, info);
}

/*
** info[key] = v, the key at info + k (no lookup by name). lua_settable,
** not lua_rawset: over a value it stores in place without rawset's
** bookkeeping (a third cheaper); a key the script emptied goes through
** info_newindex, which stores it raw.
*/
static void setfield (lua_State *L, int info, int k, lua_Integer v) {
  lua_pushvalue(L, info + k);
  if (v > 0 || k == KEY_CAPLEN) lua_pushinteger(L, v);
  else if (k == KEY_L3) lua_pushnil(L);  /* l3 0: not IP */
  else lua_pushboolean(L, 0);  /* ipversion: a key that never goes away */
  lua_settable(L, info);
}

/* the IP version of a header that starts with byte b: 4, 6 or 0 */
static lua_Integer ipversion (unsigned char b) {
  return (b >> 4 == 4 || b >> 4 == 6) ? b >> 4 : 0;
}

void pkt_info_edited (lua_State *L, pkt_Info *in, int info, int linktype,
                      const pkt_Packet *p) {
  long l3 = pkt_l3(linktype, p->data, p->hdr.caplen);
  in->l3 = l3;
  in->len = (lua_Integer)p->hdr.len;
  lua_pushinteger(L, (lua_Integer)p->hdr.caplen);
  lua_setfield(L, info, "caplen");
  if (l3 >= 0) lua_pushinteger(L, (lua_Integer)l3 + 1);
  else lua_pushnil(L);
  lua_setfield(L, info, "l3");
  if (l3 >= 0 && ipversion(p->data[l3]) != 0)
    lua_pushinteger(L, ipversion(p->data[l3]));
  else lua_pushboolean(L, 0);
  lua_setfield(L, info, "ipversion");
}

void pkt_info_update (lua_State *L, pkt_Info *in, int info,
                      const pkt_Packet *p) {
  long l3 = pkt_l3(linktypeof(in, p->iface), p->data, p->hdr.caplen);
  in->l3 = l3;
  in->iface = p->iface;
  in->pcomment = p->comment;
  in->pcommentlen = p->commentlen;
  in->commentset = 0;
  in->len = (lua_Integer)p->hdr.len;
  in->loop = p->loop;
  in->sec = (lua_Integer)p->hdr.ts.tv_sec;
  in->nsec = p->nano ? (lua_Integer)p->hdr.ts.tv_usec
                     : (lua_Integer)p->hdr.ts.tv_usec * 1000;
  setfield(L, info, KEY_CAPLEN, (lua_Integer)p->hdr.caplen);
  setfield(L, info, KEY_L3, l3 >= 0 ? (lua_Integer)l3 + 1 : 0);  /* 1-based */
  /* the version nibble a script would read first: one byte here saves it
  ** a layout access (pkt_l3 checked that byte is captured) */
  setfield(L, info, KEY_IPVER, l3 >= 0 ? ipversion(p->data[l3]) : 0);
}
