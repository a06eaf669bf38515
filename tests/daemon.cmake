# Daemon integration tests: bash scripts running the real pktlua binary,
# checked with tcpdump and tshark. Each tests/integration/daemon/test_*.sh
# is one ctest test over the generated corpus; those reading captures have
# a .corpus variant over ../shared/captures. 77 means skipped (e.g. live
# capture without root).
if(TARGET pktlua)
  # the tests that read no capture of the corpus
  set(_no_corpus live usage install progress stats capture bridge dropuser)
  file(GLOB _daemon_tests
       ${CMAKE_CURRENT_SOURCE_DIR}/integration/daemon/test_*.sh)
  list(SORT _daemon_tests)
  foreach(_t ${_daemon_tests})
    get_filename_component(_n ${_t} NAME_WE)
    string(REGEX REPLACE "^test_" "" _n ${_n})
    set(_corpus CORPUS)
    if(_n IN_LIST _no_corpus)
      set(_corpus "")
    endif()
    set(_timeout "")
    if(_n STREQUAL shard)  # ~400 runs, tshark and tcpdump over each output
      set(_timeout TIMEOUT 900)
    endif()
    pktlua_add_shell_test(daemon_${_n} ${_t} ${_corpus} ${_timeout})
  endforeach()
  # bursts into a live capture: the drops it counts need the CPU
  set_tests_properties(daemon_capture PROPERTIES RUN_SERIAL TRUE)
endif()

# The l3 finder on its own: offsets and bounds for every link type; the
# symmetric flow hash (--shard): symmetry, fragments, pinned values, spread
# over many flows, bounds.
if(TARGET pktlua)
  foreach(_unit pkt_l3 flowhash)
    pktlua_add_cmocka_test(test_${_unit}
      SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/c/test_${_unit}.c
              ${PROJECT_SOURCE_DIR}/src/pktlua/flowhash.c
              ${PROJECT_SOURCE_DIR}/src/pktlua/l3.c
              ${PROJECT_SOURCE_DIR}/src/pktlua/layers.c
      LIBS PkgConfig::PCAP)
    target_include_directories(test_${_unit} PRIVATE ${PROJECT_SOURCE_DIR}/src/pktlua)
    target_compile_definitions(test_${_unit} PRIVATE _DEFAULT_SOURCE)
  endforeach()
endif()

# The loop and the script side between a source and a sink written in the
# test against their ops tables; the info contract; the status codes.
if(TARGET pktlua)
  include(${PROJECT_SOURCE_DIR}/src/pktlua/sources.cmake)
  pktlua_add_cmocka_test(test_pkt_loop
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/c/test_pkt_loop.c
            ${PKTLUA_DAEMON_SOURCES}
    LIBS layout_static checksum_static memory_static PkgConfig::PCAP
         Threads::Threads)
  target_include_directories(test_pkt_loop PRIVATE ${PKTLUA_DAEMON_DIR})
  target_compile_definitions(test_pkt_loop PRIVATE _DEFAULT_SOURCE
    PKTLUA_HAVE_LAYOUT PKTLUA_HAVE_CHECKSUM)
  pktlua_test_env(test_pkt_loop)
endif()

# The ring of batches --workers hands packets over in (batch.c).
if(TARGET pktlua)
  pktlua_add_cmocka_test(test_batch
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/c/test_batch.c
            ${PROJECT_SOURCE_DIR}/src/pktlua/batch.c
    LIBS PkgConfig::PCAP Threads::Threads)
  target_include_directories(test_batch PRIVATE ${PROJECT_SOURCE_DIR}/src/pktlua)
  target_compile_definitions(test_batch PRIVATE _DEFAULT_SOURCE)
endif()

# Packets that change length: edit.c's moves on their own.
if(TARGET pktlua)
  pktlua_add_cmocka_test(test_pkt_edit
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/c/test_pkt_edit.c
            ${PROJECT_SOURCE_DIR}/src/pktlua/edit.c
    LIBS PkgConfig::PCAP)
  target_include_directories(test_pkt_edit PRIVATE ${PROJECT_SOURCE_DIR}/src/pktlua)
  target_compile_definitions(test_pkt_edit PRIVATE _DEFAULT_SOURCE)
endif()
