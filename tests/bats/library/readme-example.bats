#!/usr/bin/env bats
# The README's example program compiles against libctrmap and does what the
# README says: a process attaches its own memory, unprivileged.

load ../lib

setup() {
	require_guest
	modprobe ctrmap
}

@test "the README's example attaches itself and reads its counter" {
	awk '/^#include <ctrmap\/ctrmap.h>/,/^}$/' "$TOP/README.md" >"$BATS_TEST_TMPDIR/example.c"
	[ -s "$BATS_TEST_TMPDIR/example.c" ]
	run cc -Wall -Werror -I"$TOP/libctl/include" \
		-o "$BATS_TEST_TMPDIR/example" "$BATS_TEST_TMPDIR/example.c" \
		-L"$TOP/libctl" -lctrmap
	assert_success
	# Somewhere an unprivileged user can reach (bats' directories are 0700).
	exe=$(mktemp /tmp/ctrmap-example.XXXXXX)
	cp "$BATS_TEST_TMPDIR/example" "$exe"
	chmod 755 "$exe"
	read -r a0 r0 < <(pins)
	run as_user nobody "$exe"
	rm -f "$exe"
	assert_success
	assert_output --regexp '^region [0-9]+, counter 0 = 5$'
	# It exited: the region went with it, every pin back.
	wait_no_regions
	assert_equal "$(regions_listed)" 0
	read -r a r < <(pins)
	assert_equal $((r - r0)) $((a - a0))
	assert_equal $((a - a0)) 1
}

@test "libctrmap(3)'s example builds as the page says and reads its counter" {
	sed -n '/^\.SH EXAMPLES/,/^\.SH /p' "$TOP/libctl/libctrmap.3" |
		awk '/^\.EX/ { n++; b = 1; next } /^\.EE/ { b = 0; next } b && n == 1' |
		sed 's/\\en/\\n/g; s/\\-/-/g' >"$BATS_TEST_TMPDIR/example.c"
	grep -q '^int main' "$BATS_TEST_TMPDIR/example.c"
	run cc -Wall -Werror -I"$TOP/libctl/include" \
		-o "$BATS_TEST_TMPDIR/example" "$BATS_TEST_TMPDIR/example.c" \
		-L"$TOP/libctl" -lctrmap
	assert_success
	run "$BATS_TEST_TMPDIR/example"
	assert_success
	assert_output --regexp '^region [0-9]+, counter 0 = 5$'
}
