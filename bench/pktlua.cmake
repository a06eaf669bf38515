# Helpers of bench/run (the side-by-side benchmark, see bench/README.md):
# timeit measures one command's wall and CPU time, pcapcmp checks that
# pktlua and its peer wrote the same packets.
add_executable(bench_timeit ${CMAKE_CURRENT_SOURCE_DIR}/lib/timeit.c)
pktlua_target_defaults(bench_timeit)

add_executable(bench_pcapcmp ${CMAKE_CURRENT_SOURCE_DIR}/lib/pcapcmp.c)
pktlua_target_defaults(bench_pcapcmp)
target_link_libraries(bench_pcapcmp PRIVATE PkgConfig::PCAP)
