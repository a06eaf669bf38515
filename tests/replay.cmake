# Replay with timing (src/pktlua/pacer.c): pacing through -w everywhere,
# usage errors, and injection over a veth pair in network namespaces
# (root: skipped with 77 elsewhere). SERIAL: the timing checks need the
# CPU they measure.
if(TARGET pktlua)
  file(GLOB _replay_tests
       ${CMAKE_CURRENT_SOURCE_DIR}/integration/replay/test_*.sh)
  list(SORT _replay_tests)
  foreach(_t ${_replay_tests})
    get_filename_component(_n ${_t} NAME_WE)
    string(REGEX REPLACE "^test_" "" _n ${_n})
    pktlua_add_shell_test(replay_${_n} ${_t} SERIAL LABELS replay)
  endforeach()
endif()
