#!/usr/bin/env bats
# Memory overhead: attach, bind, add, detach cycles leave no kernel memory
# behind. tests/bench/ctrmap-overhead counts every slab cache's objects
# exactly (after shrinking the caches; vmalloc's own vmap_area cache aside,
# which keeps freed areas for reuse since 6.9) and ctrmap's vmap areas in
# /proc/vmallocinfo. tests/bench/overhead runs 10^4 cycles and prints what
# a region costs; the suite runs fewer (TCG is slow), which still shows a
# leak of one object per cycle (CYCLES more objects in one cache).

load ../lib

OVH=$TOP/tests/bench/ctrmap-overhead

setup() {
	require_guest
	modprobe ctrmap
	[ -x "$OVH" ] || skip "environment: no $OVH: make -C tests/bench"
}

@test "1000 attach/bind/detach cycles leave no slab object and no vmap area behind" {
	read -r a0 r0 < <(pins)
	run "$OVH" -n 1000 -w 100 -r 100 -c
	echo "$output" >&2
	assert_success
	assert_line "overhead: PASS"
	assert_pins_returned "$a0" "$r0" 1000	# a page or more a cycle
}

@test "the check can fail: cycles that leave their region attached are caught" {
	run "$OVH" -n 50 -w 10 -r 10 -c -L
	echo "$output" >&2
	assert_failure
	assert_line "overhead: FAIL"
	assert_line --partial "FAIL: a slab cache grew by"
	assert_equal "$(regions_listed)" 0
}
