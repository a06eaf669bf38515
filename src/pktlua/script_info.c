/*
** script_info.c - the info table: the fields of the packet being handled,
** which a script reads on every packet, and the two it may write.
*/
#include <lua.h>
#include <lauxlib.h>

#include "flowhash.h"
#include "layers.h"
#include "script_info.h"

/*
** How the table is built, for speed. A read of a key a table holds costs
** a few instructions; one that goes on to a second table through an
** __index table ~125 more; one that reaches a C __index a function call,
** ~350; a store ~100. So:
**
** caplen, l3 and ipversion, which most scripts read on every packet, are
** plain fields of info, stored before every packet, changed or not (a
** table has no hook for writes to keys it holds, so a store skipped
** because the value had not changed would leave a script's write in
** place for later packets): a script may overwrite them, to hand a
** helper another header say, and the next packet still sees its own.
** Each is stored only once the script has read (or written) it: until
** then info_index answers it, and a script that never reads it pays no
** store.
**
** linktype, l4, proto and fragment are read-only, so they live in a
** second table, D, info's __index: a write to info.l4 still reaches
** info_newindex (info has no such key) and is refused. D is written only
** when a value differs from the one it holds (in->cached): a run of
** packets alike costs a comparison each. l4, proto and fragment are
** cached from the packet after the script first read one of them (until
** then they are computed when read: a script that never reads them pays
** not even layers.c's walk), before packet() is called, so they describe
** the packet as it came in, or as the last edit left it.
**
** The rest (len, sec, nsec, loop, flow, interface, ifname, comment,
** worker) is computed when read, by D's __index, info_index.
**
** An edit (pktlua.insert, remove, resize) stores caplen, l3 and ipversion
** again where they are stored, and, where D caches l4, makes info's
** __index info_index itself until the next packet puts D back: one swap.
**
** sec and nsec set the packet's timestamp (what -w writes, and when a
** replay sends the packet); len sets the length on the wire (#pkt or
** more: what was never captured, which edits then keep, script_edit.c);
** comment is what a pcapng -w writes; linktype, loop, l4, proto,
** fragment, interface, ifname and flow are read-only. Other keys are the
** script's own and stay.
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

/* the fields stored in info (R_) and cached in D (C_), by slot */
enum { R_CAPLEN, R_L3, R_IPVERSION, NRAW };
enum { C_LINKTYPE, C_L4, C_PROTO, C_FRAGMENT };
static const char *const rawnames[NRAW] = { "caplen", "l3", "ipversion" };
static const char *const cachednames[PKT_INFO_NCACHED] = {
  "linktype", "l4", "proto", "fragment"
};
#define S_D       1   /* info + S_D: D */
#define S_META    2   /* info's metatable */
#define S_INDEX   3   /* the string "__index" */
#define S_RAW     4   /* info + S_RAW + R_...: the stored fields' names */
#define S_KEY     (S_RAW + NRAW)  /* + C_...: the cached fields' names */
#define S_FRAG    (S_KEY + PKT_INFO_NCACHED)  /* "none", "first", "later" */
#define NONE      (-1)  /* a cached value that is nil */
/* the metatable's array part: info_index, for the swap after an edit,
** and "__index" (script_edit.c's frame has no slots) */
#define M_INDEXFN   1
#define M_INDEXNAME 2

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

/* the IP version of a header that starts with byte b: 4, 6 or 0 */
static int ipversion (unsigned char b) {
  return (b >> 4 == 4 || b >> 4 == 6) ? b >> 4 : 0;
}

/* l4, proto and fragment as the packet's bytes are now */
static void walk (const pkt_Info *in, pkt_L4 *r) {
  pkt_l4((const unsigned char *)in->pkt->mem, in->pkt->len, in->l3, r);
}

/* stored field r's value v (R_...; 0: nil for l3, false for ipversion) */
static inline void pushraw (lua_State *L, int r, lua_Integer v) {
  if (v > 0 || r == R_CAPLEN) lua_pushinteger(L, v);
  else if (r == R_L3) lua_pushnil(L);  /* l3: nil when not IP */
  else lua_pushboolean(L, 0);  /* ipversion: false, a key never emptied */
}

/* stored field r's value now, as pushraw takes it */
static lua_Integer rawvalue (const pkt_Info *in, int r) {
  return r == R_CAPLEN ? (lua_Integer)in->pkt->len : r == R_L3 ? in->l3 + 1 : in->ipversion;
}

