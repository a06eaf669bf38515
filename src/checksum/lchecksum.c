/*
** lchecksum.c - the Lua module `checksum`: Internet checksums of memory or
** string ranges, their incremental update, and the IPv4 header and
** TCP/UDP/ICMP/ICMPv6 checksums of a packet in place.
**
** Packet functions take the memory (or string) and the 1-based index of the
** IP header. Every length comes from the packet, so every one is checked
** against the bytes present before use; a packet the function cannot handle
** (truncated capture, fragment, unknown protocol) yields nil and a message.
** Only the fix* functions write, and only into memories.
*/
#include <stddef.h>
#include <stdint.h>

#include <lua.h>
#include <lauxlib.h>

#include "lmemlib.h"
#include "cksum.h"
#include "cksum_pkt.h"



static unsigned get16 (const unsigned char *p) {
  return ((unsigned)p[0] << 8) | p[1];
}


/* ---------------------------------------------------------------------
** Arguments
** --------------------------------------------------------------------- */

/* like string.sub: negative counts from the end */
static size_t posrelat (lua_Integer pos, size_t len) {
  if (pos >= 0) return (size_t)pos;
  else if ((size_t)0 - (size_t)pos > len) return 0;
  else return len + (size_t)pos + 1;
}


/* the packet argument and the header index: the bytes from l3 to the end */
static const unsigned char *checkpacket (lua_State *L, int write,
                                         size_t *len) {
  size_t total;
  lua_Integer l3;
  const char *p = write ? luamem_checkmemory(L, 1, &total)
                        : luamem_checkarray(L, 1, &total);
  l3 = luaL_optinteger(L, 2, 1);
  luaL_argcheck(L, l3 >= 1, 2, "index out of range");
  if ((lua_Unsigned)l3 - 1 >= total) {
    *len = 0;  /* nothing at l3 */
    return (const unsigned char *)p;
  }
  *len = total - (size_t)(l3 - 1);
  return (const unsigned char *)p + (l3 - 1);
}


static int failmsg (lua_State *L, const char *msg) {
  luaL_pushfail(L);
  lua_pushstring(L, msg);
  return 2;
}


/* ---------------------------------------------------------------------
** Plain checksums
** --------------------------------------------------------------------- */

static int ck_inet (lua_State *L) {
  size_t len;
  const char *s = luamem_checkarray(L, 1, &len);
  size_t i = posrelat(luaL_optinteger(L, 2, 1), len);
  size_t j = posrelat(luaL_optinteger(L, 3, -1), len);
  if (i < 1) i = 1;
  if (j > len) j = len;
  if (i > j)  /* empty range: the sum is zero */
    lua_pushinteger(L, cksum_inet(s, 0));
  else
    lua_pushinteger(L, cksum_inet(s + i - 1, j - i + 1));
  return 1;
}


static lua_Integer checkword (lua_State *L, int arg, lua_Integer max) {
  lua_Integer v = luaL_checkinteger(L, arg);
  luaL_argcheck(L, 0 <= v && v <= max, arg, "value out of range");
  return v;
}


/* checksum.update16(ck, old, new) and update32: RFC 1624 for a changed
** 16-bit word or 32-bit value, whose bounds are the only difference */
static int update (lua_State *L, int wide) {
  lua_Integer max = wide ? 0xffffffff : 0xffff;
  uint16_t ck = (uint16_t)checkword(L, 1, 0xffff);
  uint32_t oldv = (uint32_t)checkword(L, 2, max);
  uint32_t newv = (uint32_t)checkword(L, 3, max);
  if (wide) lua_pushinteger(L, cksum_update32(ck, oldv, newv));
  else lua_pushinteger(L, cksum_update16(ck, (uint16_t)oldv, (uint16_t)newv));
  return 1;
}


static int ck_update16 (lua_State *L) { return update(L, 0); }
static int ck_update32 (lua_State *L) { return update(L, 1); }


