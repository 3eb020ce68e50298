#!/usr/bin/env bash
# Installs what Subtext needs on a fresh Debian machine: OpenBLAS, zlib and pkg-config for the
# Swift build, and any further Debian packages named as arguments (the tests add slurm-wlm).
# Only missing packages are installed, so a second run costs nothing.
set -euo pipefail

packages=(libopenblas-dev zlib1g-dev pkg-config "$@")
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}" >&2
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
