#!/usr/bin/env python3
"""Runs every `mcxtest` command shown in README.md and docs/*.md (issue 19).

Usage: documented_commands_test.py MCXTEST REFERENCE_SUT DOC.md...

Every line of a fenced ```sh / ```bash / ```shell block whose command is `mcxtest`,
`./mcxtest` or `bazel-bin/harness/mcxtest` runs with bash, one after another in
document order (README.md first), in one scratch directory, so a later command may use
files an earlier one made (the key store of `mcxtest kms init`, the mcxtest-report/ of
`./mcxtest run`). Each must exit 0, or the code its block declares.

Annotations: HTML comments on the lines directly above the opening fence (invisible
when rendered). `PATTERN` is a substring of the command lines it applies to; without
it the annotation applies to every command of the block:

    <!-- not-run: REASON -->              <!-- not-run `PATTERN`: REASON -->
    <!-- expect-exit: N -->               <!-- expect-exit `PATTERN`: N -->

A command the test neither runs nor finds marked not-run fails it, as does an
annotation that matches no command. Fixtures the docs assume: MCXTEST_ROOT is the
checkout (so testcases/ue resolves), `mcxtest` is on PATH, `/tmp/` in a command
means a scratch tmp directory, and `my_shim.py` (the docs' stand-in for a vendor's
shim) is a Python shim that runs the bundled reference SUT.
"""
import os
import re
import shutil
import subprocess
import sys

FENCE = re.compile(r"^\s*```\s*(\w*)")
SHELL_INFO = {"sh", "bash", "shell"}
COMMAND = re.compile(r"^\s*(?:\$\s+)?(mcxtest|\./mcxtest|bazel-bin/harness/mcxtest)(\s|$)")
MARKER = re.compile(r"^\s*<!--\s*(not-run|expect-exit)(?:\s+`([^`]+)`)?\s*:\s*(.*?)\s*-->\s*$")
TIMEOUT_SECONDS = 120


def blocks(path):
    """Yields (line number, info, command lines [(no, text)], markers [(kind, pattern, value)])."""
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        start, info = i, m.group(1)
        markers = []
        j = i - 1
        while j >= 0 and MARKER.match(lines[j]):
            mk = MARKER.match(lines[j])
            markers.append((mk.group(1), mk.group(2), mk.group(3), j + 1))
            j -= 1
        i += 1
        body = []
        while i < len(lines) and not FENCE.match(lines[i]):
            body.append((i + 1, lines[i]))
            i += 1
        i += 1  # the closing fence
        yield start + 1, info, body, markers


def main():
    mcxtest, reference_sut, docs = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), sys.argv[3:]
    root = os.getcwd()  # the runfiles tree: testcases/ is there
    scratch = os.path.join(os.environ.get("TEST_TMPDIR", "/tmp"), "documented-commands")
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(os.path.join(scratch, "tmp"))
    os.makedirs(os.path.join(scratch, "bin"))
    os.makedirs(os.path.join(scratch, "bazel-bin", "harness"))
    for link in ("bin/mcxtest", "mcxtest", "bazel-bin/harness/mcxtest"):
        os.symlink(mcxtest, os.path.join(scratch, link))
    with open(os.path.join(scratch, "my_shim.py"), "w") as f:
        f.write("import os, sys\nos.execv(%r, [%r] + sys.argv[1:])\n" % (reference_sut, "reference_sut"))
    env = dict(os.environ, MCXTEST_ROOT=root, PATH=os.path.join(scratch, "bin") + ":" + os.environ["PATH"])

    ran, skipped, failures = [], [], []
    for doc in docs:
        name = os.path.relpath(doc, root)
        for fence_line, info, body, markers in blocks(doc):
            commands = [(no, text) for no, text in body if COMMAND.match(text)]
            unused = {m[3] for m in markers}
            if markers and (info not in SHELL_INFO or not commands):
                failures.append("%s:%d: annotation on a block with no mcxtest command" % (name, fence_line))
            if info not in SHELL_INFO:
                continue
            for no, text in commands:
                where = "%s:%d" % (name, no)
                applies = [m for m in markers if m[1] is None or m[1] in text]
                for m in applies:
                    unused.discard(m[3])
                not_run = [m[2] for m in applies if m[0] == "not-run"]
                exits = [m[2] for m in applies if m[0] == "expect-exit"]
                if not_run:
                    skipped.append((where, text.strip(), not_run[0]))
                    continue
                expected = int(exits[0]) if exits else 0
                command = text.replace("/tmp/", os.path.join(scratch, "tmp") + "/")
                try:
                    proc = subprocess.run(["bash", "-c", command], cwd=scratch, env=env, stdin=subprocess.DEVNULL,
                                          capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
                    rc, output = proc.returncode, proc.stdout + proc.stderr
                except subprocess.TimeoutExpired:
                    rc, output = None, "(timed out after %d s)" % TIMEOUT_SECONDS
                ran.append((where, text.strip()))
                if rc != expected:
                    # Only the tail: some documented commands print secrets on purpose.
                    tail = "\n".join(output.rstrip().split("\n")[-15:])
                    failures.append("%s: `%s` exited with %s, the doc says %d\n%s" %
                                    (where, text.strip(), rc, expected, tail))
                else:
                    print("ran  %s: %s" % (where, text.strip()))
            for line in sorted(unused):
                failures.append("%s:%d: annotation matches no mcxtest command of its block" % (name, line))

    for where, text, reason in skipped:
        print("skip %s: %s  (not-run: %s)" % (where, text, reason))
    print("documented commands: ran %d, skipped %d" % (len(ran), len(skipped)))
    for failure in failures:
        print("FAIL " + failure)
    if not ran:
        print("FAIL no documented mcxtest command found")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
