# rotation of the -w files (-C, -G, -W, -z; rotate.c, sink_file.c): bash
# scripts running the real pktlua, every file checked with tshark and
# capinfos; -G on the packets' own clock (PKTLUA_ROTATE_CLOCK=packet)
# where the wall clock would make the test slow.
if(TARGET pktlua)
  file(GLOB _rotate_tests
       ${CMAKE_CURRENT_SOURCE_DIR}/integration/rotate/test_*.sh)
  list(SORT _rotate_tests)
  foreach(_t ${_rotate_tests})
    get_filename_component(_n ${_t} NAME_WE)
    string(REGEX REPLACE "^test_" "" _n ${_n})
    pktlua_add_shell_test(rotate_${_n} ${_t} TIMEOUT 600)
  endforeach()
endif()
