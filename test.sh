#!/usr/bin/env bash
# Runs every test: installs missing packages, `bazel test --config=ci //...`,
# then prints `tests: N passed, N failed` counted from the test XML.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
# shellcheck source=tools/deps.sh
source "$root/tools/deps.sh"
mcx_install_deps || exit 2

# A Bazel server otherwise idles for hours after the run.
trap 'bazel shutdown >/dev/null 2>&1 || true' EXIT

bep="$(mktemp "${TMPDIR:-/tmp}/mcxtest-bep.XXXXXX")"
bazel test --config=ci --build_event_json_file="$bep" "$@" //... </dev/null
rc=$?
python3 tools/bazel_test_summary.py "$bep"
summary_rc=$?
rm -f "$bep"
# Exit code 4 means no test ran: that is a failure too.
if ((rc != 0)); then exit "$rc"; fi
exit "$summary_rc"
