#!/bin/bash -eu
# Runs .clusterfuzzlite/build.sh the way the OSS-Fuzz/ClusterFuzzLite
# base-builder runs it (SRC, OUT, CC, CXX, CFLAGS, CXXFLAGS and
# LIB_FUZZING_ENGINE as its address/libFuzzer job sets them), on this
# machine, then checks what it left in $OUT: every target, its dictionary and
# seed corpus, and that each binary starts and replays its seeds. The base
# images cannot be pulled offline; this checks the script, not the image.
#
#   .clusterfuzzlite/check_build.sh        (a full clang build: ~15 min on 2 cores)
#
# MCX_CFL_WORK (default /tmp/mcx-cflite) holds SRC, OUT and a separate Bazel
# output base, so the check never disturbs other builds.
root=$(cd "$(dirname "$0")/.." && pwd)
work=${MCX_CFL_WORK:-/tmp/mcx-cflite}
real_bazel=$(command -v bazel)
rm -rf "$work/src" "$work/out" "$work/bin" "$work/replay"
mkdir -p "$work/src" "$work/out" "$work/bin" "$work/replay"
ln -s "$root" "$work/src/mcxtest"
printf '#!/bin/sh\nexec %s --output_base=%s "$@"\n' "$real_bazel" "$work/output_base" > "$work/bin/bazel"
chmod +x "$work/bin/bazel"

export SRC=$work/src OUT=$work/out CC=clang-14 CXX=clang++-14
export CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
export CXXFLAGS="$CFLAGS -stdlib=libc++"
export LIB_FUZZING_ENGINE=-fsanitize=fuzzer
PATH=$work/bin:$PATH bash "$root/.clusterfuzzlite/build.sh"

# shellcheck source=fuzz/dict_for.sh
source "$root/fuzz/dict_for.sh"
failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
count=0
for src in "$root"/fuzz/*_fuzzer.cc; do
  name=$(basename "$src" .cc)
  count=$((count + 1))
  bin=$OUT/$name
  [[ -x $bin ]] || { fail "$name: no binary in \$OUT"; continue; }
  short=${name%_fuzzer}
  dict_args=()
  if [[ -n $(cd "$root" && mcx_fuzz_dict "$short") ]]; then
    if [[ -f $OUT/$name.dict ]]; then dict_args=(-dict="$OUT/$name.dict"); else fail "$name: no dictionary"; fi
  elif [[ -f $OUT/$name.dict ]]; then
    fail "$name: a dictionary fuzz/run.sh does not use"
  fi
  [[ -f $OUT/${name}_seed_corpus.zip ]] || { fail "$name: no seed corpus zip"; continue; }
  # The runner image lacks the build's third-party libraries: each one the
  # binary needs must have been bundled into $OUT/lib.
  for lib in $(ldd "$bin" | awk '/=> \// {print $1}' | grep -E 'libssl|libcrypto|libxml2|libyaml|libicu|liblzma' || true); do
    [[ -f $OUT/lib/$lib ]] || fail "$name: $lib not bundled in \$OUT/lib"
  done
  nm -C "$bin" | grep -q 'LLVMFuzzerTestOneInput' || fail "$name: not a libFuzzer binary"
  dir=$work/replay/$name
  mkdir -p "$dir" && (cd "$dir" && unzip -q -o "$OUT/${name}_seed_corpus.zip")
  if ! "$bin" -runs=0 "${dict_args[@]}" "$dir" > "$work/replay/$name.log" 2>&1; then
    fail "$name: seed replay failed (see $work/replay/$name.log)"
  elif ! grep -q 'INITED' "$work/replay/$name.log"; then
    fail "$name: libFuzzer did not load the seeds"
  fi
done
echo "clusterfuzzlite build check: $count targets, $failed problems"
[[ $failed -eq 0 ]]
