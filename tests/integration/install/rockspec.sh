#!/usr/bin/env bash
# `luarocks make` with pktlua-scm-1.rockspec installs the memory, layout and
# checksum modules and the Lua files (layouts.*, pktlua.*) into a rock tree
# where the stock lua5.4 finds them (skips, 77, when luarocks is absent).
. "$(dirname "$0")/../lib.sh"
need luarocks cmake
LUA=${PKTLUA_LUA:-lua5.4}
t=$(tmp)

# a copy of the sources: luarocks builds in place (build.luarocks/)
mkdir "$t/src"
cp -r "$SRC"/CMakeLists.txt "$SRC"/cmake "$SRC"/src "$SRC"/layouts "$SRC"/lua \
      "$SRC"/pktlua-scm-1.rockspec "$t/src/"
if (cd "$t/src" && luarocks --lua-version 5.4 --tree "$t/tree" make) \
     > "$t/make.log" 2>&1; then
  ok
else
  bad "luarocks make pktlua-scm-1.rockspec"; tail -30 "$t/make.log"; finish
fi

for f in lib/lua/5.4/memory.so lib/lua/5.4/layout.so lib/lua/5.4/checksum.so \
         share/lua/5.4/layouts/ipv4.lua share/lua/5.4/pktlua/ipv4.lua; do
  check "the rock installs $f" test -f "$t/tree/$f"
done

# the tree's paths only (not the build tree's, not the environment's)
paths=$(luarocks --lua-version 5.4 --tree "$t/tree" path --lr-path)
cpaths=$(luarocks --lua-version 5.4 --tree "$t/tree" path --lr-cpath)
check "lua5.4 runs the rock's modules and layouts" \
  env -u LUA_PATH_5_4 -u LUA_CPATH_5_4 LUA_PATH="$paths" LUA_CPATH="$cpaths" \
    "$LUA" "$SRC/tests/integration/install/rockspec.lua"
finish
