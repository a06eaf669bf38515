/*
** test_lmemlib.c - cmocka suite of the memory C API (src/memory/lmemlib.h),
** including the C-side examples of issue 2.
*/
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#include "lmemlib.h"

LUAMEMMOD_API int luaopen_memory (lua_State *L);

/* ---- helpers ---- */

/* every unref call is recorded here */
static struct {
  int calls;
  void *mem;
  size_t len;
  lua_State *L;
} unrefs;

static void recunref (lua_State *L, void *mem, size_t len) {
  unrefs.calls++;
  unrefs.mem = mem;
  unrefs.len = len;
  unrefs.L = L;
}

static void freeunref (lua_State *L, void *mem, size_t len) {
  (void)L; (void)len;
  unrefs.calls++;
  free(mem);
}

static int setup (void **state) {
  lua_State *L = luaL_newstate();
  if (L == NULL) return -1;
  luaL_openlibs(L);
  memset(&unrefs, 0, sizeof(unrefs));
  *state = L;
  return 0;
}

static int teardown (void **state) {
  lua_close((lua_State *)*state);
  return 0;
}

/* require "memory" from the statically linked module */
static void openmemory (lua_State *L) {
  luaL_requiref(L, "memory", luaopen_memory, 1);
  lua_pop(L, 1);
}

/* runs a chunk; fails the test on error */
static void run (lua_State *L, const char *code) {
  if (luaL_dostring(L, code) != LUA_OK) {
    fail_msg("Lua error: %s", lua_tostring(L, -1));
  }
}

/* calls f with the values pushed by `push`; returns the error or NULL */
static const char *pcallf (lua_State *L, lua_CFunction f, int nargs) {
  lua_pushcfunction(L, f);
  lua_insert(L, -nargs - 1);
  if (lua_pcall(L, nargs, 0, 0) == LUA_OK) return NULL;
  return lua_tostring(L, -1);
}

/* ---- creation and inspection ---- */

static void test_newalloc (void **state) {
  lua_State *L = *state;
  size_t len = 99;
  luamem_Unref unref = recunref;
  int type = -1;
  char *p = luamem_newalloc(L, 16);
  assert_non_null(p);
  memset(p, 0xab, 16);
  assert_int_equal(luamem_type(L, -1), LUAMEM_TALLOC);
  assert_true(luamem_ismemory(L, -1));
  assert_false(luamem_isref(L, -1));
  assert_ptr_equal(luamem_tomemoryx(L, -1, &len, &unref, &type), p);
  assert_int_equal(len, 16);
  assert_null(unref);
  assert_int_equal(type, LUAMEM_TALLOC);
  assert_ptr_equal(luamem_tomemory(L, -1, NULL), p);
  /* clients may still use the registry name */
  assert_non_null(luaL_testudata(L, -1, LUAMEM_ALLOC));
  /* an empty fixed memory is still a memory with a valid pointer */
  assert_non_null(luamem_newalloc(L, 0));
  assert_ptr_not_equal(luamem_tomemory(L, -1, &len), NULL);
  assert_int_equal(len, 0);
  lua_pop(L, 2);
}

static void test_newref (void **state) {
  lua_State *L = *state;
  size_t len = 99;
  luamem_Unref unref = recunref;
  int type = -1;
  luamem_newref(L);
  assert_int_equal(luamem_type(L, -1), LUAMEM_TREF);
  assert_true(luamem_isref(L, -1));
  assert_ptr_equal(luamem_tomemoryx(L, -1, &len, &unref, &type),
                   LUAMEM_EMPTY);
  assert_int_equal(len, 0);
  assert_null(unref);
  assert_int_equal(type, LUAMEM_TREF);
  assert_non_null(luaL_testudata(L, -1, LUAMEM_REF));
  lua_pop(L, 1);
}

static void test_type_of_others (void **state) {
  lua_State *L = *state;
  size_t len = 99;
  luamem_Unref unref = recunref;
  int type = -1;
  lua_pushnil(L);
  lua_pushinteger(L, 3);
  lua_pushliteral(L, "str");
  lua_newtable(L);
  lua_pushlightuserdata(L, &len);
  lua_newuserdatauv(L, 64, 1);  /* a foreign userdata, memory-sized */
  for (int i = 1; i <= 6; i++) {
    assert_int_equal(luamem_type(L, -i), LUAMEM_TNONE);
    assert_false(luamem_ismemory(L, -i));
    assert_null(luamem_tomemoryx(L, -i, &len, &unref, &type));
    assert_int_equal(len, 0);
    assert_null(unref);
    assert_int_equal(type, LUAMEM_TNONE);
  }
  assert_int_equal(luamem_type(L, 100), LUAMEM_TNONE);  /* no value */
  lua_pop(L, 6);
  /* a table wearing a memory's metatable is not a memory */
  luamem_newalloc(L, 4);
  lua_newtable(L);
  lua_getmetatable(L, -2);
  lua_setmetatable(L, -2);
  assert_int_equal(luamem_type(L, -1), LUAMEM_TNONE);
  lua_pop(L, 1);
  /* nor is a light userdata, when all of them wear it (debug.setmetatable
     does that): its pointer would be taken for a header */
  lua_pushlightuserdata(L, &len);
  lua_getmetatable(L, -2);
  lua_setmetatable(L, -2);
  assert_int_equal(luamem_type(L, -1), LUAMEM_TNONE);
  assert_null(luamem_tohead(L, -1, NULL));
  lua_pushnil(L);
  lua_setmetatable(L, -2);
  lua_pop(L, 2);
}

/*
** Memories made by another copy of the library (e.g. a module linking the
** static one) have the same metatables and layout (a header of block,
** length and unref; an allocated memory's bytes follow it) but not this
** copy's user values. Simulated here by hand.
*/
struct header { char *mem; size_t len; luamem_Unref unref; };

