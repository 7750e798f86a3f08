#!/bin/bash
# The packages installed the way a user installs them: "make deb" builds
# version N, a copy of its source with a bumped debian/changelog builds
# N+1, and a guest booted from a plain Debian bookworm root
# (tests/lib/bookworm-root) installs, uses, upgrades and purges them with
# apt (tests/deb/in-guest). Runs on the host as root; TAP output.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

version=$(dpkg-parsechangelog -l debian/changelog -SVersion)
upstream=${version%-*}
next=${upstream%.*}.$((${upstream##*.} + 1))
out=build/deb
nextout=build/deb-next

[ -f "$out/ctrmap-dkms_${version}_all.deb" ] || make -s deb >build/deb.log 2>&1 ||
	{ tail -n 30 build/deb.log >&2; exit 1; }

# N+1: the same source, one more changelog entry, nothing else changed.
rm -rf "$nextout"
mkdir -p "$nextout"
cp -a "$out/ctrmap-$upstream" "$nextout/ctrmap-$next"
(
	cd "$nextout/ctrmap-$next"
	trailer=$(grep -m1 '^ -- ' debian/changelog | sed 's/>  .*/>/')
	{
		echo "ctrmap ($next-1) unstable; urgency=medium"
		echo
		echo "  * Upgrade test: the same source as $version."
		echo
		echo "$trailer  $(date -R)"
		echo
		cat debian/changelog
	} >debian/changelog.new
	mv debian/changelog.new debian/changelog
	DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b -Jauto
) >build/deb-next.log 2>&1 || { tail -n 30 build/deb-next.log >&2; exit 1; }

root=$(tests/lib/bookworm-root)
make -s -C tests/tools
exec tests/vm/run --root "$root" --timeout 1500 -- \
	tests/deb/in-guest "$top/$out" "$top/$nextout"
