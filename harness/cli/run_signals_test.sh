#!/bin/bash
# `mcxtest run` with the real binary against shims that misbehave the worst
# way (issue 17 items 3, 6, 7; issue 19 item 6): blank lines without end,
# SIGTERM/SIGINT ignored, a child escaping into its own session. Whatever
# happens, the deadline holds, a signal ends the run with complete reports
# (cases not run marked skipped, never "Result: PASSED"), exit 3 still
# writes both reports, and no process of the shim outlives the run.
set -uo pipefail
[ -n "${DEBUG_TEST:-}" ] && set -x
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
MCXTEST="$(abs "$1")"
shift
CASE1="" CASE2=""
for f in "$@"; do
  case "$f" in
    */ue-001-*) CASE1="$(abs "$f")" ;;
    */ue-002-*) CASE2="$(abs "$f")" ;;
  esac
done

work="$(mktemp -d "${TEST_TMPDIR:-/tmp}/run_signals.XXXXXX")"
fail=0
check() {  # name expected actual
  if [ "$2" == "$3" ]; then
    echo "ok: $1"
  else
    echo "FAIL: $1"; echo "  expected: [$2]"; echo "  got:      [$3]"; fail=1
  fi
}

# report.json: "state verdict:summary-prefix ..." for the checks below.
summarize() {
  python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(r["state"], " ".join(c["verdict"] + ":" + c["summary"].split(" (")[0].split(":")[0] for c in r["cases"]))
PY
}
# junit.xml: "tests skipped errors" of the testsuite(s), and well-formed.
junit_counts() {
  python3 - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.findall(".//testcase")
print(len(cases), len([c for c in cases if c.find("skipped") is not None]),
      len([c for c in cases if c.find("error") is not None]))
PY
}

# A shim: answers `hello` with roles [ue], then (or at once with
# BLANK_FROM_START) writes blank lines for ever, ignoring SIGTERM and SIGINT.
# Its pid and an escaped (setsid) child's pid go to $1/pids.
make_shim() {  # dir blank_from_start
  cat >"$1/shim.sh" <<SH
#!/bin/bash
trap '' TERM INT
echo \$\$ >>"$1/pids"
setsid sleep 1000 </dev/null >/dev/null 2>&1 &
echo \$! >>"$1/pids"
if [ "$2" = 1 ]; then exec yes ''; fi
while IFS= read -r l; do
  id=\$(echo "\$l" | sed 's/.*"id":\([0-9]*\).*/\1/')
  case "\$l" in
    *'"shutdown"'*) exit 0 ;;
    *'"hello"'*) printf '{"id":%s,"name":"blank","version":"1","roles":["ue"]}\n' "\$id" ;;
    *) exec yes '' ;;
  esac
done
SH
  chmod +x "$1/shim.sh"
}