static void test_other_copy (void **state) {
  lua_State *L = *state;
  static char block[5] = "abcd";
  struct header *h;
  size_t len;
  /* metatables created by name before this copy made any memory */
  luaL_newmetatable(L, LUAMEM_ALLOC);
  luaL_newmetatable(L, LUAMEM_REF);
  lua_pop(L, 2);
  h = (struct header *)lua_newuserdatauv(L, sizeof(*h) + 3, 0);
  h->mem = (char *)(h + 1);
  h->len = 3;
  h->unref = NULL;
  luaL_setmetatable(L, LUAMEM_ALLOC);
  assert_int_equal(luamem_type(L, -1), LUAMEM_TALLOC);
  assert_ptr_equal(luamem_tomemory(L, -1, &len), (char *)(h + 1));
  assert_int_equal(len, 3);
  h = (struct header *)lua_newuserdatauv(L, sizeof(*h), 0);
  h->mem = block;
  h->len = 4;
  h->unref = NULL;
  luaL_setmetatable(L, LUAMEM_REF);
  assert_int_equal(luamem_type(L, -1), LUAMEM_TREF);
  assert_ptr_equal(luamem_tomemory(L, -1, &len), block);
  assert_int_equal(len, 4);
  /* this copy's memories share the adopted metatables, with __gc added */
  luamem_newref(L);
  lua_getmetatable(L, -1);
  lua_getmetatable(L, -3);
  assert_true(lua_rawequal(L, -1, -2));
  assert_int_equal(lua_getfield(L, -1, "__gc"), LUA_TFUNCTION);
  lua_pop(L, 6);
}

/*
** Userdata given a memory metatable by hand (C code can do that to any
** luaL_checkudata type too) must have the layout of its kind: a header
** that fits, an allocated memory's bytes right after it. Another state's
** memories in between change nothing.
*/
static void test_handmade_userdata (void **state) {
  lua_State *L = *state;
  lua_State *L2 = luaL_newstate();
  struct header *h;
  assert_non_null(L2);
  luamem_newalloc(L, 1);  /* the metatables exist */
  luamem_newref(L);
  luamem_newalloc(L2, 1);  /* and another state's */
  luamem_newref(L2);
  lua_newuserdatauv(L, 3, 0);  /* too small for a header */
  luaL_setmetatable(L, LUAMEM_ALLOC);
  assert_int_equal(luamem_type(L, -1), LUAMEM_TNONE);
  lua_newuserdatauv(L, 2, 1);
  luaL_setmetatable(L, LUAMEM_REF);
  assert_int_equal(luamem_type(L, -1), LUAMEM_TNONE);
  assert_int_equal(luamem_setref(L, -1, "x", 1, NULL), 0);
  h = (struct header *)lua_newuserdatauv(L, sizeof(*h) + 8, 0);
  h->mem = (char *)(h + 1);
  h->len = 1000;  /* lies about its length */
  luaL_setmetatable(L, LUAMEM_ALLOC);
  assert_int_equal(luamem_type(L, -1), LUAMEM_TNONE);
  assert_null(luamem_tomemory(L, -1, NULL));
  /* L's genuine memories are still recognized */
  assert_int_equal(luamem_type(L, -4), LUAMEM_TREF);
  assert_int_equal(luamem_type(L, -5), LUAMEM_TALLOC);
  assert_int_equal(luamem_type(L2, -1), LUAMEM_TREF);
  lua_close(L2);
  lua_pop(L, 5);
}

/* two states in turn: each recognizes its own memories, not the other's */
static void test_two_states (void **state) {
  lua_State *L1 = *state;
  lua_State *L2 = luaL_newstate();
  int i;
  assert_non_null(L2);
  for (i = 0; i < 3; i++) {
    luamem_newalloc(L1, 2);
    luamem_newref(L2);
    luamem_newref(L1);
    luamem_newalloc(L2, 2);
    assert_int_equal(luamem_type(L1, -2), LUAMEM_TALLOC);
    assert_int_equal(luamem_type(L2, -2), LUAMEM_TREF);
    assert_int_equal(luamem_type(L1, -1), LUAMEM_TREF);
    assert_int_equal(luamem_type(L2, -1), LUAMEM_TALLOC);
    /* a table wearing L2's memory metatable is no memory */
    lua_newtable(L2);
    lua_getmetatable(L2, -2);
    lua_setmetatable(L2, -2);
    assert_int_equal(luamem_type(L2, -1), LUAMEM_TNONE);
    assert_null(luamem_tomemory(L2, -1, NULL));
    lua_pop(L2, 1);
  }
  lua_close(L2);
  assert_int_equal(luamem_type(L1, -1), LUAMEM_TREF);
  lua_settop(L1, 0);
}

/*
** An allocator that hands a freed block straight back: the blocks of the
** tables listed in `recycle.want` are kept when the state frees them, and
** once `recycle.on` is set, the next new tables get them, in order. So a
** table of a new state lands where a dead state's metatable was, every run.
*/
static struct {
  const void *want[2];  /* blocks to keep when freed */
  void *kept[2];        /* ... kept, waiting to be handed back */
  size_t size[2];
  int on;               /* hand kept blocks to new tables */
} recycle;

static void *recyclealloc (void *ud, void *ptr, size_t osize, size_t nsize) {
  int k;
  (void)ud;
  if (nsize == 0) {
    for (k = 0; k < 2; k++)
      if (ptr != NULL && ptr == recycle.want[k]) {
        recycle.kept[k] = ptr;
        recycle.size[k] = osize;
        recycle.want[k] = NULL;
        return NULL;
      }
    free(ptr);
    return NULL;
  }
  if (ptr == NULL && osize == LUA_TTABLE && recycle.on)  /* a new table */
    for (k = 0; k < 2; k++)
      if (recycle.kept[k] != NULL && recycle.size[k] >= nsize) {
        ptr = recycle.kept[k];
        recycle.kept[k] = NULL;
        return ptr;
      }
  return realloc(ptr, nsize);
}

