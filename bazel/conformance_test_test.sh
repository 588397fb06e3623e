#!/usr/bin/env bash
# conformance_test.sh speaks Bazel's test protocol: run here by hand with the
# variables Bazel would set, so a runner that ignored one of them fails.
#   conformance_test_test.sh RUNNER MCXTEST REFERENCE_SUT
set -u
runner="$1"; mcxtest="$2"; sut="$3"
work="${TEST_TMPDIR:-$(mktemp -d)}/conformance"
rm -rf "$work"; mkdir -p "$work"
fail=0
check() {  # name expected actual
  if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected '$2', got '$3'"; fail=1; fi
}
# Test case names in a JUnit file, sorted, one line.
names() {
  python3 - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
print(" ".join(sorted(c.get("name") for c in ET.parse(sys.argv[1]).getroot().iter("testcase"))))
PY
}
cases=(testcases/ue/ue-001-valid-own-gms.yaml testcases/ue/ue-002-valid-partner-gms.yaml
       testcases/ue/ue-003-valid-rel15-hiding-self.yaml testcases/ue/ue-004-valid-rel13-key-params.yaml
       testcases/ue/ue-005-valid-partner-ue.yaml)

for i in 0 1; do
  d="$work/shard$i"; mkdir -p "$d/out"
  TEST_TOTAL_SHARDS=2 TEST_SHARD_INDEX=$i TEST_SHARD_STATUS_FILE="$d/status" XML_OUTPUT_FILE="$d/test.xml" \
    TEST_UNDECLARED_OUTPUTS_DIR="$d/out" "$runner" "$mcxtest" "$sut" "" --role ue -- "${cases[@]}" \
    >"$d/log" 2>&1
  check "shard $i: exit code" 0 "$?"
  check "shard $i: status file touched" yes "$([ -e "$d/status" ] && echo yes || echo no)"
  check "shard $i: report in the undeclared outputs" yes \
    "$([ -s "$d/out/mcxtest-report/report.json" ] && [ -s "$d/out/mcxtest-report/report.html" ] && echo yes || echo no)"
done
check "shard 0: its cases in XML_OUTPUT_FILE" "UE-001 UE-003 UE-005" "$(names "$work/shard0/test.xml")"
check "shard 1: its cases in XML_OUTPUT_FILE" "UE-002 UE-004" "$(names "$work/shard1/test.xml")"

# Unsharded, a defective SUT (its flag in SUT_ARGS) fails the test: exit 1.
d="$work/defect"; mkdir -p "$d/out"
XML_OUTPUT_FILE="$d/test.xml" TEST_UNDECLARED_OUTPUTS_DIR="$d/out" \
  "$runner" "$mcxtest" "$sut" "--defect ue-accepts-v-bit" -- "${cases[0]}" testcases/ue/ue-019-v-bit.yaml \
  >"$d/log" 2>&1
check "defective SUT: exit code" 1 "$?"
check "defective SUT: every case ran" "UE-001 UE-019" "$(names "$d/test.xml")"
check "defective SUT: the command carries SUT_ARGS" yes \
  "$(grep -q -- '--defect ue-accepts-v-bit' "$d/out/mcxtest-report/report.json" && echo yes || echo no)"

[ $fail -eq 0 ] && echo PASS || { for f in "$work"/*/log; do echo "== $f"; cat "$f"; done; }
exit $fail
