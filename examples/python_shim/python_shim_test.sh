#!/usr/bin/env bash
# Runs every test case of the given suites against an example Python shim:
# all must pass, none may be skipped, and the JUnit report must say so.
# Usage: python_shim_test.sh MCXTEST SHIM SUITE...
set -euo pipefail
mcxtest="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shim="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
shift 2
report="${TEST_TMPDIR:-$(mktemp -d)}/report"
# The first step docs/shim-protocol.md gives a vendor: the shim's framing and answers.
"$mcxtest" shim-check --sut "python3 $shim --mcxtest $mcxtest" || { echo "FAIL: mcxtest shim-check" >&2; exit 1; }
for suite in "$@"; do
  set +e
  "$mcxtest" run "testcases/$suite" --timeout 60 --report-dir "$report-$suite" \
    --sut "python3 $shim --mcxtest $mcxtest" > "$report-$suite.log" 2>&1
  rc=$?
  set -e
  cat "$report-$suite.log"
  if [[ $rc -ne 0 ]]; then
    echo "FAIL: mcxtest run testcases/$suite exited with $rc" >&2
    exit 1
  fi
  junit="$report-$suite/junit.xml"
  grep -q 'failures="0"' "$junit" || { echo "FAIL: $suite: junit.xml reports failures" >&2; exit 1; }
  grep -q 'errors="0"' "$junit" || { echo "FAIL: $suite: junit.xml reports errors" >&2; exit 1; }
  grep -q 'skipped="0"' "$junit" || { echo "FAIL: $suite: junit.xml reports skipped cases" >&2; exit 1; }
  grep -q 'Result: PASSED' "$report-$suite.log" || { echo "FAIL: $suite: no PASSED summary" >&2; exit 1; }
  # Every rejection names its reason_code and the harness confirmed it
  # ("rejected for X, expected Y"), not just "the SUT rejected".
  python3 - "$report-$suite/report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
rejections = [(case["id"], check) for case in report["cases"] for check in case["flow_checks"]
              if check["id"].endswith(".REJECT")]
for case_id, check in rejections:
    if check["status"] != "pass" or not check["detail"].startswith("rejected for "):
        sys.exit("FAIL: %s: rejection without a confirmed reason_code: %s" % (case_id, check["detail"]))
print("%d rejection(s), each with a confirmed reason_code" % len(rejections))
PY
  echo "$(basename "$shim"): every $suite test case passed"
done