/*
** A memory metatable of a closed state must not outlive it in the
** library: a table of a new state at the same address, given to a foreign
** userdata, must not make that userdata a memory.
*/
static void test_closed_state_uncached (void **state) {
  lua_State *L = lua_newstate(recyclealloc, NULL);
  int k;
  (void)state;
  memset(&recycle, 0, sizeof(recycle));
  assert_non_null(L);
  luamem_newalloc(L, 1);
  lua_getmetatable(L, -1);
  recycle.want[0] = lua_topointer(L, -1);
  luamem_newref(L);
  lua_getmetatable(L, -1);
  recycle.want[1] = lua_topointer(L, -1);
  lua_close(L);
  assert_non_null(recycle.kept[0]);
  assert_non_null(recycle.kept[1]);
  L = lua_newstate(recyclealloc, NULL);
  assert_non_null(L);
  recycle.on = 1;
  for (k = 0; k < 2; k++) {
    const void *old = recycle.kept[k];
    struct header *h;
    lua_newtable(L);
    assert_ptr_equal(lua_topointer(L, -1), old);  /* the address reused */
    h = (struct header *)lua_newuserdatauv(L, sizeof(*h) + 8, 0);
    h->mem = (char *)1;  /* would crash if taken for a memory */
    h->len = 99;
    h->unref = NULL;
    lua_pushvalue(L, -2);
    lua_setmetatable(L, -2);
    assert_int_equal(luamem_type(L, -1), LUAMEM_TNONE);
    assert_null(luamem_tomemory(L, -1, NULL));
    assert_null(luamem_tohead(L, -1, NULL));
    lua_pop(L, 2);
  }
  recycle.on = 0;
  lua_close(L);
}

/* ---- references ---- */

static void test_setref (void **state) {
  lua_State *L = *state;
  char a[8], b[4];
  size_t len;
  luamem_Unref unref;
  int type;
  luamem_newref(L);
  assert_int_equal(luamem_setref(L, -1, a, sizeof(a), recunref), 1);
  assert_ptr_equal(luamem_tomemoryx(L, -1, &len, &unref, &type), a);
  assert_int_equal(len, 8);
  assert_ptr_equal(unref, recunref);
  assert_int_equal(unrefs.calls, 0);  /* the empty block had no unref */
  /* same pointer: no unref, the length and function are updated */
  assert_int_equal(luamem_setref(L, -1, a, 4, recunref), 1);
  assert_int_equal(unrefs.calls, 0);
  luamem_tomemory(L, -1, &len);
  assert_int_equal(len, 4);
  /* another pointer: the previous unref gets the previous block */
  assert_int_equal(luamem_setref(L, -1, b, sizeof(b), NULL), 1);
  assert_int_equal(unrefs.calls, 1);
  assert_ptr_equal(unrefs.mem, a);
  assert_int_equal(unrefs.len, 4);
  assert_ptr_equal(unrefs.L, L);
  /* NULL makes it empty, whatever the length */
  assert_int_equal(luamem_setref(L, -1, NULL, 100, recunref), 1);
  assert_ptr_equal(luamem_tomemoryx(L, -1, &len, &unref, NULL), LUAMEM_EMPTY);
  assert_int_equal(len, 0);
  assert_ptr_equal(unref, recunref);
  assert_int_equal(unrefs.calls, 1);  /* b had no unref */
  /* leaving the empty block: its unref gets NULL, as in lua-memory */
  unrefs.mem = a;
  assert_int_equal(luamem_setref(L, -1, b, sizeof(b), NULL), 1);
  assert_int_equal(unrefs.calls, 2);
  assert_null(unrefs.mem);
  assert_int_equal(unrefs.len, 0);
  /* empty again: a new block, b had no unref */
  assert_int_equal(luamem_setref(L, -1, NULL, 0, recunref), 1);
  assert_int_equal(unrefs.calls, 2);
  /* and empty once more: the same (empty) block, no call */
  assert_int_equal(luamem_setref(L, -1, NULL, 0, NULL), 1);
  assert_int_equal(unrefs.calls, 2);
  lua_pop(L, 1);
}

static void test_resetref_nocleanup (void **state) {
  lua_State *L = *state;
  char a[8], b[4];
  luamem_newref(L);
  luamem_setref(L, -1, a, sizeof(a), recunref);
  assert_int_equal(luamem_resetref(L, -1, b, sizeof(b), recunref, 0), 1);
  assert_int_equal(unrefs.calls, 0);
  assert_int_equal(luamem_resetref(L, -1, a, sizeof(a), recunref, 1), 1);
  assert_int_equal(unrefs.calls, 1);
  assert_ptr_equal(unrefs.mem, b);
  lua_pop(L, 1);
}

static void test_setref_not_ref (void **state) {
  lua_State *L = *state;
  char a[4];
  luamem_newalloc(L, 4);
  lua_pushliteral(L, "abcd");
  lua_newuserdatauv(L, 32, 0);
  assert_int_equal(luamem_setref(L, -3, a, 4, recunref), 0);
  assert_int_equal(luamem_setref(L, -2, a, 4, recunref), 0);
  assert_int_equal(luamem_resetref(L, -1, a, 4, recunref, 1), 0);
  assert_int_equal(luamem_setref(L, 50, a, 4, recunref), 0);
  assert_int_equal(unrefs.calls, 0);
  lua_pop(L, 3);
}

