/*
** llaylib.c - the `layout` Lua module: luaopen_layout and the tables of
** its functions (the functions are in the files llaylib.h lists).
*/
#include "llaylib.h"

static const luaL_Reg lyt_funcs[] = {
  {"struct", lyt_struct},
  {"newpointer", lyt_newpointer},
  {"setpointer", lyt_setpointer},
  {"autochecksum", lyt_autochecksum},
  {"sizeof", lyt_sizeof},
  {"offsetof", lyt_offsetof},
  {"fits", lyt_fits},
  {NULL, NULL}
};

static const luaL_Reg ptr_meta[] = {
  {"__index", lyt_index},
  {"__newindex", lyt_newindex},
  {"__tostring", lyt_tostring},
  {NULL, NULL}
};

/* The module functions get the pointer metatable as upvalue 1 and the
** struct metatable as upvalue 2, which is how they recognise pointers and
** structs (lyt_testpointer, lyt_teststruct); the pairs iterator gets the
** pointer metatable; __pairs gets the iterator, made once. */
LUAMOD_API int luaopen_layout (lua_State *L) {
  luaL_newlibtable(L, lyt_funcs);
  luaL_newmetatable(L, LYT_POINTERMT);
  luaL_setfuncs(L, ptr_meta, 0);
  lua_pushvalue(L, -1);
  lua_pushcclosure(L, lyt_next, 1);
  lua_pushcclosure(L, lyt_pairs, 1);
  lua_setfield(L, -2, "__pairs");
  lua_pushliteral(L, "layout pointer");
  lua_setfield(L, -2, "__metatable");  /* keeps scripts off the metamethods */
  luaL_newmetatable(L, LYT_STRUCTMT);
  lua_pushcfunction(L, lyt_structtostring);
  lua_setfield(L, -2, "__tostring");
  lua_pushliteral(L, "layout struct");
  lua_setfield(L, -2, "__metatable");
  luaL_setfuncs(L, lyt_funcs, 2);  /* upvalues: the two metatables */
  return 1;
}
