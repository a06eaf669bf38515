# layout: the engine (cmocka, against a bit-by-bit reference) and the Lua
# module (reference example checked by tcpdump, bits, specs, pointers,
# checksums; lua/layout_fixtures.lua holds what they share)
pktlua_add_cmocka_test(test_layout SOURCES c/test_layout.c LIBS lay_engine)
pktlua_add_lua_test(test_layout_lua lua/test_layout.lua)
pktlua_add_lua_test(test_layout_bits lua/test_layout_bits.lua)
pktlua_add_lua_test(test_layout_specs lua/test_layout_specs.lua)
pktlua_add_lua_test(test_layout_pointers lua/test_layout_pointers.lua)
pktlua_add_lua_test(test_layout_checksum lua/test_layout_checksum.lua)
