# layout: the engine (cmocka) and the Lua module
pktlua_add_cmocka_test(test_layout SOURCES c/test_layout.c LIBS lay_engine)