static void test_gc_calls_unref (void **state) {
  lua_State *L = *state;
  char a[4];
  luamem_newref(L);
  luamem_setref(L, -1, a, sizeof(a), recunref);
  lua_pop(L, 1);
  lua_gc(L, LUA_GCCOLLECT);
  assert_int_equal(unrefs.calls, 1);
  assert_ptr_equal(unrefs.mem, a);
  assert_int_equal(unrefs.len, 4);
  /* an empty or unref-less reference costs no call */
  luamem_newref(L);
  lua_pop(L, 1);
  lua_gc(L, LUA_GCCOLLECT);
  assert_int_equal(unrefs.calls, 1);
  /* nor does one of length 0, whatever its block (as in lua-memory) */
  luamem_newref(L);
  luamem_setref(L, -1, a, 0, recunref);
  luamem_newref(L);
  luamem_setref(L, -1, NULL, 0, recunref);
  lua_pop(L, 2);
  lua_gc(L, LUA_GCCOLLECT);
  assert_int_equal(unrefs.calls, 1);
}

static void test_close_state_calls_unref (void **state) {
  lua_State *L = luaL_newstate();
  char a[4];
  (void)state;
  memset(&unrefs, 0, sizeof(unrefs));
  luamem_newref(L);
  luamem_setref(L, -1, a, sizeof(a), recunref);
  lua_close(L);
  assert_int_equal(unrefs.calls, 1);
  assert_ptr_equal(unrefs.mem, a);
}

static void test_close_calls_unref (void **state) {
  lua_State *L = *state;
  char a[4];
  size_t len = 9;
  luamem_Unref unref = recunref;
  int type;
  luamem_newref(L);
  luamem_setref(L, -1, a, sizeof(a), recunref);
  lua_pushvalue(L, -1);  /* closing the slot sets it to nil */
  lua_toclose(L, -1);
  lua_closeslot(L, -1);
  lua_pop(L, 1);
  assert_int_equal(unrefs.calls, 1);
  assert_ptr_equal(unrefs.mem, a);
  /* a closed reference is an empty memory without unref ("other") */
  assert_ptr_equal(luamem_tomemoryx(L, -1, &len, &unref, &type),
                   LUAMEM_EMPTY);
  assert_int_equal(len, 0);
  assert_null(unref);
  assert_int_equal(type, LUAMEM_TREF);
  lua_pop(L, 1);
  lua_gc(L, LUA_GCCOLLECT);
  assert_int_equal(unrefs.calls, 1);  /* not again at __gc */
  /* closing one of length 0 changes nothing: its unref stays */
  luamem_newref(L);
  luamem_setref(L, -1, a, 0, recunref);
  lua_pushvalue(L, -1);
  lua_toclose(L, -1);
  lua_closeslot(L, -1);
  lua_pop(L, 1);
  assert_int_equal(unrefs.calls, 1);
  assert_ptr_equal(luamem_tomemoryx(L, -1, &len, &unref, &type), a);
  assert_ptr_equal(unref, recunref);
  luamem_setref(L, -1, NULL, 0, NULL);  /* a moves: now it is called */
  assert_int_equal(unrefs.calls, 2);
  assert_ptr_equal(unrefs.mem, a);
  lua_pop(L, 1);
}

/* __gc and __close called by hand on other values do nothing */
static void test_ref_metamethods_on_others (void **state) {
  lua_State *L = *state;
  struct { char *mem; size_t len; luamem_Unref unref; } *fake;
  char a[4];
  luamem_newref(L);
  lua_getmetatable(L, -1);
  fake = lua_newuserdatauv(L, sizeof(*fake), 0);  /* a reference's size */
  fake->mem = a;
  fake->len = 4;
  fake->unref = recunref;
  luamem_newalloc(L, sizeof(*fake));
  for (int i = 0; i < 2; i++) {
    const char *mm = (i == 0) ? "__gc" : "__close";
    lua_getfield(L, -3, mm);
    lua_pushvalue(L, -3);  /* the foreign userdata */
    lua_call(L, 1, 0);
    lua_getfield(L, -3, mm);
    lua_pushvalue(L, -2);  /* the fixed memory */
    lua_call(L, 1, 0);
  }
  assert_int_equal(unrefs.calls, 0);
  assert_ptr_equal(fake->mem, a);
  assert_int_equal(fake->len, 4);
  lua_pop(L, 4);
}

static void test_close_from_lua (void **state) {
  lua_State *L = *state;
  char a[4];
  luamem_newref(L);
  luamem_setref(L, -1, a, sizeof(a), recunref);
  lua_setglobal(L, "r");
  openmemory(L);
  run(L, "do local x <close> = r end\n"
         "assert(memory.type(r) == 'other' and #r == 0)");
  assert_int_equal(unrefs.calls, 1);
}

/* ---- arrays ---- */

static void test_arrays (void **state) {
  lua_State *L = *state;
  size_t len;
  char *p = luamem_newalloc(L, 3);
  memcpy(p, "xyz", 3);
  lua_pushliteral(L, "hello");
  lua_pushinteger(L, 42);
  lua_newtable(L);
  lua_pushnil(L);
  /* -5 memory, -4 string, -3 number, -2 table, -1 nil */
  assert_true(luamem_isarray(L, -5));
  assert_true(luamem_isarray(L, -4));
  assert_true(luamem_isarray(L, -3));  /* numbers convert, as strings do */
  assert_false(luamem_isarray(L, -2));
  assert_false(luamem_isarray(L, -1));
  assert_ptr_equal(luamem_toarray(L, -5, &len), p);
  assert_int_equal(len, 3);
  assert_memory_equal(luamem_toarray(L, -4, &len), "hello", 5);
  assert_int_equal(len, 5);
  /* like lua_tolstring: converts numbers */
  assert_string_equal(luamem_toarray(L, -3, &len), "42");
  assert_int_equal(len, 2);
  assert_null(luamem_toarray(L, -2, &len));
  assert_null(luamem_toarray(L, -1, NULL));
  lua_pop(L, 5);
}

