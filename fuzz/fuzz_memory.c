/*
** fuzz_memory.c - libFuzzer target (c): the `memory` module's find, fill,
** diff, pack and unpack (plus get/set/tostring/resize) called from C
** through a Lua state with fuzzed arguments.
**
** Input: 2 bytes length L, L bytes initial contents, then up to MAXOPS
** operations: 1 byte function, 1 byte argument count, then per argument a
** tag byte and its payload (see pusharg). Three memories exist: a fixed
** one, an "other" reference memory over a malloc'ed block of exactly L
** bytes (what the daemon hands scripts), and a resizable one.
** Lua errors are expected and ignored; crashes and sanitizer reports are
** bugs. Where lua-memory promises string.pack/unpack's semantics, the
** results are compared with string.unpack over the same bytes, and what
** a successful pack at index 1 wrote with string.pack of the same values
** (where string.pack writes padding, pack leaves the bytes as they were).
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lmemlib.h"
#include "fuzz_input.h"
#include "fuzz_lua.h"

int luaopen_memory (lua_State *L);

#define MAXOPS 24
#define MAXARGS 7

static const char *const funcs[] = {
  "find", "fill", "diff", "pack", "unpack",
  "find", "fill", "pack", "unpack",     /* the five named ones, weighted */
  "get", "set", "tostring", "resize", "len", "type", "create"
};
#define NFUNCS (sizeof(funcs) / sizeof(funcs[0]))

/* checks run in Lua after each call; `bad` aborts the fuzzer */
static const char checker[] =
  "local memory, bad = ...\n"
  "local function pk(ok, ...) return ok, table.pack(...) end\n"
  "return function (name, ...)\n"
  "  local f = memory[name]\n"
  "  local before = name == 'pack' and memory.type((...)) and memory.tostring((...))\n"
  "  local ok, r = pk(pcall(f, ...))\n"
  "  if name == 'unpack' and memory.type((...)) then\n"
  "    local m, fmt, i = ...\n"
  "    local s = memory.tostring(m)\n"
  "    local sok, sr = pk(pcall(string.unpack, fmt, s, i))\n"
  "    if ok ~= sok then\n"
  "      bad('unpack ' .. (ok and 'succeeded' or 'failed: ' .. tostring(r[1])) ..\n"
  "          ', string.unpack ' .. (sok and 'succeeded' or 'failed: ' .. tostring(sr[1])))\n"
  "    elseif ok then\n"
  "      if r.n ~= sr.n then bad('unpack result count ' .. r.n .. ' vs ' .. sr.n) end\n"
  "      for k = 1, r.n do\n"
  "        local a, b = r[k], sr[k]\n"
  "        if memory.type(a) then a = memory.tostring(a) end\n"
  "        if not (a == b or (a ~= a and b ~= b)) then\n"
  "          bad('unpack result #' .. k .. ' differs from string.unpack')\n"
  "        end\n"
  "      end\n"
  "    end\n"
  "  end\n"
  "  if name == 'pack' and ok and r[1] == true then\n"
  "    local m, fmt, i = ...\n"
  "    if i == 1 and memory.type(m) then\n"
  "      local sok, str = pcall(string.pack, fmt, select(4, ...))\n"
  "      if sok and #str <= memory.len(m) then\n"
  "        local got = memory.tostring(m, 1, #str)\n"
  "        for k = 1, #str do  -- padding is skipped, not zeroed\n"
  "          local g, w = got:byte(k), str:byte(k)\n"
  "          if g ~= w and not (w == 0 and g == before:byte(k)) then\n"
  "            bad('pack wrote other bytes than string.pack')\n"
  "          end\n"
  "        end\n"
  "        if r[2] ~= #str + 1 then bad('pack: wrong next position') end\n"
  "      end\n"
  "    end\n"
  "  end\n"
  "  if not ok then error(r[1], 0) end\n"
  "end\n";

static int l_bad (lua_State *L) {
  fprintf(stderr, "fuzz_memory: %s\n", luaL_checkstring(L, 1));
  abort();
  return 0;
}

/* pushes one fuzzed argument; `mem` holds the stack indices of the three
** memories and `len` the initial length, for indices near the end */
static void pusharg (lua_State *L, FuzzIn *in, const int mem[3],
                     lua_Integer len) {
  unsigned tag = (unsigned)fin_uint(in, 1);
  switch (tag % 12) {
    case 0: case 1: case 2:  /* one of the memories */
      lua_pushvalue(L, mem[tag % 3]);
      break;
    case 3: case 4: {  /* a short string (a format, a pattern, fill bytes) */
      size_t n;
      const uint8_t *s = fin_line(in, 40, &n);
      lua_pushlstring(L, (const char *)s, n);
      break;
    }
    case 5: case 6:  /* a small index */
      lua_pushinteger(L, (lua_Integer)(tag / 12) - 10);
      break;
    case 7:  /* an index near the length */
      lua_pushinteger(L, len + (lua_Integer)(tag / 12) - 10);
      break;
    case 8: {  /* an extreme or arbitrary 64-bit integer */
      static const lua_Integer ext[] = {
        LUA_MININTEGER, LUA_MAXINTEGER, LUA_MININTEGER + 1,
        LUA_MAXINTEGER - 1, 0, -1, (lua_Integer)INT32_MAX + 1,
        (lua_Integer)UINT32_MAX, (lua_Integer)SIZE_MAX / 2
      };
      unsigned k = tag / 12;
      if (k < sizeof(ext) / sizeof(ext[0]))
        lua_pushinteger(L, ext[k]);
      else
        lua_pushinteger(L, (lua_Integer)fin_uint(in, 8));
      break;
    }
    case 9: {  /* a float, possibly NaN or huge */
      uint64_t bits = fin_uint(in, 8);
      double d;
      memcpy(&d, &bits, sizeof(d));
      lua_pushnumber(L, d);
      break;
    }
    case 10:
      lua_pushboolean(L, tag & 16);
      break;
    default:
      lua_pushnil(L);
      break;
  }
}

