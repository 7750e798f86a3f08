# Debian roots in chroots, for building in a suite's own toolchain
# (tests/build/suites.t) and for booting a suite's own kernel
# (tests/matrix/run). Sourced. The apt URIs are this machine's own, read at
# run time; nothing names a mirror.

# The machine's Debian mirror, or (security) its security mirror if it has
# one, from its deb822 sources or sources.list.
roots_mirror() { # [security]
	local src=/etc/apt/sources.list.d/debian.sources m="" sec=0
	[ "${1:-}" = security ] && sec=1
	m=$(awk -v s=$sec '/^URIs:/ && s == /security/ { print $2; exit }' "$src" 2>/dev/null || true)
	if [ -z "$m" ] && [ -f /etc/apt/sources.list ]; then
		m=$(awk -v s=$sec '$1 == "deb" && s == /security/ { print ($2 ~ /^\[/ ? $3 : $2); exit }' /etc/apt/sources.list)
	fi
	echo "$m"
}

roots_mounted() { # DIR
	awk -v d="$1" '$2 == d { f = 1 } END { exit !f }' /proc/mounts
}

# COMMAND in ROOT, with a clean environment.
roots_in() { # ROOT COMMAND...
	local root=$1
	shift
	chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive "$@"
}

roots_apt_opts=(-o Acquire::Check-Valid-Until=false -q)

# apt on a private package list of SUITES from this machine's mirror, in
# DIR (its lists and downloads there; the machine's own apt state
# untouched): sets roots_papt, the options for apt-get and apt-cache, and
# updates the lists (log in DIR/apt.log).
roots_private_apt() { # DIR SUITE...
	local dir=$1 m s
	shift
	m=$(roots_mirror)
	[ -n "$m" ] || { echo "no Debian URI in the machine's apt sources" >&2; return 1; }
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	for s; do printf 'deb %s %s main\n' "$m" "$s"; done >"$dir/sources.list"
	roots_papt=(-q -o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache"
		-o Dir::State::status=/dev/null -o APT::Architectures::=amd64
		-o APT::Sandbox::User=root "${roots_apt_opts[@]}")
	apt-get "${roots_papt[@]}" update >"$dir/apt.log" 2>&1 ||
		{ tail -n 5 "$dir/apt.log" >&2; return 1; }
}

# A minbase SUITE in ROOT (removed first), its apt sources the suite (and,
# for a release, its -updates and -security; EXTRA suites such as
# trixie-backports too) from this machine's mirrors; no service starts, no
# initramfs is made (minutes, for a kernel the guest boots without one).
# The minbase itself is kept as $roots_cache/SUITE-minbase.tar for the
# next root of SUITE (a build root and its guest roots) for
# CTRMAP_ROOT_MAX_AGE_MIN (a day): unpacking it takes seconds, a
# debootstrap a minute or more. Logs to LOG.
roots_debootstrap() { # SUITE ROOT LOG [EXTRA...]
	local suite=$1 root=$2 log=$3 m sm e
	local tar=$roots_cache/$1-minbase.tar max_age=${CTRMAP_ROOT_MAX_AGE_MIN:-1440}
	shift 3
	m=$(roots_mirror)
	[ -n "$m" ] || { echo "no Debian URI found in the machine's apt sources" >>"$log"; return 1; }
	umount -R "$root"/{proc,sys,dev} 2>/dev/null
	rm -rf --one-file-system "$root"
	mkdir -p "$root"
	if [ -s "$tar" ] && [ -z "$(find "$tar" -mmin +"$max_age")" ]; then
		echo "minbase $suite from $tar" >"$log"
		tar -C "$root" --numeric-owner -xpf "$tar" >>"$log" 2>&1 || return 1
	else
		debootstrap --variant=minbase "$suite" "$root" "$m" >"$log" 2>&1 &&
			tar -C "$root" --numeric-owner -cpf "$tar.$$" . >>"$log" 2>&1 &&
			mv "$tar.$$" "$tar" || { rm -f "$tar.$$"; return 1; }
	fi
	sm=$(roots_mirror security)
	{
		echo "deb $m $suite main"
		if [ "$suite" != sid ] && [ "$suite" != unstable ]; then
			echo "deb $m $suite-updates main"
			[ -n "$sm" ] && echo "deb $sm $suite-security main"
		fi
		for e in "$@"; do echo "deb $m $e main"; done
	} >"$root/etc/apt/sources.list"
	# A snapshot mirror's Release files may be past their Valid-Until.
	echo 'Acquire::Check-Valid-Until "false";' >"$root/etc/apt/apt.conf.d/99ctrmap"
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
	chmod 755 "$root/usr/sbin/policy-rc.d"
	roots_in "$root" dpkg-divert --local --rename --add /usr/sbin/update-initramfs >>"$log" 2>&1
	printf '#!/bin/sh\nexit 0\n' >"$root/usr/sbin/update-initramfs"
	chmod 755 "$root/usr/sbin/update-initramfs"
}

