# layout: the engine (cmocka, against a bit-by-bit reference) and the Lua
# module (reference example checked by tcpdump, bits, errors, checksums)
pktlua_add_cmocka_test(test_layout SOURCES c/test_layout.c LIBS lay_engine)
pktlua_add_lua_test(test_layout_lua lua/test_layout.lua)
