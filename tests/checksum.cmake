# checksum: the C core and the Lua module
pktlua_add_cmocka_test(test_cksum SOURCES c/test_cksum.c LIBS cksum_core)
pktlua_add_lua_test(test_checksum lua/test_checksum.lua)
