# Sourced by ./mcxtest and ./test.sh: installs the Debian packages the build
# needs when any is missing. Quiet when everything is already there.
MCX_PACKAGES=(
  bazel-bootstrap g++ python3
  libgtest-dev libgmock-dev libbenchmark-dev libssl-dev
  nlohmann-json3-dev libyaml-dev libxml2-dev libicu-dev liblzma-dev zlib1g-dev libpcap-dev libcli11-dev libcpp-httplib-dev libmicrohttpd-dev
  libglib2.0-dev libwireshark-dev tshark
  chromium
  clang-14 lld-14 libclang-rt-14-dev libfuzzer-14-dev
)

mcx_install_deps() {
  local missing=() p
  for p in "${MCX_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      echo "mcxtest: missing Debian packages: ${missing[*]}" >&2
      echo "mcxtest: run as root or install them: apt-get install ${missing[*]}" >&2
      return 1
    fi
  fi
  echo "mcxtest: installing ${#missing[@]} missing Debian package(s): ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq >&2 || return 1
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || {
    echo "mcxtest: apt-get install failed for: ${missing[*]}" >&2
    return 1
  }
}
