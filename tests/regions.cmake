# memory regions: slices, streams, mapped files (src/memory/lmemslice.c,
# lmemstream.c, lmemmap.c: a Lua suite each), and the blocklist example end
# to end.

# a C host of referenced memories for the slice tests (the daemon's ways of
# re-pointing `pkt`), on the same library copy as memory.so
add_library(testhostref MODULE regions/hostref.c)
pktlua_target_defaults(testhostref)
target_link_libraries(testhostref PRIVATE luamemlib)
set_target_properties(testhostref PROPERTIES PREFIX ""
                      LIBRARY_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/lua)

pktlua_add_lua_test(test_memory_regions lua/test_memory_regions.lua)
pktlua_add_lua_test(test_memory_streams lua/test_memory_streams.lua)
pktlua_add_lua_test(test_memory_map lua/test_memory_map.lua)

# the C API of slices and maps, from a C host
pktlua_add_cmocka_test(test_lmemregions SOURCES c/test_lmemregions.c
                       LIBS luamemlib_static)

# the real pktlua: a script keeping a slice of `pkt` across packets; the
# blocklist example and its builder against tcpdump, under the label regions.
set(_reg ${CMAKE_CURRENT_SOURCE_DIR}/integration/regions)
pktlua_add_shell_test(regions.slices ${_reg}/slices.sh LABELS regions)
pktlua_add_shell_test(regions.blocklist ${_reg}/blocklist.sh LABELS regions)
pktlua_add_lua_test(test_blocklist_build lua/test_blocklist_build.lua)
# a DNS parser on memory.reader in the real pktlua, against tcpdump
pktlua_add_shell_test(regions.streams ${_reg}/streams.sh LABELS regions)
