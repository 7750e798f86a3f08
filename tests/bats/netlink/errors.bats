#!/usr/bin/env bats
# The family refuses what it does not understand, and says why.

load ../lib

setup() {
	require_guest
	modprobe ctrmap
}

@test "an unknown command is refused with EOPNOTSUPP" {
	run "$NLRAW" 200
	assert_failure 1
	assert_output --partial "errno=$(errno_of EOPNOTSUPP)"
}

@test "STATS with an attribute it does not take: EINVAL and the kernel's message" {
	run "$NLRAW" $CTRMAP_CMD_STATS $CTRMAP_A_REGION_ID:u32:1
	assert_failure 1
	assert_output --partial "errno=$(errno_of EINVAL)"
	assert_line --regexp '^msg=.+'
}

@test "an attribute type beyond the family's range is refused with a message" {
	run "$NLRAW" $CTRMAP_CMD_STATS 250:u32:1
	assert_failure 1
	assert_output --partial "errno=$(errno_of EINVAL)"
	assert_line --regexp '^msg=.+'
}

@test "STATS without attributes succeeds" {
	run "$NLRAW" $CTRMAP_CMD_STATS
	assert_success
	assert_output "ok"
}
