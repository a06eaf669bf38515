# reliability: hostile captures and scripts through the real binary, and
# the fuzz targets' regression inputs replayed through the normal build.
set(_hostile ${CMAKE_CURRENT_SOURCE_DIR}/integration/hostile)
# Not pktlua_test_env: its ASan preload (for modules in the stock lua5.4)
# would be injected into bash and tcpdump too; pktlua links the runtime.
# PKTLUA may be overridden from outside (.ci/valgrind's wrapper).
if(TARGET pktlua)
  foreach(kind captures scripts)
    add_test(NAME hostile.${kind} COMMAND bash ${_hostile}/${kind}.sh)
    set_tests_properties(hostile.${kind} PROPERTIES SKIP_RETURN_CODE 77
      LABELS hostile TIMEOUT 600 ENVIRONMENT
      "PKTLUA_SHARED_CAPTURES=${PKTLUA_SHARED_CAPTURES};PKTLUA_SOURCE_DIR=${PROJECT_SOURCE_DIR};PKTLUA_BUILD_DIR=${PROJECT_BINARY_DIR}")
  endforeach()
endif()

# fuzz/targets.cmake defines the targets; REPLAY gives them fuzz/replay.c
# as main(). Each replays tests/fuzz-regress/<name>/ (crash inputs found
# by fuzzing, plus one seed per target so the path always runs).
include(${PROJECT_SOURCE_DIR}/fuzz/targets.cmake)
pktlua_fuzz_targets(REPLAY)
get_property(_fuzz GLOBAL PROPERTY PKTLUA_FUZZ_TARGETS)
foreach(name ${_fuzz})
  set(_dir ${CMAKE_CURRENT_SOURCE_DIR}/fuzz-regress/${name})
  if(EXISTS ${_dir})
    add_test(NAME fuzz-regress.${name} COMMAND fuzz_replay_${name} ${_dir})
    set_tests_properties(fuzz-regress.${name} PROPERTIES LABELS fuzz
                         TIMEOUT 300)
  endif()
endforeach()

# signals at random moments of a 2M-packet replay (item 5 of the
# reliability issue); pktgen makes the input
if(TARGET pktlua AND TARGET pktgen)
  add_test(NAME hostile.signals_load
           COMMAND bash ${_hostile}/signals_load.sh)
  set_tests_properties(hostile.signals_load PROPERTIES SKIP_RETURN_CODE 77
    LABELS hostile TIMEOUT 900 RUN_SERIAL TRUE ENVIRONMENT
    "PKTLUA_SOURCE_DIR=${PROJECT_SOURCE_DIR};PKTLUA_BUILD_DIR=${PROJECT_BINARY_DIR};PKTGEN=$<TARGET_FILE:pktgen>")
endif()
