/*
** bench_handoff.c - six ways a C host can hand a byte buffer to a Lua
** function, as the daemon does once per packet:
**   setref     re-point one reference memory (luamem_setref)
**   headref    re-point it by storing into its head (luamem_tohead once,
**              then two stores: what the daemon does)
**   copyfixed  copy into one fixed memory made up front
**   newref     a new reference memory each time
**   newfixed   a new fixed memory each time (luamem_newalloc + memcpy)
**   string     a new Lua string each time (lua_pushlstring)
** For each: ns per hand-off, and Lua heap growth per hand-off with the
** collector stopped (what the way allocates) and running (what stays).
**
** usage: bench_memory_handoff [iterations] [size...]   (run by hand)
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#include "lmemlib.h"

LUAMEMMOD_API int luaopen_memory (lua_State *L);

typedef enum Way {
  SETREF, HEADREF, COPYFIXED, NEWREF, NEWFIXED, STRING, NWAYS
} Way;

static const char *const waynames[NWAYS] = {
  "setref", "headref", "copyfixed", "newref", "newfixed", "string"
};

/* the consumer reads one byte, so every way must yield readable bytes */
static const char consumer[] =
  "local get, byte, type = memory.get, string.byte, type\n"
  "return function (p)\n"
  "  if type(p) == 'string' then return byte(p, 1) end\n"
  "  return get(p, 1)\n"
  "end\n";

static double now (void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double heapbytes (lua_State *L) {
  return (double)lua_gc(L, LUA_GCCOUNT) * 1024.0 + lua_gc(L, LUA_GCCOUNTB);
}

/*
** Runs `n` hand-offs of `buf` in one way; stack: consumer function at 1,
** the reused reference at 2, the reused fixed memory at 3.
*/
static void handoff (lua_State *L, Way way, char *buf, size_t len, long n) {
  luamem_Head *head = luamem_tohead(L, 2, NULL);  /* once, like the daemon */
  long i;
  for (i = 0; i < n; i++) {
    lua_pushvalue(L, 1);
    switch (way) {
      case SETREF:
        luamem_setref(L, 2, buf, len, NULL);
        lua_pushvalue(L, 2);
        break;
      case HEADREF:
        head->mem = buf;
        head->len = len;
        lua_pushvalue(L, 2);
        break;
      case COPYFIXED:
        memcpy(luamem_tomemory(L, 3, NULL), buf, len);
        lua_pushvalue(L, 3);
        break;
      case NEWREF:
        luamem_newref(L);
        luamem_setref(L, -1, buf, len, NULL);
        break;
      case NEWFIXED:
        memcpy(luamem_newalloc(L, len), buf, len);
        break;
      case STRING:
        lua_pushlstring(L, buf, len);
        break;
      default:
        break;
    }
    lua_call(L, 1, 1);
    lua_pop(L, 1);
  }
}

static lua_State *newstate (size_t len) {
  lua_State *L = luaL_newstate();
  if (L == NULL) {
    fprintf(stderr, "out of memory\n");
    exit(EXIT_FAILURE);
  }
  luaL_openlibs(L);
  luaL_requiref(L, "memory", luaopen_memory, 1);
  lua_pop(L, 1);
  if (luaL_dostring(L, consumer) != LUA_OK) {
    fprintf(stderr, "%s\n", lua_tostring(L, -1));
    exit(EXIT_FAILURE);
  }
  luamem_newref(L);
  luamem_newalloc(L, len);
  return L;
}

/*
** One state per way; ROUNDS timed runs of `n` hand-offs each, the ways
** interleaved, best time kept (a noisy machine slows all ways alike).
** Heap: growth over one timed run with the collector running (garbage
** still uncollected at its end), and bytes per hand-off with it stopped.
*/
#define ROUNDS 5

static void bench (size_t len, long n) {
  lua_State *states[NWAYS];
  double best[NWAYS], grow_on[NWAYS], grow_off[NWAYS];
  char *buf = malloc(len);
  int w, r;
  if (buf == NULL) exit(EXIT_FAILURE);
  memset(buf, 0x5a, len);
  for (w = 0; w < NWAYS; w++) {
    states[w] = newstate(len);
    handoff(states[w], (Way)w, buf, len, n / 10 + 1);  /* warm up */
    best[w] = 1e300;
  }
  for (r = 0; r < ROUNDS; r++) {
    for (w = 0; w < NWAYS; w++) {
      lua_State *L = states[w];
      double t0, t, h0;
      lua_gc(L, LUA_GCCOLLECT);
      lua_gc(L, LUA_GCCOLLECT);
      h0 = heapbytes(L);
      t0 = now();
      handoff(L, (Way)w, buf, len, n);
      t = now() - t0;
      if (t < best[w]) best[w] = t;
      grow_on[w] = heapbytes(L) - h0;
    }
  }
  for (w = 0; w < NWAYS; w++) {
    lua_State *L = states[w];
    double h0;
    lua_gc(L, LUA_GCCOLLECT);
    lua_gc(L, LUA_GCSTOP);
    h0 = heapbytes(L);
    handoff(L, (Way)w, buf, len, n / 10);
    grow_off[w] = (heapbytes(L) - h0) / (double)(n / 10);
    printf("%-10s %6zu %10.1f %12.1f %14.0f\n", waynames[w], len,
           best[w] * 1e9 / (double)n, grow_off[w], grow_on[w]);
    lua_close(L);
  }
  free(buf);
}

int main (int argc, char **argv) {
  long n = (argc > 1) ? strtol(argv[1], NULL, 10) : 2000000;
  size_t sizes[8] = {64, 1500};
  int nsizes = 2, s;
  if (n < 10) n = 10;
  if (argc > 2) {
    for (nsizes = 0; nsizes < 8 && nsizes + 2 < argc; nsizes++)
      sizes[nsizes] = (size_t)strtoul(argv[nsizes + 2], NULL, 10);
  }
  printf("%-10s %6s %10s %12s %14s\n", "way", "bytes", "ns/op",
         "B/op gc-off", "B growth gc-on");
  for (s = 0; s < nsizes; s++)
    bench(sizes[s] > 0 ? sizes[s] : 1, n);
  return 0;
}
