# End-to-end tests of the generator, the captures/ it made and the example
# scripts in lua/examples/, run against the real pktlua binary.
set(_ex ${CMAKE_CURRENT_SOURCE_DIR}/integration/examples)

# pktlua_examples_test(NAME SCRIPT ARGS...)
function(pktlua_examples_test name script)
  add_test(NAME ${name} COMMAND bash ${_ex}/${script} ${ARGN})
  pktlua_test_env(${name})
  set_property(TEST ${name} APPEND PROPERTY ENVIRONMENT
               "PKTGEN=$<TARGET_FILE:pktgen>")
  set_tests_properties(${name} PROPERTIES SKIP_RETURN_CODE 77 LABELS examples)
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
