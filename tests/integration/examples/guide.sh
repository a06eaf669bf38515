#!/usr/bin/env bash
# doc/guide.md stays true: its scripts (the ```lua blocks whose first line is
# "-- NAME.lua: ...") are saved as NAME.lua, and every "    $ command" runs,
# in order, from a directory where build/, lua/ and captures/ are the tree's;
# its output (stdout and stderr, as lines, in any order since the two
# streams interleave) must be the lines the guide shows under it.
. "$(dirname "$0")/../lib.sh"
need tcpdump
need_pktlua
t=$(tmp)
GUIDE=$SRC/doc/guide.md
[ -f "$GUIDE" ] || die "no $GUIDE"
mkdir "$t/w"
ln -s "$BUILD" "$t/w/build"; ln -s "$SRC/lua" "$t/w/lua"; ln -s "$SRC/captures" "$t/w/captures"

# the scripts
awk -v dir="$t/w" '
  /^```lua$/ { inlua = 1; name = ""; next }
  /^```$/ && inlua { inlua = 0; if (name != "") close(dir "/" name); next }
  inlua && name == "" && match($0, /^-- [A-Za-z0-9_]+\.lua:/) { name = substr($0, 4, RLENGTH - 4) }
  inlua && name != "" { print > (dir "/" name) }' "$GUIDE"
nscripts=$(ls "$t/w"/*.lua 2>/dev/null | wc -l)
check "the guide's scripts extracted ($nscripts)" [ "$nscripts" -ge 3 ]

# the commands: cmd.N and want.N for each
mkdir "$t/c"
awk -v dir="$t/c" '
  function flush() {
    if (cmd == "") return
    n++; printf "%s\n", cmd > (dir "/cmd." n); printf "%s", out > (dir "/want." n)
    close(dir "/cmd." n); close(dir "/want." n); cmd = ""; out = ""; blanks = "" }
  function quotes(s,   k) { k = gsub(/\047/, "&", s); return k % 2 }
  /^    \$ / { flush(); blanks = ""; cmd = substr($0, 7); open = quotes(cmd); next }
  cmd != "" && open { cmd = cmd "\n" substr($0, 5); open = (open + quotes(substr($0, 5))) % 2; next }
  cmd != "" && /^$/ { blanks = blanks "\n"; next }   # blank lines inside a block
  cmd != "" && /^    / { out = out blanks substr($0, 5) "\n"; blanks = ""; next }
  { flush() }
  END { flush() }' "$GUIDE"

n=0
while [ -f "$t/c/cmd.$((n + 1))" ]; do
  n=$((n + 1))
  (cd "$t/w" && bash "$t/c/cmd.$n") >"$t/got" 2>&1
  sort <"$t/got" >"$t/got.sorted"
  sort <"$t/c/want.$n" >"$t/want.sorted"
  same "guide command $n: $(head -n1 "$t/c/cmd.$n" | cut -c1-90)" "$t/want.sorted" "$t/got.sorted"
done
check "the guide's commands ran ($n)" [ "$n" -ge 15 ]
finish