static void test_asarray (void **state) {
  lua_State *L = *state;
  size_t len;
  int top;
  char *p = luamem_newalloc(L, 2);
  memcpy(p, "ab", 2);
  top = lua_gettop(L);
  assert_ptr_equal(luamem_asarray(L, -1, &len), p);
  assert_int_equal(len, 2);
  assert_int_equal(lua_gettop(L), top);  /* a memory: nothing pushed */
  lua_pushboolean(L, 1);
  assert_string_equal(luamem_asarray(L, -1, &len), "true");
  assert_int_equal(len, 4);
  assert_int_equal(lua_gettop(L), top + 2);  /* luaL_tolstring's string */
  lua_pop(L, 3);
}

static int c_check (lua_State *L) {
  size_t len;
  const char *s = luamem_checkarray(L, 1, &len);
  lua_pushlstring(L, s, len);
  return 1;
}

static int c_opt (lua_State *L) {
  size_t len = 77;
  const char *s = luamem_optarray(L, 1, "dflt", &len);
  lua_pushlstring(L, s, len);
  return 1;
}

static int c_optnull (lua_State *L) {
  size_t len = 77;
  const char *s = luamem_optarray(L, 1, NULL, &len);
  lua_pushboolean(L, s == NULL && len == 0);
  return 1;
}

static void test_check_opt_array (void **state) {
  lua_State *L = *state;
  const char *err;
  memcpy(luamem_newalloc(L, 3), "mem", 3);
  err = pcallf(L, c_check, 1);
  assert_null(err);
  lua_pushcfunction(L, c_check);
  lua_pushliteral(L, "str");
  lua_call(L, 1, 1);
  assert_string_equal(lua_tostring(L, -1), "str");
  lua_pop(L, 1);
  lua_newtable(L);
  err = pcallf(L, c_check, 1);
  assert_non_null(err);
  assert_non_null(strstr(err, "bad argument #1"));
  assert_non_null(strstr(err, "string or memory expected, got table"));
  lua_pop(L, 1);
  lua_pushcfunction(L, c_opt);
  lua_call(L, 0, 1);
  assert_string_equal(lua_tostring(L, -1), "dflt");
  lua_pushcfunction(L, c_opt);
  lua_pushnil(L);
  lua_call(L, 1, 1);
  assert_string_equal(lua_tostring(L, -1), "dflt");
  lua_pushcfunction(L, c_opt);
  memcpy(luamem_newalloc(L, 2), "mm", 2);
  lua_call(L, 1, 1);
  assert_string_equal(lua_tostring(L, -1), "mm");
  lua_pushcfunction(L, c_optnull);
  lua_call(L, 0, 1);
  assert_true(lua_toboolean(L, -1));
  lua_pop(L, 4);
  lua_pushboolean(L, 0);
  err = pcallf(L, c_opt, 1);
  assert_non_null(err);
  assert_non_null(strstr(err, "got boolean"));
  lua_pop(L, 1);
}

static int c_checkmem (lua_State *L) {
  size_t len;
  char *p = luamem_checkmemory(L, 1, &len);
  lua_pushinteger(L, (lua_Integer)len);
  lua_pushboolean(L, p != NULL);
  return 2;
}

static void test_checkmemory (void **state) {
  lua_State *L = *state;
  const char *err;
  lua_pushcfunction(L, c_checkmem);
  luamem_newalloc(L, 5);
  lua_call(L, 1, 2);
  assert_int_equal(lua_tointeger(L, -2), 5);
  assert_true(lua_toboolean(L, -1));
  lua_pop(L, 2);
  lua_pushcfunction(L, c_checkmem);
  luamem_newref(L);
  lua_call(L, 1, 2);
  assert_int_equal(lua_tointeger(L, -2), 0);
  assert_true(lua_toboolean(L, -1));
  lua_pop(L, 2);
  lua_pushliteral(L, "a string is no memory");
  err = pcallf(L, c_checkmem, 1);
  assert_non_null(err);
  assert_non_null(strstr(err, "bad argument #1"));
  assert_non_null(strstr(err, "memory expected, got string"));
  lua_pop(L, 1);
}

/* ---- allocation ---- */

static int c_lenarg (lua_State *L) {
  lua_pushinteger(L, (lua_Integer)luamem_checklenarg(L, 1));
  return 1;
}

static void test_checklenarg (void **state) {
  lua_State *L = *state;
  const char *err;
  lua_pushcfunction(L, c_lenarg);
  lua_pushinteger(L, 0);
  lua_call(L, 1, 1);
  assert_int_equal(lua_tointeger(L, -1), 0);
  lua_pushcfunction(L, c_lenarg);
  lua_pushnumber(L, 12.0);  /* convertible to an integer */
  lua_call(L, 1, 1);
  assert_int_equal(lua_tointeger(L, -1), 12);
  /* sizes stay below LUAMEM_MAXSIZE, the largest int, as in lua-memory */
  assert_true(LUAMEM_MAXSIZE == (size_t)INT_MAX);
  lua_pushcfunction(L, c_lenarg);
  lua_pushinteger(L, INT_MAX - 1);
  lua_call(L, 1, 1);
  assert_int_equal(lua_tointeger(L, -1), INT_MAX - 1);
  lua_pop(L, 3);
  {
    const lua_Integer bad[] = {-1, INT_MAX, (lua_Integer)INT_MAX + 1,
                               LUA_MAXINTEGER, LUA_MININTEGER};
    size_t k;
    for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
      lua_pushinteger(L, bad[k]);
      err = pcallf(L, c_lenarg, 1);
      assert_non_null(err);
      assert_non_null(strstr(err, "bad argument #1"));
      assert_non_null(strstr(err, "invalid size"));
      lua_pop(L, 1);
    }
  }
  lua_pushnumber(L, 1.5);
  err = pcallf(L, c_lenarg, 1);
  assert_non_null(err);
  assert_non_null(strstr(err, "number has no integer representation"));
  lua_pop(L, 1);
  lua_pushliteral(L, "x");
  err = pcallf(L, c_lenarg, 1);
  assert_non_null(err);
  assert_non_null(strstr(err, "number expected, got string"));
  lua_pop(L, 1);
}

