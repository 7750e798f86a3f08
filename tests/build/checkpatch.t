#!/bin/bash
# Kernel code follows kernel style: checkpatch.pl --strict, from the newest
# kernel Debian has, is quiet on every module source. The headers packages
# lack checkpatch: it comes from the newest linux-source in sid and in the
# stable release's backports (whichever carries the higher version: new
# checks arrive there first), found with apt on a private package list (the
# machine's mirror, its own apt state untouched) and extracted once per
# version into $CTRMAP_CACHE/checkpatch/.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. "$top/tests/lib/roots.bash"
cache=${CTRMAP_CACHE:-/var/cache/ctrmap}/checkpatch

# Prints the directory holding scripts/checkpatch.pl of the newest kernel.
newest_checkpatch() {
	local apt=$cache/apt d o ver pkg deb
	roots_private_apt "$apt" sid "$(roots_extra_suites trixie)" || return 1
	o=("${roots_papt[@]}")
	# The linux-source metapackage's newest version, and the package it
	# depends on (linux-source-X.Y).
	ver=$(apt-cache "${o[@]}" madison linux-source | awk '{ print $3 }' | sort -V | tail -n 1)
	[ -n "$ver" ] || { echo "no linux-source in sid or backports" >&2; return 1; }
	pkg=$(apt-cache "${o[@]}" show "linux-source=$ver" | roots_dep_named linux-source-)
	d=$cache/$pkg-$ver
	if [ ! -f "$d/scripts/checkpatch.pl" ]; then
		rm -rf "$d" && mkdir -p "$d" || return 1
		(cd "$apt" && rm -f ./*.deb && apt-get "${o[@]}" download "$pkg=$ver") >>"$apt/apt.log" 2>&1 ||
			{ tail -n 5 "$apt/apt.log" >&2; return 1; }
		deb=$(ls "$apt"/"$pkg"_*.deb)
		dpkg-deb --fsys-tarfile "$deb" |
			tar -xO --wildcards "./usr/src/$pkg.tar.*" |
			tar -xJf - -C "$d" --strip-components=1 --wildcards \
				'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
				'*/scripts/const_structs.checkpatch' || return 1
		rm -f "$deb"
	fi
	echo "$d"
}

echo "1..2"
if ! dir=$(newest_checkpatch); then
	echo "not ok 1 - checkpatch.pl of the newest kernel (see above)"
	echo "not ok 2 - checkpatch.pl of the newest kernel (see above)"
	exit 1
fi
cp=$dir/scripts/checkpatch.pl
from=$(basename "$dir")
files=$(git ls-files 'module/*.c' 'module/*.h' 'tests/kmod/*.c' | grep -v '^module/compat/')
compat=$(git ls-files 'module/compat/*.h' 'module/compat/*.c')
out=$("$cp" --no-tree --strict --terse --show-types -f $files 2>&1 | grep -v '^total:')
if [ -z "$out" ]; then echo "ok 1 - checkpatch --strict ($from) is quiet on the module"; else
	echo "$out" | sed 's/^/# /'; echo "not ok 1 - checkpatch --strict ($from) is quiet on the module"; fi
# Version checks are what compat/ is for.
out=$("$cp" --no-tree --strict --terse --show-types --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON \
	-f $compat 2>&1 | grep -v '^total:')
if [ -z "$out" ]; then echo "ok 2 - checkpatch --strict ($from) is quiet on module/compat"; else
	echo "$out" | sed 's/^/# /'; echo "not ok 2 - checkpatch --strict ($from) is quiet on module/compat"; fi
