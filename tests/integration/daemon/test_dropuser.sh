#!/usr/bin/env bash
# -Z like tcpdump (issue 16, item 2): the -w file is opened before the
# privileges are dropped (a directory only root may write to is fine) and
# given to the user; the script's chunk runs after the drop; an output that
# cannot be opened fails the run before the chunk runs; a chunk that fails
# leaves no file behind and an existing file untouched. Every -w output
# alike: pcap and pcapng, the default one and named ones. Needs root.
. "$(dirname "$0")/../lib.sh"
need_pktlua
TMP=$(tmp)
need_root
user=nobody
id "$user" >/dev/null 2>&1 || skip_root "no user $user"
uid=$(id -u "$user")
f=$CAP_MIXED
n=$(count "$f")
chmod 711 "$(dirname "$TMP")" "$TMP"
mkdir "$TMP/rootonly"; chmod 700 "$TMP/rootonly"
chunk='local f = assert(io.open("/proc/self/status"))
for l in f:lines() do if l:match("^Uid:") then io.stderr:write("chunk ", l, "\n") end end
f:close()
function packet () end'

"$PKTLUA" -q -r "$f" -Z "$user" -w "$TMP/rootonly/x.pcap" -e "$chunk" 2>"$TMP/err"; rc=$?
check "-Z into a root-only directory: exit 0 (got $rc: $(head -1 "$TMP/err"))" test $rc -eq 0
check "-Z: the file belongs to $user" test "$(stat -c %u "$TMP/rootonly/x.pcap")" -eq "$uid"
check "-Z: and holds every packet" test "$(count "$TMP/rootonly/x.pcap")" -eq "$n"
check "-Z: the chunk ran as $user" \
  test "$(awk '/^chunk Uid:/ {print $3, $4, $5}' "$TMP/err")" = "$uid $uid $uid"

# an existing file keeps its owner (it is not the user's to take)
cp "$f" "$TMP/rootonly/old.pcap"
"$PKTLUA" -q -r "$f" -Z "$user" -w "$TMP/rootonly/old.pcap" 2>"$TMP/err"; rc=$?
check "-Z over an existing file: exit 0" test $rc -eq 0
check "-Z over an existing file: root's still" test "$(stat -c %u "$TMP/rootonly/old.pcap")" -eq 0
check "-Z over an existing file: rewritten" test "$(count "$TMP/rootonly/old.pcap")" -eq "$n"

# an output that cannot be opened: exit 1 before the chunk ran
"$PKTLUA" -r "$f" -Z "$user" -w "$TMP/nosuchdir/x.pcap" -e "$chunk" 2>"$TMP/err"; rc=$?
check "-w into no directory: exit 1" test $rc -eq 1
check "-w into no directory: says why" grep -q "nosuchdir/x.pcap: No such file" "$TMP/err"
check "-w into no directory: the chunk never ran" test -z "$(grep '^chunk' "$TMP/err")"

# a chunk that fails: the file it would have written is not left behind,
# an existing one is not truncated
"$PKTLUA" -r "$f" -w "$TMP/rootonly/new.pcap" -e 'error("no start")' 2>"$TMP/err"; rc=$?
check "failing chunk: exit 2" test $rc -eq 2
check "failing chunk: no file left" test ! -e "$TMP/rootonly/new.pcap"
cp "$f" "$TMP/rootonly/keep.pcap"
"$PKTLUA" -r "$f" -w "$TMP/rootonly/keep.pcap" -e 'error("no start")' 2>"$TMP/err"
same "failing chunk: an existing file untouched" "$f" "$TMP/rootonly/keep.pcap"

# every output alike: pcapng, a named output, both given to the user
both='function packet () return { "default", "other" } end'
"$PKTLUA" -q -r "$f" -Z "$user" -w "$TMP/rootonly/a.pcapng" \
  -w "other=$TMP/rootonly/b.pcap" -e "$both" 2>"$TMP/err"; rc=$?
check "-Z, pcapng and a named output: exit 0 (got $rc: $(head -1 "$TMP/err"))" test $rc -eq 0
check "-Z: the pcapng file belongs to $user" test "$(stat -c %u "$TMP/rootonly/a.pcapng")" -eq "$uid"
check "-Z: the named output belongs to $user" test "$(stat -c %u "$TMP/rootonly/b.pcap")" -eq "$uid"
check "-Z: the pcapng file holds every packet" test "$(count "$TMP/rootonly/a.pcapng")" -eq "$n"
check "-Z: the named output holds every packet" test "$(count "$TMP/rootonly/b.pcap")" -eq "$n"

# a failing chunk leaves none of them behind, nor touches existing ones
"$PKTLUA" -r "$f" -w "$TMP/rootonly/c.pcapng" -w "other=$TMP/rootonly/d.pcap" \
  -e 'error("no start")' 2>"$TMP/err"; rc=$?
check "failing chunk, two outputs: exit 2" test $rc -eq 2
check "failing chunk: no pcapng file left" test ! -e "$TMP/rootonly/c.pcapng"
check "failing chunk: no named output left" test ! -e "$TMP/rootonly/d.pcap"
cp "$TMP/rootonly/a.pcapng" "$TMP/rootonly/keep.pcapng"
"$PKTLUA" -r "$f" -w "other=$TMP/rootonly/keep.pcapng" -e 'error("no start")' 2>"$TMP/err"
same "failing chunk: an existing named pcapng untouched" "$TMP/rootonly/a.pcapng" "$TMP/rootonly/keep.pcapng"

# an output that cannot be opened: the one opened before it is removed
"$PKTLUA" -r "$f" -Z "$user" -w "$TMP/rootonly/e.pcap" \
  -w "other=$TMP/nosuchdir/x.pcapng" -e "$chunk" 2>"$TMP/err"; rc=$?
check "second output into no directory: exit 1" test $rc -eq 1
check "second output into no directory: the chunk never ran" test -z "$(grep '^chunk' "$TMP/err")"
check "second output into no directory: the first not left behind" test ! -e "$TMP/rootonly/e.pcap"
finish
