# lib.sh - shared helpers for pktlua's integration tests (bash).
#
#   . "$(dirname "$0")/../lib.sh"        # from tests/integration/<part>/
#   need tshark tcpdump                  # skip (77) when a tool is missing
#   need_root                            # skip (77) unless root
#   need_pktlua                          # fail when the binary is not built
#   t=$(tmp)                             # a scratch dir removed at exit
#   check "ttl of packet 3" [ "$a" = "$b" ]   # counts a failure, goes on
#   finish                               # prints a summary, exit status
#   small_disk "$t/mnt" 3m               # a tmpfs, unmounted at exit (disk_full)
#   start_marked "$t/err" -r ... -e "$(mark_script 1000)"   # signal tests
#
# Captures: $CAPS is the corpus a test runs over, and $CAP_LONG, $CAP_MIXED,
# ... name its files by role (see "the corpus" below). PKTLUA_CORPUS picks
# it: "generated" (default; pktgen --corpus, made at build time) or
# "shared" (../shared/captures, the real captures beside our checkouts: the
# test skips with one SKIP(corpus) line when that folder is absent).
#
# Skips: exit 77 with one line "SKIP(reason): text". .ci/run accepts only
# the reasons root and corpus; a plain "SKIP: text" (a missing tool) fails CI.
#
# Environment (set by ctest, defaults for hand runs): PKTLUA_SOURCE_DIR,
# PKTLUA_BUILD_DIR, PKTLUA_GENERATED_CAPTURES, PKTLUA_SHARED_CAPTURES,
# PKTLUA_CORPUS, PKTLUA (binary), PKTGEN.
# Keep this interface stable: tests of several parts source it.

set -u

SKIP_RC=77
_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=${PKTLUA_SOURCE_DIR:-$(cd "$_here/../.." && pwd)}
BUILD=${PKTLUA_BUILD_DIR:-$SRC/build}
SHARED=${PKTLUA_SHARED_CAPTURES:-$SRC/../shared/captures}
GENERATED=${PKTLUA_GENERATED_CAPTURES:-$BUILD/corpus}
CORPUS=${PKTLUA_CORPUS:-generated}
PKTLUA=${PKTLUA:-$BUILD/pktlua}
PKTGEN=${PKTGEN:-$BUILD/tools/pktgen}
EXAMPLES=${PKTLUA_EXAMPLES:-$SRC/lua/examples}
CAPTURES=$SRC/captures

_failures=0
_checks=0

# One scratch directory per test process, made here in the test's own shell
# (tmp runs in $(...) subshells, which could not register anything for the
# cleanup) and removed at exit.
_tmpbase=$(mktemp -d "${TMPDIR:-/tmp}/pktlua-test.XXXXXX")
if [ -z "$_tmpbase" ] || [ ! -d "$_tmpbase" ]; then
  printf 'ERROR: cannot create a scratch directory\n' >&2; exit 1
fi
# Background jobs the test left (a writer blocked on a FIFO nobody opens)
# go too: one that outlived the test would hold ctest's output pipe open.
_netns=""
_mounts=()
_cleanup() {
  local j n
  j=$(jobs -p)
  [ -z "$j" ] || kill $j 2>/dev/null
  for n in $_netns; do ip netns del "$n" 2>/dev/null; done
  for n in ${_mounts[@]+"${_mounts[@]}"}; do umount "$n" 2>/dev/null; done
  rm -rf -- "$_tmpbase"
}
trap _cleanup EXIT

# tmp: prints a new scratch directory, removed when the test exits
tmp() {
  local d
  d=$(mktemp -d "$_tmpbase/t.XXXXXX")
  if [ -z "$d" ] || [ ! -d "$d" ]; then
    printf 'ERROR: cannot create a scratch directory\n' >&2; kill -TERM $$; exit 1
  fi
  printf '%s\n' "$d"
}

# die MSG: a broken test setup, not a failed check
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# skip MSG: the test cannot run here (a missing tool: CI does not accept it)
skip() { printf 'SKIP: %s\n' "$*"; exit "$SKIP_RC"; }
# skip_root MSG / skip_corpus MSG: the two reasons CI accepts
skip_root() { printf 'SKIP(root): %s\n' "$*"; exit "$SKIP_RC"; }
skip_corpus() { printf 'SKIP(corpus): %s\n' "$*"; exit "$SKIP_RC"; }

# need_root: skips unless run as root
need_root() { [ "$(id -u)" -eq 0 ] || skip_root "needs root"; }

# netns NAME: a network namespace (SKIP(root) when it cannot be made),
# with lo up and no IPv6 chatter, removed at exit after the test's jobs
netns() {
  ip netns add "$1" 2>/dev/null || skip_root "cannot create network namespace $1"
  _netns="$_netns $1"
  ip netns exec "$1" sh -c 'for f in all default; do echo 1 > /proc/sys/net/ipv6/conf/$f/disable_ipv6; done' 2>/dev/null
  ip -n "$1" link set lo up
}

