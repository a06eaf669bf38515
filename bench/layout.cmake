# layout: field access cost through pointers vs memory.get/set vs a pure-Lua
# layout, and heap growth (run by hand, see doc/layout.md):
#   cmake --build <build> --target bench_layout
# or directly: LUA_CPATH="<build>/lua/?.so" lua5.4 bench/layout/bench_layout.lua [N]
find_program(PKTLUA_BENCH_LUA NAMES lua5.4)
if(PKTLUA_BENCH_LUA)
  add_custom_target(bench_layout
    COMMAND ${CMAKE_COMMAND} -E env "LUA_CPATH=${PROJECT_BINARY_DIR}/lua/?.so"
            ${PKTLUA_BENCH_LUA} ${CMAKE_CURRENT_SOURCE_DIR}/layout/bench_layout.lua
    DEPENDS layout_module memory_module
    USES_TERMINAL
    COMMENT "layout: access benchmark")
endif()