# apt-get install PACKAGES in ROOT (its lists updated first), then
# autoremove (the headers of a kernel a metapackage left behind) and clean.
roots_install() { # ROOT PACKAGES...
	local root=$1
	shift
	roots_in "$root" apt-get "${roots_apt_opts[@]}" update &&
		roots_in "$root" apt-get "${roots_apt_opts[@]}" install -y \
			--no-install-recommends "$@" &&
		roots_in "$root" apt-get "${roots_apt_opts[@]}" autoremove --purge -y &&
		roots_in "$root" apt-get clean
}

# The package a metapackage installed in ROOT depends on, without its
# prefix: the kernel release of linux-headers-FLAVOUR or
# linux-image-FLAVOUR.
roots_kver_of() { # ROOT META
	# shellcheck disable=SC2016 # dpkg-query's fields, not the shell's
	roots_in "$1" dpkg-query -W -f='${db:Status-Abbrev}|${Depends}\n' "$2" 2>/dev/null |
		awk -F'|' '$1 ~ /^ii/ { print $2 }' | tr ',' '\n' |
		sed -n 's/^ *linux-\(headers\|image\)-\([^ ]*\).*/\2/p' | head -n1
}

# The major version of the gcc that built KVER (the one its headers use).
roots_gcc_of() { # ROOT KVER
	roots_in "$1" cat "/lib/modules/$2/build/include/config/auto.conf" 2>/dev/null |
		sed -n 's/^CONFIG_GCC_VERSION=\([0-9]*\)$/\1/p' |
		awk '{ print int($1 / 10000) }'
}

roots_cache=${CTRMAP_CACHE:-/var/cache/ctrmap}/roots

# What a build root gets: a compiler, what dpkg-buildpackage needs for
# ctrmap's source package, and kconfig-frontends for the test modules.
roots_build_pkgs=(build-essential kmod fakeroot dpkg-dev debhelper dh-dkms
	kconfig-frontends libnl-3-dev libnl-genl-3-dev pkgconf)

# The kernel header metapackages of SUITE a build root gets: generic and
# PREEMPT_RT, and in bookworm its 6.12 (from bookworm-security) too.
roots_header_metas() { # SUITE
	echo linux-headers-amd64 linux-headers-rt-amd64
	[ "$1" != bookworm ] || echo linux-headers-6.12-amd64 linux-headers-6.12-rt-amd64
}

# The suites a root of SUITE has besides it: trixie's backports, whose
# kernel may be a newer series (tests/matrix targets it then).
roots_extra_suites() { # SUITE
	[ "$1" != trixie ] || echo trixie-backports
}

# The newest version of PACKAGE that ROOT's apt has from SUITE.
roots_version_in() { # ROOT PACKAGE SUITE
	roots_in "$1" apt-cache madison "$2" 2>/dev/null |
		awk -v s="$3" '$0 ~ " " s "/" { print $3 }' | sort -V | tail -n1
}

# Of the "apt-cache show" record on standard input, the first dependency
# named PREFIX and a version number (linux-headers-7.3.4+deb13-amd64 for
# linux-headers-): the concrete package a kernel metapackage stands for,
# whatever else it depends on (7.3's also depend on linux-base-FLAVOUR).
roots_dep_named() { # PREFIX
	sed -n 's/^Depends: //p' | head -n 1 | tr ',' '\n' |
		sed -n "s/^ *\($1[0-9][^ ]*\).*/\1/p" | head -n 1
}

# The concrete headers package of the backports kernel of SUITE, if its
# backports have one.
roots_backports_headers() { # ROOT SUITE
	local b ver
	b=$(roots_extra_suites "$2")
	[ -n "$b" ] || return 0
	ver=$(roots_version_in "$1" linux-headers-amd64 "$b")
	[ -n "$ver" ] || return 0
	roots_in "$1" apt-cache show "linux-headers-amd64=$ver" | roots_dep_named linux-headers-
}

