#!/usr/bin/env bash
# Runs every `ue` test case against the example Python shim: all must pass,
# none may be skipped, and the JUnit report must say so.
set -euo pipefail
mcxtest="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shim="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
report="${TEST_TMPDIR:-$(mktemp -d)}/report"
set +e
"$mcxtest" run testcases/ue --timeout 60 --report-dir "$report" \
  --sut "python3 $shim --mcxtest $mcxtest" > "$report.log" 2>&1
rc=$?
set -e
cat "$report.log"
if [[ $rc -ne 0 ]]; then
  echo "FAIL: mcxtest run exited with $rc" >&2
  exit 1
fi
grep -q 'failures="0"' "$report/junit.xml" || { echo "FAIL: junit.xml reports failures" >&2; exit 1; }
grep -q 'errors="0"' "$report/junit.xml" || { echo "FAIL: junit.xml reports errors" >&2; exit 1; }
grep -q 'skipped="0"' "$report/junit.xml" || { echo "FAIL: junit.xml reports skipped cases" >&2; exit 1; }
grep -q 'Result: PASSED' "$report.log" || { echo "FAIL: no PASSED summary" >&2; exit 1; }
echo "python shim: every ue test case passed"
