#!/usr/bin/env bash
# Signals while pktlua reads a pipe or a FIFO (issue 11, item 3). A read
# that waits is not an input error when a signal comes: SIGUSR1 reports at
# once and the run goes on, SIGHUP reloads, SIGTERM and SIGINT end the run
# with exit 0 (also while a FIFO waits for its writer, and in the middle of
# a record), every packet before in the output.
. "$(dirname "$0")/../lib.sh"
need tcpdump
need_pktlua
t=$(tmp)
cap=$CAPTURES/ipv4.pcap
want=$(count "$cap")
script='local n = 0
function packet ()
  n = n + 1
  if n == tonumber(os.getenv("WANT")) then io.open(os.getenv("MARK"), "w"):close() end
  return true
end'
export WANT=$want

# writer FILE DONE: the capture, then the pipe stays open until DONE exists
# (each run its own DONE: a new run's start cannot hide the last one's
# from a writer still asleep); never past 60 s, nor its temporary folder,
# so no writer outlives the test holding ctest's output pipe
writer() {
  local i
  cat "$1"
  for i in $(seq 1200); do
    if [ -e "$2" ] || [ ! -d "$t" ]; then return 0; fi
    sleep 0.05
  done
}
runs=0
# awaiting PID: the process waits in a FIFO's open (so its signal handlers
# are in place: a signal before main() would kill it, and under valgrind
# getting there takes a while)
awaiting() {
  local i
  for i in $(seq 600); do
    [ "$(cat /proc/"$1"/wchan 2>/dev/null)" = wait_for_partner ] && return 0
    sleep 0.05
  done
  return 1
}
# start HOW: pktlua reading the capture through HOW (pipe: standard input
# is a pipe; fifo: -r names a FIFO); sets pid
start() {
  runs=$((runs + 1)); donefile=$t/done.$runs
  rm -f "$MARK" "$t/o.pcap" "$t/fifo"
  case $1 in
    pipe) "$PKTLUA" --stats=json -r - -w "$t/o.pcap" -e "$script" \
            < <(writer "$cap" "$donefile") 2>"$t/err" & pid=$! ;;
    fifo) mkfifo "$t/fifo"
          "$PKTLUA" --stats=json -r "$t/fifo" -w "$t/o.pcap" -e "$script" \
            2>"$t/err" & pid=$!
          writer "$cap" "$donefile" > "$t/fifo" & ;;
  esac
}
# finished WHAT: exit 0, no error line, every packet in the output
finished() {
  touch "$donefile"
  reap "$pid" 10
  check "$1: exit 0 (got $rc)" [ "$rc" = 0 ]
  check "$1: no error line" [ -z "$(grep -v '^{' "$t/err" | grep -v 'script reloaded')" ]
  check "$1: every packet written" [ "$(count "$t/o.pcap")" -eq "$want" ]
  check "$1: the output is complete" complete "$t/o.pcap"
  check "$1: read $want" [ "$(jsonfield "$t/err" read)" = "$want" ]
  grep -v '^{' "$t/err" | sed 's/^/  /'
}

for how in pipe fifo; do
  start $how; wait_for "$MARK"
  kill -USR1 $pid
  wait_grep "$t/err" '^{'
  check "$how SIGUSR1: reported while the input waits" [ "$(grep -c '^{' "$t/err")" -eq 1 ]
  check "$how SIGUSR1: the run goes on" kill -0 $pid
  finished "$how SIGUSR1"
  check "$how SIGUSR1: two reports" [ "$(grep -c '^{' "$t/err")" -eq 2 ]

  start $how; wait_for "$MARK"
  kill -HUP $pid
  wait_grep "$t/err" 'script reloaded'
  check "$how SIGHUP: reloaded while the input waits" grep -q 'script reloaded' "$t/err"
  check "$how SIGHUP: the run goes on" kill -0 $pid
  finished "$how SIGHUP"

  for sig in TERM INT; do
    start $how; wait_for "$MARK"
    kill -$sig $pid
    check "$how SIG$sig: ends while the input still waits" ended $pid 5
    finished "$how SIG$sig"
  done
done

# term_awaiting WHAT ARGS...: pktlua ARGS, which wait in a FIFO's open,
# then SIGTERM: a clean end (exit 0, no error line)
term_awaiting() {
  local what=$1; shift
  "$PKTLUA" --stats=json "$@" 2>"$t/err" & pid=$!
  awaiting $pid
  kill -TERM $pid
  reap $pid 30
  check "$what: exit 0 (got $rc)" [ "$rc" = 0 ]
  check "$what: no error line" [ -z "$(grep -v '^{' "$t/err")" ]
}
# SIGTERM while a FIFO waits for its writer: a clean end, a stats record
rm -f "$t/fifo"; mkfifo "$t/fifo"
term_awaiting "SIGTERM awaiting a FIFO writer" -r "$t/fifo" -w "$t/o.pcap"
check "SIGTERM awaiting a FIFO writer: a stats record" [ "$(jsonfield "$t/err" read)" = 0 ]

# the same for a -w FIFO waiting for its reader
rm -f "$t/ofifo"; mkfifo "$t/ofifo"
term_awaiting "SIGTERM awaiting a -w FIFO's reader" -r "$cap" -w "$t/ofifo"

# SIGTERM in the middle of a record: the whole records before are written
head -c $(( $(stat -c %s "$cap") - 20 )) "$cap" > "$t/cut.pcap"
rm -f "$MARK"
donefile=$t/done.cut
export WANT=$((want - 1))
"$PKTLUA" --stats=json -r - -w "$t/o.pcap" -e "$script" \
  < <(writer "$t/cut.pcap" "$donefile") 2>"$t/err" & pid=$!
wait_for "$MARK"; sleep 0.2
kill -TERM $pid
reap $pid 30
touch "$donefile"
check "SIGTERM inside a record: exit 0 (got $rc)" [ "$rc" = 0 ]
check "SIGTERM inside a record: no error line" [ -z "$(grep -v '^{' "$t/err")" ]
check "SIGTERM inside a record: the whole ones written" [ "$(count "$t/o.pcap")" -eq $((want - 1)) ]

# an input that cannot be opened still gives monitoring its record
"$PKTLUA" --stats=json -r "$t/no-such-file" -w "$t/o.pcap" 2>"$t/err"; rc=$?
check "unopenable input: exit 1" [ "$rc" -eq 1 ]
check "unopenable input: a stats record" [ "$(jsonfield "$t/err" read)" = 0 ]
finish
