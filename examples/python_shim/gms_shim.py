#!/usr/bin/env python3
"""An mcxtest shim for the two GMS roles, in plain Python (standard library only).

It plays `primary-gms` and `partner-gms` of docs/shim-protocol.md, with the
mcxtest command line doing the cryptography from the saved `provision` request
(no key store):

  regroup-request      -> a new GMK and GMK-ID (TS 33.180 7.3.3.3 step 6), then
                          `mcxtest gktp build --provision FILE` for the step-7
                          GKTP to the partner GMS (multi-domain only) followed by
                          one step-14 GKTP per affiliated member homed in this
                          domain, each with the T of its step from step_clock
  regroup-notification -> `mcxtest gktp verify` of the step-7 GKTP as the partner
                          GMS; a rejection sends nothing and names the first failed
                          check as its reason_code; otherwise the same GMK and
                          GMK-ID re-keyed to each affiliated member (step 11),
                          signed by the partner GMS
  anything else        -> {"error": "unimplemented"} (the harness marks it SKIPPED)

Usage: gms_shim.py --mcxtest PATH_TO_MCXTEST_BINARY
"""
import os
import sys

import shim_io


def new_gmk_and_id(constituent_groups):
    """A random GMK and GMK-ID that no constituent group already uses (step 6)."""
    used_gmks = {g.get("gmk") for g in constituent_groups}
    used_ids = {g.get("gmk_id") for g in constituent_groups}
    while True:
        gmk = os.urandom(16).hex()
        # GMK-ID: purpose tag 0 (GMK) in the top 4 bits, 28 random bits below.
        gmk_id = "%08x" % (int.from_bytes(os.urandom(4), "big") & 0x0FFFFFFF)
        if gmk not in used_gmks and gmk_id not in used_ids:
            return gmk, gmk_id


def build(shim, sender, recipient, gmk, gmk_id, ntp_seconds, group, options):
    """One GKTP from `sender` to `recipient` ({uri, kms_uri}): (b64, None) or (None, error)."""
    args = ["gktp", "build", "--provision", shim.provision_file,
            "--from", sender["uri"], "--from-kms", sender["kms_uri"],
            "--to", recipient["uri"], "--to-kms", recipient["kms_uri"],
            "--gmk", gmk, "--gmk-id", gmk_id, "--ntp-seconds", str(ntp_seconds),
            "--group", group, "--key-params", options["key_params"],
            "--cs-id", str(options["cs_id"])]
    if options["identity_hiding"]:
        args.append("--identity-hiding")
    if not options["sp_payload"]:
        args.append("--no-sp")
    if options["sakke_to_self"]:
        args.append("--sakke-to-self")
    code, out, err = shim.run(*args)
    if code != 0:
        return None, "mcxtest gktp build to %s failed: %s" % (recipient["uri"], err or out)
    return out, None


def regroup(shim, request):
    """primary-gms: key the partner GMS (step 7), then this domain's affiliated members (step 14)."""
    me = request["primary_gms"]
    group = request["temporary_group_id"]
    gmk, gmk_id = new_gmk_and_id(request["constituent_groups"])
    # Each recipient once: a user may be in several constituent groups.
    # Members homed in the partner domain are keyed by the partner GMS, and
    # members that are not affiliated get nothing.
    members, seen = [], set()
    for g in request["constituent_groups"]:
        for m in g["members"]:
            if m["affiliated"] and m["kms_uri"] == me["kms_uri"] and m["uri"] not in seen:
                seen.add(m["uri"])
                members.append(m)
    sends = []  # in this order: FLOW.ORDER wants step 7 before step 14
    if request["procedure"] == "multi-domain-regroup":
        sends.append((7, request["partner"]))
    sends += [(14, m) for m in members]
    gktps = []
    for step, recipient in sends:
        b64, error = build(shim, me, recipient, gmk, gmk_id, request["step_clock"][str(step)],
                           group, request["options"])
        if error:
            return {"error": error}
        gktps.append({"step": step, "recipient": recipient["uri"], "b64": b64})
    return {"gktps": gktps}


def notification(shim, request):
    """partner-gms: verify the step-7 GKTP, then re-key this domain's affiliated members (step 11)."""
    me = request["partner_gms"]
    verdict, error = shim.verify(request["gktp_b64"], me["uri"], request["primary_gms"]["uri"],
                                 request["clock_ntp_seconds"], recipient_kms=me["kms_uri"],
                                 group=request["temporary_group_id"])
    if error:
        return {"error": error}
    rejected = shim_io.rejection(verdict)
    if rejected:
        return {"gktps": [], "rejected": True, **rejected}
    gktps = []
    for member in request["affiliated_members"]:
        b64, error = build(shim, me, member, verdict["gmk"], verdict["gmk_id"],
                           request["clock_ntp_seconds"], request["temporary_group_id"], request["options"])
        if error:
            return {"error": error}
        gktps.append({"step": 11, "recipient": member["uri"], "b64": b64})
    return {"gktps": gktps}


if __name__ == "__main__":
    sys.exit(shim_io.serve("python-example-gms", ["primary-gms", "partner-gms"],
                           {"regroup-request": regroup, "regroup-notification": notification}))
