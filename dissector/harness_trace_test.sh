#!/bin/bash
# Runs `mcxtest run --pcap-dir` on one test case against the reference SUT
# and against two defective ones, then the stock tshark with the plugin and
# the key store mcxtest wrote next to each trace:
#  - conforming run: GUK-ID, GMK-ID and purpose tag of every frame equal what
#    the harness recorded (read independently by mikey_spi.py), the
#    signature is valid and a conforming receiver accepts every message;
#  - defect sign-whole-message: bad-signature expert info on every frame;
#  - defect guk-id-mismatch: GUK-ID mismatch expert info;
#  - PGMS-005 (protected key parameters, SAKKE-to-self): extensions 6 and 7
#    decoded, key parameters decrypted with the key store;
#  - the X-MCX-* headers are fields and `-z expert` on the conforming trace
#    lists nothing (no "Unrecognised SIP header");
#  - UE-026 (the harness sends a GKTP with a truncated SIGN): the message in
#    the SIP body is marked malformed, the well-formed ones are not.
# tshark_env.sh says how tshark runs (as nobody when root).
set -euo pipefail
[ -n "${DEBUG_TEST:-}" ] && set -x
PLUGIN="$1"
MCXTEST="$2"
SUT="$(realpath "$3")"
SPI="$4"
shift 4
CASE_ID=PGMS-001
KP_CASE_ID=PGMS-005
MALFORMED_CASE_ID=UE-026
CASE_FILES=("$@")
case_file() { realpath "$(printf '%s\n' "${CASE_FILES[@]}" | grep "/${1,,}-")"; }

source "$(dirname "$0")/tshark_env.sh"
tshark_env_init "$PLUGIN" mcxmikey_trace

run_case() {  # name case-id [defect]
  local sut="$SUT"
  [ -n "${3:-}" ] && sut="$SUT --defect $3"
  "$MCXTEST" run "$(case_file "$2")" --sut "$sut" --seed 7 --pcap-dir "$work/$1" --pcap-keys \
    --report-dir "$work/$1-report" >"$work/$1.log" 2>&1 || true
  [ -s "$work/$1/$2.pcap" ] || { echo "no trace for $1:"; cat "$work/$1.log"; exit 1; }
  [ -s "$work/$1/$2.keystore.json" ] || { echo "no key store for $1"; exit 1; }
}
run_case good "$CASE_ID"
run_case badsig "$CASE_ID" sign-whole-message
run_case salt "$CASE_ID" guk-id-mismatch
run_case kp "$KP_CASE_ID"
run_case malformed "$MALFORMED_CASE_ID"
chmod -R a+rwX "$work"


# (a) The conforming trace, verified with its key store.
good="$work/good/$CASE_ID.pcap"
keys=(-o "mcxmikey.keystore:$work/good/$CASE_ID.keystore.json")
mapfile -t recorded < <(ls "$work/good-report/messages/$CASE_ID/"*.mikey | sort)
[ "${#recorded[@]}" -gt 0 ] || { echo "FAIL: the run recorded no messages"; exit 1; }
expected="$(python3 "$SPI" "${recorded[@]}" | sed 's/$/\tvalid\tyes/')"
got="$(run_tshark -r "$good" "${keys[@]}" -T fields -e mcxmikey.guk_id -e mcxmikey.gmk_id \
  -e mcxmikey.purpose_tag -e mcxmikey.sign.status -e mcxmikey.verify.accepted \
  2>>"$work/stderr.log")" || true
check "harness trace: guk_id gmk_id purpose_tag sign.status accepted per frame" "$expected" "$got"

frames="$(run_tshark -r "$good" -Y 'sip.Method == "MESSAGE" and sip.to.addr and mcxmikey' \
  -T fields -e frame.number 2>>"$work/stderr.log" | wc -l)" || true
check "one SIP MESSAGE with a GKTP per recorded message" "${#recorded[@]}" "$frames"

unverified="$(run_tshark -r "$good" -T fields -e mcxmikey.sign.status 2>>"$work/stderr.log" |
  sort -u)" || true
check "without the key store nothing is verified" "unverified" "$unverified"

secrets="$(run_tshark -r "$good" "${keys[@]}" -Y mcxmikey.gmk -T fields -e frame.number \
  2>>"$work/stderr.log" | wc -l)" || true
check "no GMK in the tree without show_secrets" "0" "$secrets"
shown="$(run_tshark -r "$good" "${keys[@]}" -o mcxmikey.show_secrets:TRUE -Y mcxmikey.gmk \
  -T fields -e frame.number 2>>"$work/stderr.log" | wc -l)" || true
check "GMK shown with show_secrets" "${#recorded[@]}" "$shown"

# The trace's own X-MCX-* headers are registered: fields on every frame, and
# a conforming run's trace has no expert info at all.
all_frames="$(run_tshark -r "$good" -T fields -e frame.number 2>>"$work/stderr.log" | wc -l)" || true
headers="$(run_tshark -r "$good" -Y 'mcxmikey.trace.step and mcxmikey.trace.produced_by' -T fields \
  -e frame.number 2>>"$work/stderr.log" | wc -l)" || true
check "X-MCX-Step and X-MCX-Produced-By shown on every frame" "$all_frames" "$headers"
producers="$(run_tshark -r "$good" -T fields -e mcxmikey.trace.produced_by 2>>"$work/stderr.log" |
  sort -u | tr '\n' ' ')" || true
