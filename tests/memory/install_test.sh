#!/bin/sh
# install_test.sh CMAKE BUILD_DIR LUA CMOD_DIR
# Installs the build into a scratch prefix and checks that the stock Lua
# loads `memory` from there, with libluamemlib found through the RPATH
# (no LD_LIBRARY_PATH, no ldconfig).
set -eu
cmake=$1 build=$2 lua=$3 cmod=$4
# The ASan runtime preloaded in sanitizer builds is for lua5.4 only: in
# mktemp or cmake, LeakSanitizer turns their exit status into failures.
preload=${LD_PRELOAD:-}
unset LD_PRELOAD
prefix=$(mktemp -d "${TMPDIR:-/tmp}/pktlua-install.XXXXXX")
trap 'rm -rf "$prefix"' EXIT INT TERM
"$cmake" --install "$build" --prefix "$prefix" >/dev/null
test -f "$prefix/$cmod/memory.so"
ls "$prefix"/lib*/libluamemlib.so* >/dev/null
unset LD_LIBRARY_PATH
LUA_PATH="$prefix/share/lua/5.4/?.lua" LUA_CPATH="$prefix/$cmod/?.so" \
  PREFIX="$prefix" LD_PRELOAD="$preload" "$lua" -e '
    local memory = require "memory"
    local where = package.searchpath("memory", package.cpath)
    assert(where and where:find(os.getenv("PREFIX"), 1, true), where)
    local m = memory.create("installed")
    assert(memory.type(m) == "fixed" and m:get(1) == 105)
    local r = memory.create()
    memory.resize(r, 3, "ab")
    assert(tostring(r) == "aba")
    print("require \"memory\" from " .. where .. ": ok")'
