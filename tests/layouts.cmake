# protocol layouts (lua/pktlua/layouts/*.lua, their old names layouts/*.lua,
# lua/pktlua/ipv4.lua) and their oracles: tshark and tcpdump on the
# generated corpus and (test_layouts_oracle.corpus) on the real captures in
# ../shared/captures/; tshark on packets built by the test
pktlua_add_lua_corpus_test(test_layouts_oracle lua/test_layouts_oracle.lua)
pktlua_add_lua_test(test_layouts lua/test_layouts.lua)
pktlua_add_lua_test(test_layouts_tshark lua/test_layouts_tshark.lua)
set_tests_properties(test_layouts_tshark PROPERTIES SKIP_RETURN_CODE 77)
