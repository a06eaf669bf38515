# memory regions: slices, streams, mapped files (src/memory/lmemslice.c,
# lmemstream.c, lmemmap.c), and the blocklist example end to end.

# a C host of referenced memories for the slice tests (the daemon's ways of
# re-pointing `pkt`), on the same library copy as memory.so
add_library(testhostref MODULE regions/hostref.c)
pktlua_target_defaults(testhostref)
target_link_libraries(testhostref PRIVATE luamemlib)
set_target_properties(testhostref PROPERTIES PREFIX ""
                      LIBRARY_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/lua)

pktlua_add_lua_test(test_memory_regions lua/test_memory_regions.lua)

# the C API of slices and maps, from a C host
pktlua_add_cmocka_test(test_lmemregions SOURCES c/test_lmemregions.c
                       LIBS luamemlib_static)

# the real pktlua: a script keeping a slice of `pkt` across packets; the
# blocklist example and its builder against tcpdump. examples.cmake's
# runner (included before this file), under the label regions.
pktlua_examples_test(regions.slices ../regions/slices.sh)
pktlua_examples_test(regions.blocklist ../regions/blocklist.sh)
set_tests_properties(regions.slices regions.blocklist PROPERTIES
                     LABELS regions TIMEOUT 300)
pktlua_add_lua_test(test_blocklist_build lua/test_blocklist_build.lua)
# a DNS parser on memory.reader in the real pktlua, against tcpdump
pktlua_examples_test(regions.streams ../regions/streams.sh)
set_tests_properties(regions.streams PROPERTIES LABELS regions)
