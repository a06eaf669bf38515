/*
** test_lmemregions.c - cmocka suite of the memory-regions C API
** (lmemlib.h: luamem_newslice, luamem_isslice, luamem_map), from a C host:
** what luamem_tomemoryx and a kept head show of slices of every kind of
** memory, through every way a reference changes block.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#include "lmemlib.h"

static int setup (void **state) {
  lua_State *L = luaL_newstate();
  if (L == NULL) return -1;
  luaL_openlibs(L);
  *state = L;
  return 0;
}

static int teardown (void **state) {
  lua_close((lua_State *)*state);
  return 0;
}

/* the bytes luamem_tomemoryx shows of the memory at idx, as a string */
static void expect_bytes (lua_State *L, int idx, const char *want) {
  size_t len;
  int type;
  const char *mem = luamem_tomemoryx(L, idx, &len, NULL, &type);
  assert_int_equal(type, LUAMEM_TREF);
  assert_int_equal(len, strlen(want));
  assert_memory_equal(mem, want, len);
}

static void slice_of_fixed (void **state) {
  lua_State *L = (lua_State *)*state;
  char *m = luamem_newalloc(L, 8), *s;
  const luamem_Head *h;
  memcpy(m, "abcdefgh", 8);
  s = luamem_newslice(L, 1, 2, 4);
  assert_ptr_equal(s, m + 2);
  assert_true(luamem_isslice(L, 2));
  assert_false(luamem_isslice(L, 1));
  expect_bytes(L, 2, "cdef");
  h = luamem_tohead(L, 2, NULL);  /* the bytes are in the head */
  assert_ptr_equal(h->mem, m + 2);
  assert_int_equal(h->len, 4);
  s[0] = 'C';
  assert_int_equal(m[2], 'C');
  /* a slice of the slice: of the root */
  luamem_newslice(L, 2, 1, 3);
  expect_bytes(L, 3, "def");
  luamem_setref(L, 2, NULL, 0, NULL);  /* the middle one closed */
  expect_bytes(L, 3, "def");
  assert_false(luamem_isslice(L, 2));
  /* empty slices and ranges */
  assert_ptr_equal(luamem_newslice(L, 1, 8, 0), LUAMEM_EMPTY);
  expect_bytes(L, -1, "");
  lua_settop(L, 0);
}

static int badrange (lua_State *L) {
  luamem_newalloc(L, 4);
  luamem_newslice(L, -1, (size_t)lua_tointeger(L, 1),
                  (size_t)lua_tointeger(L, 2));
  return 0;
}

static void slice_errors (void **state) {
  lua_State *L = (lua_State *)*state;
  static const lua_Integer ranges[][2] = {{5, 0}, {4, 1}, {0, 5},
                                          {1, -1}, {-1, 1}};
  size_t k;
  for (k = 0; k < sizeof(ranges) / sizeof(ranges[0]); k++) {
    lua_pushcfunction(L, badrange);
    lua_pushinteger(L, ranges[k][0]);
    lua_pushinteger(L, ranges[k][1]);
    assert_int_equal(lua_pcall(L, 2, 0, 0), LUA_ERRRUN);
    assert_non_null(strstr(lua_tostring(L, -1), "slice out of range"));
    lua_pop(L, 1);
  }
  lua_settop(L, 0);
}

static char buf1[16] = "first packet....", buf2[16] = "second packet...";

/* the daemon's store (lmemlib.h's owner protocol) */
static void store (lua_State *L, luamem_Head *ph, char *mem, size_t len) {
  if (ph->unref != NULL) {
    luamem_resetref(L, 1, mem, len, NULL, 0);
    return;
  }
  ph->mem = mem;
  ph->len = len;
}

static void expect_head (const luamem_Head *h, const char *mem, size_t len) {
  assert_ptr_equal(h->mem, mem);
  assert_int_equal(h->len, len);
}