# small_disk DIR SIZE: a tmpfs of SIZE (mount's size=, e.g. 3m) at DIR,
# made here, for the full-disk tests; SKIP(root) unless root or when it
# cannot be mounted; unmounted at exit, before the scratch directories go
small_disk() {
  need_root
  mkdir -p "$1" || die "cannot make $1"
  mount -t tmpfs -o size="$2" tmpfs "$1" || skip_root "cannot mount a tmpfs"
  _mounts+=("$1")
}

# need TOOL...: skips unless every tool is on PATH
need() {
  local t
  for t in "$@"; do command -v "$t" >/dev/null 2>&1 || skip "$t not installed"; done
}

# need_pktlua: the binary must exist (a missing binary is a failure)
need_pktlua() { [ -x "$PKTLUA" ] || die "pktlua binary not found at $PKTLUA"; }
need_pktgen() { [ -x "$PKTGEN" ] || die "pktgen binary not found at $PKTGEN"; }

# ok MSG / bad MSG: record one check's outcome
ok() { _checks=$((_checks + 1)); }
bad() {
  _checks=$((_checks + 1)); _failures=$((_failures + 1))
  printf 'FAIL: %s\n' "$*" >&2
}

# check DESCRIPTION CMD...: runs CMD, records a failure when it fails
check() {
  local what=$1; shift
  if "$@"; then ok; else bad "$what"; fi
}

# same DESCRIPTION FILE_A FILE_B: the two files are equal (diff on failure)
same() {
  if cmp -s "$2" "$3"; then ok; else
    bad "$1"; diff "$2" "$3" | head -20 >&2
  fi
}

# finish: summary line, exit status 1 when any check failed
finish() {
  printf '%d checks, %d failed\n' "$_checks" "$_failures"
  [ "$_failures" -eq 0 ]
  exit $?
}

# the corpus: $CAPS, and its files by the role tests give them
case $CORPUS in
  shared)
    CAPS=$SHARED
    [ -f "$CAPS/README.md" ] || skip_corpus "no shared captures at $CAPS"
    CAP_LONG=$CAPS/zeek-ftp-cwd-navigation.pcap     # ~8k TCP packets
    CAP_MIXED=$CAPS/tcpreplay-test.pcap             # a bit of everything
    CAP_SLL_NANO=$CAPS/tcpdump-tcp-handshake-nano-sll.pcap
    CAP_NG=$CAPS/tcpdump-ospfv2.pcapng              # pcapng, one interface
    CAP_NG_MIXED=$CAPS/zeek-ldap-mixed-linktypes.pcapng  # libpcap refuses
    CAP_RAW_IPV4=$CAPS/tcpdump-linktype-ipv4.pcap   # LINKTYPE_IPV4
    CAP_IP_BADSUM=$CAPS/zeek-ip4-bad-chksum.pcap    # a bad IPv4 header sum
    ;;
  generated)
    CAPS=$GENERATED
    [ -f "$CAPS/tcp-long.pcap" ] ||
      die "no generated corpus at $CAPS (cmake --build builds it)"
    CAP_LONG=$CAPS/tcp-long.pcap
    CAP_MIXED=$CAPS/eth-mixed.pcap
    CAP_SLL_NANO=$CAPS/sll-nano.pcap
    CAP_NG=$CAPS/one-if.pcapng
    CAP_NG_MIXED=$CAPS/mixed-links.pcapng
    CAP_RAW_IPV4=$CAPS/linktype-ipv4.pcap
    CAP_IP_BADSUM=$CAPS/ipv4-bad-cksum.pcap
    ;;
  *) die "PKTLUA_CORPUS=$CORPUS: not generated or shared" ;;
esac

