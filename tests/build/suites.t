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
cache=${CTRMAP_CACHE:-/var/cache/ctrmap}/roots
read -r -a suites <<<"${CTRMAP_SUITES:-trixie sid}"
# Refresh a root's package lists and headers when older than this.
max_age_min=${CTRMAP_ROOT_MAX_AGE_MIN:-1440}
pkgs=(build-essential kmod linux-headers-amd64)
stamp=$(printf '%s\n' "${pkgs[@]}" | sha256sum | cut -c1-16)
apt_opts=(-o Acquire::Check-Valid-Until=false -q)

note() { echo "# $*"; }

# The machine's Debian mirror, or (security) its security mirror if it has
# one, from its deb822 sources or sources.list.
mirror() { # [security]
	local src=/etc/apt/sources.list.d/debian.sources m="" sec=0
	[ "${1:-}" = security ] && sec=1
	m=$(awk -v s=$sec '/^URIs:/ && s == /security/ { print $2; exit }' "$src" 2>/dev/null || true)
	if [ -z "$m" ] && [ -f /etc/apt/sources.list ]; then
		m=$(awk -v s=$sec '$1 == "deb" && s == /security/ { print ($2 ~ /^\[/ ? $3 : $2); exit }' /etc/apt/sources.list)
	fi
	echo "$m"
}

mounted() { # DIR
	awk -v d="$1" '$2 == d { f = 1 } END { exit !f }' /proc/mounts
}

in_root() { # ROOT COMMAND...
	local root=$1
	shift
	chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive "$@"
}

# The packages of SUITE the root gets: pkgs, and the PREEMPT_RT headers
# where the suite has them.
root_install() { # ROOT
	local root=$1 extra=()
	in_root "$root" apt-get "${apt_opts[@]}" update || return 1
	if in_root "$root" apt-cache show linux-headers-rt-amd64 >/dev/null 2>&1; then
		extra=(linux-headers-rt-amd64)
	fi
	# autoremove: the headers of a kernel the metapackages left behind.
	in_root "$root" apt-get "${apt_opts[@]}" install -y --no-install-recommends \
		"${pkgs[@]}" "${extra[@]}" &&
		in_root "$root" apt-get "${apt_opts[@]}" autoremove --purge -y &&
		in_root "$root" apt-get clean
}

# Make (once) or refresh the build root of SUITE; prints nothing, logs to
# $cache/SUITE-build.log. Returns non-zero if there is no usable root.
make_root() { # SUITE
	local suite=$1 root=$cache/$1-build log=$cache/$1-build.log m sm t0=$SECONDS
	if [ -f "$root/.ctrmap-stamp" ] && [ "$(cat "$root/.ctrmap-stamp")" = "$stamp" ]; then
		if [ -n "$(find "$root/.ctrmap-stamp" -mmin +"$max_age_min")" ]; then
			note "$suite: refreshing the root's headers (older than $max_age_min min)"
			if root_install "$root" >>"$log" 2>&1; then
				touch "$root/.ctrmap-stamp"
			else
				note "$suite: refresh failed (see $log); building with the root as it is"
			fi
		fi
		return 0
	fi
	m=$(mirror)
	[ -n "$m" ] || { note "no Debian URI found in the machine's apt sources"; return 1; }
	note "$suite: debootstrap into $root (a few minutes, once)"
	umount "$root/proc" 2>/dev/null
	rm -rf --one-file-system "$root"
	mkdir -p "$cache"
	debootstrap --variant=minbase "$suite" "$root" "$m" >"$log" 2>&1 ||
		{ tail -n 20 "$log" | sed 's/^/# /'; return 1; }
	# The suite from the same mirrors as this machine: the suite itself,
	# and for a release its -updates and -security (sid has neither).
	sm=$(mirror security)
	{
		echo "deb $m $suite main"
		if [ "$suite" != sid ] && [ "$suite" != unstable ]; then
			echo "deb $m $suite-updates main"
			[ -n "$sm" ] && echo "deb $sm $suite-security main"
		fi
	} >"$root/etc/apt/sources.list"
	# A snapshot mirror's Release files may be past their Valid-Until.
	echo 'Acquire::Check-Valid-Until "false";' >"$root/etc/apt/apt.conf.d/99ctrmap"
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
	chmod 755 "$root/usr/sbin/policy-rc.d"
	# trixie's headers depend on their kernel image: make no initramfs
	# for it (minutes, and nothing here boots it).
	in_root "$root" dpkg-divert --local --rename --add /usr/sbin/update-initramfs >>"$log" 2>&1
	printf '#!/bin/sh\nexit 0\n' >"$root/usr/sbin/update-initramfs"
	chmod 755 "$root/usr/sbin/update-initramfs"
	root_install "$root" >>"$log" 2>&1 ||
		{ tail -n 20 "$log" | sed 's/^/# /'; return 1; }
	echo "$stamp" >"$root/.ctrmap-stamp"
	note "$suite: root ready in $((SECONDS - t0)) s ($(du -sh "$root" | cut -f1))"
}

# The kernel release a headers metapackage installed in ROOT stands for.
kver_of() { # ROOT META
	# shellcheck disable=SC2016 # dpkg-query's fields, not the shell's
	in_root "$1" dpkg-query -W -f='${db:Status-Abbrev}|${Depends}\n' "$2" 2>/dev/null |
		awk -F'|' '$1 ~ /^ii/ { print $2 }' | tr ',' '\n' |
		sed -n 's/^ *linux-headers-\([^ ]*\).*/\1/p' | head -n1
}

# The major version of the gcc that built KVER (the one its headers use).
gcc_of() { # ROOT KVER
	sed -n 's/^CONFIG_GCC_VERSION=\([0-9]*\)$/\1/p' \
		"$1/lib/modules/$2/build/include/config/auto.conf" 2>/dev/null |
		awk '{ print int($1 / 10000) }'
}

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
mkdir -p "$cache" "$top/build/suites"
# One run at a time per cache; a root's /proc is never left mounted.
exec 9>"$cache/.lock"
flock 9
unmount_all() {
	local s
	for s in "${suites[@]}"; do umount "$cache/$s-build/proc" 2>/dev/null; done
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
	root=$cache/$suite-build
	if ! make_root "$suite"; then
		tests+=("$suite -")
		continue
	fi
	found=0
	for meta in linux-headers-amd64 linux-headers-rt-amd64; do
		kver=$(kver_of "$root" "$meta")
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
		echo "not ok $n - a $suite build root with kernel headers (see $cache/$suite-build.log)"
		fails=$((fails + 1))
		continue
	fi
	gcc=$(gcc_of "$root" "$kver")
	name="ctrmap.ko compiles without a warning against $kver ($suite, gcc-${gcc:-?})"
	dir=/var/tmp/ctrmap-build/$kver
	log=$top/build/suites/$suite-$kver.log
	rm -rf "$root$dir"
	mkdir -p "$root$dir"
	cp -R "$tree." "$root$dir/"
	# objtool reads /proc.
	mounted "$root/proc" || mount -t proc proc "$root/proc"
	t0=$SECONDS
	in_root "$root" nice -n 10 make -C "$dir" KDIR="/lib/modules/$kver/build" modules >"$log" 2>&1
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
