# Build helpers every part of the tree uses (included by the top-level
# CMakeLists.txt): target defaults and the Lua module pair.
include(CheckLinkerFlag)

# Flags every target of ours gets: C11, warnings, optional sanitizers.
function(pktlua_target_defaults tgt)
  set_target_properties(${tgt} PROPERTIES C_STANDARD 11 C_STANDARD_REQUIRED ON
                        C_EXTENSIONS OFF)
  target_compile_options(${tgt} PRIVATE -Wall -Wextra)
  target_compile_definitions(${tgt} PRIVATE _POSIX_C_SOURCE=200809L)
  if(PKTLUA_SANITIZE)
    target_compile_options(${tgt} PRIVATE -fsanitize=${PKTLUA_SANITIZE}
                           -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(${tgt} PRIVATE -fsanitize=${PKTLUA_SANITIZE})
  endif()
endfunction()

# pktlua_static_library(NAME src...): a C core that Lua modules link in.
# Position-independent (it ends up in a .so) and hidden: its functions are
# the module's own, never exports of it.
function(pktlua_static_library tgt)
  add_library(${tgt} STATIC ${ARGN})
  pktlua_target_defaults(${tgt})
  set_target_properties(${tgt} PROPERTIES POSITION_INDEPENDENT_CODE ON
                        C_VISIBILITY_PRESET hidden)
  target_include_directories(${tgt} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}>)
endfunction()

# Installed modules find libluamemlib through a path relative to themselves,
# so an installed tree can be moved (lib/lua/5.4 -> lib: $ORIGIN/../..).
function(_pktlua_module_rpath out)
  set(cmod "${PKTLUA_LUA_CMOD_DIR}")
  if(NOT IS_ABSOLUTE "${cmod}")
    set(cmod "${CMAKE_INSTALL_PREFIX}/${cmod}")
  endif()
  file(RELATIVE_PATH rel "${cmod}" "${CMAKE_INSTALL_FULL_LIBDIR}")
  string(REGEX REPLACE "/$" "" rel "${rel}")
  if(rel STREQUAL "")
    set(${out} "$ORIGIN" PARENT_SCOPE)
  else()
    set(${out} "$ORIGIN/${rel}" PARENT_SCOPE)
  endif()
endfunction()

set(PKTLUA_MODULE_EXPORTS ${CMAKE_CURRENT_LIST_DIR}/luamodule.map)
check_linker_flag(C "LINKER:--version-script=${PKTLUA_MODULE_EXPORTS}"
                  PKTLUA_HAVE_VERSION_SCRIPT)

# pktlua_lua_module(NAME SOURCES src... [LIBS lib...])
# One Lua C module, compiled once and linked twice:
#   NAME_module  NAME.so for the stock lua5.4 (build/lua/, installed in
#                PKTLUA_LUA_CMOD_DIR), exporting luaopen_* only, linked to
#                the shared libluamemlib so the process has one memory API;
#   NAME_static  a static library with luaopen_NAME for the daemon's preload
#                table, the tests and the fuzzers, linked to luamemlib_static.
# LIBS are the C cores the module is written on (linked into both).
function(pktlua_lua_module name)
  cmake_parse_arguments(M "" "" "SOURCES;LIBS" ${ARGN})
  add_library(${name}_objects OBJECT ${M_SOURCES})
  pktlua_target_defaults(${name}_objects)
  set_target_properties(${name}_objects PROPERTIES POSITION_INDEPENDENT_CODE ON)
  # headers and definitions only: the two links below pick the libraries
  target_link_libraries(${name}_objects PRIVATE ${M_LIBS} luamemlib_static)

  add_library(${name}_module MODULE $<TARGET_OBJECTS:${name}_objects>)
  pktlua_target_defaults(${name}_module)
  target_link_libraries(${name}_module PRIVATE ${M_LIBS} luamemlib)
  _pktlua_module_rpath(rpath)
  set_target_properties(${name}_module PROPERTIES PREFIX "" OUTPUT_NAME ${name}
                        LIBRARY_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/lua
                        INSTALL_RPATH "${rpath}")
  if(PKTLUA_HAVE_VERSION_SCRIPT)
    target_link_options(${name}_module PRIVATE
                        "LINKER:--version-script=${PKTLUA_MODULE_EXPORTS}")
    set_property(TARGET ${name}_module APPEND PROPERTY
                 LINK_DEPENDS ${PKTLUA_MODULE_EXPORTS})
  endif()
  install(TARGETS ${name}_module LIBRARY DESTINATION ${PKTLUA_LUA_CMOD_DIR})

  add_library(${name}_static STATIC $<TARGET_OBJECTS:${name}_objects>)
  pktlua_target_defaults(${name}_static)
  target_link_libraries(${name}_static PUBLIC ${M_LIBS} luamemlib_static)
endfunction()