# captures: every capture file the end-to-end tests run over, the corpus
# first and then the project's own captures/; not $CAP_NG_MIXED, which
# libpcap refuses part-way (the daemon's bad-input tests cover it)
captures() {
  local f
  for f in "$CAPS"/*.pcap "$CAPS"/*.pcapng "$CAPTURES"/*.pcap; do
    [ -f "$f" ] && [ "$f" != "$CAP_NG_MIXED" ] && printf '%s\n' "$f"
  done
}

# readable_captures: the corpus files libpcap reads to the end
readable_captures() {
  local f
  for f in "$CAPS"/*.pcap "$CAPS"/*.pcapng; do
    [ "$f" = "$CAP_NG_MIXED" ] || printf '%s\n' "$f"
  done
}

# long_capture OUT [N]: the corpus's long capture N times over (default 13:
# over 100k packets)
long_capture() {
  local i files=()
  for i in $(seq "${2:-13}"); do files+=("$CAP_LONG"); done
  mergecap -a -F pcap -w "$1" "${files[@]}"
}

# tcpdump's text for a capture (the independent view of its packets);
# absolute TCP sequence numbers, so a packet reads the same whichever
# packets are around it
dump() { tcpdump -n -S -tt --nano -r "$1" 2>/dev/null; }
# count FILE: its number of packets, by tcpdump
count() { tcpdump -n -r "$1" 2>/dev/null | grep -c '^[0-9]'; }
# records FILE [SKIP] [FROM]: FILE's records as pktlua reads them, one a
# line, tab-separated: number, length on the wire, the bytes from byte
# FROM (default 1) in hex; the frames the file SKIP lists left out
records() {
  "$PKTLUA" -q -r "$1" -a skip="${2:-/dev/null}" -a from="${3:-1}" -e '
    local skip, n, from = {}, 0, tonumber(arg.from)
    for l in io.lines(arg.skip) do skip[tonumber(l)] = true end
    function packet (p, i)
      n = n + 1
      if skip[n] then return end
      print(n, i.len, (tostring(p):sub(from):gsub(".", function (c)
        return string.format("%02x", c:byte()) end)))
    end'
}
# jsonfield FILE NAME: a field of the last --stats=json line in FILE
jsonfield() { grep -o "\"$2\":[0-9]*" "$1" | tail -1 | cut -d: -f2; }
# wait_for FILE [TRIES]: until FILE exists (a script's "I am running" mark)
wait_for() {
  local i
  for i in $(seq "${2:-200}"); do [ -e "$1" ] && return 0; sleep 0.05; done
  echo "timeout waiting for $1"; return 1
}

# stats_of FILE: sets read, passed, dropped, failed and errors from the
# last --stats=json line in FILE (empty where there is none)
stats_of() {
  read=$(jsonfield "$1" read); passed=$(jsonfield "$1" passed)
  dropped=$(jsonfield "$1" dropped); failed=$(jsonfield "$1" failed)
  errors=$(jsonfield "$1" errors)
}
# complete FILE: tcpdump reads the pcap FILE to its end without a warning
# (no record cut short)
complete() {
  [ -z "$(tcpdump -r "$1" 2>&1 >/dev/null | grep -iv 'reading from file')" ]
}

# disk_full MODE OUT TOTAL ERR ARGS...: pktlua --stats=json ARGS -w OUT
# (a file on a small_disk, removed first; -U added for MODE unbuffered),
# TOTAL packets in, its stderr to ERR; sets rc, the stats_of ERR and what
# (MODE and the counts, for the caller's own checks), and checks what every
# full disk must give: exit 1; one line names the first packet not in
# OUT; the run stopped there; passed counts what OUT holds (capinfos);
# read = passed + failed
disk_full() {
  local mode=$1 out=$2 total=$3 err=$4 line
  shift 4
  rm -f "$out"
  if [ "$mode" = unbuffered ]; then set -- "$@" -U; fi
  "$PKTLUA" --stats=json "$@" -w "$out" 2>"$err"
  rc=$?
  stats_of "$err"
  what="$mode (read $read, passed $passed, failed $failed)"
  check "$what: exit 1 (got $rc)" [ "$rc" = 1 ]
  line=$(grep '^pktlua: ' "$err")
  check "$what: one line names the first lost packet ($line)" \
    [ "$line" = "pktlua: $out: packet $((passed + 1)): write error: No space left on device" ]
  check "$what: the run stopped there" [ "$read" -lt "$total" ]
  check "$what: passed counts what the file holds" \
    [ "$(capinfos -c -M "$out" | sed -n 's/^Number of packets: *//p')" = "$passed" ]
  check "$what: read = passed + failed" [ "$read" -eq $((passed + failed)) ]
}

# Signal tests: a run is started, caught in the middle, signalled, and its
# output checked. The script says when it is under way by leaving $MARK
# (each test's own, in its scratch directory).
export MARK=$_tmpbase/mark
# mark_script N [SPIN] [VERDICT]: a script that leaves $MARK at its N-th
# packet, spins SPIN empty loops a packet (default 3000: slow enough to be
# caught in the middle however fast the machine) and returns VERDICT (Lua,
# over the packet count n; default true)
mark_script() {
  printf 'local n = 0
function packet()
  n = n + 1
  if n == %d then io.open(os.getenv("MARK"), "w"):close() end
  for k = 1, %d do end
  return %s
end
' "$1" "${2:-3000}" "${3:-true}"
}
# start_marked ERR ARGS...: pktlua ARGS in the background, its stderr to
# ERR; returns once $MARK exists (non-zero on a timeout); sets pid
start_marked() {
  local err=$1; shift
  rm -f "$MARK"
  "$PKTLUA" "$@" 2>"$err" &
  pid=$!
  wait_for "$MARK"
}
# ended PID SECONDS: the process PID is gone within SECONDS
ended() {
  local i
  for i in $(seq $(( $2 * 20 ))); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done
  return 1
}
# reap PID SECONDS: waits at most SECONDS for the background job PID to
# end (then kills it); sets rc to its exit status, or "killed"
reap() {
  if ended "$1" "$2"; then wait "$1"; rc=$?; else
    kill -KILL "$1" 2>/dev/null; wait "$1"; rc=killed; fi
}

