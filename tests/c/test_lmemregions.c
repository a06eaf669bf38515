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

static void slice_of_reference (void **state) {
  lua_State *L = (lua_State *)*state;
  luamem_Head *ph;
  const luamem_Head *sh;
  luamem_newref(L);
  ph = luamem_tohead(L, 1, NULL);
  ph->mem = buf1;  /* the daemon's way */
  ph->len = 16;
  ph->unref = NULL;
  assert_ptr_equal(luamem_newslice(L, 1, 0, 5), buf1);
  expect_bytes(L, 2, "first");
  sh = luamem_tohead(L, 2, NULL);  /* nothing in the head */
  assert_ptr_equal(sh->mem, LUAMEM_EMPTY);
  assert_int_equal(sh->len, 0);
  /* the same buffer and length again: a new packet, the slice is dead */
  ph->mem = buf1;
  ph->len = 16;
  ph->unref = NULL;
  expect_bytes(L, 2, "");
  /* a new slice lives until the next store, to another buffer */
  luamem_newslice(L, 1, 6, 6);
  expect_bytes(L, 3, "packet");
  ph->mem = buf2;
  ph->len = 16;
  ph->unref = NULL;
  expect_bytes(L, 3, "");
  expect_bytes(L, 2, "");
  /* through the API */
  luamem_newslice(L, 1, 0, 6);
  expect_bytes(L, 4, "second");
  luamem_setref(L, 1, buf2, 16, NULL);
  expect_bytes(L, 4, "");
  luamem_newslice(L, 1, 0, 6);
  luamem_resetref(L, 1, buf1, 8, NULL, 0);
  expect_bytes(L, 5, "");
  assert_ptr_equal(sh->mem, LUAMEM_EMPTY);
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
    cmocka_unit_test_setup_teardown(map_file, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