/* an allocator that counts what goes through it and can fail */
static struct {
  size_t inuse;
  size_t calls;
  size_t limit;
} heap;

static void *countalloc (void *ud, void *ptr, size_t osize, size_t nsize) {
  (void)ud;
  heap.calls++;
  if (nsize == 0) {
    if (ptr != NULL) heap.inuse -= osize;
    free(ptr);
    return NULL;
  }
  if (ptr == NULL) osize = 0;
  if (heap.inuse - osize + nsize > heap.limit) return NULL;
  ptr = realloc(ptr, nsize);
  if (ptr != NULL) heap.inuse = heap.inuse - osize + nsize;
  return ptr;
}

/* a new state on countalloc, limited to 16 MiB */
static lua_State *newcountedstate (void) {
  lua_State *L;
  memset(&heap, 0, sizeof(heap));
  heap.limit = 1 << 24;
  L = lua_newstate(countalloc, NULL);
  assert_non_null(L);
  return L;
}

static void test_realloc_uses_allocator (void **state) {
  lua_State *L = newcountedstate();
  size_t before, calls;
  char *p;
  (void)state;
  before = heap.inuse;
  calls = heap.calls;
  p = luamem_realloc(L, NULL, 0, 100);
  assert_non_null(p);
  assert_int_equal(heap.inuse, before + 100);
  memset(p, 1, 100);
  p = luamem_realloc(L, p, 100, 1000);
  assert_non_null(p);
  assert_int_equal(p[99], 1);
  assert_int_equal(heap.inuse, before + 1000);
  luamem_free(L, p, 1000);
  assert_int_equal(heap.inuse, before);
  assert_true(heap.calls == calls + 3);
  /* nothing to free, nothing to allocate */
  assert_null(luamem_realloc(L, NULL, 0, 0));
  luamem_free(L, NULL, 0);
  luamem_free(L, LUAMEM_EMPTY, 0);  /* an empty reference's block */
  assert_true(heap.calls == calls + 3);
  /* a refused allocation is NULL, not a crash */
  assert_null(luamem_realloc(L, NULL, 0, (size_t)1 << 30));
  assert_int_equal(heap.inuse, before);
  /* fixed memories go through the allocator too */
  luamem_newalloc(L, 5000);
  assert_true(heap.inuse >= before + 5000);
  lua_close(L);
  assert_int_equal(heap.inuse, 0);
}

/* memory.resize past what the allocator gives: an error, the bytes kept */
static void test_resize_out_of_memory (void **state) {
  lua_State *L = newcountedstate();
  (void)state;
  luaL_requiref(L, "_G", luaopen_base, 1);
  luaL_requiref(L, "string", luaopen_string, 1);
  lua_pop(L, 2);
  openmemory(L);
  run(L, "local m = memory.create()\n"
         "memory.resize(m, 4, 'keep')\n"
         "local ok, err = pcall(memory.resize, m, 1 << 30)\n"
         "assert(not ok and err:find('out of memory', 1, true), err)\n"
         "assert(tostring(m) == 'keep' and memory.type(m) == 'resizable')");
  lua_close(L);
  assert_int_equal(heap.inuse, 0);
}

/* ---- luaL_Buffer ---- */

static void test_addvalue_pushresult (void **state) {
  lua_State *L = *state;
  luaL_Buffer b;
  size_t len, big = 3 * LUAL_BUFFERSIZE + 7;
  const char *p;
  char *m;
  luaL_buffinit(L, &b);
  luaL_addstring(&b, "<");
  memcpy(luamem_newalloc(L, 3), "abc", 3);
  luamem_addvalue(&b);
  lua_pushliteral(L, "-str-");
  luamem_addvalue(&b);  /* strings go as with luaL_addvalue */
  m = luamem_newalloc(L, big);  /* does not fit: the buffer grows */
  memset(m, 'z', big);
  luamem_addvalue(&b);
  luamem_newref(L);  /* empty memory adds nothing */
  luamem_addvalue(&b);
  luaL_addstring(&b, ">");
  luamem_pushresult(&b);
  assert_int_equal(luamem_type(L, -1), LUAMEM_TALLOC);
  p = luamem_tomemory(L, -1, &len);
  assert_int_equal(len, 1 + 3 + 5 + big + 1);
  assert_memory_equal(p, "<abc-str-z", 10);
  assert_int_equal(p[len - 2], 'z');
  assert_int_equal(p[len - 1], '>');
  assert_int_equal(lua_gettop(L), 1);  /* only the result is left */
  lua_pop(L, 1);
}

static void test_pushresultsize (void **state) {
  lua_State *L = *state;
  luaL_Buffer b;
  size_t len;
  char *p = luaL_buffinitsize(L, &b, 10);
  memcpy(p, "0123456789", 10);
  luamem_pushresultsize(&b, 6);
  assert_int_equal(luamem_type(L, -1), LUAMEM_TALLOC);
  assert_memory_equal(luamem_tomemory(L, -1, &len), "012345", 6);
  assert_int_equal(len, 6);
  lua_pop(L, 1);
  /* an empty buffer gives an empty fixed memory */
  luaL_buffinit(L, &b);
  luamem_pushresult(&b);
  assert_int_equal(luamem_type(L, -1), LUAMEM_TALLOC);
  luamem_tomemory(L, -1, &len);
  assert_int_equal(len, 0);
  assert_int_equal(lua_gettop(L), 1);
  lua_pop(L, 1);
}

/* the 1.x names compile and are the same functions */
static void test_old_names (void **state) {
  lua_State *L = *state;
  luaL_Buffer b;
  size_t len;
  memcpy(luamem_newalloc(L, 2), "ok", 2);
  assert_true(luamem_isstring(L, -1));
  assert_memory_equal(luamem_tostring(L, -1, &len), "ok", 2);
  assert_memory_equal(luamem_asstring(L, -1, &len), "ok", 2);
  luaL_buffinit(L, &b);
  luaL_addstring(&b, "abcdef");
  luamem_pushresbufsize(&b, 0);
  luamem_tostring(L, -1, &len);
  assert_int_equal(len, 6);
  lua_pop(L, 1);
  luaL_buffinit(L, &b);
  luaL_addstring(&b, "x");
  luamem_pushresbuf(&b);
  assert_true(luamem_ismemory(L, -1));
  lua_pop(L, 2);
}

