# --workers N (doc/workers.md): byte-identical outputs for 1, 2 and 3
# workers, finish()/merge(), the examples' one summary whatever N, signals,
# limits and script errors with several workers. Label `workers`: .ci/run
# runs them again under ThreadSanitizer (-DPKTLUA_SANITIZE=thread).
if(TARGET pktlua)
  pktlua_add_shell_test(workers_identical
    ${CMAKE_CURRENT_SOURCE_DIR}/integration/workers/test_identical.sh CORPUS
    LABELS workers TIMEOUT 900)
  pktlua_add_shell_test(workers_merge
    ${CMAKE_CURRENT_SOURCE_DIR}/integration/workers/test_merge.sh
    LABELS workers)
  pktlua_add_shell_test(workers_summaries
    ${CMAKE_CURRENT_SOURCE_DIR}/integration/workers/test_summaries.sh
    LABELS workers TIMEOUT 900)
  pktlua_add_shell_test(workers_signals
    ${CMAKE_CURRENT_SOURCE_DIR}/integration/workers/test_signals.sh
    LABELS workers)
endif()
