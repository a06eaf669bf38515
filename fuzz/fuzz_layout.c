/*
** fuzz_layout.c - libFuzzer target (b): the `layout` module driven by
** fuzzed struct specs, pointer positions, memory sizes and values.
**
** Input: a spec (1 byte field count, 3 bytes per field, 1 byte checksum
** choice), 2 bytes memory size, 4 bytes seed of its contents, 1 byte
** position, then operations (reads,
** writes, struct copies, re-pointing, pairs, tostring, sizeof, offsetof).
**
** With bit 7 of the count byte, every field table is a proxy whose options
** come through an __index metamethod: the true value on the first read of
** each option, another one after it (issue 11: a spec read twice, "number"
** then "struct" containing itself, recursed until the C stack overflowed).
** The compiler reads each option once, so the model still holds; a second
** read shows as a mismatch, an error that should not be, or a crash. The
** count byte DEEPCOUNT adds 65,534 padding fields after the first.
** The memory is a reference memory over a malloc'ed block of exactly its
** size, as in the daemon, so any access past it is an ASan report.
**
** For flat specs (no nested struct) the layout is also computed here from
** DESIGN.md's placement rule, and every successful read and write is
** checked against fuzz_ref.h: the value read, the bits written, the bits
** left untouched, and (with a checksum field) the struct still summing to
** a valid Internet checksum after each write.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lmemlib.h"
#include "fuzz_input.h"
#include "fuzz_lua.h"
#include "fuzz_ref.h"

int luaopen_layout (lua_State *L);

#define MAXFIELDS 12
#define DEEPCOUNT 0xf0  /* count byte of a proxied spec of 65,535 fields */
#define MAXOPS 32
#define MAXMEM 300

typedef struct Field {
  char key[16];        /* "f1".., "" for padding */
  int type;            /* 0 number, 1 boolean, 2 string, 3 struct */
  size_t bits;         /* width */
  int inbytes;         /* size given as bytes= */
  int big;             /* endian big (else little; native not modelled) */
  size_t off;          /* bit offset from DESIGN.md's rule */
} Field;

typedef struct Model {
  Field f[MAXFIELDS];
  int n;
  int flat;            /* no nested struct, no native order: model valid */
  size_t bits;         /* struct size in bits */
  int ck;              /* checksum field index, -1 none */
} Model;

static const char *const tnames[] = {"number", "boolean", "string",
                                     "struct"};
static const char *const enames[] = {"big", "little", "native"};

static int tracing = -1;  /* FUZZ_TRACE=1: print the spec and each op */
#define TRACE(...) \
  do { if (tracing) fprintf(stderr, __VA_ARGS__); } while (0)

static void fail (const char *msg, const char *key) {
  fprintf(stderr, "fuzz_layout: %s (field %s)\n", msg, key);
  abort();
}

