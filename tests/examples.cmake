# End-to-end tests of the generator, the captures/ it made and the example
# scripts in lua/examples/, run against the real pktlua binary.
set(_ex ${CMAKE_CURRENT_SOURCE_DIR}/integration/examples)

foreach(mode reproducible checksums bulk generated)
  pktlua_add_shell_test(examples.captures.${mode} ${_ex}/captures.sh ${mode}
                        LABELS examples)
endforeach()

# the example scripts, end to end over the generated corpus and captures/
# (and, .corpus, over ../shared/captures); dnsname over its generated DNS
# captures; guide: every command of doc/guide.md gives the output shown
# there; heap: no Lua allocation per packet in the examples
foreach(script ttl filter nat anonymize stats fixlen mtu)
  pktlua_add_shell_test(examples.${script} ${_ex}/${script}.sh CORPUS
                        LABELS examples)
endforeach()
# tshark on every frame of every capture, some several times: slow on a
# loaded machine
foreach(script vlan sll2eth decap encap)
  pktlua_add_shell_test(examples.${script} ${_ex}/${script}.sh CORPUS
                        LABELS examples TIMEOUT 900)
endforeach()
foreach(script guide heap dnsname)
  pktlua_add_shell_test(examples.${script} ${_ex}/${script}.sh LABELS examples)
endforeach()

# inline mode live across veth pairs in network namespaces (root; skips, 77,
# otherwise)
pktlua_add_shell_test(examples.inline ${_ex}/inline.sh LABELS examples
                      TIMEOUT 120 SERIAL)
