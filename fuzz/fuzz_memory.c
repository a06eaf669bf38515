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
** bugs.
** Regions: "slice" keeps its result in a pool of three slices that later
** calls take as arguments (of any function, slice included); "repoint"
** re-points the reference memory the daemon's way (lmemlib.h's owner
** protocol: a store into its head, or luamem_resetref once it is sliced,
** alternating between two blocks of the same length: the same address
** comes back); "stream" runs a fuzzed sequence of reader or writer calls.
** After every call, each pooled slice must show exactly its root's bytes
** at its offsets while the root shows the same block, and be empty for
** good once the root moved (resize, repoint), through the memory.*
** functions and through its head, as a layout pointer reads it; streams must
** read what string.unpack reads and write what string.pack writes. Where lua-memory promises string.pack/unpack's semantics, the
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
  "get", "set", "tostring", "resize", "len", "type", "create",
  "slice", "slice", "stream", "repoint"  /* regions */
};
#define FSTREAM 18
#define FREPOINT 19
#define NFUNCS (sizeof(funcs) / sizeof(funcs[0]))

/* checks run in Lua after each call; `bad` aborts the fuzzer */
static const char checker[] =
  "local memory, bad, head = ...\n"
  "local function pk(ok, ...) return ok, table.pack(...) end\n"
  /* regions: the pool, and per slice its root, offset, length, and the
  ** root's generation when it was taken */
  "local pool, nextslot = {}, 1\n"
  "local info = setmetatable({}, {__mode = 'k'})\n"
  "local gens = setmetatable({}, {__mode = 'k'})\n"
  "local function moved(m) gens[m] = (gens[m] or 0) + 1 end\n"
  "local function posstart(i, len)\n"
  "  if i > 0 then return i elseif i == 0 or i < -len then return 1 end\n"
  "  return len + i + 1\n"
  "end\n"
  "local function posend(j, len)\n"
  "  if j > len then return len elseif j >= 0 then return j\n"
  "  elseif j < -len then return 0 end\n"
  "  return len + j + 1\n"
  "end\n"
  "local function checkpool()\n"
  "  for k = 1, 3 do\n"
  "    local s = pool[k]\n"
  "    local f = s and info[s]\n"
  "    if f then\n"
  "      local want = ''\n"
  "      if (gens[f.root] or 0) == f.gen and f.n > 0 then\n"
  "        want = memory.tostring(f.root, f.off + 1, f.off + f.n)\n"
  "        if #want ~= f.n then bad('slice outlived its root block') end\n"
  "      end\n"
  "      if memory.tostring(s) ~= want or memory.len(s) ~= #want then\n"
  "        bad('slice shows other bytes than its root')\n"
  "      end\n"
  "      if want == '' and memory.get(s, 1) ~= nil then bad('empty slice read') end\n"
  "      local hn, hb = head(s)\n"
  "      if hn ~= #want or hb ~= want then bad('slice head shows other bytes') end\n"
  "    end\n"
  "  end\n"
  "end\n"
  "local function slice(m, i, j)\n"
  "  local ok, s = pcall(memory.slice, m, i, j)\n"
  "  if not ok then error(s, 0) end\n"
  "  if math.type(i) == 'integer' and (j == nil or math.type(j) == 'integer') then\n"
  "    local len, f = memory.len(m), info[m]\n"
  "    local a, b = posstart(i, len), posend(j or -1, len)\n"
  "    local n = (a <= b) and b - a + 1 or 0\n"
  "    if memory.tostring(s) ~= string.sub(memory.tostring(m), i, j or -1) then\n"
  "      bad('slice differs from string.sub')\n"
  "    end\n"
  "    local root = f and f.root or m\n"
  "    info[s] = { root = root, off = (f and f.off or 0) + a - 1, n = n,\n"
  "                gen = gens[root] or 0 }\n"
  "    if f and (gens[root] or 0) ~= f.gen then info[s].n = 0 end\n"
  "  end\n"
  "  pool[nextslot] = s\n"
  "  nextslot = nextslot % 3 + 1\n"
  "end\n"
  /* a stream: each op byte b is a call (b % 6), a size (b // 6 % 8 + 1)
  ** and an order (b >= 128: little), checked against string.(un)pack */
  "local function stream(m, i, ops, write)\n"
  "  if type(ops) ~= 'string' then return end\n"
  "  local ok, st = pcall(write and memory.writer or memory.reader, m, i)\n"
  "  if not ok then return end\n"
  "  for k = 1, #ops do\n"
  "    local b = ops:byte(k)\n"
  "    local kind, n = b % 6, b // 6 % 8 + 1\n"
  "    local order = b >= 128 and 'little' or 'big'\n"
  "    local fmt = (b >= 128 and '<' or '>') .. (kind == 1 and 'i' or 'I') .. n\n"
  "    local pos, s = st:pos(), memory.tostring(m)\n"
  "    local fits = pos - 1 <= #s - n  -- (pos + n may overflow)\n"
  "    local v, at\n"
  "    if kind <= 1 and not write then\n"
  "      v, at = st[kind == 0 and 'uint' or 'int'](st, n, order)\n"
  "      if fits and v ~= string.unpack(fmt, s, pos) then bad('reader: not string.unpack') end\n"
  "    elseif kind <= 1 then\n"
  "      local x = (b * 0x9e3779b97f4a7c15) >> (64 - 8 * n)\n"
  "      if kind == 1 and n < 8 and x >= 1 << (8 * n - 1) then x = x - (1 << (8 * n)) end\n"
  "      v, at = st[kind == 0 and 'uint' or 'int'](st, n, x, order)\n"
  "      if fits and memory.tostring(m, pos, pos + n - 1) ~= string.pack(fmt, x) then\n"
  "        bad('writer: not string.pack')\n"
  "      end\n"
  "    elseif kind == 2 then\n"
  "      if write then v, at = st:string(ops:sub(k + 1, k + n))\n"
  "        fits = pos - 1 <= #s - #ops:sub(k + 1, k + n)\n"
  "      else\n"
  "        v, at = st:string(n)\n"
  "        if fits and v ~= s:sub(pos, pos + n - 1) then bad('reader: string') end\n"
  "      end\n"
  "    elseif kind == 3 and not write then\n"
  "      local z = pos <= #s and s:find('\\0', pos, true)\n"
  "      v, at = st:zstring()\n"
  "      fits = z and true or false\n"
  "      if z and v ~= s:sub(pos, z - 1) then bad('reader: zstring') end\n"
  "    elseif kind == 4 then\n"
  "      v, at = st:skip(n)\n"
  "    else\n"
  "      v = st:seek(b % 16 - 8)\n"
  "      fits = true\n"
  "      if v ~= posstart(b % 16 - 8, #s) then bad('stream: seek') end\n"
  "    end\n"
  "    if (v ~= nil) ~= fits then bad('stream: fits but failed, or the reverse') end\n"
  "    if v == nil and (at ~= pos or st:pos() ~= pos) then bad('stream: moved on failure') end\n"
  "    if v == nil and memory.tostring(m) ~= s then bad('stream: failure wrote') end\n"
  "  end\n"
  "end\n"
  "local step = function (name, ...)\n"
  "  if name == 'slice' then return slice(...) end\n"
  "  if name == 'stream' then return stream(...) end\n"
  "  if name == 'moved' then return moved(...) end\n"
  "  if name == 'checkpool' then return checkpool() end\n"
  "  local f = memory[name]\n"
  "  local before = name == 'pack' and memory.type((...)) and memory.tostring((...))\n"
  "  local oldlen = name == 'resize' and memory.type((...)) and memory.len((...))\n"
  "  local ok, r = pk(pcall(f, ...))\n"
  "  if oldlen and ok and memory.len((...)) ~= oldlen then moved((...)) end\n"
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
  "end\n"
  "return step, pool\n";

