#!/bin/bash
# The HTML report of the whole suite against the reference SUT: under 5 MB,
# well-formed XML (libxml2, via html_xpath), and its check matrix is in the
# source with one row per test case and a cell per check column — readable
# with JavaScript disabled.
set -euo pipefail
[ -n "${DEBUG_TEST:-}" ] && set -x
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
MCXTEST="$(abs "$1")"
SUT="$(abs "$2")"
XPATH="$(abs "$3")"
shift 3
suite="$(dirname "$(dirname "$(abs "$1")")")"  # testcases/ from testcases/<role>/<case>.yaml
cases=$#
readonly MAX_BYTES=$((5 * 1024 * 1024))

work="$(mktemp -d "${TEST_TMPDIR:-/tmp}/html_full.XXXXXX")"
fail=0
check() {  # name expected actual
  if [ "$2" == "$3" ]; then
    echo "ok: $1"
  else
    echo "FAIL: $1"; echo "  expected: [$2]"; echo "  got:      [$3]"; fail=1
  fi
}
E() { echo "*[local-name()='$1']"; }

rc=0
"$MCXTEST" run "$suite" --sut "$SUT" --report-dir "$work/run" --html "$work/report.html" >"$work/run.log" 2>&1 || rc=$?
check "run exit code" 0 "$rc"
size="$(stat -c %s "$work/report.html")"
echo "full-suite report: $size bytes, $cases test cases"
check "report under 5 MB" yes "$([ "$size" -lt "$MAX_BYTES" ] && echo yes || echo "no ($size bytes)")"
mapfile -t got < <("$XPATH" "$work/report.html" \
  "count(//$(E tr)[@class='case-row'])" \
  "count(//$(E thead)//$(E th)[@data-check])" \
  "count(//$(E td)[@data-status])" \
  "count(//$(E td)[@data-status='fail'])" \
  "count(//$(E section)[@data-case])" \
  "string(//*[@id='count-passed'])")
check "well-formed XML" 6 "${#got[@]}"
check "a matrix row per case" "$cases" "${got[0]:-}"
check "a cell per case and column, in the source" "$((cases * ${got[1]:-0}))" "${got[2]:-}"
check "no failed cells for the reference" 0 "${got[3]:-}"
check "a section per case" "$cases" "${got[4]:-}"
check "count-passed" "$cases" "${got[5]:-}"
[ "$fail" = 0 ] || tail -20 "$work/run.log"
exit "$fail"