/* Builds the spec table on the stack and the model alongside it. */
static void buildspec (lua_State *L, FuzzIn *in, Model *m) {
  unsigned count = (unsigned)fin_uint(in, 1);
  int i, n = (int)(count % MAXFIELDS) + 1, proxied = (count & 0x80) != 0;
  size_t pos = 0, padded = 0;
  m->n = n; m->flat = 1; m->ck = -1;
  lua_createtable(L, n, 1);
  for (i = 0; i < n; i++) {
    Field *f = &m->f[i];
    unsigned a = (unsigned)fin_uint(in, 1);  /* type, endian, unit, key */
    unsigned sz = (unsigned)fin_uint(in, 1);
    unsigned extra = (unsigned)fin_uint(in, 1);
    f->type = (int)(a & 3);
    if (f->type == 3 && !(extra & 1)) f->type = 0;  /* nesting: rarer */
    f->big = 0;
    lua_createtable(L, 2, 4);
    if (a & 0x80) f->key[0] = '\0';  /* padding */
    else {
      snprintf(f->key, sizeof(f->key), "f%d", i + 1);
      lua_pushstring(L, f->key);
      lua_setfield(L, -2, "key");
    }
    if (!(extra & 0x80) || f->type == 3) {  /* sometimes no type given */
      lua_pushstring(L, tnames[f->type]);
      lua_setfield(L, -2, "type");
    } else f->type = 0;
    {  /* mostly big or little; sometimes native or no endian at all */
      unsigned e = (a & 0x60) == 0x60 ? 2 + ((a >> 2) & 1) : (a >> 2) & 1;
      if (e < 3) {
        lua_pushstring(L, enames[e]);
        lua_setfield(L, -2, "endian");
      }
      if (e >= 2) m->flat = 0;   /* native/default: not modelled */
      f->big = (e == 0);
    }
    f->inbytes = (a >> 4) & 1;
    if (f->type == 2 && !(extra & 0x40)) f->inbytes = 1;
    if (f->inbytes) {
      f->bits = (size_t)(sz % 24) * 8;
      lua_pushinteger(L, (lua_Integer)(sz % 24));
      lua_setfield(L, -2, "bytes");
    } else {
      f->bits = sz % 72;
      if (sz >= 250) {  /* odd sizes: negative, huge, fractional */
        if (sz == 250) lua_pushinteger(L, -1);
        else if (sz == 251) lua_pushinteger(L, LUA_MAXINTEGER);
        else if (sz == 252) lua_pushnumber(L, 3.5);
        else lua_pushstring(L, "8");
        m->flat = 0;
      } else lua_pushinteger(L, (lua_Integer)f->bits);
      lua_setfield(L, -2, "bits");
    }
    if (f->type == 3) {  /* nested: 1-3 small number fields */
      int k, nk = (int)(extra % 3) + 1;
      m->flat = 0;
      for (k = 0; k < nk; k++) {
        lua_createtable(L, 0, 4);
        lua_pushfstring(L, "s%d", k + 1);
        lua_setfield(L, -2, "key");
        lua_pushinteger(L, (lua_Integer)((extra >> (2 + k)) % 17));
        lua_setfield(L, -2, "bits");
        lua_pushstring(L, "big");
        lua_setfield(L, -2, "endian");
        lua_rawseti(L, -2, k + 1);
      }
      if (!(a & 0x10)) {  /* no declared size: drop the bits we set */
        lua_pushnil(L);
        lua_setfield(L, -2, "bits");
      }
    }
    if (proxied) {  /* proxy(field, twist) */
      lua_getglobal(L, "proxy");
      lua_insert(L, -2);
      lua_pushinteger(L, (lua_Integer)((sz ^ extra) & 3));
      lua_call(L, 2, 1);
      if (count == DEEPCOUNT) {
        /* one field (240 % 12 + 1), then as many as a struct may have
        ** (one padding table, 65,534 times): enough for a compiler that
        ** recursed on a second read to overflow the C stack */
        int k;
        lua_rawseti(L, -2, 1);
        lua_createtable(L, 0, 1);
        lua_pushinteger(L, 1);
        lua_setfield(L, -2, "bits");
        for (k = 2; k <= 65535; k++) {
          lua_pushvalue(L, -1);
          lua_rawseti(L, -3, k);
        }
        lua_pop(L, 1);
        m->flat = 0;
        padded = 65535 - 1;
        lua_rawgeti(L, -1, 1);
      }
    }
    lua_rawseti(L, -2, i + 1);
    /* DESIGN.md: bytes= fields start at the next byte boundary */
    if (f->inbytes) pos = (pos + 7) & ~(size_t)7;
    f->off = pos;
    pos += f->bits + padded;
  }
  m->bits = pos;
  for (i = 0; i < n; i++)
    TRACE("field %d key=%s type=%d bits=%zu inbytes=%d big=%d off=%zu\n",
          i + 1, m->f[i].key, m->f[i].type, m->f[i].bits, m->f[i].inbytes,
          m->f[i].big, m->f[i].off);
  {
    unsigned c = (unsigned)fin_uint(in, 1);
    if (c < (unsigned)n && m->f[c].key[0] != '\0') {
      lua_pushstring(L, m->f[c].key);
      lua_setfield(L, -2, "checksum");
      m->ck = (int)c;
    }
  }
}

/* the value of field i as the model reads it from the struct at `b` */
static uint64_t modelget (const Model *m, int i, const uint8_t *b) {
  const Field *f = &m->f[i];
  return ref_getbits(b, f->off, f->bits, f->big);
}

