#!/usr/bin/env bash
# The Lua modules export their luaopen_* entry point and nothing else (the
# layout engine's lay_* and the checksum core's cksum_* would otherwise be
# exports of layout.so and checksum.so, free to clash with another library
# of the same names in the host); libluamemlib exports its luamem_* API.
. "$(dirname "$0")/../lib.sh"
need nm

# exports FILE: the names of the symbols FILE defines in its dynamic table
exports() { nm -D --defined-only "$1" | awk '{ print $NF }' | sort; }

for m in memory layout checksum; do
  so=$BUILD/lua/$m.so
  [ -f "$so" ] || die "$so not built"
  got=$(exports "$so")
  check "$m.so exports luaopen_$m only (got: $(echo $got))" \
    [ "$got" = "luaopen_$m" ]
done

lib=$BUILD/src/memory/libluamemlib.so
[ -f "$lib" ] || die "$lib not built"
api=$(tmp)/api
exports "$lib" > "$api"
for f in luamem_newalloc luamem_newref luamem_resetref luamem_setref \
         luamem_type luamem_tomemoryx luamem_checkmemory luamem_checkarray \
         luamem_free luamem_realloc luamem_addvalue; do
  check "libluamemlib exports $f" grep -qx "$f" "$api"
done
check "libluamemlib exports no layout or checksum internals" \
  [ -z "$(grep -E '^(lay|cksum)_' "$api")" ]
finish
