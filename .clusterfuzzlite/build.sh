#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build: every fuzz/<name>_fuzzer target through
# Bazel with the infrastructure's compiler and flags (CC, CXX, CFLAGS,
# CXXFLAGS, LIB_FUZZING_ENGINE), then into $OUT with its dictionary and a
# seed corpus zip. Locally, use fuzz/run.sh (--config=fuzz) instead.
#
# Differences from --config=fuzz, on purpose:
#  - the compiler and sanitizer flags are the infrastructure's, so the
#    same script serves address, undefined and coverage builds;
#  - -stdlib=libc++ is dropped: the targets are only built and tested
#    against libstdc++ (the C++ library that forced it, yaml-cpp, gave way
#    to libyaml, so this could be revisited);
#  - shared libraries the runner image lacks are copied to $OUT/lib and
#    found through an $ORIGIN rpath.
cd "$SRC/mcxtest"

copts=()
for f in ${CXXFLAGS}; do
  [[ $f == -stdlib=libc++ ]] && continue
  copts+=("--copt=$f")
done
linkopts=("--linkopt=-Wl,-rpath,\$ORIGIN/lib")
for f in ${CFLAGS}; do
  case "$f" in -fsanitize=*|-fno-sanitize*) linkopts+=("--linkopt=$f") ;; esac
done

# shellcheck source=fuzz/dict_for.sh
source fuzz/dict_for.sh

targets=()
for f in fuzz/*_fuzzer.cc; do targets+=("//fuzz:$(basename "$f" .cc)"); done

bazel build \
  --repo_env=CC="$CC" --repo_env=CXX="$CXX" \
  --define=fuzz=libfuzzer \
  --cxxopt=-std=c++20 \
  "${copts[@]}" \
  --linkopt="$LIB_FUZZING_ENGINE" \
  --linkopt=-fsanitize-link-c++-runtime \
  "${linkopts[@]}" \
  --strip=never \
  "${targets[@]}"

bin=$(bazel info bazel-bin)/fuzz
mkdir -p "$OUT/lib"
for label in "${targets[@]}"; do
  name=${label#//fuzz:}
  short=${name%_fuzzer}
  cp "$bin/$name" "$OUT/"
  # Shared libraries outside the base runner image.
  ldd "$bin/$name" | awk '/=> \// {print $3}' | grep -E 'libssl|libcrypto|libxml2|libyaml-0|libicu|liblzma' |
    xargs -r -I{} cp -n {} "$OUT/lib/" || true
  dict=$(mcx_fuzz_dict "$short")
  [[ -n $dict ]] && cp "$dict" "$OUT/$name.dict"
  if [[ -d fuzz/corpus/$short ]]; then
    (cd "fuzz/corpus/$short" && zip -q -r "$OUT/${name}_seed_corpus.zip" .)
  fi
done