# The target (SUITE:FLAVOUR) of trixie-backports' kernel, when it is a
# newer series than trixie's; nothing otherwise. Makes trixie's build root.
roots_backports_target() {
	local root=$roots_cache/trixie-build bp tk
	roots_build trixie >&2 || return 0
	bp=$(roots_backports_headers "$root" trixie)
	tk=$(roots_kver_of "$root" linux-headers-amd64)
	bp=${bp#linux-headers-}
	[ -n "$bp" ] && [ "$(cut -d. -f1,2 <<<"$bp")" != "$(cut -d. -f1,2 <<<"$tk")" ] &&
		echo trixie-backports:amd64
}

# Those of PACKAGES ROOT's apt knows.
roots_known() { # ROOT PACKAGES...
	local root=$1 p
	shift
	for p in "$@"; do
		roots_in "$root" apt-cache show "$p" >/dev/null 2>&1 && echo "$p"
	done
}

# PACKAGES fetched with "apt-get download" (never installed: a kernel
# image installed on this host would be offered at its next boot) and
# unpacked together as DIR, with DIR/kver holding KVER. CHECK is called
# with the unpacked tree first and may fix it up or fail. DIR is replaced
# only when everything worked. tests/lib/guest-kernel and
# tests/lib/kernel-headers.
roots_unpack_debs() { # DIR KVER CHECK PACKAGES...
	local dir=$1 kver=$2 check=$3 tmp deb ok=1
	shift 3
	mkdir -p "${dir%/*}" || return 1
	tmp=$(mktemp -d "${dir%/*}/.fetch.XXXXXX") || return 1
	chown _apt: "$tmp" 2>/dev/null || true	# apt downloads as _apt
	if (cd "$tmp" && apt-get download -q "$@" >&2); then
		for deb in "$tmp"/*.deb; do
			dpkg-deb -x "$deb" "$tmp/root" || ok=
		done
	else
		echo "${0##*/}: cannot download $*" >&2
		ok=
	fi
	[ -n "$ok" ] && "$check" "$tmp/root" && echo "$kver" >"$tmp/root/kver" &&
		rm -rf "$dir" && mv "$tmp/root" "$dir" || ok=
	rm -rf "$tmp"
	[ -n "$ok" ]
}

# Each root is made under a lock of its own, $roots_cache/NAME.lock:
# tests/check makes the roots it boots in the background
# (tests/lib/prefetch-roots), and a part that wants one waits for it.
roots_locked() { # NAME FUNCTION ARGS...
	local name=$1
	shift
	mkdir -p "$roots_cache" || return 1
	(flock 7 && "$@") 7>"$roots_cache/$name.lock"
}

# Make (once) or refresh (when older than CTRMAP_ROOT_MAX_AGE_MIN, default
# a day, so that sid's kernel follows sid) the build root of SUITE in
# $roots_cache/SUITE-build; notes as TAP comments, details in
# $roots_cache/SUITE-build.log. Non-zero if there is no usable root.
roots_build() { # SUITE
	roots_locked "$1-build" roots_build_locked "$@"
}
roots_build_locked() { # SUITE
	local suite=$1 root=$roots_cache/$1-build log=$roots_cache/$1-build.log
	local stamp t0=$SECONDS max_age=${CTRMAP_ROOT_MAX_AGE_MIN:-1440} metas bp
	stamp=$( (declare -f roots_build_locked roots_header_metas roots_extra_suites \
		roots_backports_headers; echo "${roots_build_pkgs[*]}") |
		sha256sum | cut -c1-16)
	if [ -f "$root/.ctrmap-stamp" ] && [ "$(cat "$root/.ctrmap-stamp")" = "$stamp" ]; then
		[ -n "$(find "$root/.ctrmap-stamp" -mmin +"$max_age")" ] || return 0
		echo "# $suite: refreshing the build root (older than $max_age min)"
	else
		echo "# $suite: debootstrap into $root (a few minutes, once)"
		roots_debootstrap "$suite" "$root" "$log" $(roots_extra_suites "$suite") ||
			{ tail -n 20 "$log" | sed 's/^/# /'; return 1; }
	fi
	{
		roots_in "$root" apt-get "${roots_apt_opts[@]}" update &&
			metas=$(roots_known "$root" $(roots_header_metas "$suite")) &&
			roots_install "$root" "${roots_build_pkgs[@]}" $metas &&
			bp=$(roots_backports_headers "$root" "$suite") &&
			if [ -n "$bp" ]; then
				roots_in "$root" apt-get "${roots_apt_opts[@]}" install -y \
					--no-install-recommends -t "$(roots_extra_suites "$suite")" "$bp"
			fi
	} >>"$log" 2>&1 || {
		tail -n 20 "$log" | sed 's/^/# /'
		# A refresh that failed leaves a root that worked.
		[ -f "$root/.ctrmap-stamp" ] && { echo "# $suite: refresh failed; the root as it was"; return 0; }
		return 1
	}
	echo "$stamp" >"$root/.ctrmap-stamp"
	echo "# $suite: build root ready in $((SECONDS - t0)) s ($(du -sh "$root" | cut -f1))"
}

