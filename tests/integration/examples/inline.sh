#!/usr/bin/env bash
# Inline mode, live: pktlua -i A -o B -f ttl.lua bridging two veth pairs in
# network namespaces made here (and removed at exit):
#
#   ns "a": va0 ──veth── va1 :ns "m": pktlua -i va1 -o vb1 ── vb1 ──veth── vb0: ns "b"
#
# tcpreplay sends a generated capture out of va0; tcpdump records what
# arrives on vb0. What arrives must be exactly what the same script writes
# when it reads the capture from the file: same packets, same bytes.
# Needs root (skips otherwise).
. "$(dirname "$0")/../lib.sh"
need_root  # network namespaces, raw sockets
need ip tcpdump tcpreplay capinfos
need_pktlua
t=$(tmp)
LAST_ERR=$t/err

NS=pktlua-$$
A=$NS-a M=$NS-m B=$NS-b
pids=()
cleanup_ns() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  ip netns del "$A" 2>/dev/null; ip netns del "$M" 2>/dev/null; ip netns del "$B" 2>/dev/null
  _cleanup
}
trap cleanup_ns EXIT

ip netns add "$A" && ip netns add "$M" && ip netns add "$B" || skip "cannot create network namespaces here"
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
ip link add va0 netns "$A" type veth peer name va1 netns "$M" || die "veth a"
ip link add vb0 netns "$B" type veth peer name vb1 netns "$M" || die "veth b"
# no IPv6 on the links: the kernel would send its own neighbour discovery
for x in "$A va0" "$M va1" "$M vb1" "$B vb0"; do
  set -- $x
  nsx "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1" || die "sysctl $2"
  nsx "$1" ip link set "$2" up || die "up $2"
done
nsx "$M" ip link set lo up

# live_case CAPTURE: replay it through the bridge, compare with the file run
live_case() {
  local cap=$1 name; name=$(basename "$1")
  run_pktlua -r "$cap" -w "$t/want.pcap" -f "$EXAMPLES/ttl.lua" -a quiet=1 || die "file run"
  ip netns exec "$B" tcpdump -nn -U -p -i vb0 -w "$t/got.pcap" 2>"$t/tcpdump.err" &
  local td=$!; pids+=("$td")
  ip netns exec "$M" "$PKTLUA" -i va1 -o vb1 -f "$EXAMPLES/ttl.lua" 2>"$t/pktlua.err" &
  local pk=$!; pids+=("$pk")
  # (ip netns exec execs the command: $! is tcpdump's, pktlua's own pid)
  # both listening: tcpdump says so; give pktlua a second to open its capture
  local i
  wait_grep "$t/tcpdump.err" 'listening on'
  sleep 1
  check "$name: pktlua is running inline ($(cat "$t/pktlua.err"))" kill -0 "$pk"
  nsx "$A" tcpreplay -q -i va0 "$cap" >/dev/null 2>"$t/tcpreplay.err" || bad "$name: tcpreplay: $(cat "$t/tcpreplay.err")"
  local want; want=$(capinfos -T -r -c -M "$t/want.pcap" | cut -f2)
  for i in $(seq 50); do
    [ "$(tcpdump -nn -r "$t/got.pcap" 2>/dev/null | wc -l)" -ge "$want" ] && break
    sleep 0.1
  done
  sleep 0.3
  kill -TERM "$pk"; wait "$pk"
  local rc=$?
  check "$name: pktlua exits 0 on SIGTERM (status $rc)" [ "$rc" -eq 0 ]
  kill -INT "$td"; wait "$td"
  check "$name: ttl.lua's summary printed at the end" grep -q 'ttl.lua: decremented' "$t/pktlua.err"
  # the packets and their bytes, without timestamps
  tcpdump -nn -t -xx -r "$t/want.pcap" 2>/dev/null >"$t/want.txt"
  tcpdump -nn -t -xx -r "$t/got.pcap" 2>/dev/null >"$t/got.txt"
  same "$name: what arrives on vb0 = the file run's output ($want packets)" "$t/want.txt" "$t/got.txt"
  # and on their own terms: one hop less than the generator's 64, checksums good
  check "$name: no packet arrives with TTL / hop limit 64" \
    bash -c "! tcpdump -nn -v -r '$t/got.pcap' 2>/dev/null | grep -Eq 'ttl 64|hlim 64'"
  check "$name: packets arrive with 63" grep -Eq 'ttl 63|hlim 63' < <(tcpdump -nn -v -r "$t/got.pcap" 2>/dev/null)
  check "$name: no bad checksum arrives" [ -z "$(bad_cksums "$t/got.pcap")" ]
  check "$name: the expired packets did not arrive" [ "$want" -lt "$(capinfos -T -r -c -M "$cap" | cut -f2)" ]
}

live_case "$CAPTURES/ipv4.pcap"
live_case "$CAPTURES/ipv6.pcap"
live_case "$CAPTURES/vlan.pcap"
finish
