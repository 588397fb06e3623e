# Shared by the tshark tests (sourced): a scratch plugin folder holding
# //dissector:mcxmikey.so, tshark run against it, and a check helper.
# As root tshark ignores WIRESHARK_PLUGIN_DIR, so as root it runs as nobody;
# the files then have to live outside /root (mode 0700): /tmp.

# tshark_env_init PLUGIN PREFIX: sets $work (removed on exit) with the plugin
# installed under $work/plugins.
tshark_env_init() {
  work="$(mktemp -d "/tmp/$2.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/plugins/4.0/epan" "$work/home"
  cp "$1" "$work/plugins/4.0/epan/mcxmikey.so"
}

run_tshark() {
  local envs=(HOME="$work/home" WIRESHARK_PLUGIN_DIR="$work/plugins")
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid=65534 --regid=65534 --clear-groups env "${envs[@]}" tshark "$@"
  else
    env "${envs[@]}" tshark "$@"
  fi
}

fail=0
check() {  # name expected actual
  if [ "$2" == "$3" ]; then
    echo "ok: $1"
  else
    echo "FAIL: $1"; echo "  expected: [$2]"; echo "  got:      [$3]"; fail=1
  fi
}
