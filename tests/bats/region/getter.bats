#!/usr/bin/env bats
# A driver that takes a region id from user space must look it up with
# ctrmap_region_get_checked(): then a user can only make it count into
# regions they may act on. The unchecked getter (checked=0) lets anybody
# write into anybody's counters: the check can fail.

load ../lib

setup() {
	require_guest
	getter=$CTRMAP_KBUILD/kmod/ctrmap_test_getter.ko
	[ -f "$getter" ] || skip "environment: no $getter: build it with make test-modules"
	modprobe ctrmap
}

teardown() {
	local rc=0
	stop_started || rc=1
	rmmod ctrmap_test_getter 2>/dev/null || true
	return $rc
}

count_through_driver() { # USER ID
	as_user "$1" sh -c "echo $2 >/dev/ctrmap_test_getter"
}

@test "the checked getter finds only regions the caller may act on" {
	insmod "$getter"
	start_target -m mmap
	attach "$TPID" "$TADDR" "$TLEN"
	run count_through_driver nobody "$RID"
	assert_failure
	assert_equal "$(counter_of "$(target_print)" 0)" 0
	# root may act on the region: the driver counts.
	echo "$RID" >/dev/ctrmap_test_getter
	assert_equal "$(counter_of "$(target_print)" 0)" 1
	# The region's owner may too, on its own region.
	TUSER=nobody TMEMLOCK=64 start_target -m mmap
	echo attach >&7
	wait_lines "$TOUT" '^attach' 1
	own=$(sed -n 's/^attached id=//p' "$TOUT")
	run count_through_driver nobody "$own"
	assert_failure	# another process of nobody's, not the owner itself
	assert_equal "$(counter_of "$(target_print)" 0)" 0
}

@test "the unchecked getter is a confused deputy (the check can fail)" {
	insmod "$getter" checked=0
	start_target -m mmap
	attach "$TPID" "$TADDR" "$TLEN"
	run count_through_driver nobody "$RID"
	assert_success
	assert_equal "$(counter_of "$(target_print)" 0)" 1
}
