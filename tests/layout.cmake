# layout: the engine (cmocka: the placement rule against a bit-by-bit
# reference, compiling, checked access and checksum fields; c/layout_testlib.c
# holds what they share) and the Lua module (reference example checked by
# tcpdump, bits, specs, pointers, checksums; lua/layout_fixtures.lua holds
# what they share)
foreach(_part rule compile access)
  pktlua_add_cmocka_test(test_layout_${_part}
    SOURCES c/test_layout_${_part}.c c/layout_testlib.c LIBS lay_engine)
endforeach()
pktlua_add_lua_test(test_layout_lua lua/test_layout.lua)
pktlua_add_lua_test(test_layout_bits lua/test_layout_bits.lua)
pktlua_add_lua_test(test_layout_specs lua/test_layout_specs.lua)
pktlua_add_lua_test(test_layout_pointers lua/test_layout_pointers.lua)
pktlua_add_lua_test(test_layout_checksum lua/test_layout_checksum.lua)
