#!/bin/bash
# Runs the stock tshark with //dissector:mcxmikey.so over the Streamwide
# messages wrapped in UDP (make_pcap.py) and checks fields and expert infos.
# tshark_env.sh says how tshark runs (as nobody when root).
set -euo pipefail
[ -n "${DEBUG_TEST:-}" ] && set -x
PLUGIN="$1"
MKPCAP="$2"
VECTORS="$3"
MALFORMED_PORT=47998
NOT_MIKEY_FRAME=6
V_BIT_FRAME=7
MALFORMED_BODY_FRAME=12

source "$(dirname "$0")/tshark_env.sh"
tshark_env_init "$PLUGIN" mcxmikey_test
python3 "$MKPCAP" "$VECTORS" "$work/x.pcap" "$work/expected.tsv" "$work/embedded.tsv"
chmod -R a+rwX "$work"


plugins="$(run_tshark -G plugins 2>&1)" || { echo "tshark -G plugins failed:"; echo "$plugins"; exit 1; }
check "plugin loaded" "1" "$(grep -c 'mcxmikey.so.*dissector' <<<"$plugins" || true)"

fields="$(run_tshark -G fields 2>>"$work/stderr.log")"
for f in version data_type csb_id purpose_tag cs_map_type gmk_id guk_id t rand idr.role \
         idr.id sakke.params sakke.id_scheme sakke.data sign.type sign.r sign.s sign.pvt \
         ext.type kp.form kp.key_type kp.prot.ciphertext self.r sign.status verify.accepted \
         check.sign.valid check.gukid.derivation embedded; do
  check "field mcxmikey.$f registered" "1" \
    "$(grep -cP "^F\t[^\t]*\tmcxmikey\.${f//./\\.}\t" <<<"$fields" || true)"
done

# The four vector messages, found by the UDP heuristic.
got="$(run_tshark -r "$work/x.pcap" -Y 'mcxmikey and not _ws.expert and frame.number <= 4' -T fields \
  -e frame.number -e mcxmikey.csb_id -e mcxmikey.gmk_id -e mcxmikey.guk_id \
  -e mcxmikey.purpose_tag -e mcxmikey.rand -e mcxmikey.t 2>>"$work/stderr.log")" || true
check "vector messages: csb_id gmk_id guk_id purpose_tag rand t" \
  "$(cat "$work/expected.tsv")" "$got"

roles="$(run_tshark -r "$work/x.pcap" -Y 'frame.number == 1' -V 2>>"$work/stderr.log" |
  grep -c 'Role: ' || true)"
check "IDR roles shown in message 1" "1" "$([ "$roles" -ge 2 ] && echo 1 || echo "$roles")"

# A datagram that starts like MIKEY-SAKKE but is not: the heuristic stays out.
proto="$(run_tshark -r "$work/x.pcap" -Y "frame.number == $NOT_MIKEY_FRAME" -T fields \
  -e frame.protocols 2>>"$work/stderr.log")" || true
check "non-MIKEY datagram not claimed" "0" "$(grep -c mcxmikey <<<"$proto" || true)"

# The truncated message via "Decode As": expert info with the parser's text.
malformed="$(run_tshark -r "$work/x.pcap" -d "udp.port==$MALFORMED_PORT,mcxmikey" \
  -Y mcxmikey.malformed -T fields -e frame.number -e _ws.expert.message \
  2>>"$work/stderr.log")" || true
check "truncated message gets the malformed expert info (Decode As and SIP body)" \
  "$(printf '5\n%s' "$MALFORMED_BODY_FRAME")" "$(cut -f1 <<<"$malformed")"
check "expert info carries the parser's error, on both" "2" \
  "$(grep -c 'MIKEY message does not parse: .*(at offset [0-9]*)' <<<"$malformed" || true)"

vbit="$(run_tshark -r "$work/x.pcap" -Y mcxmikey.v_bit_on_gmk -T fields -e frame.number \
  2>>"$work/stderr.log")" || true
check "V bit on a GMK message flagged" "$V_BIT_FRAME" "$vbit"

# Found elsewhere: binary in a TCP segment (heuristic), base64 in SDP
# a=key-mgmt:mikey of a SIP INVITE, in an XML element of an HTTP body and of
# a SIP body of an unregistered media type (heuristic on SIP bodies).
embedded="$(run_tshark -r "$work/x.pcap" -Y 'mcxmikey and frame.number >= 8 and frame.number <= 11' -T fields \
  -e frame.number -e mcxmikey.csb_id 2>>"$work/stderr.log")" || true
check "TCP heuristic, SDP key-mgmt and HTTP XML body" "$(cat "$work/embedded.tsv")" "$embedded"
where="$(run_tshark -r "$work/x.pcap" -Y 'frame.number >= 8 and frame.number <= 11' -T fields -e mcxmikey.embedded \
  2>>"$work/stderr.log")" || true
check "where the base64 was found" \
  "$(printf '\nSDP a=key-mgmt:mikey\nXML element <mikey-message>\nXML element <mikey-message>')" \
  "$where"
# Wireshark's own MIKEY dissector still decodes the SDP key-mgmt attribute.
sdp="$(run_tshark -r "$work/x.pcap" -Y 'frame.number == 9' -T fields -e frame.protocols \
  2>>"$work/stderr.log")" || true
check "SDP still dissected, stock MIKEY still called" "1" \
  "$(grep -c 'sdp:mikey' <<<"$sdp" || true)"
xml="$(run_tshark -r "$work/x.pcap" -Y 'frame.number == 10 and xml' -T fields -e frame.number \
  2>>"$work/stderr.log")" || true
check "XML body still dissected as XML" "10" "$xml"

# A malformed message in a SIP body is found and marked, not left out.
body_malformed="$(run_tshark -r "$work/x.pcap" -Y "frame.number == $MALFORMED_BODY_FRAME" -T fields \
  -e mcxmikey.embedded -e sip.Method 2>>"$work/stderr.log")" || true
check "malformed message in a SIP XML body found" \
  "$(printf 'XML element <mikey-message>\tMESSAGE')" "$body_malformed"
body_expert="$(run_tshark -r "$work/x.pcap" -q -z expert,error 2>>"$work/stderr.log")" || true
check "-z expert lists the malformed message in the body" "1" \
  "$(grep -c 'MIKEY message does not parse' <<<"$body_expert" | sed 's/^[1-9][0-9]*$/1/' || true)"

# Full dissection of everything (tree and Decode As) must not crash tshark.
if ! run_tshark -r "$work/x.pcap" -d "udp.port==$MALFORMED_PORT,mcxmikey" -V \
    >"$work/verbose.txt" 2>>"$work/stderr.log"; then
  echo "FAIL: tshark -V exited non-zero"; fail=1
else
  echo "ok: tshark -V over all frames"
fi

[ "$fail" = 0 ] || { echo "--- tshark stderr:"; cat "$work/stderr.log" 2>/dev/null; }
exit $fail
