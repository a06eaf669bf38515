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

/* IP protocol / IPv6 next-header numbers (IANA) */
#define PROTO_HOPOPTS  0
#define PROTO_ICMP     1
#define PROTO_TCP      6
#define PROTO_UDP      17
#define PROTO_ROUTING  43
#define PROTO_FRAGMENT 44
#define PROTO_AH       51
#define PROTO_ICMPV6   58
#define PROTO_NONE     59
#define PROTO_DSTOPTS  60


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

/* checks the IPv4 header at p; returns its length or 0 with *msg set */
static size_t ipv4header (const unsigned char *p, size_t len,
                          const char **msg) {
  size_t hlen;
  if (len < 20) { *msg = "truncated IPv4 header"; return 0; }
  if ((p[0] >> 4) != 4) { *msg = "not an IPv4 header"; return 0; }
  hlen = (size_t)(p[0] & 0x0f) * 4;
  if (hlen < 20) { *msg = "bad IPv4 header length"; return 0; }
  if (hlen > len) { *msg = "truncated IPv4 header"; return 0; }
  return hlen;
}


/* checksum of an even-length block whose 16-bit word at `off` counts as 0 */
static uint16_t cksum_skip (uint64_t sum, const unsigned char *p, size_t len,
                            size_t off) {
  sum = cksum_add(sum, p, off);  /* off is even: the chain stays exact */
  sum = cksum_add(sum, p + off + 2, len - off - 2);
  return cksum_finish(sum);
}


static int ck_ipv4 (lua_State *L) {
  size_t len, hlen;
  const char *msg;
  const unsigned char *p = checkpacket(L, 0, &len);
  if ((hlen = ipv4header(p, len, &msg)) == 0) return failmsg(L, msg);
  lua_pushinteger(L, cksum_skip(0, p, hlen, 10));
  return 1;
}


static int ck_verifyipv4 (lua_State *L) {
  size_t len, hlen;
  const char *msg;
  const unsigned char *p = checkpacket(L, 0, &len);
  if ((hlen = ipv4header(p, len, &msg)) == 0) return failmsg(L, msg);
  lua_pushboolean(L, cksum_inet(p, hlen) == 0);
  return 1;
}


static int ck_fixipv4 (lua_State *L) {
  size_t len, hlen;
  const char *msg;
  unsigned char *p = (unsigned char *)checkpacket(L, 1, &len);
  uint16_t ck;
  if ((hlen = ipv4header(p, len, &msg)) == 0) return failmsg(L, msg);
  ck = cksum_skip(0, p, hlen, 10);
  p[10] = (unsigned char)(ck >> 8);
  p[11] = (unsigned char)(ck & 0xff);
  lua_pushinteger(L, ck);
  return 1;
}


/* ---------------------------------------------------------------------
** Transport checksums
** --------------------------------------------------------------------- */

static const char unsupported[] = "unsupported protocol";


/* where a transport checksum is and what it covers */
typedef struct L4 {
  const unsigned char *seg;  /* first byte of the transport header */
  size_t len;                /* bytes the checksum covers */
  size_t ckoff;              /* offset of the checksum field in seg */
  uint64_t pseudo;           /* sum of the pseudo-header (0 for ICMP) */
  int zeroisnone;            /* UDP over IPv4: a stored 0 means no checksum */
  int proto;                 /* transport protocol number */
} L4;


/* offset of the checksum and the smallest header of a transport protocol;
** returns 0 for protocols this module does not handle */
static int l4proto (int proto, int v6, size_t *ckoff, size_t *minlen) {
  switch (proto) {
    case PROTO_TCP: *ckoff = 16; *minlen = 20; return 1;
    case PROTO_UDP: *ckoff = 6; *minlen = 8; return 1;
    case PROTO_ICMP: *ckoff = 2; *minlen = 4; return !v6;
    case PROTO_ICMPV6: *ckoff = 2; *minlen = 4; return v6;
    default: return 0;
  }
}


/* common checks once the segment [seg, seg+len) is known; `avail` is what
** the capture holds from seg on */
static const char *l4segment (L4 *k, int v6, size_t avail) {
  size_t minlen;
  if (!l4proto(k->proto, v6, &k->ckoff, &minlen))
    return unsupported;
  if (k->len < minlen) return "bad transport length";
  if (k->len > avail) return "truncated transport segment";
  if (k->proto == PROTO_UDP) {
    /* trust the UDP length when it fits: bytes after it are not UDP's */
    size_t ulen = get16(k->seg + 4);
    if (ulen < 8 || ulen > k->len) return "bad UDP length";
    k->len = ulen;
  }
  if (k->proto != PROTO_ICMP) {  /* length and protocol words */
    k->pseudo += (uint64_t)(k->len >> 16) + (k->len & 0xffff);
    k->pseudo += (uint64_t)k->proto;
  }
  return NULL;
}