/* a resizable memory's block is freed through the state's allocator */
static void newresizable (lua_State *L, const uint8_t *init, size_t n) {
  char *b = NULL;
  luamem_newref(L);
  if (n > 0) {
    b = (char *)luamem_realloc(L, NULL, 0, n);
    if (b == NULL) return;  /* stays empty */
    memcpy(b, init, n);
  }
  luamem_setref(L, -1, b, n, b != NULL ? luamem_free : NULL);
}

static int run (lua_State *L) {
  FuzzIn *in = (FuzzIn *)lua_touserdata(L, 1);
  uint8_t *refblock = (uint8_t *)lua_touserdata(L, 2);
  size_t len = (size_t)lua_tointeger(L, 3);
  const uint8_t *init = (const uint8_t *)lua_touserdata(L, 4);
  int mem[3], op, step;
  char *fixed;

  luaL_requiref(L, "memory", luaopen_memory, 1);
  lua_pushcfunction(L, l_bad);
  if (luaL_loadbuffer(L, checker, sizeof(checker) - 1, "=checker") != LUA_OK)
    return lua_error(L);
  lua_insert(L, -3);
  lua_call(L, 2, 1);  /* checker(memory, bad) -> step */
  step = lua_gettop(L);
  fixed = luamem_newalloc(L, len);
  if (len > 0) memcpy(fixed, init, len);
  mem[0] = lua_gettop(L);
  luamem_newref(L);
  luamem_setref(L, -1, len > 0 ? (char *)refblock : NULL, len, NULL);
  mem[1] = lua_gettop(L);
  newresizable(L, init, len);
  mem[2] = lua_gettop(L);

  for (op = 0; op < MAXOPS && in->n > 0; op++) {
    unsigned f = (unsigned)fin_uint(in, 1);
    int nargs = (int)(fin_uint(in, 1) % (MAXARGS + 1)), a;
    int top = lua_gettop(L);
    lua_pushvalue(L, step);
    lua_pushstring(L, funcs[f % NFUNCS]);
    if (f / NFUNCS % 4 != 0 && nargs > 0) {  /* mostly a memory first */
      lua_pushvalue(L, mem[f % 3]);
      nargs--;
      if ((f % NFUNCS == 3 || f % NFUNCS == 4 || f % NFUNCS == 7 ||
           f % NFUNCS == 8) && nargs > 0) {  /* pack/unpack: a format */
        size_t n;
        const uint8_t *s = fin_line(in, 40, &n);
        lua_pushlstring(L, (const char *)s, n);
        nargs--;
        if (nargs > 0) {  /* the index: mostly 1, where pack is compared */
          unsigned ib = (unsigned)fin_uint(in, 1);
          lua_pushinteger(L, ib < 128 ? 1 : (lua_Integer)ib - 136);
          nargs--;
        }
      }
    }
    for (a = 0; a < nargs; a++) pusharg(L, in, mem, (lua_Integer)len);
    (void)lua_pcall(L, lua_gettop(L) - top - 1, 0, 0);  /* errors are fine */
    lua_settop(L, top);
  }

  /* the daemon's end of run: the reference goes empty, its bytes away;
  ** a later access must see an empty memory, never the old block */
  luamem_setref(L, mem[1], NULL, 0, NULL);
  memset(refblock, 0xa5, len);
  lua_pushvalue(L, step);
  lua_pushstring(L, "tostring");
  lua_pushvalue(L, mem[1]);
  if (lua_pcall(L, 2, 0, 0) != LUA_OK) lua_pop(L, 1);
  if (luaL_len(L, mem[1]) != 0) {
    fprintf(stderr, "fuzz_memory: reset reference is not empty\n");
    abort();
  }
  return 0;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  FuzzIn in = fin_init(data, size);
  size_t len = (size_t)(fin_uint(&in, 2) % 512), k;
  const uint8_t *init;
  uint8_t *refblock;
  FuzzAlloc a;
  lua_State *L;

  if (len > in.n) len = in.n;
  init = in.p;
  in.p += len; in.n -= len;
  refblock = malloc(len > 0 ? len : 1);  /* exact size: ASan guards it */
  if (refblock == NULL) return 0;
  for (k = 0; k < len; k++) refblock[k] = init[k];
  L = fuzz_newstate(&a);
  if (L == NULL) { free(refblock); return 0; }
  luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
  lua_pop(L, 1);
  lua_pushcfunction(L, run);
  lua_pushlightuserdata(L, &in);
  lua_pushlightuserdata(L, refblock);
  lua_pushinteger(L, (lua_Integer)len);
  lua_pushlightuserdata(L, (void *)init);
  if (lua_pcall(L, 4, 0, 0) != LUA_OK) lua_pop(L, 1);  /* e.g. no memory */
  lua_close(L);
  free(refblock);
  return 0;
}
