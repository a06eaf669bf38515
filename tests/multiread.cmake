# several -r files merged in timestamp order (source_merge.c): against
# mergecap, shards put back, pcapng interfaces, refusals and bad inputs
if(TARGET pktlua)
  pktlua_add_shell_test(multiread
    ${CMAKE_CURRENT_SOURCE_DIR}/integration/multiread/test_merge.sh CORPUS)
endif()
