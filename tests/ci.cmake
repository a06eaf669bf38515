# ci: .ci/skips, the check that a CI test run skipped nothing but what may
# be skipped (root-only tests when not root, corpus tests without
# ../shared/captures)
pktlua_add_shell_test(ci.skips ${CMAKE_CURRENT_SOURCE_DIR}/integration/ci/skips.sh)
