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