/* does the struct (bytes b, n of them) sum to a valid checksum? */
static int cksumok (const uint8_t *b, size_t n) {
  uint32_t s = ref_sum(0, b, n);
  return s == 0xffff || s == 0;
}

/* makes the struct's checksum field valid, by the model */
static void setcksum (const Model *m, uint8_t *b, size_t n) {
  const Field *f = &m->f[m->ck];
  ref_putbits(b, f->off, 16, 1, 0);
  ref_putbits(b, f->off, 16, 1, (uint16_t)~ref_sum(0, b, n));
}

typedef struct Run {
  Model m;
  FuzzIn *in;
  uint8_t *block;      /* the memory's bytes (exact-size heap block) */
  size_t len;          /* their count */
  lua_Integer pos;     /* where the pointer points (1-based) */
  int valid;           /* the whole struct lies inside the memory */
  int autock;          /* the model's view of autochecksum */
  int ckok;            /* the checksum field was valid before this op */
} Run;

static size_t structbytes (const Run *r) {
  return (r->m.bits + 7) / 8;
}

/* checksum behaviour is predicted only for the documented case: a 16-bit
** big-endian number on a 16-bit boundary, automatic update on */
static int ckmodelled (const Run *r) {
  const Field *c;
  if (r->m.ck < 0 || !r->autock) return 0;
  c = &r->m.f[r->m.ck];
  return c->type == 0 && c->bits == 16 && c->big && c->off % 16 == 0;
}

static int fieldok (const Run *r, int i) {  /* model checks apply */
  return r->m.flat && r->valid && r->m.f[i].key[0] != '\0';
}

static void checkread (lua_State *L, Run *r, int i) {
  const Field *f = &r->m.f[i];
  const uint8_t *b = r->block + r->pos - 1;
  if (f->type == 0 && f->bits <= 64 && lua_isinteger(L, -1)) {
    uint64_t want = modelget(&r->m, i, b);
    if ((uint64_t)lua_tointeger(L, -1) != want)
      fail("number read differs from DESIGN.md's placement", f->key);
  } else if (f->type == 1 && lua_isboolean(L, -1)) {
    if (lua_toboolean(L, -1) != (modelget(&r->m, i, b) != 0))
      fail("boolean read differs from the model", f->key);
  } else if (f->type == 2 && lua_type(L, -1) == LUA_TSTRING) {
    size_t n;
    const char *s = lua_tolstring(L, -1, &n);
    if (n != f->bits / 8 || memcmp(s, b + f->off / 8, n) != 0)
      fail("string read differs from the memory's bytes", f->key);
  }
}

