#!/usr/bin/env python3
"""A complete mcxtest shim in plain Python (standard library only).

It plays the `ue` role of docs/shim-protocol.md by calling the mcxtest command
line for the cryptography, to show how little a vendor shim needs:

  provision     -> keep the Annex D XML the harness hands over, in a file
  deliver-gktp  -> `mcxtest gktp verify --provision FILE --reveal-gmk --json`,
                   then `mcxtest crypto srtp-key` for the SRTP master key/salt;
                   a rejection names the first failed check as its reason_code
  anything else -> {"error": "unimplemented"} (the harness marks it SKIPPED)

Usage: ue_shim.py --mcxtest PATH_TO_MCXTEST_BINARY
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile


def answer(request, **fields):
    fields["id"] = request.get("id")
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def run_mcxtest(mcxtest, *args):
    proc = subprocess.run([mcxtest, *args], capture_output=True, text=True, timeout=60)
    return proc.returncode, proc.stdout.strip(), proc.stderr.strip()


def deliver(mcxtest, provision_file, request):
    code, out, err = run_mcxtest(
        mcxtest, "gktp", "verify", "--b64", request["gktp_b64"],
        "--provision", provision_file,
        "--recipient", request["ue"],
        "--expect-sender", request["sender"],
        "--now-ntp", str(request["clock_ntp_seconds"]),
        "--reveal-gmk", "--json")
    if code == 2 or not out:
        return {"error": "mcxtest gktp verify failed: " + err}
    verdict = json.loads(out)
    if not verdict.get("accepted"):
        failed = [c for c in verdict["checks"]
                  if c["status"] == "fail" and c.get("requirement", "MUST") == "MUST"]
        if not failed:
            return {"accepted": False, "reason": "rejected"}
        # reason_code: the check the message failed first, so the harness can
        # tell a rejection for the right reason from one for the wrong reason.
        return {"accepted": False, "reason": failed[0]["id"] + ": " + failed[0]["detail"],
                "reason_code": failed[0]["id"]}
    srtp = request["srtp"]
    code, out, err = run_mcxtest(
        mcxtest, "crypto", "srtp-key", "--gmk", verdict["gmk"],
        "--gmk-id", verdict["gmk_id"], "--cs-id", str(srtp["cs_id"]),
        "--csb-id", verdict["guk_id"], "--rand", srtp["rand"])
    if code != 0:
        return {"error": "mcxtest crypto srtp-key failed: " + (out or err)}
    keys = json.loads(out)
    return {"accepted": True, "gmk_id": verdict["gmk_id"],
            "srtp_master_key": keys["master_key"], "srtp_master_salt": keys["master_salt"]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mcxtest", required=True)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="mcxtest-python-shim-")
    provision_file = os.path.join(workdir, "provision.json")
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        request = json.loads(line)
        kind = request.get("type")
        if kind == "shutdown":
            break
        if kind == "hello":
            answer(request, name="python-example-shim", version="1.0", protocol=1, roles=["ue"])
        elif kind == "provision":
            with open(provision_file, "w", encoding="utf-8") as fh:
                json.dump(request, fh)
            answer(request, ok=True)
        elif kind == "deliver-gktp":
            answer(request, **deliver(args.mcxtest, provision_file, request))
        else:
            answer(request, error="unimplemented")
    return 0


if __name__ == "__main__":
    sys.exit(main())