/* ---- the C-side examples of the issue ---- */

/* 1. external memory released with free() when Lua drops it */
static void test_example_external (void **state) {
  lua_State *L = *state;
  char *buf = malloc(32);
  assert_non_null(buf);
  memcpy(buf, "external bytes", 14);
  luamem_newref(L);
  luamem_setref(L, -1, buf, 14, freeunref);
  lua_setglobal(L, "ext");
  openmemory(L);
  run(L, "assert(memory.type(ext) == 'other')\n"
         "assert(memory.tostring(ext) == 'external bytes')\n"
         "assert(ext:get(1) == 101)  -- methods on refs made from C\n"
         "memory.set(ext, 1, 69)\n"
         "assert(tostring(ext) == 'External bytes')\n"
         "ext = nil collectgarbage()");
  assert_int_equal(unrefs.calls, 1);  /* and ASan sees no leak */
}

/* 2. a fixed memory, then a resizable one built by hand */
static void test_example_fixed_and_resizable (void **state) {
  lua_State *L = *state;
  char *fixed = luamem_newalloc(L, 4);
  char *block;
  memcpy(fixed, "\x01\x02\x03\x04", 4);
  lua_setglobal(L, "fixed");
  block = (char *)luamem_realloc(L, NULL, 0, 8);
  assert_non_null(block);
  memcpy(block, "resizing", 8);
  luamem_newref(L);
  luamem_setref(L, -1, block, 8, luamem_free);
  lua_setglobal(L, "res");
  openmemory(L);
  run(L, "assert(memory.type(fixed) == 'fixed' and #fixed == 4)\n"
         "assert(memory.type(res) == 'resizable')\n"
         "memory.resize(res, 10, '!')\n"
         "assert(tostring(res) == 'resizing!!')\n"
         "memory.resize(res, 3)\n"
         "assert(tostring(res) == 'res')\n"
         "assert(not pcall(memory.resize, fixed, 8))\n"
         "res = nil collectgarbage()");
}

/* 3. a temporary memory over a stack buffer, reset after the call */
static void test_example_stack_buffer (void **state) {
  lua_State *L = *state;
  char buf[16] = "stack data";
  size_t len;
  openmemory(L);
  run(L, "function consume(m) seen = memory.tostring(m) kept = m "
         "memory.fill(m, 'S', 1, 1) end");
  luamem_newref(L);
  lua_getglobal(L, "consume");
  lua_pushvalue(L, -2);
  luamem_setref(L, -1, buf, strlen(buf), NULL);
  lua_call(L, 1, 0);
  luamem_setref(L, -1, NULL, 0, NULL);  /* buf dies with this frame */
  assert_ptr_equal(luamem_tomemory(L, -1, &len), LUAMEM_EMPTY);
  assert_int_equal(len, 0);
  assert_string_equal(buf, "Stack data");
  run(L, "assert(seen == 'stack data')\n"
         "assert(#kept == 0 and memory.get(kept, 1) == nil)\n"
         "assert(memory.type(kept) == 'other')");
  lua_pop(L, 1);
}

/* 4. tomemoryx tells fixed, resizable, other and none apart */
static const char *classify (lua_State *L, int idx) {
  luamem_Unref unref;
  int type;
  luamem_tomemoryx(L, idx, NULL, &unref, &type);
  if (type == LUAMEM_TALLOC) return "fixed";
  if (type == LUAMEM_TREF)
    return unref == luamem_free ? "resizable" : "other";
  return "none";
}

static void test_example_classify (void **state) {
  lua_State *L = *state;
  luamem_newalloc(L, 1);
  luamem_newref(L);
  luamem_setref(L, -1, luamem_realloc(L, NULL, 0, 4), 4, luamem_free);
  luamem_newref(L);
  lua_pushliteral(L, "string");
  assert_string_equal(classify(L, -4), "fixed");
  assert_string_equal(classify(L, -3), "resizable");
  assert_string_equal(classify(L, -2), "other");
  assert_string_equal(classify(L, -1), "none");
  openmemory(L);
  run(L, "assert(memory.type(memory.create()) == 'resizable')");
  lua_getglobal(L, "memory");
  lua_getfield(L, -1, "create");
  lua_call(L, 0, 1);
  assert_string_equal(classify(L, -1), "resizable");
  lua_pop(L, 6);
}

/* 5. a C function reading bytes that takes memories and Lua strings */
static int c_sum (lua_State *L) {
  size_t len, i;
  const unsigned char *p =
      (const unsigned char *)luamem_checkstring(L, 1, &len);
  lua_Integer sum = 0;
  for (i = 0; i < len; i++) sum += p[i];
  lua_pushinteger(L, sum);
  return 1;
}

static void test_example_checkstring (void **state) {
  lua_State *L = *state;
  openmemory(L);
  lua_register(L, "sum", c_sum);
  run(L, "assert(sum('\\1\\2\\3') == 6)\n"
         "assert(sum(memory.create('\\1\\2\\3\\4')) == 10)\n"
         "assert(sum(memory.create()) == 0)\n"
         "assert(sum(12) == 49 + 50)  -- numbers convert, like strings\n"
         "local ok, err = pcall(sum, {})\n"
         "assert(not ok and err:find('string or memory expected', 1, true))");
}

/* memory.diff compares bytes as this host's char, as lua-memory does */
static void test_diff_char_order (void **state) {
  lua_State *L = *state;
  openmemory(L);
  run(L, "local _, lt = memory.diff('\\255', '\\1') signed = lt");
  lua_getglobal(L, "signed");
  assert_int_equal(lua_toboolean(L, -1), CHAR_MIN < 0);
  lua_pop(L, 1);
}

