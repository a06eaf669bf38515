# memory: the C API suite, the module's Lua suite, and the install check.
pktlua_add_cmocka_test(test_lmemlib SOURCES c/test_lmemlib.c
                       LIBS memory_static)

pktlua_add_lua_test(test_memory lua/test_memory.lua)

# `cmake --install` into a scratch prefix, then the stock lua5.4 must
# `require "memory"` from there (finding libluamemlib through the RPATH).
add_test(NAME test_memory_install
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/memory/install_test.sh
                 ${CMAKE_COMMAND} ${PROJECT_BINARY_DIR} ${LUA_INTERPRETER}
                 ${PKTLUA_LUA_CMOD_DIR})
pktlua_test_env(test_memory_install)

# Sizes that cannot be allocated must raise Lua errors; under ASan the
# allocator has to return NULL for them instead of aborting.
if(PKTLUA_SANITIZE MATCHES "address")
  set_property(TEST test_memory test_memory_install APPEND PROPERTY
               ENVIRONMENT "ASAN_OPTIONS=allocator_may_return_null=1")
endif()

# A second, static copy of the C library in the same process (as layout.so
# links one): memories must cross copies both ways, whichever made the
# metatables.
add_library(testmemcopy MODULE memory/copy2.c)
pktlua_target_defaults(testmemcopy)
target_link_libraries(testmemcopy PRIVATE luamemlib_static)
set_target_properties(testmemcopy PROPERTIES PREFIX ""
                      LIBRARY_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/lua)
pktlua_add_lua_test(test_memory_copies lua/test_memory_copies.lua)
pktlua_add_lua_test(test_memory_copies_first lua/test_memory_copies.lua
                    copyfirst)
if(PKTLUA_SANITIZE MATCHES "address")
  set_property(TEST test_memory_copies test_memory_copies_first APPEND
               PROPERTY ENVIRONMENT "ASAN_OPTIONS=allocator_may_return_null=1")
endif()