/* D's __index (after an edit with l4 cached, info's): every field that
** neither info nor D holds, from the C side */
static int info_index (lua_State *L) {
  pkt_Info *in = (pkt_Info *)lua_touserdata(L, lua_upvalueindex(1));
  int f = fieldof(in, L, 2);
  switch (f) {
    case F_L4: case F_PROTO: case F_FRAGMENT: {
      pkt_L4 r;
      walk(in, &r);
      in->wantl4 = 1;  /* cached in D from the next packet on */
      if (f == F_L4 && r.off >= 0) lua_pushinteger(L, r.off + 1);
      else if (f == F_PROTO && r.proto >= 0) lua_pushinteger(L, r.proto);
      else if (f == F_FRAGMENT && r.frag >= 0)  /* "none", "first", "later" */
        lua_pushvalue(L, lua_upvalueindex(2 + r.frag));
      else lua_pushnil(L);
      break;
    }
    case F_CAPLEN: case F_L3: case F_IPVERSION: {
      int r = f - F_CAPLEN;  /* R_..., in the same order */
      in->want |= 1 << r;   /* stored in info from the next packet on */
      pushraw(L, r, rawvalue(in, r));
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
    default: lua_pushnil(L); break;  /* a key nobody set */
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

/* cached field c's value v into D, which does not hold it yet */
static void store (lua_State *L, pkt_Info *in, int info, int c,
                   lua_Integer v) {
  in->cached[c] = v;
  lua_pushvalue(L, info + S_KEY + c);
  if (v == NONE) lua_pushnil(L);
  else if (c == C_FRAGMENT) lua_pushvalue(L, info + S_FRAG + (int)v);
  else lua_pushinteger(L, v);
  lua_rawset(L, info + S_D);
}

/* the comparison inline: on most packets, nothing else runs */
#define cache(c, v) do { lua_Integer v_ = (v); \
    if (in->cached[c] != v_) store(L, in, info, c, v_); } while (0)

/*
** the stored fields the script wants into info (at `info`), and D made
** to hold the C side's values. lua_settable, not lua_rawset: over a
** value it stores in place without rawset's bookkeeping (a third
** cheaper); a key the script emptied goes through info_newindex, which
** stores it raw.
*/
static void setraw (lua_State *L, int info, int r, lua_Integer v) {
  lua_pushvalue(L, info + S_RAW + r);
  pushraw(L, r, v);
  lua_settable(L, info);
}

static void refresh (lua_State *L, pkt_Info *in, int info) {
  if (in->want & (1 << R_CAPLEN))
    setraw(L, info, R_CAPLEN, (lua_Integer)in->pkt->len);
  if (in->want & (1 << R_L3)) setraw(L, info, R_L3, in->l3 + 1);
  if (in->want & (1 << R_IPVERSION))
    setraw(L, info, R_IPVERSION, in->ipversion);
  cache(C_LINKTYPE, linktypeof(in, in->iface));
  if (in->wantl4) {
    pkt_L4 r4;
    walk(in, &r4);
    cache(C_L4, r4.off >= 0 ? r4.off + 1 : NONE);
    cache(C_PROTO, r4.proto >= 0 ? r4.proto : NONE);
    cache(C_FRAGMENT, r4.frag >= 0 ? r4.frag : NONE);
  }
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
    case F_CAPLEN: case F_L3: case F_IPVERSION:
      /* the script's value until the next packet, which stores its own */
      in->want |= 1 << (f - F_CAPLEN);
      lua_rawset(L, 1);
      return 0;
    case F_LINKTYPE: case F_L4: case F_PROTO: case F_FRAGMENT:
    case F_LOOP: case F_IFACE: case F_IFNAME: case F_FLOW: case F_WORKER:
      return luaL_error(L, "info.%s is read-only (only info.sec, "
                        "info.nsec, info.len and info.comment can be "
                        "written)", fieldnames[f]);
    default: lua_rawset(L, 1); return 0;  /* the script's own: it stays */
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

/* a table of names[0..n) set, then emptied: each key keeps its node, so
** a later store finds it in place (no rehash, no allocation); the first
** inserted sits in its main position, where re-inserting it always
** finds room, however often it comes and goes */
static void keep (lua_State *L, int t, const char *const names[], int n) {
  int i;
  for (i = 0; i < n; i++) {
    lua_pushboolean(L, 0);
    lua_setfield(L, t, names[i]);
  }
  for (i = 0; i < n; i++) {
    lua_pushnil(L);
    lua_setfield(L, t, names[i]);
  }
}

void pkt_info_new (lua_State *L, pkt_Info *in) {
  static const char *const raworder[] = { "l3", "caplen", "ipversion" };
  int info = lua_gettop(L) + 1, d = info + S_D, m = info + S_META;
  int i;
  luaL_checkstack(L, PKT_INFO_NSLOTS + 4, "info");
  lua_createtable(L, 0, 4);                            /* info */
  keep(L, info, raworder, NRAW);  /* l3, the one that comes and goes, first */
  lua_createtable(L, 0, PKT_INFO_NCACHED);             /* D */
  keep(L, d, cachednames + 1, PKT_INFO_NCACHED - 1);   /* l4 first */
  keep(L, d, cachednames, 1);
  for (i = 0; i < PKT_INFO_NCACHED; i++) in->cached[i] = NONE;
  lua_createtable(L, 2, 4);                            /* S_META */
  lua_pushliteral(L, "__index");                       /* S_INDEX */
  for (i = 0; i < NRAW; i++) lua_pushstring(L, rawnames[i]);  /* S_RAW.. */
  for (i = 0; i < PKT_INFO_NCACHED; i++)               /* S_KEY.. */
    lua_pushstring(L, cachednames[i]);
  lua_pushliteral(L, "none");                          /* S_FRAG.. */
  lua_pushliteral(L, "first");
  lua_pushliteral(L, "later");
  /* the field names, anchored in the metatable for their addresses */
  lua_createtable(L, PKT_INFO_NFIELDS, 0);
  for (i = 0; i < PKT_INFO_NFIELDS; i++) {
    lua_pushstring(L, fieldnames[i]);
    in->keys[i] = lua_topointer(L, -1);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, m, "pktlua.fields");
  lua_pushlightuserdata(L, in);                        /* info_index */
  lua_pushliteral(L, "none");  /* info.fragment's values, PKT_FRAG_... */
  lua_pushliteral(L, "first");
  lua_pushliteral(L, "later");
  lua_pushcclosure(L, info_index, 4);
  lua_createtable(L, 0, 1);                            /* D's metatable */
  lua_pushvalue(L, -2);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, d);
  lua_rawseti(L, m, M_INDEXFN);
  lua_pushvalue(L, info + S_INDEX);
  lua_rawseti(L, m, M_INDEXNAME);
  lua_pushvalue(L, d);
  lua_setfield(L, m, "__index");
  lua_pushlightuserdata(L, in);
  lua_pushcclosure(L, info_newindex, 1);
  lua_setfield(L, m, "__newindex");
  lua_pushliteral(L, "pktlua info");  /* setmetatable(info) is an error */
  lua_setfield(L, m, "__metatable");
  lua_pushvalue(L, m);
  lua_setmetatable(L, info);
  /* what an edit, in a C function's frame with no slots, reaches info
  ** and the stored fields' names through: one array */
  lua_createtable(L, 1 + NRAW, 0);
  lua_pushvalue(L, info);
  lua_rawseti(L, -2, 1);
  for (i = 0; i < NRAW; i++) {
    lua_pushvalue(L, info + S_RAW + i);
    lua_rawseti(L, -2, 2 + i);
  }
  in->kit = luaL_ref(L, LUA_REGISTRYINDEX);
  in->want = in->wantl4 = in->swapped = 0;
}

/* info's __index made info_index (info at index `info`): l4, proto and
** fragment come from the bytes as they are, until pkt_info_update puts
** D back */
static void swap (lua_State *L, pkt_Info *in, int info) {
  if (!in->swapped && in->wantl4 && lua_getmetatable(L, info)) {
    int m = lua_gettop(L);
    lua_rawgeti(L, m, M_INDEXNAME);
    lua_rawgeti(L, m, M_INDEXFN);
    lua_rawset(L, m);
    lua_pop(L, 1);
    in->swapped = 1;
  }
}

void pkt_info_edited (lua_State *L, pkt_Info *in, const pkt_Packet *p,
                      long l3) {
  int kit, info, r;
  in->l3 = l3;
  in->len = (lua_Integer)p->hdr.len;
  in->ipversion = l3 >= 0 ? ipversion(p->data[l3]) : 0;
  if (!in->want && !in->wantl4) return;  /* nothing stored to refresh */
  lua_rawgeti(L, LUA_REGISTRYINDEX, in->kit);
  kit = lua_gettop(L);
  lua_rawgeti(L, kit, 1);
  info = kit + 1;
  for (r = 0; r < NRAW; r++) {
    if (!(in->want & (1 << r))) continue;
    lua_rawgeti(L, kit, 2 + r);
    pushraw(L, r, rawvalue(in, r));
    lua_settable(L, info);
  }
  swap(L, in, info);
  lua_pop(L, 2);
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
  /* the version nibble a script would read first: one byte here saves it
  ** a layout access (pkt_l3 checked that byte is captured) */
  in->ipversion = l3 >= 0 ? ipversion(p->data[l3]) : 0;
  in->loop = p->loop;
  in->sec = (lua_Integer)p->hdr.ts.tv_sec;
  in->nsec = p->nano ? (lua_Integer)p->hdr.ts.tv_usec
                     : (lua_Integer)p->hdr.ts.tv_usec * 1000;
  if (in->swapped) {  /* D back in place, after an edit */
    lua_pushvalue(L, info + S_INDEX);
    lua_pushvalue(L, info + S_D);
    lua_rawset(L, info + S_META);
    in->swapped = 0;
  }
  refresh(L, in, info);
}

void pkt_info_done (lua_State *L, pkt_Info *in, int info) {
  swap(L, in, info);  /* l4, proto, fragment: nil in the emptied pkt */
}
