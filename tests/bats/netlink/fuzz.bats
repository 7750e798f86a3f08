#!/usr/bin/env bats
# The netlink fuzzer (tests/fuzz), bounded: valid-shaped messages mutated
# from the uapi plus random ones, as root and as an unprivileged user. It
# fails on anything an unprivileged caller could create or change beyond
# its own regions, on any state left behind, on a malformed reply, and on a
# run that changed nothing (a floor of successful ATTACH, BIND and ADD); the
# harness fails the run on any kernel splat.

load ../lib

FUZZ=$TOP/tests/fuzz/ctrmap-fuzz

setup() {
	require_guest
	modprobe ctrmap
	[ -x "$FUZZ" ] || skip "environment: no $FUZZ: make -C tests/fuzz"
}

@test "fuzz as root: 20000 messages, nothing left behind" {
	read -r a0 r0 < <(pins)
	run "$FUZZ" --seed 1 --count 20000
	echo "$output" | tail -n 3 >&2
	assert_success
	assert_line "fuzz: PASS"
	read -r a r < <(pins)
	assert_equal $((r - r0)) $((a - a0))
	# Balanced, and not because nothing was pinned.
	[ $((a - a0)) -gt 0 ]
}

@test "fuzz as nobody: 20000 messages, no privilege gained" {
	exe=$(mktemp /tmp/ctrmap-fuzz.XXXXXX)
	cp "$FUZZ" "$exe"
	chmod 755 "$exe"
	read -r a0 r0 < <(pins)
	run "$exe" --seed 2 --count 20000 --user nobody
	rm -f "$exe"
	echo "$output" | tail -n 3 >&2
	assert_success
	assert_line "fuzz: PASS"
	read -r a r < <(pins)
	assert_equal $((r - r0)) $((a - a0))
	# Balanced, and not because nothing was pinned.
	[ $((a - a0)) -gt 0 ]
}

@test "a fuzz run that reached no ATTACH, BIND and ADD fails" {
	# One message can succeed at one command at most.
	run "$FUZZ" --seed 3 --count 1
	echo "$output" | tail -n 5 >&2
	assert_failure 1
	assert_line --regexp "^fuzz: only 0 successful (ATTACH|BIND|ADD) of [0-9]+ sent, fewer than the floor of 1$"
	assert_line "fuzz: FAIL"
}
