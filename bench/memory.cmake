# memory: run by hand, numbers in doc/memory.md.
#   <build>/bench/bench_memory_handoff [N] [sizes...]   five C->Lua hand-offs
#   cmake --build <build> --target bench_memory          the module's ops
add_executable(bench_memory_handoff
               ${CMAKE_CURRENT_SOURCE_DIR}/memory/bench_handoff.c)
pktlua_target_defaults(bench_memory_handoff)
target_link_libraries(bench_memory_handoff PRIVATE memory_static
                      PkgConfig::LUA m)

find_program(PKTLUA_BENCH_LUA NAMES lua5.4)
if(PKTLUA_BENCH_LUA)
  add_custom_target(bench_memory
    COMMAND ${CMAKE_COMMAND} -E env "LUA_CPATH=${PROJECT_BINARY_DIR}/lua/?.so"
            ${PKTLUA_BENCH_LUA} ${CMAKE_CURRENT_SOURCE_DIR}/memory/bench_memory.lua
    DEPENDS memory_module
    USES_TERMINAL
    COMMENT "memory: module micro-benchmark")
endif()