# Every pid a shim wrote: none may be alive once mcxtest is gone.
survivors() {
  local n=0
  while read -r pid; do
    # A zombie is dead; only a running process counts.
    if [ -e "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; then n=$((n + 1)); kill -9 "$pid"; fi
  done <"$1/pids"
  echo "$n"
}

# Starts mcxtest in the background; waits at most $2 s for it.
run_bg() {  # dir timeout_s signal delay_s
  local dir=$1
  "$MCXTEST" run "$CASE1" "$CASE2" --sut "$dir/shim.sh" --timeout "$2" --report-dir "$dir/report" \
    --html "$dir/report.html" ${JOBS:+--jobs "$JOBS"} >"$dir/out" 2>"$dir/err" &
  local pid=$!
  if [ -n "$3" ]; then
    sleep "$4"
    kill "-$3" "$pid"
  fi
  local waited=0
  while kill -0 "$pid" 2>/dev/null && [ $waited -lt 300 ]; do sleep 0.1; waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    echo "mcxtest still running after 30 s" >>"$dir/err"
    kill -9 "$pid"
  fi
  wait "$pid"
  echo $? >"$dir/rc"
}

# 1. SIGTERM while a case waits on a shim writing blank lines (17.3, 17.6).
d="$work/term"; mkdir -p "$d"; make_shim "$d" 0
run_bg "$d" 600 TERM 3
check "SIGTERM: exit code" 130 "$(cat "$d/rc")"
check "SIGTERM: report.json" "interrupted skipped:run interrupted skipped:not run" "$(summarize "$d/report/report.json")"
check "SIGTERM: junit.xml (tests skipped errors)" "2 2 0" "$(junit_counts "$d/report/junit.xml")"
check "SIGTERM: HTML written" yes "$([ -s "$d/report.html" ] && echo yes || echo no)"
check "SIGTERM: never PASSED" 0 "$(grep -c 'Result: PASSED' "$d/out")"
check "SIGTERM: Result line" 1 "$(grep -c 'Result: INTERRUPTED' "$d/out")"
check "SIGTERM: no shim process left" 0 "$(survivors "$d")"

# 1b. The same with both cases running at once (--jobs 2, issue 18.2):
#     both are cut short, and neither shim survives.
d="$work/term_jobs"; mkdir -p "$d"; make_shim "$d" 0
JOBS=2 run_bg "$d" 600 TERM 3
check "SIGTERM, --jobs 2: exit code" 130 "$(cat "$d/rc")"
check "SIGTERM, --jobs 2: report.json" "interrupted skipped:run interrupted skipped:run interrupted" \
  "$(summarize "$d/report/report.json")"
check "SIGTERM, --jobs 2: junit.xml (tests skipped errors)" "2 2 0" "$(junit_counts "$d/report/junit.xml")"
check "SIGTERM, --jobs 2: no shim process left" 0 "$(survivors "$d")"

# 2. SIGINT during the first hello, to a shim that floods blank lines.
d="$work/int"; mkdir -p "$d"; make_shim "$d" 1
run_bg "$d" 600 INT 2
check "SIGINT in hello: exit code" 130 "$(cat "$d/rc")"
check "SIGINT in hello: report.json" "interrupted skipped:not run skipped:not run" "$(summarize "$d/report/report.json")"
check "SIGINT in hello: junit.xml" "2 2 0" "$(junit_counts "$d/report/junit.xml")"
check "SIGINT in hello: no shim process left" 0 "$(survivors "$d")"

# 3. The deadline holds against blank lines: exit 3, and both reports
#    hold every case as an error carrying the reason (19.6).
d="$work/deadline"; mkdir -p "$d"; make_shim "$d" 1
start=$(date +%s)
run_bg "$d" 1 "" 0
check "blank lines: exit code" 3 "$(cat "$d/rc")"
check "blank lines: within the deadline" yes "$([ $(($(date +%s) - start)) -lt 20 ] && echo yes || echo no)"
check "blank lines: report.json" "finished error:the SUT could not be started error:the SUT could not be started" \
  "$(summarize "$d/report/report.json")"
check "blank lines: junit.xml" "2 0 2" "$(junit_counts "$d/report/junit.xml")"
check "blank lines: reason in junit" yes "$(grep -q 'no answer to [^ ]*hello' "$d/report/junit.xml" && echo yes || echo no)"
check "blank lines: no shim process left" 0 "$(survivors "$d")"

# 4. A command that does not exist: exit 3 with reports too.
d="$work/missing"; mkdir -p "$d"; : >"$d/pids"
"$MCXTEST" run "$CASE1" --sut "$d/no-such-shim" --timeout 5 --report-dir "$d/report" >"$d/out" 2>"$d/err"
check "missing shim: exit code" 3 "$?"
check "missing shim: junit.xml" "1 0 1" "$(junit_counts "$d/report/junit.xml")"
check "missing shim: junit error type" sut-cannot-start "$(python3 -c '
import sys, xml.etree.ElementTree as ET
print(" ".join(e.get("type") for e in ET.parse(sys.argv[1]).getroot().iter("error")))' "$d/report/junit.xml")"

[ $fail -eq 0 ] && echo PASS || { echo "--- logs in $work"; for f in "$work"/*/err; do echo "== $f"; cat "$f"; done; }
exit $fail
