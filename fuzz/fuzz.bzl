"""mcx_fuzz_target: one libFuzzer entry point, two builds.

  <name>               cc_binary: a libFuzzer binary under --config=fuzz (clang-14,
                       -fsanitize=fuzzer); otherwise linked with the standalone
                       driver, which runs the inputs it is given.
  <name>_replay_test   cc_test that always uses the standalone driver and replays
                       the checked-in corpus and every regression input, so plain
                       `bazel test //...` (g++, or --config=asan) keeps them passing.
"""

def mcx_fuzz_target(name, srcs, deps = [], corpus = None, regressions = None, dict = None, data = [], **kwargs):
    short = name[:-len("_fuzzer")] if name.endswith("_fuzzer") else name
    if corpus == None:
        corpus = native.glob(["corpus/%s/**" % short])
    if regressions == None:
        regressions = native.glob(["regressions/%s/**" % short])
    driver = "//fuzz:standalone_fuzz_main"
    native.cc_binary(
        name = name,
        srcs = srcs,
        deps = deps + select({
            "//:fuzzing": [],
            "//conditions:default": [driver],
        }),
        linkopts = select({
            "//:fuzzing": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
        data = data + ([dict] if dict else []),
        tags = ["fuzz_target"],
        **kwargs
    )
    inputs = corpus + regressions
    native.cc_test(
        name = name + "_replay_test",
        size = "medium",
        srcs = srcs,
        deps = deps + [driver],
        data = data + inputs,
        args = ["--require-inputs"] + ["$(location %s)" % f for f in inputs],
        **kwargs
    )
