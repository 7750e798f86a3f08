#!/bin/bash
# ctrmap.ko compiles without a warning against each supported kernel's
# headers: bookworm's 6.1 (and its PREEMPT_RT flavour) and
# bookworm-backports' 6.12 (tests/lib/kernel-headers: no kernel installed
# here). Build only; TAP output.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1

# The headers package a metapackage depends on: its candidate version, or
# the newest one from SUITE.
headers_of() { # META [SUITE]
	local ver
	if [ -n "${2:-}" ]; then
		ver=$(apt-cache madison "$1" | awk -v s="$2/" '$0 ~ s { print $3 }' | sort -V | tail -n1)
	else
		ver=$(apt-cache policy "$1" | awk '/Candidate:/ { print $2 }')
	fi
	[ -n "$ver" ] && apt-cache show "$1=$ver" 2>/dev/null |
		sed -n 's/^Depends: \(linux-headers-[^ ,]*\).*/\1/p' | head -n1
}

"$top/tests/lib/apt-suite" bookworm-backports >/dev/null
want=("$(headers_of linux-headers-amd64)" "$(headers_of linux-headers-rt-amd64)"
	"$(headers_of linux-headers-amd64 bookworm-backports)")

echo "1..${#want[@]}"
n=0
fails=0
for pkg in "${want[@]}"; do
	n=$((n + 1))
	if [ -z "$pkg" ]; then
		echo "not ok $n - cannot resolve a headers package"
		fails=$((fails + 1))
		continue
	fi
	kver=${pkg#linux-headers-}
	log=$top/build/kernels-$kver.log
	mkdir -p "$top/build"
	if kdir=$("$top/tests/lib/kernel-headers" "$kver" 2>"$log") &&
	   make -C "$top" modules KVER="$kver" KDIR="$kdir" O_MOD="$top/build/check-$kver" >"$log" 2>&1 &&
	   ! grep -E 'warning:|error:' "$log" >/dev/null; then
		echo "ok $n - builds without warnings against $kver"
	else
		{ grep -E -B2 -A4 "warning:|error:" "$log" || tail -n 20 "$log"; } | head -n 40 | sed "s/^/# /"
		echo "not ok $n - builds without warnings against $kver (see $log)"
		fails=$((fails + 1))
	fi
done
[ $fails = 0 ]
