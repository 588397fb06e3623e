#!/usr/bin/env bash
# Continuous fuzzing on one machine: build the libFuzzer targets
# (--config=fuzz: clang-14, libFuzzer, ASan, UBSan), run each for a time
# budget with its dictionary and corpus, merge inputs with new coverage into
# the checked-in corpus, and file crashes by stack under fuzz/crashes/.
#
#   fuzz/run.sh [TARGET|all] [--time SECONDS] [--jobs N] [--no-merge] [--no-build]
#
# TARGET is a short name (mikey_parse, gktp_verify, ...); default all.
# Environment:
#   MCX_FUZZ_OUTPUT_BASE  Bazel output base (default /root/.cache/bazel-fuzz)
#   MCX_FUZZ_WORKDIR      scratch directory (default /tmp/mcx-fuzz)
#   MCX_FUZZ_ARGS         extra libFuzzer flags
#   MCX_FUZZ_PLAIN_MUTATOR=1  gktp_verify without its custom mutator
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUTPUT_BASE=${MCX_FUZZ_OUTPUT_BASE:-/root/.cache/bazel-fuzz}
WORK=${MCX_FUZZ_WORKDIR:-/tmp/mcx-fuzz}
TIME=600
JOBS=1
MERGE=1
BUILD=1
WHICH=all

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

while (($#)); do
  case "$1" in
    --time) TIME=$2; shift 2 ;;
    --jobs) JOBS=$2; shift 2 ;;
    --no-merge) MERGE=0; shift ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) usage 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; usage 2 ;;
    *) WHICH=$1; shift ;;
  esac
done

