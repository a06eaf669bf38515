# checksum: the C core and the Lua module
pktlua_add_cmocka_test(test_cksum SOURCES c/test_cksum.c LIBS cksum_core)
pktlua_add_lua_test(test_checksum lua/test_checksum.lua)
# tcpdump -vv as the oracle of the checksum verdicts, on the generated
# corpus and (test_checksum_tcpdump.corpus) on the real captures
pktlua_add_lua_corpus_test(test_checksum_tcpdump lua/test_checksum_tcpdump.lua)