/* one operation; the pointer is at stack index 1, the memory at 2 */
static int op (lua_State *L) {
  Run *r = (Run *)lua_touserdata(L, lua_upvalueindex(1));
  unsigned code = (unsigned)fin_uint(r->in, 1);
  int i = (int)(fin_uint(r->in, 1) % (unsigned)r->m.n);
  const Field *f = &r->m.f[i];
  const char *key = f->key[0] ? f->key : "nokey";
  TRACE("op %u on %s (pos %lld, valid %d)\n", code % 10, key,
        (long long)r->pos, r->valid);
  switch (code % 10) {
    case 0: case 1: case 2:  /* read */
      lua_getfield(L, 1, key);
      if (fieldok(r, i)) checkread(L, r, i);
      break;
    case 3: case 4: case 5: {  /* write */
      uint64_t v = fin_uint(r->in, 8), mask;
      int exact = !(code & 0x80);  /* a value that fits, or any value */
      int vi;
      uint8_t *before = NULL;    /* a userdata: freed even if we raise */
      mask = f->bits >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << f->bits) - 1);
      if (exact) v &= mask;
      if (f->type == 1) lua_pushboolean(L, (int)(v & 1));
      else if (f->type == 2) {
        size_t n = exact ? f->bits / 8 : (size_t)(v % 30);
        if (n > r->in->n) n = r->in->n;
        lua_pushlstring(L, (const char *)r->in->p, n);
        r->in->p += n; r->in->n -= n;
      }
      else lua_pushinteger(L, exact ? (lua_Integer)v
                                    : (lua_Integer)(v >> (code & 7)));
      vi = lua_gettop(L);
      if (fieldok(r, i) && exact && f->type != 3 && f->bits > 0) {
        before = (uint8_t *)lua_newuserdatauv(L, r->len, 0);
        memcpy(before, r->block, r->len);
      }
      TRACE("  write %s = %s\n", key, luaL_tolstring(L, vi, NULL));
      lua_pop(L, 1);
      lua_pushvalue(L, vi);
      lua_setfield(L, 1, key);
      if (i == r->m.ck) r->ckok = 0;  /* a direct write: no longer valid */
      if (before != NULL && (f->type != 2 || lua_rawlen(L, vi) == f->bits / 8)) {
        /* the model: only this field's bits changed (and the checksum) */
        size_t sbytes = structbytes(r);
        uint8_t *b = before + r->pos - 1;
        if (f->type == 2)
          memcpy(b + f->off / 8, lua_tostring(L, vi), f->bits / 8);
        else
          ref_putbits(b, f->off, f->bits, f->big, f->type == 1 ? (v & 1) : v);
        if (ckmodelled(r) && r->ckok && i != r->m.ck) {
          if (!cksumok(r->block + r->pos - 1, sbytes))
            fail("checksum field no longer valid after a write", key);
          /* the model does not predict which of 0/0xffff: copy it */
          ref_putbits(b, r->m.f[r->m.ck].off, 16, 1,
                      modelget(&r->m, r->m.ck, r->block + r->pos - 1));
        }
        else if (r->m.ck >= 0 && i != r->m.ck)
          break;  /* checksum updated, not modelled: skip the comparison */
        if (memcmp(before, r->block, r->len) != 0)
          fail("write changed other bits than the model's", key);
      }
      break;
    }
    case 6: {  /* struct/field copy between two fields */
      int j = (int)(fin_uint(r->in, 1) % (unsigned)r->m.n);
      const char *k2 = r->m.f[j].key[0] ? r->m.f[j].key : "nokey";
      lua_getfield(L, 1, k2);
      lua_setfield(L, 1, key);
      if (i == r->m.ck) r->ckok = 0;
      break;
    }
    case 7: {  /* re-point somewhere else, maybe outside */
      lua_Integer pos = (lua_Integer)(fin_uint(r->in, 1)) - 4;
      lua_getfield(L, lua_upvalueindex(2), "setpointer");
      lua_pushvalue(L, 1);
      lua_pushvalue(L, 2);
      lua_pushinteger(L, pos);
      lua_call(L, 3, 0);
      r->pos = pos;
      r->valid = pos >= 1 && (size_t)pos - 1 + structbytes(r) <= r->len;
      if (r->valid && r->m.flat && ckmodelled(r)) {
        setcksum(&r->m, r->block + pos - 1, structbytes(r));
        r->ckok = 1;
      }
      break;
    }
    case 8: {  /* iterate and print */
      lua_getglobal(L, "walk");
      lua_pushvalue(L, 1);
      lua_call(L, 1, 0);
      break;
    }
    default: {  /* sizes, offsets, autochecksum */
      lua_getfield(L, lua_upvalueindex(2), code & 0x10 ? "offsetof"
                   : code & 0x20 ? "autochecksum" : "sizeof");
      lua_pushvalue(L, 1);
      if (code & 0x10) lua_pushstring(L, key);
      else if (code & 0x20) {
        lua_pushboolean(L, code & 0x40);
        r->autock = 0;  /* once toggled, stop predicting the checksum */
      }
      else lua_pushnil(L);
      lua_call(L, 2, LUA_MULTRET);
      break;
    }
  }
  return 0;
}

/* pairs() over the pointer and tostring() of it, in Lua; and the proxy of
** a field table: its children (read raw) copied, its options through
** __index, true once, then twisted: 0 "struct" (and a field that is not
** one contains itself), 1 a huge size, 2 a duplicate key, 3 nothing */
static const char walker[] =
  "function walk (p)\n"
  "  for k, v in pairs(p) do local _ = tostring(v) end\n"
  "  local _ = tostring(p)\n"
  "end\n"
  "function proxy (real, twist)\n"
  "  local seen, p = {}, {}\n"
  "  for i, v in ipairs(real) do p[i] = v end\n"
  "  if #p == 0 and twist == 0 then p[1] = p end\n"
  "  return setmetatable(p, { __index = function (_, k)\n"
  "    if not seen[k] then seen[k] = true; return real[k] end\n"
  "    if twist == 0 then return k == 'type' and 'struct' or real[k] end\n"
  "    if twist == 1 and (k == 'bits' or k == 'bytes') then return 4096 end\n"
  "    if twist == 2 then return k == 'key' and 'f1' or real[k] end\n"
  "    if twist ~= 3 then return real[k] end\n"
  "  end })\n"
  "end\n";

