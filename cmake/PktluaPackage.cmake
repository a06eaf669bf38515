# The CMake package of an install: find_package(pktlua) finds the exported
# targets (namespace pktlua::) and checks the version asked for. Included
# by the top-level CMakeLists.txt after every target is defined.
include(CMakePackageConfigHelpers)

set(PKTLUA_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/pktlua)
install(EXPORT pktluaTargets NAMESPACE pktlua::
        DESTINATION ${PKTLUA_INSTALL_CMAKEDIR})
configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/pktluaConfig.cmake.in
  ${PROJECT_BINARY_DIR}/pktluaConfig.cmake
  INSTALL_DESTINATION ${PKTLUA_INSTALL_CMAKEDIR}
  PATH_VARS PKTLUA_LUA_CMOD_DIR PKTLUA_LUA_LMOD_DIR)
# 0.x releases promise nothing across minor versions
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/pktluaConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/pktluaConfig.cmake
              ${PROJECT_BINARY_DIR}/pktluaConfigVersion.cmake
        DESTINATION ${PKTLUA_INSTALL_CMAKEDIR})
