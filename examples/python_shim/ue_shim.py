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
import json
import sys

import shim_io


def deliver(shim, request):
    verdict, error = shim.verify(request["gktp_b64"], request["ue"], request["sender"],
                                 request["clock_ntp_seconds"])
    if error:
        return {"error": error}
    rejected = shim_io.rejection(verdict)
    if rejected:
        return {"accepted": False, **rejected}
    srtp = request["srtp"]
    code, out, err = shim.run(
        "crypto", "srtp-key", "--gmk", verdict["gmk"],
        "--gmk-id", verdict["gmk_id"], "--cs-id", str(srtp["cs_id"]),
        "--csb-id", verdict["guk_id"], "--rand", srtp["rand"])
    if code != 0:
        return {"error": "mcxtest crypto srtp-key failed: " + (out or err)}
    keys = json.loads(out)
    return {"accepted": True, "gmk_id": verdict["gmk_id"],
            "srtp_master_key": keys["master_key"], "srtp_master_salt": keys["master_salt"]}


if __name__ == "__main__":
    sys.exit(shim_io.serve("python-example-shim", ["ue"], {"deliver-gktp": deliver}))