all_targets() {
  for f in fuzz/*_fuzzer.cc; do basename "$f" _fuzzer.cc; done
}

if [[ $WHICH == all ]]; then
  mapfile -t TARGETS < <(all_targets)
else
  TARGETS=("${WHICH%_fuzzer}")
  [[ -f fuzz/${TARGETS[0]}_fuzzer.cc ]] || { echo "run.sh: no target fuzz/${TARGETS[0]}_fuzzer.cc" >&2; exit 2; }
fi

# shellcheck source=fuzz/dict_for.sh
source fuzz/dict_for.sh
dict_for() {
  local d
  d=$(mcx_fuzz_dict "$1")
  [[ -n $d ]] && echo "$ROOT/$d" || echo ""
}

BAZEL=(bazel --output_base="$OUTPUT_BASE")
if ((BUILD)); then
  labels=()
  for t in "${TARGETS[@]}"; do labels+=("//fuzz:${t}_fuzzer"); done
  nice "${BAZEL[@]}" build --config=fuzz "${labels[@]}"
fi
BIN=$("${BAZEL[@]}" info --config=fuzz bazel-bin 2>/dev/null)/fuzz

# The top frames of the first stack in a sanitizer or libFuzzer report,
# without sanitizer and libFuzzer runtime frames: the crash's identity.
top_frames() {
  grep -E '^ *#[0-9]+ 0x[0-9a-f]+ in ' "$1" |
    grep -vE ' in (__sanitizer|__asan|__ubsan|__interceptor|fuzzer::|LLVMFuzzerTestOneInput|main|__libc|_start|abort|raise|std::__terminate)' |
    grep -vE '/compiler-rt/|libFuzzer|libc\.so' |
    head -3 | sed -E 's/^ *#[0-9]+ 0x[0-9a-f]+ in //; s/ [^ ]*\/(fuzz|mikey|crypto|kms|harness|dissector)\// \1\//'
}

file_crashes() {
  local t=$1 artifacts=$2 bin=$3 new=0 dup=0
  shopt -s nullglob
  for a in "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-*; do
    local log="$artifacts/../$(basename "$a").report"
    "$bin" -runs=1 "$a" >"$log" 2>&1 || true
    local frames sig
    frames=$(top_frames "$log")
    [[ -n $frames ]] || frames=$(grep -m1 -E 'ERROR|SUMMARY|runtime error|deadly signal' "$log" || echo "unknown")
    # Function names only: a crash keeps its identity when lines shift.
    sig=$(printf '%s' "$frames" | sed -E 's/ [^ ]+:[0-9]+(:[0-9]+)?$//' | sha1sum | cut -c1-12)
    local dir="$ROOT/fuzz/crashes/$t/$sig"
    if [[ -d $dir ]]; then
      dup=$((dup + 1))
      continue
    fi
    mkdir -p "$dir"
    cp "$a" "$dir/input"
    cp "$log" "$dir/report.txt"
    printf '%s\n' "$frames" >"$dir/frames.txt"
    cat >"$dir/reproduce.sh" <<EOF
#!/bin/sh
# Reproduces fuzz/crashes/$t/$sig (top frames in frames.txt). Once fixed,
# move input to fuzz/regressions/$t/ so bazel test replays it forever.
cd "\$(dirname "\$0")/../../../.."
bazel --output_base=\${MCX_FUZZ_OUTPUT_BASE:-$OUTPUT_BASE} build --config=fuzz //fuzz:${t}_fuzzer &&
  "\$(bazel --output_base=\${MCX_FUZZ_OUTPUT_BASE:-$OUTPUT_BASE} info --config=fuzz bazel-bin)/fuzz/${t}_fuzzer" fuzz/crashes/$t/$sig/input
EOF
    chmod +x "$dir/reproduce.sh"
    new=$((new + 1))
  done
  echo "$new $dup"
}

stat_of() { grep -m1 "^stat::$2:" "$1" 2>/dev/null | awk '{print $2}'; }

SUMMARY=()
mkdir -p "$WORK"
for t in "${TARGETS[@]}"; do
  bin="$BIN/${t}_fuzzer"
  [[ -x $bin ]] || { echo "run.sh: $bin was not built" >&2; exit 1; }
  tw="$WORK/$t"
  rm -rf "$tw"
  mkdir -p "$tw/new" "$tw/artifacts" "$ROOT/fuzz/corpus/$t"
  args=(-max_total_time="$TIME" -timeout=25 -rss_limit_mb=2560 -max_len=4096 -print_final_stats=1
        -artifact_prefix="$tw/artifacts/")
  dict=$(dict_for "$t")
  [[ -n $dict ]] && args+=(-dict="$dict")
  ((JOBS > 1)) && args+=(-fork="$JOBS" -ignore_crashes=1)
  # shellcheck disable=SC2206
  args+=(${MCX_FUZZ_ARGS:-})
  inputs=("$tw/new" "$ROOT/fuzz/corpus/$t")
  [[ -d $ROOT/fuzz/regressions/$t ]] && inputs+=("$ROOT/fuzz/regressions/$t")
  echo "== $t: ${TIME}s, jobs $JOBS, dict ${dict:-none}"
  (cd "$tw" && nice "$bin" "${args[@]}" "${inputs[@]}" >"$tw/fuzz.log" 2>&1) || true

  last=$(grep -E '^#[0-9]+.*cov: ' "$tw/fuzz.log" | tail -1 || true)
  cov=$(sed -nE 's/.*cov: ([0-9]+).*/\1/p' <<<"$last")
  ft=$(sed -nE 's/.*ft: ([0-9]+).*/\1/p' <<<"$last")
  execs=$(stat_of "$tw/fuzz.log" number_of_executed_units)
  eps=$(stat_of "$tw/fuzz.log" average_exec_per_sec)
  if [[ -z $eps ]]; then  # fork mode prints no final stats
    eps=$(sed -nE 's/.*exec\/s: ([0-9]+).*/\1/p' <<<"$last")
  fi

  if ((MERGE)); then
    "$bin" -merge=1 -rss_limit_mb=2560 -max_len=4096 "$ROOT/fuzz/corpus/$t" "$tw/new" >"$tw/merge.log" 2>&1 || true
  fi
  corpus=$(find "$ROOT/fuzz/corpus/$t" -type f | wc -l)
  read -r crashes dups < <(file_crashes "$t" "$tw/artifacts" "$bin")
  line=$(printf '%-14s exec/s %-6s cov %-6s ft %-6s execs %-10s corpus %-5s crashes %s (+%s dup)' \
    "$t" "${eps:-?}" "${cov:-?}" "${ft:-?}" "${execs:-?}" "$corpus" "$crashes" "$dups")
  echo "$line"
  SUMMARY+=("$line")
done

echo
echo "== summary (${TIME}s per target; log and artifacts under $WORK)"
printf '%s\n' "${SUMMARY[@]}" | tee "$WORK/summary.txt"