# What a guest root gets besides its kernel and that kernel's headers: what
# ctrmap's packages depend on (the guest has no network: apt must find it
# all installed), what the BATS suite, the stress run and the fuzzer run,
# and autopkgtest for debian/tests (DKMS's test installs dctrl-tools and
# openssl if missing, which offline it cannot).
roots_guest_pkgs=(dkms gcc make libc6-dev kmod pkg-config libnl-3-dev
	libnl-genl-3-dev procps jq bats bats-assert bats-support iproute2
	python3 python3-yaml python3-jsonschema curl prometheus prometheus-node-exporter
	e2fsprogs dpkg-dev autopkgtest dctrl-tools openssl)

# Make (once; again when this changes or after CTRMAP_ROOT_MAX_AGE_MIN) a
# root of SUITE that boots linux-image-FLAVOUR, with its headers, for
# tests/vm/run --root: $roots_cache/SUITE-FLAVOUR-guest/{root,root.img}.
# Prints the directory; notes, as TAP comments, on standard error.
roots_guest() { # SUITE FLAVOUR
	roots_locked "$1-$2-guest" roots_guest_locked "$@"
}
roots_guest_locked() { # SUITE FLAVOUR
	local suite=$1 flavour=$2 dir=$roots_cache/$1-$2-guest
	local root=$roots_cache/$1-$2-guest/root log=$roots_cache/$1-$2-guest.log
	local stamp t0=$SECONDS max_age=${CTRMAP_ROOT_MAX_AGE_MIN:-1440} size
	stamp=$( (declare -f roots_guest_locked; echo "${roots_guest_pkgs[*]}") |
		sha256sum | cut -c1-16)
	if [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$stamp" ] &&
	   [ -s "$dir/root.img" ] && [ -z "$(find "$dir/stamp" -mmin +"$max_age")" ]; then
		echo "$dir"
		return 0
	fi
	echo "# $suite $flavour: a guest root in $dir (a few minutes, once)" >&2
	rm -f "$dir/stamp" "$dir/root.img"
	# From nothing: an old root's kernel would stay beside the new one.
	# SUITE-backports: SUITE, its kernel from the backports.
	roots_debootstrap "${suite%-backports}" "$root" "$log" $(roots_extra_suites "${suite%-backports}") ||
		{ tail -n 20 "$log" | sed 's/^/# /' >&2; return 1; }
	echo ctrmap-guest >"$root/etc/hostname"
	mount -t proc proc "$root/proc"
	mount -t sysfs sysfs "$root/sys"
	mount --bind /dev "$root/dev"
	# Kernel postinst hooks want /proc; DKMS has nothing to build yet.
	local kpkgs=("linux-image-$flavour" "linux-headers-$flavour") rc=0
	if [ "${suite%-backports}" != "$suite" ]; then
		roots_in "$root" apt-get "${roots_apt_opts[@]}" update >>"$log" 2>&1 &&
			roots_in "$root" apt-get "${roots_apt_opts[@]}" install -y \
				--no-install-recommends -t "$suite" "${kpkgs[@]}" >>"$log" 2>&1 || rc=1
		kpkgs=()
	fi
	[ $rc = 0 ] && roots_install "$root" "${kpkgs[@]}" "${roots_guest_pkgs[@]}" >>"$log" 2>&1
	rc=$?
	umount -R "$root"/{proc,sys,dev} 2>/dev/null
	[ $rc = 0 ] || { tail -n 20 "$log" | sed 's/^/# /' >&2; return 1; }
	ls "$root"/boot/vmlinuz-* >/dev/null 2>&1 || { echo "# no kernel in $root/boot" >&2; return 1; }
	# Debian enables the daemons the suite starts itself (where the root
	# has systemd at all).
	roots_in "$root" sh -c 'command -v systemctl >/dev/null || exit 0
		systemctl disable prometheus prometheus-node-exporter' >>"$log" 2>&1
	# An ext4 image the guest boots with its writes thrown away.
	size=$(($(du -sm "$root" | cut -f1) + 1536))
	rm -f "$dir/root.img"
	mke2fs -q -t ext4 -L ctrmap-root -d "$root" "$dir/root.img" "${size}M" >>"$log" 2>&1 ||
		{ echo "# mke2fs -d failed" >&2; return 1; }
	echo "$stamp" >"$dir/stamp"
	echo >&2 "# $suite $flavour: guest root ready in $((SECONDS - t0)) s ($(du -sh "$root" | cut -f1), image $size MiB)"
	echo "$dir"
}
