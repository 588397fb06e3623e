"""mcx_conformance_test: the mcxtest conformance suite as a Bazel test.

    load("@mcxtest//bazel:defs.bzl", "mcx_conformance_test")

    mcx_conformance_test(
        name = "ue_conformance_test",
        sut = ":my_ue_shim",      # an executable speaking docs/shim-protocol.md
        role = "ue",              # primary-gms, partner-gms or ue
        shard_count = 4,
    )

`bazel test` runs `mcxtest run --sut SUT --role ROLE CASES`; with
shard_count each shard runs `--shard TEST_SHARD_INDEX/TEST_TOTAL_SHARDS`, so
remote execution spreads the suite over workers. Each shard's JUnit goes to
XML_OUTPUT_FILE (Bazel's test.xml) and its full report directory to the
test's undeclared outputs (outputs.zip). See docs/bazel.md.
"""

def mcx_conformance_test(
        name,
        sut,
        role = "",
        cases = None,
        shard_count = None,
        sut_args = "",
        timeout_seconds = None,
        **kwargs):
    """Runs the conformance suite against `sut` as a (sharded) test.

    Args:
      name: the test's name.
      sut: label of the shim executable (docs/shim-protocol.md).
      role: only the cases of this SUT role; empty runs every role.
      cases: labels of test case YAML files; default the whole suite.
      shard_count: Bazel shards; each runs every Nth case.
      sut_args: words appended to the shim command, as a shell would read them.
      timeout_seconds: mcxtest's per-request timeout (default mcxtest's).
      **kwargs: passed to sh_test (size, tags, timeout, ...).
    """

    # Label() resolves against this file's repository, so the defaults work
    # the same here and from a vendor's workspace.
    runner = str(Label("//bazel:conformance_test.sh"))
    mcxtest = str(Label("//harness:mcxtest"))
    if cases == None:
        cases = [str(Label("//testcases"))]
    options = []
    if role:
        options += ["--role", role]
    if timeout_seconds != None:
        options += ["--timeout", str(timeout_seconds)]
    native.sh_test(
        name = name,
        srcs = [runner],
        args = [
            "$(rootpath %s)" % mcxtest,
            "$(rootpath %s)" % sut,
            "'%s'" % sut_args.replace("'", "'\\''"),
        ] + options + ["--"] + ["$(rootpaths %s)" % c for c in cases],
        data = [mcxtest, sut] + cases,
        shard_count = shard_count,
        **kwargs
    )
