# checksum: the C core and the Lua module
pktlua_add_cmocka_test(test_cksum SOURCES c/test_cksum.c LIBS cksum_core)
pktlua_add_lua_test(test_checksum lua/test_checksum.lua)
# tcpdump -vv as the oracle of the checksum verdicts on real captures
pktlua_add_lua_test(test_checksum_tcpdump lua/test_checksum_tcpdump.lua)
set_tests_properties(test_checksum_tcpdump PROPERTIES SKIP_RETURN_CODE 77
                     TIMEOUT 300)
