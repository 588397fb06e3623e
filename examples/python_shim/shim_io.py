"""What every example shim shares: the JSON Lines loop of docs/shim-protocol.md,
keeping the `provision` request in a file, and running the mcxtest CLI.

A shim module calls serve() with its name, the roles it plays and one handler
per request type it implements; every other request type is answered
{"error": "unimplemented"}, which the harness reports as SKIPPED.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile


class Shim:
    """The mcxtest binary and the saved provision request, for handlers."""

    def __init__(self, mcxtest, provision_file):
        self.mcxtest = mcxtest
        self.provision_file = provision_file

    def run(self, *args):
        """Runs `mcxtest ARGS`: (exit code, stdout, stderr), both stripped."""
        proc = subprocess.run([self.mcxtest, *args], capture_output=True, text=True, timeout=60)
        return proc.returncode, proc.stdout.strip(), proc.stderr.strip()

    def verify(self, b64, recipient, sender, now_ntp, recipient_kms=None, group=None):
        """`mcxtest gktp verify --json --reveal-gmk` as this shim's identity.

        Returns (verdict JSON, None), or (None, error text) when the command
        itself failed (exit code 2: a usage or input problem, not a verdict).
        """
        args = ["gktp", "verify", "--b64", b64, "--provision", self.provision_file,
                "--recipient", recipient, "--expect-sender", sender,
                "--now-ntp", str(now_ntp), "--reveal-gmk", "--json"]
        if recipient_kms:
            args += ["--recipient-kms", recipient_kms]
        if group:
            args += ["--group", group]
        code, out, err = self.run(*args)
        if code == 2 or not out:
            return None, "mcxtest gktp verify failed: " + (err or out)
        return json.loads(out), None


def rejection(verdict):
    """{"reason", "reason_code"} for a verdict that rejects, else None.

    The reason_code is the check the message failed first, so the harness can
    tell a rejection for the mutated fault from one for another.
    """
    if verdict.get("accepted"):
        return None
    failed = [c for c in verdict["checks"]
              if c["status"] == "fail" and c.get("requirement", "MUST") == "MUST"]
    if not failed:
        return {"reason": "rejected"}
    return {"reason": failed[0]["id"] + ": " + failed[0]["detail"], "reason_code": failed[0]["id"]}


def serve(name, roles, handlers):
    """Answers requests on stdin until `shutdown` or end of input.

    handlers maps a request type to fn(shim, request) -> answer fields (a
    dict without "id"). Returns the process exit code.
    """
    parser = argparse.ArgumentParser()
    parser.add_argument("--mcxtest", required=True, help="path to the mcxtest binary")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="mcxtest-" + name + "-")
    shim = Shim(args.mcxtest, os.path.join(workdir, "provision.json"))
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        request = json.loads(line)
        kind = request.get("type")
        if kind == "shutdown":
            break
        if kind == "hello":
            fields = {"name": name, "version": "1.0", "protocol": 1, "roles": roles}
        elif kind == "provision":
            # `mcxtest gktp verify/build --provision FILE` read this request as it came.
            with open(shim.provision_file, "w", encoding="utf-8") as fh:
                json.dump(request, fh)
            fields = {"ok": True}
        elif kind in handlers:
            fields = handlers[kind](shim, request)
        else:
            fields = {"error": "unimplemented"}
        fields["id"] = request.get("id")
        sys.stdout.write(json.dumps(fields) + "\n")
        sys.stdout.flush()
    return 0