check "X-MCX-Produced-By values" "harness sut " "$producers"
clean="$(run_tshark -r "$good" "${keys[@]}" -q -z expert 2>>"$work/stderr.log")" || true
check "-z expert on the conforming trace lists nothing" "0" \
  "$(grep -cE '^ +[0-9]+ ' <<<"$clean" || true)"

# (c) Defective SUTs: expert infos.
bad="$work/badsig/$CASE_ID.pcap"
bad_keys=(-o "mcxmikey.keystore:$work/badsig/$CASE_ID.keystore.json")
total="$(run_tshark -r "$bad" -Y mcxmikey -T fields -e frame.number 2>>"$work/stderr.log" |
  wc -l)" || true
flagged="$(run_tshark -r "$bad" "${bad_keys[@]}" -Y mcxmikey.bad_signature -T fields \
  -e frame.number 2>>"$work/stderr.log" | wc -l)" || true
check "sign-whole-message: bad-signature expert info on every GKTP" "$total" "$flagged"
[ "$total" -gt 0 ] || { echo "FAIL: defective trace has no GKTP"; fail=1; }
status="$(run_tshark -r "$bad" "${bad_keys[@]}" -T fields -e mcxmikey.sign.status \
  2>>"$work/stderr.log" | sort -u)" || true
check "sign-whole-message: signature status" "invalid" "$status"
expert="$(run_tshark -r "$bad" "${bad_keys[@]}" -q -z expert,error 2>>"$work/stderr.log")" || true
check "-z expert lists the bad signature" "1" \
  "$(grep -c 'ECCSI signature does not verify \[SIGN.VALID\]' <<<"$expert" | sed 's/^[1-9][0-9]*$/1/' || true)"

salt="$work/salt/$CASE_ID.pcap"
salt_keys=(-o "mcxmikey.keystore:$work/salt/$CASE_ID.keystore.json")
mismatch="$(run_tshark -r "$salt" "${salt_keys[@]}" -Y mcxmikey.guk_id_mismatch -T fields \
  -e frame.number 2>>"$work/stderr.log" | wc -l)" || true
failed="$(run_tshark -r "$salt" "${salt_keys[@]}" -Y 'mcxmikey.check.gukid.derivation == "fail"' \
  -T fields -e frame.number 2>>"$work/stderr.log" | wc -l)" || true
check "guk-id-mismatch: GUK-ID mismatch expert info where the check fails" "$failed" "$mismatch"
[ "$mismatch" -gt 0 ] || { echo "FAIL: no GUK-ID mismatch flagged"; fail=1; }
message="$(run_tshark -r "$salt" "${salt_keys[@]}" -Y mcxmikey.guk_id_mismatch -T fields \
  -e _ws.expert.message 2>>"$work/stderr.log" | head -1)" || true
check "GUK-ID mismatch message names the check" "1" \
  "$(grep -c '\[GUKID.DERIVATION\]' <<<"$message" || true)"

# Extensions 6 and 7 of PGMS-005, key parameters decrypted.
kp="$work/kp/$KP_CASE_ID.pcap"
kp_keys=(-o "mcxmikey.keystore:$work/kp/$KP_CASE_ID.keystore.json")
kp_frames="$(run_tshark -r "$kp" -Y mcxmikey -T fields -e frame.number 2>>"$work/stderr.log" |
  wc -l)" || true
[ "$kp_frames" -gt 0 ] || { echo "FAIL: PGMS-005 trace has no GKTP"; fail=1; }
kp_fields="$(run_tshark -r "$kp" "${kp_keys[@]}" -T fields -e mcxmikey.kp.form \
  -e mcxmikey.kp.key_type -e mcxmikey.check.keyparams.decrypt -e mcxmikey.self.params \
  -e mcxmikey.check.ext6.self 2>>"$work/stderr.log" | sort -u)" || true
check "PGMS-005: protected key parameters decrypted (GMK), SAKKE-to-self checked" \
  "$(printf 'protected\t0\tpass\t1\tpass')" "$kp_fields"
kp_locked="$(run_tshark -r "$kp" -T fields -e mcxmikey.kp.form -e mcxmikey.kp.key_type \
  2>>"$work/stderr.log" | sort -u)" || true
check "PGMS-005 without the key store: only the encrypted blob" \
  "$(printf 'protected\t')" "$kp_locked"

# UE-026: the truncated SIGN the harness injects is in a SIP body; it is
# found and marked malformed, and it is the only one.
mal="$work/malformed/$MALFORMED_CASE_ID.pcap"
mal_keys=(-o "mcxmikey.keystore:$work/malformed/$MALFORMED_CASE_ID.keystore.json")
marked="$(run_tshark -r "$mal" "${mal_keys[@]}" -Y mcxmikey.malformed -T fields -e sip.Method \
  -e mcxmikey.embedded 2>>"$work/stderr.log")" || true
check "UE-026: the truncated message is marked malformed" \
  "$(printf 'MESSAGE\tXML element <mikey-message>')" "$marked"
mal_expert="$(run_tshark -r "$mal" "${mal_keys[@]}" -q -z expert,error 2>>"$work/stderr.log")" || true
check "UE-026: -z expert lists it with the parser's error" "1" \
  "$(grep -c 'MIKEY message does not parse: .*SIGN' <<<"$mal_expert" | sed 's/^[1-9][0-9]*$/1/' || true)"

[ "$fail" = 0 ] || { echo "--- tshark stderr:"; cat "$work/stderr.log" 2>/dev/null; }
exit $fail
