#!/bin/sh
# deps.sh [build|check|bench|fuzz] - installs the Debian packages typoleak needs
# when they are missing (Debian 12, as root, with apt-get).  Nothing is
# installed when everything is already there.
set -eu
what=${1:-build}
pkgs="build-essential pkg-config libglib2.0-dev libgmime-3.0-dev libarchive-dev libsqlite3-dev libssl-dev sqlite3 libpsl-dev publicsuffix libidn2-dev libicu-dev libjson-glib-dev libxml2-dev libpoppler-glib-dev libexif-dev libical-dev libpff-dev libolecf-dev libbfio-dev"
# Hyperscan is x86-64 only; Vectorscan is its port to the other architectures.
if [ "$(dpkg --print-architecture 2>/dev/null)" = amd64 ]; then pkgs="$pkgs libhyperscan-dev"; else pkgs="$pkgs libvectorscan-dev"; fi
case "$what" in
    # make check builds the fuzz harnesses and runs suites under ASan/UBSan with clang
    check) pkgs="$pkgs check pst-utils dnstwist chromium parallel poppler-utils man-db clang libclang-rt-14-dev" ;;
    bench) pkgs="$pkgs" ;;
    # libFuzzer and the sanitizers' runtimes come with clang's runtime package
    fuzz) pkgs="$pkgs clang libclang-rt-14-dev" ;;
esac
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps.sh: installing:$missing" >&2
if [ "$(id -u)" != 0 ]; then
    echo "deps.sh: not root; install these Debian packages first:$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Another apt or dpkg run (unattended-upgrades, a second make) holds its
# locks: wait for it (up to TL_APT_LOCK_WAIT seconds, default 600) instead
# of failing.
wait=${TL_APT_LOCK_WAIT:-600}
lock="-o DPkg::Lock::Timeout=$wait"
# shellcheck disable=SC2086
apt-get $lock update -qq
# shellcheck disable=SC2086
apt-get $lock install -y -qq --no-install-recommends $missing >/dev/null
