#!/usr/bin/env bash
# What a script's programs inherit (issue 11, item 10): with -Z on a live
# capture, a program the script runs (io.popen) as the -Z user must find
# none of pktlua's descriptors open: not the capture socket, not libpcap's
# eventfd, not the -w file, not a FIFO input's wakeup pipe. Needs root.
. "$(dirname "$0")/../lib.sh"
need_pktlua
need_root
t=$(tmp)
ip link show lo >/dev/null 2>&1 || skip_root "no lo"
user=nobody
id "$user" >/dev/null 2>&1 || skip_root "no user $user"
chmod o+x "$(dirname "$t")"; chmod 777 "$t"  # -w is created as the -Z user
port=$((20000 + RANDOM % 20000))
# the descriptors of a program the script runs, at the chunk and on a packet
fds='local function fds (when)
  local p = io.popen("ls -l /proc/self/fd")
  for l in p:lines() do io.stderr:write(when, " ", l, "\n") end
  p:close()
end
fds("chunk")
function packet () fds("packet") return true end'

# Under .ci/valgrind's wrapper the script's programs run under valgrind
# too, which as the -Z user cannot write its log in root's directory: the
# -Z part needs the plain binary.
if head -c 4 "$PKTLUA" | grep -q ELF; then
"$PKTLUA" -i lo -c 1 -Z "$user" -w "$t/z.pcap" -e "$fds" "udp port $port" \
  2>"$t/err" &
pid=$!
for i in $(seq 100); do
  grep -q '^chunk' "$t/err" && break; sleep 0.05
done
for k in $(seq 40); do
  kill -0 $pid 2>/dev/null || break
  echo x > /dev/udp/127.0.0.1/$port; sleep 0.05
done
wait $pid; rc=$?
check "live -Z: exit 0 (got $rc)" [ "$rc" -eq 0 ]
check "live -Z: the programs ran at the chunk and on the packet" \
  [ "$(grep -c '^chunk .* 2 -> ' "$t/err")" -eq 1 -a "$(grep -c '^packet .* 2 -> ' "$t/err")" -eq 1 ]
leaked=$(grep -E '^(chunk|packet) .* [0-9]+ -> ' "$t/err" |
         grep -vE ' [012] -> | -> /proc/[0-9]+/fd$')
check "live -Z: nothing of pktlua's inherited" [ -z "$leaked" ]
[ -n "$leaked" ] && printf '  %s\n' "$leaked"
fi

# a FIFO input (its wakeup pipe) and the -w file, without -Z
mkfifo "$t/fifo"
"$PKTLUA" -q -r "$t/fifo" -w "$t/o.pcap" -e "$fds" 2>"$t/err" &
pid=$!
cat "$CAPTURES/ipv4.pcap" > "$t/fifo"
wait $pid
# (a program run under the valgrind wrapper has its own valgrind log open)
leaked=$(grep -E '^(chunk|packet) .* [0-9]+ -> ' "$t/err" |
         grep -vE ' [012] -> | -> /proc/[0-9]+/fd$| -> /tmp/pktlua-valgrind[^ ]*/vg[.][0-9]+[.]log$' | sort -u)
check "FIFO input: nothing of pktlua's inherited" [ -z "$leaked" ]
[ -n "$leaked" ] && printf '  %s\n' "$leaked" | head -5
finish
