#!/usr/bin/env bash
# Installs what building, booting and testing sel4ish needs on Debian 12. Idempotent: when
# every package is present it changes nothing and does not touch the network.
set -euo pipefail

packages=(
    clang lld gcc cmake ninja-build python3 git
    qemu-system-x86 grub-pc-bin grub-common xorriso mtools
    libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "setup: all packages present"
    exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
echo "setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
