# Install tests: what users of the installed tree get. Each
# tests/integration/install/<name>.sh is one test; 77 means skipped.
# Not pktlua_test_env: its ASan preload would instrument bash, cmake and
# cc here; the scripts pass PKTLUA_LUA_PRELOAD to lua5.4 alone.
set(_inst ${CMAKE_CURRENT_SOURCE_DIR}/integration/install)
foreach(name symbols luamem rockspec)
  add_test(NAME install.${name} COMMAND bash ${_inst}/${name}.sh)
  set_tests_properties(install.${name} PROPERTIES
    ENVIRONMENT "PKTLUA_SOURCE_DIR=${PROJECT_SOURCE_DIR};PKTLUA_BUILD_DIR=${PROJECT_BINARY_DIR};PKTLUA_LUA=${LUA_INTERPRETER};PKTLUA_LUA_PRELOAD=${PKTLUA_TEST_PRELOAD}"
    SKIP_RETURN_CODE 77 TIMEOUT 600 LABELS install)
endforeach()
