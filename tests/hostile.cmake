# reliability: hostile captures and scripts through the real binary, and
# the fuzz targets' regression inputs replayed through the normal build.
set(_hostile ${CMAKE_CURRENT_SOURCE_DIR}/integration/hostile)
# (pktlua_add_shell_test: no ASan preload into bash and tcpdump; PKTLUA may
# be overridden from outside, by .ci/valgrind's wrapper.)
if(TARGET pktlua)
  pktlua_add_shell_test(hostile.captures ${_hostile}/captures.sh
                        LABELS hostile TIMEOUT 600)
  pktlua_add_shell_test(hostile.scripts ${_hostile}/scripts.sh
                        LABELS hostile TIMEOUT 600)
  pktlua_add_shell_test(hostile.script_calls ${_hostile}/script_calls.sh
                        LABELS hostile TIMEOUT 600)
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
  pktlua_add_shell_test(hostile.signals_load ${_hostile}/signals_load.sh
                        LABELS hostile TIMEOUT 900 SERIAL)
endif()

# issue 11, the I/O side: byte-swapped pseudo-headers, signals on pipes,
# write errors, a reader that stops early, descriptors a script inherits
if(TARGET pktlua)
  pktlua_add_shell_test(hostile.reader_swapped
                        ${_hostile}/reader_swapped.sh LABELS hostile)
endif()
if(TARGET pktlua)
  pktlua_add_shell_test(hostile.signals_pipe
                        ${_hostile}/signals_pipe.sh LABELS hostile)
endif()
if(TARGET pktlua AND TARGET pktgen)
  pktlua_add_shell_test(hostile.output_end
                        ${_hostile}/output_end.sh LABELS hostile)
  pktlua_add_shell_test(hostile.output_full
                        ${_hostile}/output_full.sh LABELS hostile)
  pktlua_add_shell_test(hostile.output_lost
                        ${_hostile}/output_lost.sh LABELS hostile)
endif()
if(TARGET pktlua)
  pktlua_add_shell_test(hostile.inherit ${_hostile}/inherit.sh LABELS hostile)
endif()
