# The fuzz targets, shared by two builds:
#  - fuzz/CMakeLists.txt (clang, libFuzzer): pktlua_fuzz_targets(FUZZ)
#    makes fuzz_<name> executables driven by libFuzzer;
#  - tests/hostile.cmake (any compiler): pktlua_fuzz_targets(REPLAY) makes
#    fuzz_replay_<name> executables with fuzz/replay.c as main(), which ctest
#    runs over tests/fuzz-regress/<name>/ (every crash input ever found).
# A target is only defined when the parts it exercises exist in the tree.
set(PKTLUA_FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR})
get_filename_component(PKTLUA_SRC_DIR ${CMAKE_CURRENT_LIST_DIR} DIRECTORY)

function(pktlua_fuzz_add mode name)
  cmake_parse_arguments(F "" "" "SOURCES;LIBS" ${ARGN})
  foreach(lib ${F_LIBS})
    if(NOT TARGET ${lib} AND NOT lib MATCHES "::")
      message(STATUS "fuzz target ${name} skipped: no ${lib} yet")
      return()
    endif()
  endforeach()
  if(mode STREQUAL "FUZZ")
    set(tgt fuzz_${name})
    add_executable(${tgt} ${F_SOURCES})
    target_link_options(${tgt} PRIVATE -fsanitize=fuzzer)
  else()
    set(tgt fuzz_replay_${name})
    add_executable(${tgt} ${F_SOURCES} ${PKTLUA_FUZZ_DIR}/replay.c)
  endif()
  pktlua_target_defaults(${tgt})
  target_include_directories(${tgt} PRIVATE ${PKTLUA_FUZZ_DIR})
  target_link_libraries(${tgt} PRIVATE ${F_LIBS} PkgConfig::LUA m)
  set_property(GLOBAL APPEND PROPERTY PKTLUA_FUZZ_TARGETS ${name})
endfunction()

function(pktlua_fuzz_targets mode)
  pktlua_fuzz_add(${mode} cksum SOURCES ${PKTLUA_FUZZ_DIR}/fuzz_cksum.c
                  LIBS cksum_core)
  pktlua_fuzz_add(${mode} memory SOURCES ${PKTLUA_FUZZ_DIR}/fuzz_memory.c
                  LIBS memory_static)
  pktlua_fuzz_add(${mode} layout SOURCES ${PKTLUA_FUZZ_DIR}/fuzz_layout.c
                  LIBS layout_static memory_static)
  # the daemon is an executable: its sources but main.c are compiled into
  # the target, which runs the daemon's own loop (pkt_loop_run)
  include(${PKTLUA_SRC_DIR}/src/pktlua/sources.cmake)
  set(d ${PKTLUA_DAEMON_DIR})
  pktlua_fuzz_add(${mode} capture SOURCES ${PKTLUA_FUZZ_DIR}/fuzz_capture.c
                  ${PKTLUA_DAEMON_SOURCES}
                  LIBS layout_static memory_static checksum_static
                       PkgConfig::PCAP Threads::Threads)
  set(t fuzz_capture)
  if(mode STREQUAL "REPLAY")
    set(t fuzz_replay_capture)
  endif()
  if(TARGET ${t})
    target_include_directories(${t} PRIVATE ${d})
    target_compile_definitions(${t} PRIVATE _DEFAULT_SOURCE
      PKTLUA_HAVE_LAYOUT PKTLUA_HAVE_CHECKSUM
      FUZZ_SOURCE_DIR="${PKTLUA_SRC_DIR}")
  endif()
endfunction()
