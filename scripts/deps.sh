#!/usr/bin/env bash
# Installs the Debian bookworm packages DICTRA needs, and only those that are missing.
# Idempotent: a second run with everything present does nothing and touches no network.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache git clang-format
  clang libclang-rt-14-dev
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev sqlite3 libpq-dev postgresql libtcmalloc-minimal4
  libxml2-dev libxmlsec1-dev libqrencode-dev libpng-dev zbar-tools libssl-dev libjwt-dev
  libspdlog-dev libfmt-dev libcli11-dev libnats-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  curl
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "deps: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