static const char *l4ipv4 (const unsigned char *p, size_t len, L4 *k) {
  const char *msg;
  size_t hlen = ipv4header(p, len, &msg);
  size_t total;
  if (hlen == 0) return msg;
  total = get16(p + 2);
  if (total < hlen) return "bad IPv4 total length";
  if ((p[6] & 0x3f) != 0 || p[7] != 0) return "fragment";  /* MF, offset */
  k->proto = p[9];
  k->seg = p + hlen;
  k->len = total - hlen;
  k->zeroisnone = (k->proto == PROTO_UDP);
  k->pseudo = (k->proto == PROTO_ICMP) ? 0 : cksum_add(0, p + 12, 8);
  return l4segment(k, 0, len - hlen);
}


/* walks the IPv6 extension headers to the transport header */
static const char *l4ipv6 (const unsigned char *p, size_t len, L4 *k) {
  size_t off = 40, end;
  int nh;
  if (len < 40) return "truncated IPv6 header";
  end = 40 + get16(p + 4);
  if (end == 40 && p[6] != PROTO_NONE)
    return "unsupported payload length 0 (jumbogram)";
  nh = p[6];
  for (;;) {
    size_t hl;
    switch (nh) {
      case PROTO_HOPOPTS: case PROTO_DSTOPTS: case PROTO_ROUTING:
        if (off + 2 > end || off + 2 > len) return "truncated IPv6 header";
        hl = ((size_t)p[off + 1] + 1) * 8;
        if (nh == PROTO_ROUTING) {
          if (off + 4 > len) return "truncated IPv6 header";
          /* segments left: the pseudo-header would need the final
          ** destination from inside the routing header */
          if (p[off + 3] != 0) return "unsupported routing header";
        }
        break;
      case PROTO_FRAGMENT:
        if (off + 8 > end || off + 8 > len) return "truncated IPv6 header";
        if ((get16(p + off + 2) & 0xfff9) != 0)  /* offset or M flag */
          return "fragment";
        hl = 8;
        break;
      case PROTO_AH:
        if (off + 2 > end || off + 2 > len) return "truncated IPv6 header";
        hl = ((size_t)p[off + 1] + 2) * 4;
        break;
      case PROTO_NONE:
        return "no transport header";
      default:
        goto transport;
    }
    nh = p[off];
    off += hl;
    if (off > end) return "bad IPv6 extension header length";
  }
transport:
  if (off > len) return "truncated IPv6 header";
  k->proto = nh;
  k->seg = p + off;
  k->len = end - off;
  k->zeroisnone = 0;
  k->pseudo = cksum_add(0, p + 8, 32);
  return l4segment(k, 1, len - off);
}


/* finds the transport checksum of the IP packet at l3; on failure pushes
** nil, msg and returns 0 */
static int getl4 (lua_State *L, int write, L4 *k) {
  size_t len;
  const unsigned char *p = checkpacket(L, write, &len);
  const char *msg;
  if (len < 1) msg = "truncated IP header";
  else if ((p[0] >> 4) == 4) msg = l4ipv4(p, len, k);
  else if ((p[0] >> 4) == 6) msg = l4ipv6(p, len, k);
  else msg = "not an IP header";
  if (msg == NULL) return 1;
  luaL_pushfail(L);
  if (msg == unsupported)
    lua_pushfstring(L, "%s %d", msg, k->proto);
  else
    lua_pushstring(L, msg);
  return 0;
}


static uint16_t l4compute (const L4 *k) {
  uint16_t ck = cksum_skip(k->pseudo, k->seg, k->len, k->ckoff);
  if (k->zeroisnone && ck == 0) ck = 0xffff;  /* RFC 768: 0 means none */
  return ck;
}


static int ck_l4 (lua_State *L) {
  L4 k;
  if (!getl4(L, 0, &k)) return 2;
  lua_pushinteger(L, l4compute(&k));
  return 1;
}


static int ck_verifyl4 (lua_State *L) {
  L4 k;
  if (!getl4(L, 0, &k)) return 2;
  if (k.zeroisnone && get16(k.seg + k.ckoff) == 0)
    lua_pushboolean(L, 1);  /* no checksum: nothing to disagree with */
  else
    lua_pushboolean(L, cksum_finish(cksum_add(k.pseudo, k.seg, k.len)) == 0);
  return 1;
}


static int ck_fixl4 (lua_State *L) {
  L4 k;
  uint16_t ck;
  unsigned char *ckp;
  if (!getl4(L, 1, &k)) return 2;
  ckp = (unsigned char *)k.seg + k.ckoff;  /* checkpacket gave a memory */
  if (k.zeroisnone && get16(ckp) == 0)
    ck = 0;  /* the sender chose no checksum: keep it that way */
  else {
    ck = l4compute(&k);
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