static void slice_of_reference (void **state) {
  lua_State *L = (lua_State *)*state;
  luamem_Head *ph;
  const luamem_Head *sh, *sh2;
  luamem_Unref unref;
  luamem_newref(L);
  ph = luamem_tohead(L, 1, NULL);
  store(L, ph, buf1, 16);
  assert_null(ph->unref);
  assert_ptr_equal(luamem_newslice(L, 1, 0, 5), buf1);
  expect_bytes(L, 2, "first");
  sh = luamem_tohead(L, 2, NULL);  /* the bytes are in the head */
  expect_head(sh, buf1, 5);
  /* marked, so the owner's next store goes through luamem_resetref; it
  ** reads back as NULL */
  assert_non_null(ph->unref);
  luamem_tomemoryx(L, 1, NULL, &unref, NULL);
  assert_null(unref);
  /* the same buffer and length again: a new packet, the slice is dead */
  store(L, ph, buf1, 16);
  assert_null(ph->unref);
  expect_bytes(L, 2, "");
  expect_head(sh, LUAMEM_EMPTY, 0);
  /* a new slice (and one of it) lives until the next store */
  luamem_newslice(L, 1, 6, 6);
  expect_bytes(L, 3, "packet");
  assert_ptr_equal(luamem_newslice(L, 3, 1, 3), buf1 + 7);
  sh2 = luamem_tohead(L, 4, NULL);
  expect_head(sh2, buf1 + 7, 3);
  store(L, ph, buf2, 16);
  expect_bytes(L, 3, "");
  expect_bytes(L, 2, "");
  expect_head(sh2, LUAMEM_EMPTY, 0);
  /* slicing again revives nothing */
  luamem_newslice(L, 1, 0, 6);
  expect_bytes(L, 5, "second");
  expect_head(sh, LUAMEM_EMPTY, 0);
  /* through the API */
  luamem_setref(L, 1, buf2, 16, NULL);
  expect_bytes(L, 5, "");
  luamem_newslice(L, 1, 0, 6);
  luamem_resetref(L, 1, buf1, 8, NULL, 0);
  expect_bytes(L, 6, "");
  /* a slice re-pointed by its host is no slice: the root's next move
  ** leaves it alone */
  luamem_newslice(L, 1, 0, 4);
  assert_true(luamem_isslice(L, 7));
  luamem_setref(L, 7, buf2, 3, NULL);
  assert_false(luamem_isslice(L, 7));
  luamem_resetref(L, 1, buf1, 16, NULL, 0);
  expect_bytes(L, 7, "sec");
  lua_settop(L, 6);
  /* root and slices garbage together: any order of __gc is safe */
  luamem_newslice(L, 1, 0, 8);
  sh = luamem_tohead(L, 7, NULL);
  expect_head(sh, buf1, 8);
  lua_settop(L, 1);
  lua_pushnil(L);
  lua_replace(L, 1);
  lua_gc(L, LUA_GCCOLLECT);
  lua_settop(L, 0);
}

/* a root of a non-NULL unref: re-pointed through the API only */
static void slice_of_owned_reference (void **state) {
  lua_State *L = (lua_State *)*state;
  char *block = (char *)luamem_realloc(L, NULL, 0, 4);
  const luamem_Head *sh;
  luamem_Unref unref;
  memcpy(block, "wxyz", 4);
  luamem_newref(L);
  luamem_setref(L, 1, block, 4, luamem_free);
  luamem_newslice(L, 1, 1, 2);
  sh = luamem_tohead(L, 2, NULL);
  expect_head(sh, block + 1, 2);
  luamem_tomemoryx(L, 1, NULL, &unref, NULL);
  assert_ptr_equal(unref, luamem_free);  /* not marked */
  luamem_setref(L, 1, NULL, 0, NULL);  /* frees the block */
  expect_head(sh, LUAMEM_EMPTY, 0);
  lua_settop(L, 0);
}

static void map_file (void **state) {
  lua_State *L = (lua_State *)*state;
  char path[] = "/tmp/test_lmemregions.XXXXXX";
  int fd = mkstemp(path);
  size_t len;
  char *mem;
  assert_true(fd >= 0);
  assert_int_equal(write(fd, "0123456789", 10), 10);
  close(fd);
  assert_int_equal(luamem_map(L, path, 0, 2, -1), 1);
  mem = luamem_tomemory(L, -1, &len);
  assert_int_equal(len, 8);
  assert_memory_equal(mem, "23456789", 8);
  luamem_newslice(L, -1, 1, 2);
  expect_bytes(L, -1, "34");
  luamem_setref(L, -2, NULL, 0, NULL);  /* unmapped: the slice dies */
  expect_bytes(L, -1, "");
  lua_settop(L, 0);
  assert_int_equal(luamem_map(L, path, 1, 0, 20), 2);
  assert_true(lua_isnil(L, -2));
  assert_non_null(strstr(lua_tostring(L, -1), "range past the end"));
  lua_settop(L, 0);
  unlink(path);
  assert_int_equal(luamem_map(L, path, 0, 0, -1), 2);
  assert_non_null(strstr(lua_tostring(L, -1), "No such file"));
  lua_settop(L, 0);
}

int main (void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(slice_of_fixed, setup, teardown),
    cmocka_unit_test_setup_teardown(slice_errors, setup, teardown),
    cmocka_unit_test_setup_teardown(slice_of_reference, setup, teardown),
    cmocka_unit_test_setup_teardown(slice_of_owned_reference, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(map_file, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
