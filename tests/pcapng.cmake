# pcapng in and out (source_pcapng.c, sink_pcapng.c): bash scripts running
# the real pktlua over pcapng files that tests/integration/pcapng/mkng.lua
# writes, checked against tshark and capinfos, over the generated and the
# shared captures (.corpus); many tshark runs: a long timeout on a loaded
# machine.
if(TARGET pktlua)
  file(GLOB _pcapng_tests
       ${CMAKE_CURRENT_SOURCE_DIR}/integration/pcapng/test_*.sh)
  list(SORT _pcapng_tests)
  foreach(_t ${_pcapng_tests})
    get_filename_component(_n ${_t} NAME_WE)
    string(REGEX REPLACE "^test_" "" _n ${_n})
    pktlua_add_shell_test(pcapng_${_n} ${_t} CORPUS TIMEOUT 1200)
  endforeach()
endif()
# a full disk under a pcapng -w (root: a small tmpfs)
if(TARGET pktlua)
  pktlua_add_shell_test(pcapng_full
    ${CMAKE_CURRENT_SOURCE_DIR}/integration/pcapng/full.sh TIMEOUT 600)
endif()
