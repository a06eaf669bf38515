# The daemon's sources but main.c, as absolute paths: the pktlua
# executable (CMakeLists.txt), the capture fuzz harness
# (fuzz/targets.cmake) and the daemon's C tests (tests/daemon.cmake)
# compile the same list, each with its own main().
set(PKTLUA_DAEMON_DIR ${CMAKE_CURRENT_LIST_DIR})
set(PKTLUA_DAEMON_SOURCES
  options.c status.c iface.c
  source.c source_live.c fanout.c source_fanout.c source_savefile.c
  source_fastpcap.c source_pcapng.c source_merge.c
  loop.c batch.c worker.c worker_io.c worker_live.c pacer.c l3.c layers.c flowhash.c module.c
  script.c script_guard.c script_info.c script_report.c
  script_route.c script_merge.c edit.c script_edit.c fixup.c
  sink.c sink_file.c rotate.c sink_pcap.c sink_pcapng.c sink_inject.c)
list(TRANSFORM PKTLUA_DAEMON_SOURCES PREPEND ${PKTLUA_DAEMON_DIR}/)
