# protocol layouts (layouts/*.lua, lua/pktlua/ipv4.lua) and their oracle:
# tshark and tcpdump on the generated corpus and (test_layouts_oracle.corpus)
# on the real captures in ../shared/captures/
pktlua_add_lua_corpus_test(test_layouts_oracle lua/test_layouts_oracle.lua)
pktlua_add_lua_test(test_layouts lua/test_layouts.lua)
