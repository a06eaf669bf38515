# Live capture shared by several workers (PACKET_FANOUT, src/pktlua/fanout.c):
# the mechanism on its own, in a network namespace the test makes for
# itself (root only, 77 elsewhere).
if(TARGET pktlua AND CMAKE_SYSTEM_NAME STREQUAL "Linux")
  include(${PROJECT_SOURCE_DIR}/src/pktlua/sources.cmake)
  pktlua_add_cmocka_test(test_fanout
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/c/test_fanout.c
            ${PKTLUA_DAEMON_SOURCES}
    LIBS layout_static checksum_static memory_static PkgConfig::PCAP)
  target_include_directories(test_fanout PRIVATE ${PKTLUA_DAEMON_DIR})
  target_compile_definitions(test_fanout PRIVATE _DEFAULT_SOURCE
    PKTLUA_HAVE_LAYOUT PKTLUA_HAVE_CHECKSUM)
  set_tests_properties(test_fanout PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120
    LABELS fanout)
endif()

# -i with --workers: the real binary in a namespace with veth pairs,
# capturing (live) and bridging to another interface (bridge); the workers
# label (.ci/run runs them again under ThreadSanitizer), and fanout for
# all of this file (ctest -L fanout)
if(TARGET pktlua)
  foreach(t live bridge)
    pktlua_add_shell_test(fanout_${t}
      ${CMAKE_CURRENT_SOURCE_DIR}/integration/fanout/test_${t}.sh
      LABELS workers fanout TIMEOUT 300)
  endforeach()
endif()
