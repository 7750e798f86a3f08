#!/bin/bash
# The Debian packages: "make deb" builds the four of them, lintian has
# nothing to say (errors or warnings), each carries what it must (counterctl
# its export timer, which systemd parses and which stays off), the
# manual pages render cleanly and match the tool's help, a program builds
# against libctrmap-dev and runs with libctrmap0 (extracted, not
# installed), and ctrmap-dkms's source tree builds ctrmap.ko against
# bookworm's 6.1 headers, by hand and through DKMS. Runs on the host,
# installs nothing; TAP output.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1

n=0
fails=0
# ok STATUS DESCRIPTION: one TAP line; the output of a failed check (in
# $log) follows as comments.
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fails=$((fails + 1))
		[ -s "$log" ] && sed 's/^/# /' "$log" | tail -n 40
	fi
	: >"$log"
}
skip() { # DESCRIPTION REASON
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}
# say MESSAGE: why the check that follows fails, into $log.
say() { echo "$*" >>"$log"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
log=$tmp/log
: >"$log"

echo "1..24"

version=$(dpkg-parsechangelog -l debian/changelog -SVersion)
upstream=${version%-*}
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
out=build/deb

# 1. Build.
start=$SECONDS
make deb >"$tmp/make-deb.log" 2>&1
rc=$?
[ $rc = 0 ] || tail -n 30 "$tmp/make-deb.log" >"$log"
ok $rc "make deb builds the packages ($((SECONDS - start)) s)"

# 2-5. The four packages.
declare -A deb=(
	[ctrmap-dkms]=$out/ctrmap-dkms_${version}_all.deb
	[libctrmap0]=$out/libctrmap0_${version}_$arch.deb
	[libctrmap-dev]=$out/libctrmap-dev_${version}_$arch.deb
	[counterctl]=$out/counterctl_${version}_$arch.deb
)
for p in ctrmap-dkms libctrmap0 libctrmap-dev counterctl; do
	[ -f "${deb[$p]}" ]
	ok $? "${deb[$p]} exists"
	mkdir -p "$tmp/$p"
	dpkg-deb -x "${deb[$p]}" "$tmp/$p" 2>/dev/null
	dpkg-deb -c "${deb[$p]}" 2>/dev/null | awk '{ print $6 }' | sed 's|^\./|/|' >"$tmp/$p.files"
done

# 6. lintian.
changes=$out/ctrmap_${version}_$arch.changes
lintian --fail-on error,warning "$changes" >"$log" 2>&1
rc=$?
sed -i '/running with root privileges is not recommended/d' "$log"
[ $rc = 0 ] && [ ! -s "$log" ]
ok $? "lintian --fail-on error,warning: nothing on $changes"

# has PACKAGE PATH...: the package holds each path.
has() {
	local p=$1 f r=0
	shift
	for f; do
		grep -qxF "$f" "$tmp/$p.files" || { say "$p lacks $f"; r=1; }
	done
	return $r
}
field() { dpkg-deb -f "${deb[$1]}" "$2" 2>/dev/null; }

# 7-8. ctrmap-dkms.
src=/usr/src/ctrmap-$upstream
(
	r=0
	has ctrmap-dkms "$src/dkms.conf" "$src/ctrmap_config.h" "$src/Makefile" \
		"$src/Kbuild" "$src/compat/compat.h" \
		"$src/include/uapi/linux/ctrmap.h" "$src/include/linux/ctrmap.h" || r=1
	# The sources, compat/ with its feature probes included; not what a
	# build in module/ generates.
	for f in module/*.c module/*.h module/compat/*.h module/compat/*.mk \
		module/compat/probes/*.c; do
		case $f in module/ctrmap_config.h | module/compat/features.h) continue ;; esac
		has ctrmap-dkms "$src/${f#module/}" || r=1
	done
	if grep -E '/(samples|Kconfig)' "$tmp/ctrmap-dkms.files" >>"$log"; then
		say "ctrmap-dkms ships the above"
		r=1
	fi
	grep -qx "PACKAGE_VERSION=\"$upstream\"" "$tmp/ctrmap-dkms$src/dkms.conf" ||
		{ say "dkms.conf's PACKAGE_VERSION is not $upstream"; r=1; }
	grep -qx "#define CTRMAP_VERSION \"$upstream\"" "$tmp/ctrmap-dkms$src/ctrmap_config.h" ||
		{ say "ctrmap_config.h's CTRMAP_VERSION is not $upstream"; r=1; }
	exit $r
)
ok $? "ctrmap-dkms: dkms.conf, the generated ctrmap_config.h and the module's sources in $src"

dpkg-deb -e "${deb[ctrmap-dkms]}" "$tmp/dkms-control" 2>>"$log"
field ctrmap-dkms Depends | grep -qE '(^|, )dkms( |,|$)' &&
	grep -q 'common.postinst' "$tmp/dkms-control/postinst" 2>>"$log" &&
	grep -q 'dkms remove' "$tmp/dkms-control/prerm" 2>>"$log"
ok $? "ctrmap-dkms: depends on dkms, adds the module to DKMS and removes it again"

# 9-12. The library and the tool.
lib=/usr/lib/$ma
(
	r=0
	has libctrmap0 "$lib/libctrmap.so.$upstream" "$lib/libctrmap.so.0" || r=1
	[ "$(readlink "$tmp/libctrmap0$lib/libctrmap.so.0")" = "libctrmap.so.$upstream" ] ||
		{ say "libctrmap.so.0 does not point at libctrmap.so.$upstream"; r=1; }
	[ "$(field libctrmap0 Multi-Arch)" = same ] || { say "not Multi-Arch: same"; r=1; }
	dpkg-deb --ctrl-tarfile "${deb[libctrmap0]}" | tar -t | grep -qx './symbols' ||
		{ say "no symbols file"; r=1; }
	exit $r
)
ok $? "libctrmap0: libctrmap.so.0 -> libctrmap.so.$upstream, Multi-Arch: same, a symbols file"

(
	r=0
	has libctrmap-dev /usr/include/ctrmap/ctrmap.h /usr/include/ctrmap/uapi.h \
		"$lib/libctrmap.so" "$lib/pkgconfig/libctrmap.pc" \
		/usr/share/man/man3/libctrmap.3.gz /usr/share/ctrmap/ctrmap.yaml || r=1
	cmp -s module/include/uapi/ctrmap.yaml "$tmp/libctrmap-dev/usr/share/ctrmap/ctrmap.yaml" ||
		{ say "the shipped ctrmap.yaml is not module/include/uapi/ctrmap.yaml"; r=1; }
	[ -n "$(readlink "$tmp/libctrmap-dev$lib/libctrmap.so")" ] ||
		{ say "libctrmap.so is not a symbolic link"; r=1; }
	if grep '\.a$' "$tmp/libctrmap-dev.files" >>"$log"; then
		say "a static library is shipped"
		r=1
	fi
	# Nothing in the kernel headers' namespace; the uapi header is a copy.
	if grep '^/usr/include/linux' "$tmp/libctrmap-dev.files" >>"$log"; then
		say "a file in /usr/include/linux is shipped"
		r=1
	fi
	[ -f "$tmp/libctrmap-dev/usr/include/ctrmap/uapi.h" ] &&
		[ ! -L "$tmp/libctrmap-dev/usr/include/ctrmap/uapi.h" ] ||
		{ say "ctrmap/uapi.h is not a regular file"; r=1; }
	field libctrmap-dev Depends | grep -qF "libctrmap0 (= $version)" ||
		{ say "does not depend on libctrmap0 (= $version)"; r=1; }
	exit $r
)
ok $? "libctrmap-dev: ctrmap/ctrmap.h, ctrmap/uapi.h (nothing in linux/), libctrmap.pc, the .so link, libctrmap(3), the YNL spec, no static library"

# The README and the examples (the quick start's among them), under
# /usr/share/doc, as they are in the tree.
(
	r=0
	ex=/usr/share/doc/libctrmap-dev/examples
	has libctrmap-dev "$ex/ticker.c" || r=1
	for p in ctrmap-dkms libctrmap-dev counterctl; do
		grep -qE "^/usr/share/doc/$p/README\.md(\.gz)?$" "$tmp/$p.files" ||
			{ say "$p lacks /usr/share/doc/$p/README.md"; r=1; }
	done
	for f in examples/*.c examples/*.py; do
		cmp -s "$f" "$tmp/libctrmap-dev$ex/${f#examples/}" ||
			{ say "libctrmap-dev's $ex/${f#examples/} is not $f"; r=1; }
	done
	if grep -F "$ex/Makefile" "$tmp/libctrmap-dev.files" >>"$log"; then
		say "the in-tree examples/Makefile is shipped"
		r=1
	fi
	exit $r
)
ok $? "README.md in each package's /usr/share/doc, every examples/*.c and *.py in libctrmap-dev's"

has counterctl /usr/sbin/counterctl /usr/share/man/man8/counterctl.8.gz \
	/usr/share/bash-completion/completions/counterctl &&
	field counterctl Recommends | grep -q ctrmap-dkms
ok $? "counterctl: /usr/sbin/counterctl, counterctl(8), bash completion; recommends ctrmap-dkms"

# 13-15. The export for node_exporter: ctrmap-export.timer starts the service
# every 15 s, which writes counterctl export into the directory Debian's
# prometheus-node-exporter reads (its default, where it is installed);
# dh_installsystemd --no-enable: the postinst leaves the timer off at
# install (its "debian-installed" form, not the "was-enabled defaults to
# true" one) and the prerm stops it at removal.
units=/lib/systemd/system
textfile=/var/lib/prometheus/node-exporter
svc=$tmp/counterctl$units/ctrmap-export.service
tmr=$tmp/counterctl$units/ctrmap-export.timer
(
	r=0
	has counterctl $units/ctrmap-export.service $units/ctrmap-export.timer || exit 1
	grep -qxF "ExecStart=/usr/sbin/counterctl export --openmetrics -o $textfile/ctrmap.prom" "$svc" ||
		{ say "ctrmap-export.service does not run counterctl export -o $textfile/ctrmap.prom"; r=1; }
	grep -qxF 'OnCalendar=*:*:0/15' "$tmr" && grep -qxF 'AccuracySec=1s' "$tmr" &&
		grep -qxF 'WantedBy=timers.target' "$tmr" ||
		{ say "ctrmap-export.timer does not run every 15 s, or has no [Install]"; r=1; }
	field counterctl Suggests | grep -q prometheus-node-exporter ||
		{ say "does not suggest prometheus-node-exporter"; r=1; }
	dpkg-deb -e "${deb[counterctl]}" "$tmp/counterctl-control" 2>>"$log"
	grep -qF "deb-systemd-helper debian-installed 'ctrmap-export.timer'" "$tmp/counterctl-control/postinst" &&
		! grep -qF 'was-enabled defaults to true' "$tmp/counterctl-control/postinst" ||
		{ say "the postinst enables ctrmap-export.timer at install"; r=1; }
	grep -qF "deb-systemd-invoke stop 'ctrmap-export.service' 'ctrmap-export.timer'" \
		"$tmp/counterctl-control/prerm" 2>>"$log" ||
		{ say "the prerm does not stop ctrmap-export.timer"; r=1; }
	exit $r
)
ok $? "counterctl: ctrmap-export.service and .timer, every 15 s into $textfile; the timer off at install, stopped at removal; suggests prometheus-node-exporter"

# systemd parses the units without a word (the service's ExecStart pointed
# at the extracted counterctl, which verify wants to exist).
if ! command -v systemd-analyze >/dev/null; then
	skip "systemd-analyze verify is quiet on ctrmap-export.service and .timer" "systemd-analyze not installed (package systemd)"
else
	mkdir -p "$tmp/units"
	sed "s|^ExecStart=/usr/sbin/counterctl |ExecStart=$tmp/counterctl/usr/sbin/counterctl |" "$svc" \
		>"$tmp/units/ctrmap-export.service" 2>>"$log"
	cp "$tmr" "$tmp/units/" 2>>"$log"
	(cd "$tmp/units" && systemd-analyze verify --man=no ./ctrmap-export.timer ./ctrmap-export.service) >>"$log" 2>&1
	rc=$?
	[ $rc = 0 ] && [ ! -s "$log" ]
	ok $? "systemd-analyze verify is quiet on ctrmap-export.service and .timer"
fi

# That directory is where bookworm's node_exporter looks by default.
if ! command -v prometheus-node-exporter >/dev/null; then
	skip "$textfile is prometheus-node-exporter's default textfile directory" "prometheus-node-exporter not installed (tests/lib/deps installs it)"
else
	prometheus-node-exporter --help 2>&1 | grep -F -- '--collector.textfile.directory=' >>"$log"
	grep -qF -- "--collector.textfile.directory=\"$textfile\"" "$log"
	ok $? "$textfile is prometheus-node-exporter's default textfile directory"
fi

# 16. The manual pages render without a warning.
man8=$tmp/counterctl/usr/share/man/man8/counterctl.8.gz
man3=$tmp/libctrmap-dev/usr/share/man/man3/libctrmap.3.gz
(
	r=0
	for m in "$man8" "$man3"; do
		[ -f "$m" ] || { say "no $m"; r=1; continue; }
		w=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l "$m" 2>&1 >/dev/null)
		[ -z "$w" ] || { say "$(basename "$m"): $w"; r=1; }
	done
	exit $r
)
ok $? "counterctl(8) and libctrmap(3) render without warnings"

# 17. counterctl(8) says what the tool's help says: every option and exit
# status line of --help, every command's summary, and each command's
# usage and description as "counterctl help COMMAND" prints them.
ctl() { LD_LIBRARY_PATH=$tmp/libctrmap0$lib "$tmp/counterctl/usr/sbin/counterctl" "$@"; }
flat() { tr -s '[:space:]' ' '; }
mantext() { LC_ALL=C MANROFFSEQ='' MANWIDTH=1000 man -l "$1" 2>/dev/null | col -b | flat; }
(
	r=0
	page=$(mantext "$man8")
	help=$(ctl --help) || { say "counterctl --help failed"; exit 1; }
	sect=
	while IFS= read -r line; do
		case $line in
		Usage:* | "") continue ;;
		Options:) sect=options; continue ;;
		Commands:) sect=commands; continue ;;
		"Exit status:") sect="exit status"; continue ;;
		esac
		want=$(flat <<<"$line" | sed 's/^ //; s/ $//')
		# A command's line: its summary (the man page puts its usage first).
		[ "$sect" = commands ] && want=${want#* }
		[[ $page == *"$want"* ]] || { say "counterctl(8) lacks: $want"; r=1; }
	done <<<"$help"
	cmds=$(sed -n '/^Commands:/,/^$/s/^  \([a-z]*\) .*/\1/p' <<<"$help" | grep -vx help)
	[ -n "$cmds" ] || { say "no commands in counterctl --help"; r=1; }
	for c in $cmds; do
		h=$(ctl help "$c") || { say "counterctl help $c failed"; r=1; continue; }
		usage=$(head -n1 <<<"$h" | sed 's/^Usage: //')
		body=$(tail -n +3 <<<"$h" | flat | sed 's/^ //; s/ $//')
		[[ $page == *"$usage"* ]] || { say "counterctl(8) lacks the usage: $usage"; r=1; }
		[[ $page == *"$body"* ]] || { say "counterctl(8) lacks the description of $c: $body"; r=1; }
	done
	exit $r
)
ok $? "counterctl(8) has every line of counterctl --help and each command's help"

# 18. libctrmap(3)'s synopsis shows every function the library exports.
(
	r=0
	page=$(mantext "$man3" | sed 's/.* SYNOPSIS //; s/ DESCRIPTION .*//')
	syms=$(nm -D --defined-only "$tmp/libctrmap0$lib/libctrmap.so.0" 2>>"$log" |
		awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }')
	[ -n "$syms" ] || { say "no exported functions found"; exit 1; }
	for s in $syms; do
		grep -qE "(^|[^A-Za-z0-9_])$s\(" <<<"$page" || { say "libctrmap(3) does not show $s()"; r=1; }
	done
	# man FUNCTION opens it: each exported and each <ctrmap/reader.h>
	# function has a link to it.
	inline=$(grep -oE '^static inline [a-z ]+\**(ctrmap_[a-z_]+[a-z])\(' \
		"$tmp/libctrmap-dev/usr/include/ctrmap/reader.h" | sed 's/.*[ *]//; s/($//')
	[ -n "$inline" ] || { say "no functions found in reader.h"; r=1; }
	for s in $syms $inline; do
		l=$tmp/libctrmap-dev/usr/share/man/man3/$s.3.gz
		[ "$(readlink "$l")" = libctrmap.3.gz ] ||
			{ say "$s.3.gz is not a link to libctrmap.3.gz"; r=1; }
	done
	exit $r
)
ok $? "libctrmap(3)'s synopsis shows every exported function; each function's page links to it"

# 19. The completion loads in bash and completes commands, options and
# sources.
comp=$tmp/counterctl/usr/share/bash-completion/completions/counterctl
bash -c '
	. "$1" || exit 1
	complete -p counterctl >/dev/null || exit 1
	c() { COMP_LINE=$1; COMP_POINT=${#1}; _counterctl counterctl; echo "${COMPREPLY[*]}"; }
	[ "$(c "counterctl st")" = status ] || { echo "counterctl st: $(c "counterctl st")"; exit 1; }
	[ "$(c "counterctl -j show 1 --v")" = --verbose ] || { echo "show --v: $(c "counterctl -j show 1 --v")"; exit 1; }
	[ "$(c "counterctl bind 1 0 ti")" = timer: ] || { echo "bind: $(c "counterctl bind 1 0 ti")"; exit 1; }
	[ "$(c "counterctl help wa")" = watch ] || { echo "help wa: $(c "counterctl help wa")"; exit 1; }
' bash "$comp" >>"$log" 2>&1
ok $? "the bash completion completes commands, options and sources"

# 20. A program against the extracted libctrmap-dev and libctrmap0: the
# reader side and the text calls need no kernel module.
dev=$tmp/dev
mkdir -p "$dev"
cp -a "$tmp/libctrmap-dev/." "$tmp/libctrmap0/." "$dev/" 2>>"$log"
cat >"$tmp/prog.c" <<'EOF'
#include <ctrmap/ctrmap.h>
#include <stdio.h>

int main(void)
{
	static _Alignas(8) unsigned char mem[CTRMAP_HDR_SIZE + 2 * 8];
	struct ctrmap_header *h = (struct ctrmap_header *)mem;
	CTRMAP_OPTS(ctrmap_source, src);
	uint64_t v[2];
	char buf[32];

	h->abi = CTRMAP_ABI_VERSION;	/* as the kernel writes it */
	h->hdr_size = CTRMAP_HDR_SIZE;
	h->ncounters = 2;
	h->state = CTRMAP_STATE_ATTACHED;
	((uint64_t *)(mem + CTRMAP_HDR_SIZE))[1] = 42;
	h->magic = CTRMAP_MAGIC;
	if (ctrmap_region_check(mem, sizeof(mem)) || ctrmap_snapshot(mem, 0, 2, v) ||
	    ctrmap_source_parse("timer:250000ns", &src) ||
	    ctrmap_source_format(&src, buf, sizeof(buf)) < 0)
		return 1;
	printf("%s %llu %s\n", ctrmap_state_name(ctrmap_region_state(mem, NULL)),
	       (unsigned long long)v[1], buf);
	return 0;
}
EOF
cat >"$tmp/reader.c" <<'EOF'
#include <ctrmap/reader.h>
#include <stdio.h>

int main(void)
{
	static _Alignas(8) unsigned char mem[CTRMAP_HDR_SIZE + 2 * 8];
	struct ctrmap_header *h = (struct ctrmap_header *)mem;
	uint64_t v[2], one;

	h->abi = CTRMAP_ABI_VERSION;
	h->hdr_size = CTRMAP_HDR_SIZE;
	h->ncounters = 2;
	h->state = CTRMAP_STATE_ATTACHED;
	((uint64_t *)(mem + CTRMAP_HDR_SIZE))[1] = 42;
	__atomic_store_n(&h->magic, CTRMAP_MAGIC, __ATOMIC_RELEASE);
	if (ctrmap_reader_check(mem, sizeof(mem)) || ctrmap_reader_read(mem, 1, &one) ||
	    ctrmap_reader_snapshot(mem, 0, 2, v) ||
	    ctrmap_reader_state(mem, NULL) != CTRMAP_STATE_ATTACHED)
		return 1;
	printf("attached %llu %llu\n", (unsigned long long)one, (unsigned long long)v[1]);
	return 0;
}
EOF
(
	cc -Wall -Wextra -Werror -I"$dev/usr/include" -o "$tmp/prog" "$tmp/prog.c" \
		-L"$dev$lib" -lctrmap >>"$log" 2>&1 || exit 1
	readelf -d "$tmp/prog" | grep -q 'NEEDED.*\[libctrmap\.so\.0\]' ||
		{ say "prog does not need libctrmap.so.0"; exit 1; }
	got=$(LD_LIBRARY_PATH=$dev$lib "$tmp/prog" 2>>"$log")
	[ "$got" = "attached 42 timer:250us" ] || { say "prog printed '$got'"; exit 1; }
	# The header-only reader: no library, no libnl.
	cc -std=c11 -Wall -Wextra -Werror -Wpedantic -I"$dev/usr/include" -o "$tmp/reader" \
		"$tmp/reader.c" >>"$log" 2>&1 || exit 1
	readelf -d "$tmp/reader" | grep 'NEEDED.*\(ctrmap\|libnl\)' >>"$log" &&
		{ say "reader needs the above"; exit 1; }
	got=$("$tmp/reader" 2>>"$log")
	[ "$got" = "attached 42 42" ] || { say "reader printed '$got'"; exit 1; }
)
ok $? "a program builds against the extracted libctrmap-dev and runs with libctrmap0; one with <ctrmap/reader.h> alone needs neither"

pc() { PKG_CONFIG_PATH=$dev$lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$dev pkg-config "$@" libctrmap; }
got="$(pc --modversion) $(pc --cflags) $(pc --libs)"
say "pkg-config: $got"
[[ "$got " == "$upstream "*"-I$dev/usr/include "*"-L$dev$lib -lctrmap "* ]]
ok $? "pkg-config finds libctrmap $upstream in the extracted libctrmap-dev"

# 22-23. The DKMS source tree builds the module standalone, against the
# newest bookworm 6.1 generic kernel's headers.
kver=$(for k in /lib/modules/6.1.0-*-amd64; do
	[[ $k != *-rt-* && -d $k/build ]] && echo "${k#/lib/modules/}"
done | sort -V | tail -n1)
tree=$tmp/ctrmap-dkms$src
if [ -z "$kver" ]; then
	skip "the DKMS tree builds ctrmap.ko" "environment: no 6.1.0-*-amd64 headers: install linux-headers-amd64"
	skip "dkms builds ctrmap.ko" "environment: no 6.1.0-*-amd64 headers: install linux-headers-amd64"
else
	cp -a "$tree" "$tmp/kbuild"
	(
		make -C "/lib/modules/$kver/build" M="$tmp/kbuild" modules >"$tmp/kbuild.log" 2>&1 ||
			{ tail -n 20 "$tmp/kbuild.log" >>"$log"; exit 1; }
		[ -f "$tmp/kbuild/ctrmap.ko" ] || { say "no ctrmap.ko"; exit 1; }
		v=$(modinfo -F version "$tmp/kbuild/ctrmap.ko")
		[ "$v" = "$upstream" ] || { say "ctrmap.ko has version '$v'"; exit 1; }
	)
	ok $? "make -C /lib/modules/$kver/build M=<ctrmap-dkms>$src modules builds ctrmap.ko $upstream"

	# dkms itself, in a DKMS tree of its own. As root, it runs as nobody:
	# root would also create a signing key in /var/lib/dkms.
	mkdir -p "$tmp/dkms"
	as=()
	if [ "$(id -u)" = 0 ]; then
		chown -R nobody:nogroup "$tmp/dkms" "$tmp/ctrmap-dkms"
		as=(runuser -u nobody --)
	fi
	(
		"${as[@]}" dkms build --dkmstree "$tmp/dkms" --sourcetree "$tmp/ctrmap-dkms/usr/src" \
			-m ctrmap -v "$upstream" -k "$kver" >"$tmp/dkms.log" 2>&1 ||
			{ tail -n 20 "$tmp/dkms.log" >>"$log"; cat "$tmp/dkms/ctrmap/$upstream/build/make.log" >>"$log" 2>/dev/null; exit 1; }
		ls "$tmp/dkms/ctrmap/$upstream/$kver"/*/module/ctrmap.ko >/dev/null 2>&1 ||
			{ say "dkms left no ctrmap.ko"; exit 1; }
	)
	ok $? "dkms build (a DKMS tree of its own) builds ctrmap.ko for $kver from the package's dkms.conf"
fi

# 24. dpkg-buildpackage needs no root: as root, build again as nobody, in a
# copy of the source tree "make deb" unpacked (the tests ran above already).
if [ "$(id -u)" = 0 ]; then
	mkdir "$tmp/nonroot"
	cp -a "$out/ctrmap-$upstream" "$tmp/nonroot/"
	chown -R nobody:nogroup "$tmp/nonroot"
	(cd "$tmp/nonroot/ctrmap-$upstream" &&
		runuser -u nobody -- env HOME="$tmp/nonroot" DEB_BUILD_OPTIONS=nocheck \
			dpkg-buildpackage -us -uc -b >"$tmp/nonroot.log" 2>&1) ||
		tail -n 20 "$tmp/nonroot.log" >>"$log"
	ls "$tmp/nonroot"/*.deb >>"$log" 2>&1
	[ "$(ls "$tmp/nonroot"/*.deb 2>/dev/null | wc -l)" -ge 4 ]
	ok $? "dpkg-buildpackage -us -uc -b as an unprivileged user (nobody) builds the packages"
else
	[ -f "${deb[counterctl]}" ]
	ok $? "dpkg-buildpackage -us -uc -b as an unprivileged user ($(id -un)) built the packages"
fi

[ $fails = 0 ]
