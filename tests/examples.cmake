# End-to-end tests of the generator, the captures/ it made and the example
# scripts in lua/examples/, run against the real pktlua binary.
set(_ex ${CMAKE_CURRENT_SOURCE_DIR}/integration/examples)

# pktlua_examples_test(NAME SCRIPT ARGS...)
# Not pktlua_test_env: under -DPKTLUA_SANITIZE=address its LD_PRELOAD of the
# ASan runtime (for modules in the stock lua5.4) would also instrument bash,
# tcpdump and tshark here. pktlua and pktgen carry their sanitizers linked in.
function(pktlua_examples_test name script)
  add_test(NAME ${name} COMMAND bash ${_ex}/${script} ${ARGN})
  set_tests_properties(${name} PROPERTIES
    ENVIRONMENT "PKTLUA_SHARED_CAPTURES=${PKTLUA_SHARED_CAPTURES};PKTLUA_SOURCE_DIR=${PROJECT_SOURCE_DIR};PKTLUA_BUILD_DIR=${PROJECT_BINARY_DIR};PKTGEN=$<TARGET_FILE:pktgen>"
    SKIP_RETURN_CODE 77 LABELS examples)
endfunction()

foreach(mode reproducible checksums bulk)
  pktlua_examples_test(examples.captures.${mode} captures.sh ${mode})
endforeach()

# the example scripts, end to end over ../shared/captures and captures/;
# guide: every command of doc/guide.md gives the output shown there;
# heap: no Lua allocation per packet in the examples
foreach(script ttl filter nat anonymize stats guide heap)
  pktlua_examples_test(examples.${script} ${script}.sh)
  set_tests_properties(examples.${script} PROPERTIES TIMEOUT 300)
endforeach()

# inline mode live across veth pairs in network namespaces (root; skips, 77,
# otherwise)
pktlua_examples_test(examples.inline inline.sh)
set_tests_properties(examples.inline PROPERTIES TIMEOUT 120 RUN_SERIAL TRUE)