/* ---------------------------------------------------------------------
** IPv4 header checksum
** --------------------------------------------------------------------- */

static int ck_ipv4 (lua_State *L) {
  size_t len, hlen;
  const char *msg;
  const unsigned char *p = checkpacket(L, 0, &len);
  if ((hlen = cksum_ipv4header(p, len, &msg)) == 0) return failmsg(L, msg);
  lua_pushinteger(L, cksum_skip(0, p, hlen, 10));
  return 1;
}


static int ck_verifyipv4 (lua_State *L) {
  size_t len, hlen;
  const char *msg;
  const unsigned char *p = checkpacket(L, 0, &len);
  if ((hlen = cksum_ipv4header(p, len, &msg)) == 0) return failmsg(L, msg);
  lua_pushboolean(L, cksum_inet(p, hlen) == 0);
  return 1;
}


static int ck_fixipv4 (lua_State *L) {
  size_t len, hlen;
  const char *msg;
  unsigned char *p = (unsigned char *)checkpacket(L, 1, &len);
  uint16_t ck;
  if ((hlen = cksum_ipv4header(p, len, &msg)) == 0) return failmsg(L, msg);
  ck = cksum_skip(0, p, hlen, 10);
  p[10] = (unsigned char)(ck >> 8);
  p[11] = (unsigned char)(ck & 0xff);
  lua_pushinteger(L, ck);
  return 1;
}


/* ---------------------------------------------------------------------
** Transport checksums
** --------------------------------------------------------------------- */

/* finds the transport checksum of the IP packet at l3; on failure pushes
** nil, msg and returns 0 */
static int getl4 (lua_State *L, int write, cksum_L4 *k) {
  size_t len;
  const unsigned char *p = checkpacket(L, write, &len);
  const char *msg = cksum_l4find(p, len, k);
  if (msg == NULL) return 1;
  luaL_pushfail(L);
  if (msg == cksum_unsupported)
    lua_pushfstring(L, "%s %d", msg, k->proto);
  else
    lua_pushstring(L, msg);
  return 0;
}


static int ck_l4 (lua_State *L) {
  cksum_L4 k;
  if (!getl4(L, 0, &k)) return 2;
  lua_pushinteger(L, cksum_l4compute(&k));
  return 1;
}


static int ck_verifyl4 (lua_State *L) {
  cksum_L4 k;
  if (!getl4(L, 0, &k)) return 2;
  if (k.zeroisnone && get16(k.seg + k.ckoff) == 0)
    lua_pushboolean(L, 1);  /* no checksum: nothing to disagree with */
  else
    lua_pushboolean(L, cksum_finish(cksum_add(k.pseudo, k.seg, k.len)) == 0);
  return 1;
}


static int ck_fixl4 (lua_State *L) {
  cksum_L4 k;
  uint16_t ck;
  unsigned char *ckp;
  if (!getl4(L, 1, &k)) return 2;
  ckp = (unsigned char *)k.seg + k.ckoff;  /* checkpacket gave a memory */
  if (k.zeroisnone && get16(ckp) == 0)
    ck = 0;  /* the sender chose no checksum: keep it that way */
  else {
    ck = cksum_l4compute(&k);
    ckp[0] = (unsigned char)(ck >> 8);
    ckp[1] = (unsigned char)(ck & 0xff);
  }
  lua_pushinteger(L, ck);
  return 1;
}


static const luaL_Reg ck_funcs[] = {
  {"inet", ck_inet},
  {"update16", ck_update16},
  {"update32", ck_update32},
  {"ipv4", ck_ipv4},
  {"verifyipv4", ck_verifyipv4},
  {"fixipv4", ck_fixipv4},
  {"l4", ck_l4},
  {"verifyl4", ck_verifyl4},
  {"fixl4", ck_fixl4},
  {NULL, NULL}
};


LUAMOD_API int luaopen_checksum (lua_State *L) {
  luaL_newlib(L, ck_funcs);
  return 1;
}
