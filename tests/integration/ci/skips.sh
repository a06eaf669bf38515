#!/usr/bin/env bash
# .ci/skips on hand-made JUnit reports (the shape ctest --output-junit
# writes): a skip passes only with a "SKIP(reason)" line of an accepted
# reason; a plain "SKIP:", a skip without a line, a disabled test or an
# unaccepted reason fails; passed and failed tests are not skips.
. "$(dirname "$0")/../lib.sh"
t=$(tmp)
skips=$SRC/.ci/skips

# report FILE CASE...: CASE is name:status:output (output one line)
report() {
  local f=$1 c name status out; shift
  { echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<testsuite name="x" tests="1">'
    for c in "$@"; do
      name=${c%%:*}; c=${c#*:}; status=${c%%:*}; out=${c#*:}
      printf '\t<testcase name="%s" classname="%s" time="0.1" status="%s">\n' "$name" "$name" "$status"
      [ "$status" = notrun ] && printf '\t\t<skipped message="SKIP_RETURN_CODE=77"/>\n'
      printf '\t\t<system-out>%s\n</system-out>\n\t</testcase>\n' "$out"
    done
    echo '</testsuite>'; } > "$f"
}
verdict() { bash "$skips" "$@" >"$t/out" 2>&1; echo $?; }

report "$t/ok.xml" "a:run:hello" "b:fail:FAIL: x" \
  "c:notrun:SKIP(root): needs root" "d:notrun:SKIP(corpus): no shared captures at /x"
check "root and corpus skips accepted" [ "$(verdict "$t/ok.xml" root corpus)" = 0 ]
check "they are listed with their reason" grep -q '^skipped (corpus): d$' "$t/out"
check "a corpus skip where corpus is not accepted fails" [ "$(verdict "$t/ok.xml" root)" = 1 ]
check "the refused test is named" grep -q '^NOT ACCEPTED: d ' "$t/out"
check "no reason accepted: any skip fails" [ "$(verdict "$t/ok.xml")" = 1 ]
report "$t/tool.xml" "e:notrun:SKIP: tcpreplay not installed"
check "a missing tool fails" [ "$(verdict "$t/tool.xml" root corpus)" = 1 ]
report "$t/silent.xml" "f:notrun:some other output"
check "a skip without a SKIP line fails" [ "$(verdict "$t/silent.xml" root corpus)" = 1 ]
report "$t/other.xml" "g:notrun:SKIP(flaky): sometimes"
check "another reason fails" [ "$(verdict "$t/other.xml" root corpus)" = 1 ]
report "$t/mid.xml" "h:notrun:text SKIP(root): not at the start of a line"
check "the SKIP line must start a line" [ "$(verdict "$t/mid.xml" root corpus)" = 1 ]
report "$t/dis.xml" "i:disabled:"
check "a disabled test fails" [ "$(verdict "$t/dis.xml" root corpus)" = 1 ]
check "no report: fails" [ "$(verdict "$t/none.xml" root corpus)" = 1 ]

# and the real thing: ctest's own report of a skipping test
if command -v ctest >/dev/null && command -v cmake >/dev/null; then
  mkdir "$t/p"
  cat > "$t/p/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.21)
project(skips NONE)
enable_testing()
add_test(NAME root COMMAND sh -c "echo 'SKIP(root): needs root'; exit 77")
add_test(NAME tool COMMAND sh -c "echo 'SKIP: no tool'; exit 77")
set_tests_properties(root tool PROPERTIES SKIP_RETURN_CODE 77)
CM
  cmake -S "$t/p" -B "$t/b" >/dev/null 2>&1 && ctest --test-dir "$t/b" -R root --output-junit "$t/r.xml" >/dev/null 2>&1
  check "ctest's report: a root skip accepted" [ "$(verdict "$t/r.xml" root)" = 0 ]
  ctest --test-dir "$t/b" --output-junit "$t/all.xml" >/dev/null 2>&1
  check "ctest's report: a tool skip refused" [ "$(verdict "$t/all.xml" root)" = 1 ]
fi
finish
