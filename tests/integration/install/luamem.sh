#!/usr/bin/env bash
# lua-memory 2.0 clients build against an installed pktlua unchanged:
# <luamem.h> and -lluamem name pktlua's memory C API, through pkg-config
# (luamem.pc) and through find_package(pktlua) (pktlua::luamem). The
# installed tree is moved first: the .pc files, the CMake package and the
# modules' run path are all relative to where the tree is.
. "$(dirname "$0")/../lib.sh"
need cc pkg-config cmake readelf
LUA=${PKTLUA_LUA:-lua5.4}
client=$SRC/tests/integration/install/client
t=$(tmp)

cmake --install "$BUILD" --prefix "$t/inst" > "$t/install.log" 2>&1 ||
  { cat "$t/install.log"; die "cmake --install $BUILD"; }
mv "$t/inst" "$t/p"
P=$t/p
pcdir=$(dirname "$(find "$P" -name luamem.pc)")
libdir=$(dirname "$pcdir")

check "luamem.h is installed beside lmemlib.h" \
  test -f "$P/include/luamem.h" -a -f "$P/include/lmemlib.h"
check "libluamem.so is libluamemlib" \
  [ "$(readlink -f "$libdir/libluamem.so")" = "$(readlink -f "$libdir/libluamemlib.so")" ]

# run_client DIR: memclient.lua over DIR/memclient.so and the installed
# memory.so, with no other Lua module reachable
run_client() {
  (cd "$t" && env ${PKTLUA_LUA_PRELOAD:-} LUA_PATH= \
     LUA_CPATH="$cmod/?.so;$1/?.so" "$LUA" "$client/memclient.lua")
}

# find_package(pktlua 0.1) and pktlua::luamem
if cmake -S "$client" -B "$t/cm" -DCMAKE_PREFIX_PATH="$P" \
     > "$t/cm.log" 2>&1 && cmake --build "$t/cm" >> "$t/cm.log" 2>&1; then
  ok
else
  bad "a CMake project builds against the install"; cat "$t/cm.log"
fi
cmod=$(sed -n 's/^-- pktlua_LUA_CMOD_DIR=//p' "$t/cm.log")
check "the CMake package names the installed module dir ($cmod)" \
  test -f "$cmod/memory.so"
check "the CMake-built client shares memories with memory.so" \
  run_client "$t/cm"
check "find_package(pktlua 9.0) fails: the version file says 0.1" \
  bash -c "! cmake -S '$client' -B '$t/cm9' -DCMAKE_PREFIX_PATH='$P' \
             -DPKTLUA_WANT_VERSION=9.0 > /dev/null 2>&1"

# pkg-config luamem, the way a Makefile would
mkdir -p "$t/pc"
export PKG_CONFIG_PATH=$pcdir
if ${CC:-cc} -std=c11 -Wall -Wextra -Werror -fPIC -shared \
     -o "$t/pc/memclient.so" "$client/memclient.c" \
     $(pkg-config --cflags --libs luamem) -Wl,-rpath,"$libdir" \
     2> "$t/cc.log"; then
  ok
else
  bad "cc \$(pkg-config --cflags --libs luamem) builds the client"; cat "$t/cc.log"
fi
check "the client links the one libluamemlib (soname)" \
  bash -c "readelf -d '$t/pc/memclient.so' | grep -q 'NEEDED.*libluamemlib\\.so\\.'"
check "pkg-config luamemlib names the same library" \
  bash -c "pkg-config --libs luamemlib | grep -q -- -lluamemlib"
check "the pkg-config-built client shares memories with memory.so" \
  run_client "$t/pc"
finish
