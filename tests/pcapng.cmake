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
    pktlua_add_shell_test(pcapng_${_n} ${_t} CORPUS TIMEOUT 2400)
  endforeach()
endif()
# once each, over their own inputs: full (a full disk under a pcapng -w;
# root: a small tmpfs), emit (pktlua.emit), inject (-o NAME=IFACE; root:
# namespaces and veth pairs), the examples of emit dup and reply (its ping
# part as root)
if(TARGET pktlua)
  foreach(_t full emit inject dup reply)
    pktlua_add_shell_test(pcapng_${_t}
      ${CMAKE_CURRENT_SOURCE_DIR}/integration/pcapng/${_t}.sh TIMEOUT 600)
  endforeach()
endif()
