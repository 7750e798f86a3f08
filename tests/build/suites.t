#!/bin/bash
# ctrmap.ko compiles without a warning against the kernels of Debian's newer
# suites, each with its own compiler: trixie's 6.12 (gcc-14) and sid's
# newest kernel, generic and PREEMPT_RT flavours where the suite has both.
# Build only, in a chroot per suite; TAP output, one test per kernel.
#
# The module is built from the tree DKMS gets ("make dkms-tree": the shipped
# files, ctrmap_config.h included) the way dkms.conf builds it ("make
# KDIR=... modules"), so the feature probes run as they do under DKMS.
#
# The roots (debootstrap minbase, build-essential, kmod and the suite's
# linux-headers-amd64 / linux-headers-rt-amd64) live outside git, in
# $CTRMAP_CACHE/roots/SUITE-build (default /var/cache/ctrmap): made once
# (a few minutes each), reused, refreshed from the suite once a day so that
# sid's kernel follows sid. Kernel versions are resolved at run time from
# the metapackages. apt URIs come from this machine's own Debian sources.
# Needs root; installs debootstrap and what "make dkms-tree" needs.
# Measured here: both roots from nothing ~7 min (network-bound, 1.7 GB);
# with the roots cached, ~30 s a kernel (4 kernels).
#
#   tests/build/suites.t                  # trixie and sid
#   CTRMAP_SUITES=sid tests/build/suites.t
#   CTRMAP_ROOT_MAX_AGE_MIN=0 ...         # refresh the roots' headers now
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
read -r -a suites <<<"${CTRMAP_SUITES:-trixie sid}"
# Refresh a root's package lists and headers when older than this.

note() { echo "# $*"; }

. "$top/tests/lib/roots.bash"

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP building in chroots needs root (debootstrap, chroot)"
	exit 0
fi
mkdir -p "$top/build"
# What this script needs on the host: debootstrap, and what "make
# dkms-tree" runs (dpkg-parsechangelog, kconfig-conf).
missing=()
for p in debootstrap dpkg-dev kconfig-frontends make; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ] &&
   ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	--no-install-recommends "${missing[@]}"; } >"$top/build/suites-deps.log" 2>&1; then
	echo "1..1"
	tail -n 20 "$top/build/suites-deps.log" | sed 's/^/# /'
	echo "not ok 1 - apt-get install ${missing[*]}"
	exit 1
fi
mkdir -p "$roots_cache" "$top/build/suites"
# One run at a time per cache; a root's /proc is never left mounted.
exec 9>"$roots_cache/.lock"
flock 9
unmount_all() {
	local s
	for s in "${suites[@]}"; do umount "$roots_cache/$s-build/proc" 2>/dev/null; done
}
trap unmount_all EXIT

# The DKMS source tree, made once for every kernel.
dkms_build=build/suites/dkms
if ! make -s -C "$top" dkms-tree DKMS_BUILD="$dkms_build" >"$top/build/suites/dkms-tree.log" 2>&1; then
	echo "1..1"
	sed 's/^/# /' "$top/build/suites/dkms-tree.log" | tail -n 20
	echo "not ok 1 - make dkms-tree"
	exit 1
fi
tree=$(find "$top/$dkms_build" -mindepth 1 -maxdepth 1 -type d -name 'ctrmap-*' | head -n1)/

# Every root first, so that the plan counts every flavour found.
tests=()	# "SUITE ROOT KVER", or "SUITE -" for a root that failed
for suite in "${suites[@]}"; do
	root=$roots_cache/$suite-build
	if ! roots_build "$suite"; then
		tests+=("$suite -")
		continue
	fi
	found=0
	for meta in linux-headers-amd64 linux-headers-rt-amd64; do
		kver=$(roots_kver_of "$root" "$meta")
		[ -n "$kver" ] || continue
		tests+=("$suite $root $kver")
		found=1
	done
	[ $found = 1 ] || tests+=("$suite -")
done

echo "1..${#tests[@]}"
n=0
fails=0
for t in "${tests[@]}"; do
	read -r suite root kver <<<"$t"
	n=$((n + 1))
	if [ "$root" = - ]; then
		echo "not ok $n - a $suite build root with kernel headers (see $roots_cache/$suite-build.log)"
		fails=$((fails + 1))
		continue
	fi
	gcc=$(roots_gcc_of "$root" "$kver")
	name="ctrmap.ko compiles without a warning against $kver ($suite, gcc-${gcc:-?})"
	dir=/var/tmp/ctrmap-build/$kver
	log=$top/build/suites/$suite-$kver.log
	rm -rf "$root$dir"
	mkdir -p "$root$dir"
	cp -R "$tree." "$root$dir/"
	# objtool reads /proc.
	roots_mounted "$root/proc" || mount -t proc proc "$root/proc"
	t0=$SECONDS
	roots_in "$root" nice -n 10 make -C "$dir" KDIR="/lib/modules/$kver/build" modules >"$log" 2>&1
	rc=$?
	umount "$root/proc" 2>/dev/null || true
	if [ $rc = 0 ] && [ -f "$root$dir/ctrmap.ko" ] && ! grep -i -E 'warning:|error:' "$log" >/dev/null; then
		echo "ok $n - $name"
		note "built in $((SECONDS - t0)) s; features: $(sed -n 's/^#define \(CTRMAP_HAVE_[A-Z0-9_]*\) 1$/\1/p' "$root$dir/compat/features.h" 2>/dev/null | tr '\n' ' ')"
	else
		grep -i -E -B2 -A4 'warning:|error:' "$log" | head -n 40 | sed 's/^/# /'
		[ $rc = 0 ] || tail -n 5 "$log" | sed 's/^/# /'
		echo "not ok $n - $name (see $log)"
		fails=$((fails + 1))
	fi
done
[ $fails = 0 ]
