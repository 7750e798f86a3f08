#!/usr/bin/env bats
# Per-user accounting: pinned pages are charged to the requesting user's
# locked memory against their RLIMIT_MEMLOCK (fork cannot multiply it), and
# per-user caps on regions and bindings keep one user from taking what the
# module has for everybody. STATS shows the caller's own usage.

load ../lib

setup() {
	require_guest
	unload_module
	read -r A0 R0 < <(pins)
}

teardown() {
	local rc=0
	stop_started || rc=1
	unload_module
	return $rc
}

usage_of() { # USER FIELD [MEMLOCK_KB]
	(
		[ -n "${3:-}" ] && ulimit -l "$3"
		as_user "$1" "$CTL" -j status
	) | jq -r ".usage.$2"
}

@test "8 processes of one user, each attaching itself, stay within one RLIMIT_MEMLOCK in total" {
	modprobe ctrmap
	# 64 KiB: 16 pages for the user, whatever number of processes.
	for i in 1 2 3 4 5 6 7 8; do
		TUSER=nobody TMEMLOCK=64 start_target -m mmap -p 4
		echo attach >&7
		wait_lines "$TOUT" '^attach' 1
		grep '^attach' "$TOUT" >>"$BATS_TEST_TMPDIR/results"
	done
	run grep -c '^attached' "$BATS_TEST_TMPDIR/results"
	assert_output 4
	run grep -c "^attach-error errno=$(errno_of ENOMEM) msg=.*RLIMIT_MEMLOCK" "$BATS_TEST_TMPDIR/results"
	assert_output 4
	read -r a r < <(pins)
	assert_equal $((a - A0)) 16
	assert_equal "$(usage_of nobody pinned_pages)" 16
	assert_equal "$(usage_of nobody regions)" 4
	assert_equal "$(usage_of nobody memlock_limit_pages 64)" 16
	assert_equal "$(usage_of nobody locked_pages)" 16
	# Another user is charged nothing.
	assert_equal "$(usage_of daemon pinned_pages)" 0
	# Giving a region back lets the user pin again.
	stop_started
	assert_equal "$(usage_of nobody locked_pages)" 0
	TUSER=nobody TMEMLOCK=64 start_target -m mmap -p 4
	echo attach >&7
	wait_lines "$TOUT" '^attach' 1
	run grep '^attach' "$TOUT"
	assert_output --regexp '^attached id=[0-9]+$'
}

@test "a second user can still attach after the first reached max_regions_per_user" {
	modprobe ctrmap max_regions=4 max_regions_per_user=2
	run "$CTL" -j status
	assert_equal "$(jq -r .limits.max_regions_per_user <<<"$output")" 2
	for i in 1 2 3; do
		TUSER=nobody start_target -m mmap
		echo attach >&7
		wait_lines "$TOUT" '^attach' 1
	done
	run grep '^attach' "$TOUT"
	assert_output --regexp "^attach-error errno=$(errno_of EDQUOT) msg=.*max_regions_per_user"
	assert_equal "$(usage_of nobody regions)" 2
	TUSER=daemon start_target -m mmap
	echo attach >&7
	wait_lines "$TOUT" '^attach' 1
	run grep '^attach' "$TOUT"
	assert_output --regexp '^attached id=[0-9]+$'
	assert_equal "$(regions_listed)" 3
}

@test "bindings beyond max_bindings_per_user are refused, across regions" {
	modprobe ctrmap max_bindings_per_user=2
	TUSER=nobody TMEMLOCK=64 start_target -m mmap
	echo attach >&7
	echo "bind 0 timer:1s" >&7
	echo "bind 1 timer:1s" >&7
	wait_lines "$TOUT" '^(bind|bound)' 2
	TUSER=nobody TMEMLOCK=64 start_target -m mmap
	echo attach >&7
	echo "bind 0 timer:1s" >&7
	wait_lines "$TOUT" '^(bind|bound)' 1
	run grep -E '^(bind|bound)' "$TOUT"
	assert_output --regexp "^bind-error errno=$(errno_of EDQUOT) msg=.*max_bindings_per_user"
	# root has a cap of its own.
	rid=$(sed -n 's/^attached id=//p' "$TOUT")
	run "$CTL" bind "$rid" 0 timer:1s
	assert_success
	assert_equal "$(usage_of nobody bindings)" 2
}
