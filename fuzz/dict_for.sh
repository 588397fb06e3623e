# Sourced by fuzz/run.sh, .clusterfuzzlite/build.sh and its check, so local
# runs and ClusterFuzzLite give each target the same dictionary.
#
#   mcx_fuzz_dict TARGET   (short name, e.g. gktp_verify; run from the repo root)
#
# Prints fuzz/dict/<target>.dict if it exists, else the dictionary of the
# target's input language, else nothing: base64 text, ECCSI signatures and
# SAKKE data have no keywords worth a dictionary.
mcx_fuzz_dict() {
  local t=$1
  if [[ -f fuzz/dict/$t.dict ]]; then echo "fuzz/dict/$t.dict"; return; fi
  case "$t" in
    mikey_parse|gktp_verify|dissector) echo "fuzz/dict/mikey.dict" ;;
    kms_xml) echo "fuzz/dict/xml.dict" ;;
    scenario_yaml) echo "fuzz/dict/yaml.dict" ;;
    shim_response|kms_json) echo "fuzz/dict/json.dict" ;;
    *) echo "" ;;
  esac
}
