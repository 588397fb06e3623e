#!/usr/bin/env bash
# Runner of mcx_conformance_test (defs.bzl): Bazel's test protocol around
# `mcxtest run`.
#   conformance_test.sh MCXTEST SUT SUT_ARGS [run options] -- CASES...
# Honours TEST_TOTAL_SHARDS/TEST_SHARD_INDEX (--shard I/N),
# TEST_SHARD_STATUS_FILE (touched: this runner shards), XML_OUTPUT_FILE
# (--junit) and TEST_UNDECLARED_OUTPUTS_DIR (the report directory). The exit
# code is mcxtest's (docs/reports.md): 0 passed, 1 failed, 2 usage, 3 the SUT
# could not be started, 130 interrupted.
set -u
if [ $# -lt 3 ]; then
  echo "usage: $0 MCXTEST SUT SUT_ARGS [run options] -- CASES..." >&2
  exit 2
fi
mcxtest="$1"
sut="$2"
sut_args="$3"
shift 3

# The shim runs in the test's working directory, but make its path absolute
# so a shim that changes directory still finds itself in reports.
case "$sut" in
  /*) ;;
  *) sut="$PWD/$sut" ;;
esac
sut_command="$(printf '%q' "$sut")"
[ -n "$sut_args" ] && sut_command="$sut_command $sut_args"

args=(run --sut "$sut_command")
if [ -n "${TEST_SHARD_STATUS_FILE:-}" ]; then
  # Tells Bazel this test shards; without it Bazel would run every case in
  # every shard under --incompatible_check_sharding_support.
  : >"$TEST_SHARD_STATUS_FILE"
fi
if [ "${TEST_TOTAL_SHARDS:-1}" -gt 1 ]; then
  args+=(--shard "${TEST_SHARD_INDEX:-0}/${TEST_TOTAL_SHARDS}")
fi
out_dir="${TEST_UNDECLARED_OUTPUTS_DIR:-${TEST_TMPDIR:-/tmp}}"
args+=(--report-dir "$out_dir/mcxtest-report" --html "$out_dir/mcxtest-report/report.html")
if [ -n "${XML_OUTPUT_FILE:-}" ]; then
  args+=(--junit "$XML_OUTPUT_FILE")
fi
exec "$mcxtest" "${args[@]}" "$@"