static int readfirst (lua_State *L) {
  lua_getfield(L, 1, "f1");
  return 1;
}

static int run (lua_State *L) {
  Run *r = (Run *)lua_touserdata(L, 1);
  int k;
  luaL_requiref(L, "layout", luaopen_layout, 1);  /* index 2 */
  if (luaL_dostring(L, walker) != LUA_OK) return lua_error(L);
  lua_getfield(L, 2, "struct");
  buildspec(L, r->in, &r->m);
  lua_call(L, 1, 1);                               /* S: index 3 */
  {  /* contents from a generator seeded by the input: input bytes are
     ** better spent on operations */
    size_t len = (size_t)(fin_uint(r->in, 2) % MAXMEM), k;
    uint32_t x = (uint32_t)fin_uint(r->in, 4) | 1u;
    r->block = malloc(len > 0 ? len : 1);          /* freed by the caller */
    if (r->block == NULL) return 0;
    for (k = 0; k < len; k++) {
      x ^= x << 13; x ^= x >> 17; x ^= x << 5;     /* xorshift32 */
      r->block[k] = (uint8_t)(x >> 24);
    }
    r->len = len;
  }
  r->pos = (lua_Integer)fin_uint(r->in, 1) % 16 - 2;
  r->valid = r->pos >= 1 && (size_t)r->pos - 1 + structbytes(r) <= r->len;
  r->autock = 1;
  if (r->valid && r->m.flat && ckmodelled(r)) {
    setcksum(&r->m, r->block + r->pos - 1, structbytes(r));
    r->ckok = 1;
  }
  luamem_newref(L);                                /* index 4 */
  luamem_setref(L, 4, r->len > 0 ? (char *)r->block : NULL, r->len, NULL);
  lua_getfield(L, 2, "newpointer");
  lua_pushvalue(L, 3);
  lua_call(L, 1, 1);                               /* p: index 5 */
  lua_getfield(L, 2, "setpointer");
  lua_pushvalue(L, 5);
  lua_pushvalue(L, 4);
  lua_pushinteger(L, r->pos);
  if (lua_pcall(L, 3, 0, 0) != LUA_OK) {  /* a bad position may raise */
    lua_pop(L, 1);
    r->valid = 0;
  }
  for (k = 0; k < MAXOPS && r->in->n > 0; k++) {
    lua_pushlightuserdata(L, r);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, op, 2);
    lua_pushvalue(L, 5);
    lua_pushvalue(L, 4);
    if (lua_pcall(L, 2, 0, 0) != LUA_OK) lua_pop(L, 1);  /* errors are fine */
  }
  /* the daemon's end of run: the memory goes empty before its bytes go */
  luamem_setref(L, 4, NULL, 0, NULL);
  if (r->m.f[0].key[0] != '\0' && r->m.f[0].bits > 0 &&
      r->m.f[0].type != 3) {  /* a struct field gives a sub-pointer */
    lua_pushcfunction(L, readfirst);
    lua_pushvalue(L, 5);
    if (lua_pcall(L, 1, 0, 0) == LUA_OK)
      fail("read through a pointer on an emptied memory succeeded", "f1");
  }
  return 0;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  FuzzIn in = fin_init(data, size);
  FuzzAlloc a;
  Run r;
  lua_State *L;
  if (tracing < 0) tracing = getenv("FUZZ_TRACE") != NULL;
  L = fuzz_newstate(&a);
  if (L == NULL) return 0;
  memset(&r, 0, sizeof(r));
  r.in = &in;
  lua_pushcfunction(L, run);
  lua_pushlightuserdata(L, &r);
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) lua_pop(L, 1);
  lua_close(L);
  free(r.block);  /* after lua_close: nothing can reach it any more */
  return 0;
}
