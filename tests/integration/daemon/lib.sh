# Shared helpers of the daemon integration tests (sourced, not run).
# Usage in a test: . "$(dirname "$0")/lib.sh" "$@"   ($1: the pktlua binary)
set -u
PKTLUA=${1:?usage: test.sh PATH/TO/pktlua}
CAPS=${PKTLUA_SHARED_CAPTURES:-$(cd "$(dirname "$0")/../../.." && pwd)/../shared/captures}
[ -d "$CAPS" ] || { echo "SKIP: no captures at $CAPS"; exit 77; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pktlua-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
FAILS=0

fail () { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
ok () { echo "ok: $*"; }
# check DESCRIPTION COMMAND...: the command must succeed
check () { local d=$1; shift; if "$@"; then ok "$d"; else fail "$d"; fi; }
finish () { [ "$FAILS" -eq 0 ] && { echo "all passed"; exit 0; }; echo "$FAILS failed"; exit 1; }
need_root () { [ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }; }

# tcpdump's text for a capture (the independent view of its packets)
dump () { tcpdump -n -tt --nano -r "$1" 2>/dev/null; }
# number of packets in a capture, by tcpdump
count () { tcpdump -n -r "$1" 2>/dev/null | grep -c '^[0-9]'; }
# a field of the --stats=json line in file $1
jsonfield () { grep -o "\"$2\":[0-9]*" "$1" | tail -1 | cut -d: -f2; }
# every pcap/pcapng in the shared set that libpcap reads to the end
readable_captures () {
  local f
  for f in "$CAPS"/*.pcap "$CAPS"/*.pcapng; do
    case $f in *mixed-linktypes*) continue ;; esac
    echo "$f"
  done
}
# a long capture: the largest shared one, N times over (default 13: ~108k)
long_capture () {
  local i files=()
  for i in $(seq "${2:-13}"); do files+=("$CAPS/zeek-ftp-cwd-navigation.pcap"); done
  mergecap -a -F pcap -w "$1" "${files[@]}"
}
# wait_for FILE [TRIES]: until FILE exists (a script's "I am running" mark)
wait_for () {
  local i
  for i in $(seq "${2:-200}"); do [ -e "$1" ] && return 0; sleep 0.05; done
  echo "timeout waiting for $1"; return 1
}