/* head(m) -> len, bytes: what a reader of the head (a layout pointer)
** sees, with no library call */
static int l_head (lua_State *L) {
  const luamem_Head *h = luamem_tohead(L, 1, NULL);
  if (h == NULL) return 0;
  lua_pushinteger(L, (lua_Integer)h->len);
  lua_pushlstring(L, h->mem, h->len);
  return 2;
}

static int l_bad (lua_State *L) {
  fprintf(stderr, "fuzz_memory: %s\n", luaL_checkstring(L, 1));
  abort();
  return 0;
}

/* pushes memory k (0..2) or, with `pooled`, the slice in pool slot k
** (nil while the slot is empty); mem[3] is the pool's stack index */
static void pushmem (lua_State *L, const int mem[4], unsigned k,
                     int pooled) {
  if (pooled) lua_rawgeti(L, mem[3], (lua_Integer)k + 1);
  else lua_pushvalue(L, mem[k]);
}

/* pushes one fuzzed argument; `mem` holds the stack indices of the three
** memories and of the slice pool, and `len` the initial length, for
** indices near the end */
static void pusharg (lua_State *L, FuzzIn *in, const int mem[4],
                     lua_Integer len) {
  unsigned tag = (unsigned)fin_uint(in, 1);
  switch (tag % 12) {
    case 0: case 1: case 2:  /* one of the memories, or a pooled slice */
      pushmem(L, mem, tag % 3, (tag / 12) & 1);
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

/* the daemon's re-point: a store into the reference's head, to the other
** of its two blocks (same length), then the checker is told */
static void repoint (lua_State *L, int step, int ref, uint8_t *blocks[2],
                     size_t len) {
  luamem_Head *h = luamem_tohead(L, ref, NULL);
  char *next = (char *)(h->mem == (char *)blocks[0] ? blocks[1] : blocks[0]);
  if (len == 0) next = NULL;
  if (h->unref != NULL) luamem_resetref(L, ref, next, len, NULL, 0);
  else if (next != NULL) {
    h->mem = next;
    h->len = len;
  }
  lua_pushvalue(L, step);
  lua_pushliteral(L, "moved");
  lua_pushvalue(L, ref);
  lua_call(L, 2, 0);
}

static int run (lua_State *L) {
  FuzzIn *in = (FuzzIn *)lua_touserdata(L, 1);
  uint8_t *blocks[2];
  size_t len = (size_t)lua_tointeger(L, 3);
  const uint8_t *init = (const uint8_t *)lua_touserdata(L, 4);
  uint8_t *refblock;
  int mem[4], op, step;
  char *fixed;
  blocks[0] = refblock = (uint8_t *)lua_touserdata(L, 2);
  blocks[1] = (uint8_t *)lua_touserdata(L, 5);

  luaL_requiref(L, "memory", luaopen_memory, 1);
  lua_pushcfunction(L, l_bad);
  lua_pushcfunction(L, l_head);
  if (luaL_loadbuffer(L, checker, sizeof(checker) - 1, "=checker") != LUA_OK)
    return lua_error(L);
  lua_insert(L, -4);
  lua_call(L, 3, 2);  /* checker(memory, bad, head) -> step, pool */
  step = lua_gettop(L) - 1;
  mem[3] = lua_gettop(L);
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
    if (f % NFUNCS == FREPOINT) {
      repoint(L, step, mem[1], blocks, len);
      continue;
    }
    lua_pushvalue(L, step);
    lua_pushstring(L, funcs[f % NFUNCS]);
    if (f % NFUNCS == FSTREAM) {  /* memory, position, ops, writer? */
      size_t n;
      const uint8_t *ops;
      pushmem(L, mem, f % 3, (f / NFUNCS) & 1);
      pusharg(L, in, mem, (lua_Integer)len);
      ops = fin_line(in, 40, &n);
      lua_pushlstring(L, (const char *)ops, n);
      lua_pushboolean(L, (f / NFUNCS) & 2);
      nargs = 0;
    }
    else if (f / NFUNCS % 4 != 0 && nargs > 0) {  /* mostly a memory first */
      pushmem(L, mem, f % 3, f % NFUNCS >= 16 && ((f / NFUNCS) & 1));
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
    lua_pushvalue(L, step);
    lua_pushliteral(L, "checkpool");
    lua_call(L, 1, 0);
  }

  /* the daemon's end of run: the reference goes empty, its bytes away;
  ** a later access must see an empty memory, never the old block */
  luamem_setref(L, mem[1], NULL, 0, NULL);
  memset(blocks[0], 0xa5, len);
  memset(blocks[1], 0xa5, len);
  lua_pushvalue(L, step);
  lua_pushliteral(L, "moved");
  lua_pushvalue(L, mem[1]);
  lua_call(L, 2, 0);
  lua_pushvalue(L, step);
  lua_pushliteral(L, "checkpool");
  lua_call(L, 1, 0);
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
  uint8_t *refblock, *refblock2;
  FuzzAlloc a;
  lua_State *L;

  if (len > in.n) len = in.n;
  init = in.p;
  in.p += len; in.n -= len;
  refblock = malloc(len > 0 ? len : 1);  /* exact size: ASan guards it */
  refblock2 = malloc(len > 0 ? len : 1);  /* the reference's next block */
  if (refblock == NULL || refblock2 == NULL) {
    free(refblock);
    free(refblock2);
    return 0;
  }
  for (k = 0; k < len; k++) refblock[k] = init[k];
  for (k = 0; k < len; k++) refblock2[k] = (uint8_t)~init[k];
  L = fuzz_newstate(&a);
  if (L == NULL) { free(refblock); free(refblock2); return 0; }
  luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
  lua_pop(L, 1);
  lua_pushcfunction(L, run);
  lua_pushlightuserdata(L, &in);
  lua_pushlightuserdata(L, refblock);
  lua_pushinteger(L, (lua_Integer)len);
  lua_pushlightuserdata(L, (void *)init);
  lua_pushlightuserdata(L, refblock2);
  if (lua_pcall(L, 5, 0, 0) != LUA_OK) lua_pop(L, 1);  /* e.g. no memory */
  lua_close(L);
  free(refblock);
  free(refblock2);
  return 0;
}
