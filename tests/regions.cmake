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

# a script keeping a slice of `pkt` across packets, run by the real pktlua
set(_regions ${CMAKE_CURRENT_SOURCE_DIR}/integration/regions)
function(pktlua_regions_test name script)
  add_test(NAME ${name} COMMAND bash ${_regions}/${script} ${ARGN})
  set_tests_properties(${name} PROPERTIES
    ENVIRONMENT "PKTLUA_SOURCE_DIR=${PROJECT_SOURCE_DIR};PKTLUA_BUILD_DIR=${PROJECT_BINARY_DIR};PKTGEN=$<TARGET_FILE:pktgen>"
    SKIP_RETURN_CODE 77 LABELS regions)
endfunction()
pktlua_regions_test(regions.slices slices.sh)
# lua/examples/blocklist.lua and blocklist_build.lua, against tcpdump
pktlua_regions_test(regions.blocklist blocklist.sh)
set_tests_properties(regions.blocklist PROPERTIES TIMEOUT 300)
pktlua_add_lua_test(test_blocklist_build lua/test_blocklist_build.lua)