/* the module adds its methods to memories made before it was loaded */
static void test_methods_before_module (void **state) {
  lua_State *L = *state;
  char bytes[3] = {7, 8, 9};
  memcpy(luamem_newalloc(L, 2), "hi", 2);
  lua_setglobal(L, "early");
  luamem_newref(L);
  luamem_setref(L, -1, bytes, 3, NULL);
  lua_setglobal(L, "earlyref");
  openmemory(L);
  run(L, "assert(early:tostring() == 'hi' and #early == 2)\n"
         "assert(earlyref:get(3) == 9 and #earlyref == 3)\n"
         "assert(earlyref .. early == '\\7\\8\\9hi')");
}

/* luamem_tohead: a stable address that tracks the memory's block */
static void test_tohead (void **state) {
  lua_State *L = *state;
  char bytes[4] = {1, 2, 3, 4};
  int type = -1;
  luamem_Head *h, *r;
  char *p = luamem_newalloc(L, 5);
  h = luamem_tohead(L, -1, &type);
  assert_non_null(h);
  assert_int_equal(type, LUAMEM_TALLOC);
  assert_ptr_equal(h->mem, p);
  assert_int_equal(h->len, 5);
  assert_ptr_equal(luamem_tohead(L, -1, NULL), h);
  luamem_newref(L);
  r = luamem_tohead(L, -1, &type);
  assert_int_equal(type, LUAMEM_TREF);
  assert_ptr_equal(r->mem, LUAMEM_EMPTY);
  assert_int_equal(r->len, 0);
  /* setref shows through the head kept from before */
  assert_int_equal(luamem_setref(L, -1, bytes, 4, recunref), 1);
  assert_ptr_equal(r->mem, bytes);
  assert_int_equal(r->len, 4);
  assert_ptr_equal(r->unref, recunref);
  assert_ptr_equal(luamem_tohead(L, -1, NULL), r);
  /* and a store into the head shows through the API and in Lua */
  r->mem = bytes + 1;
  r->len = 2;
  r->unref = NULL;
  {
    size_t len;
    assert_ptr_equal(luamem_tomemory(L, -1, &len), bytes + 1);
    assert_int_equal(len, 2);
  }
  openmemory(L);
  lua_setglobal(L, "r");
  run(L, "assert(#r == 2 and r:get(1) == 2 and r:get(2) == 3)");
  /* a closed reference: empty, through the same head */
  run(L, "do local c <close> = r end assert(#r == 0)");
  assert_ptr_equal(r->mem, LUAMEM_EMPTY);
  assert_int_equal(r->len, 0);
  assert_int_equal(unrefs.calls, 0);  /* the head store dropped recunref */
  /* not memories */
  lua_pushliteral(L, "str");
  assert_null(luamem_tohead(L, -1, &type));
  assert_int_equal(type, LUAMEM_TNONE);
  lua_newtable(L);
  lua_pushvalue(L, -3);  /* the fixed memory */
  assert_true(lua_getmetatable(L, -1));
  lua_setmetatable(L, -3);  /* a table wearing a memory metatable */
  lua_pop(L, 1);
  assert_null(luamem_tohead(L, -1, &type));
  assert_int_equal(type, LUAMEM_TNONE);
  assert_null(luamem_tohead(L, 100, NULL));  /* no value */
  lua_pop(L, 3);
}

int main (void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_newalloc, setup, teardown),
    cmocka_unit_test_setup_teardown(test_newref, setup, teardown),
    cmocka_unit_test_setup_teardown(test_type_of_others, setup, teardown),
    cmocka_unit_test_setup_teardown(test_other_copy, setup, teardown),
    cmocka_unit_test_setup_teardown(test_handmade_userdata, setup, teardown),
    cmocka_unit_test_setup_teardown(test_two_states, setup, teardown),
    cmocka_unit_test(test_closed_state_uncached),
    cmocka_unit_test_setup_teardown(test_setref, setup, teardown),
    cmocka_unit_test_setup_teardown(test_resetref_nocleanup, setup, teardown),
    cmocka_unit_test_setup_teardown(test_setref_not_ref, setup, teardown),
    cmocka_unit_test_setup_teardown(test_gc_calls_unref, setup, teardown),
    cmocka_unit_test(test_close_state_calls_unref),
    cmocka_unit_test_setup_teardown(test_close_calls_unref, setup, teardown),
    cmocka_unit_test_setup_teardown(test_close_from_lua, setup, teardown),
    cmocka_unit_test_setup_teardown(test_ref_metamethods_on_others, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(test_arrays, setup, teardown),
    cmocka_unit_test_setup_teardown(test_asarray, setup, teardown),
    cmocka_unit_test_setup_teardown(test_check_opt_array, setup, teardown),
    cmocka_unit_test_setup_teardown(test_checkmemory, setup, teardown),
    cmocka_unit_test_setup_teardown(test_checklenarg, setup, teardown),
    cmocka_unit_test(test_realloc_uses_allocator),
    cmocka_unit_test(test_resize_out_of_memory),
    cmocka_unit_test_setup_teardown(test_addvalue_pushresult, setup, teardown),
    cmocka_unit_test_setup_teardown(test_pushresultsize, setup, teardown),
    cmocka_unit_test_setup_teardown(test_old_names, setup, teardown),
    cmocka_unit_test_setup_teardown(test_example_external, setup, teardown),
    cmocka_unit_test_setup_teardown(test_example_fixed_and_resizable, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(test_example_stack_buffer, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(test_example_classify, setup, teardown),
    cmocka_unit_test_setup_teardown(test_example_checkstring, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(test_diff_char_order, setup, teardown),
    cmocka_unit_test_setup_teardown(test_methods_before_module, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(test_tohead, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