# wait_grep FILE PATTERN [TRIES]: until FILE has a line grep finds
# PATTERN in (a program saying it is ready: "listening on", "lo: live"),
# TRIES times 0.05 s (default 100); says so and fails on a timeout
wait_grep() {
  local i
  for i in $(seq "${3:-100}"); do grep -q -- "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
  echo "timeout waiting for '$2' in $1"; return 1
}

# run_pktlua ARGS...: runs the binary quietly; its stderr goes to $LAST_ERR
# (the caller's scratch file), the exit status is returned
LAST_ERR=/dev/null
run_pktlua() { "$PKTLUA" -q "$@" 2>"$LAST_ERR"; }

# tshark_fields FILE FIELD...: one line per frame, tab-separated, quiet;
# first occurrence of each field; reassembly off so every frame is decoded on
# its own (TSHARK_DEFRAG=1: IPv4 reassembly on, so that the transport
# checksum of a fragmented datagram is verified in its last fragment)
tshark_fields() {
  local f=$1; shift
  local args=() x
  for x in "$@"; do args+=(-e "$x"); done
  tshark -r "$f" -n -o "ip.defragment:$([ "${TSHARK_DEFRAG:-0}" = 1 ] && echo TRUE || echo FALSE)" \
    -o tcp.desegment_tcp_streams:FALSE \
    -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
    -o udp.check_checksum:TRUE -T fields -E occurrence=f "${args[@]}" 2>/dev/null
}

# cksum_statuses FILE: one line per frame, tab-separated: the IPv4, TCP,
# UDP and ICMP checksum statuses tshark finds (reassembly on, so that the
# transport sum of a fragmented datagram is checked in its last fragment)
cksum_statuses() {
  TSHARK_DEFRAG=1 tshark_fields "$1" ip.checksum.status tcp.checksum.status \
    udp.checksum.status icmp.checksum.status
}

# bad_cksums FILE [ip]: the numbers of the frames in which tcpdump -vv finds
# a bad checksum (IPv4 header, TCP, UDP, ICMP, ICMPv6), one per line; with
# "ip", only bad IPv4 header checksums
bad_cksums() {
  local re='bad cksum|bad udp cksum|incorrect ->|wrong icmp cksum|bad icmp6 cksum'
  [ "${2:-}" = ip ] && re='bad cksum'
  tcpdump -# -nn -vv -r "$1" 2>/dev/null | awk -v re="$re" '
    /^ *[0-9]+  / { n = $1 }
    $0 ~ re { if (!seen[n]++) print n }'
}

# IP_LINK_RE: the layers in tshark's frame.protocols before the IP header
# pktlua's l3 finder finds (Ethernet with any 802.1Q/802.1ad tags, PPPoE,
# MPLS; SLL/SLL2, NULL/LOOP, raw IP, PPP, Cisco HDLC), as an awk regex
IP_LINK_RE='((eth:ethertype:((vlan|ieee8021ad):ethertype:)*|sll:ethertype:)(pppoes:ppp:)?(mpls:)?|null:|loop:|raw:|ppp:(mpls:)?|chdlc:(mpls:)?)?'

# ip_frames FILE: one line per frame, tab-separated, decoded by tshark:
#   number  v  hops  proto  src  dst  len
# v is the outer IP version where pktlua's l3 finder sees one
# (IP_LINK_RE): 4 or 6; "t" when
# that IP header is not fully captured; "-" for no IP (ARP, MPLS, ...).
# hops is the TTL / hop limit, proto the protocol / next header of that
# outer header, len the length on the wire.
ip_frames() {
  tshark_fields "$1" frame.number frame.protocols frame.len ip.ttl ip.proto \
      ip.src ip.dst ipv6.hlim ipv6.nxt ipv6.src ipv6.dst |
    awk -F'\t' -v OFS='\t' -v link="$IP_LINK_RE" '
      { v = "-"
        if (match($2, "^" link "ipv6(:|$)")) v = 6
        else if (match($2, "^" link "ip(:|$)")) v = 4
        if (v == 4 && $4 == "" || v == 6 && $8 == "") v = "t"
        if (v == 4) print $1, 4, $4, $5, $6, $7, $3
        else if (v == 6) print $1, 6, $8, $9, $10, $11, $3
        else print $1, v, "", "", "", "", $3 }'
}
