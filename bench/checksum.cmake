# checksum: C throughput benchmark (run by hand, see doc/checksum.md)
add_executable(bench_cksum ${CMAKE_CURRENT_SOURCE_DIR}/checksum/bench_cksum.c)
pktlua_target_defaults(bench_cksum)
target_link_libraries(bench_cksum PRIVATE cksum_core)
