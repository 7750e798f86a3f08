#!/usr/bin/env bats
# The security model: a process may attach its own memory, charged to its
# RLIMIT_MEMLOCK; acting on another process needs CAP_SYS_PTRACE over it;
# nobody sees what they may not act on; PFNs are for CAP_SYS_ADMIN.

load ../lib

setup() {
	require_guest
	modprobe ctrmap
	read -r A0 R0 < <(pins)
}

teardown() {
	stop_started
}

vmpin_kb() { # PID
	awk '/^VmPin:/ { print $2 }' "/proc/$1/status"
}

@test "an unprivileged process attaches its own memory and is charged for it" {
	TUSER=nobody TMEMLOCK=64
	start_target -m mmap -p 2
	assert_equal "$(awk '/^Uid:/ { print $2 }' "/proc/$TPID/status")" "$(id -u nobody)"
	assert_equal "$(vmpin_kb "$TPID")" 0
	echo attach >&7
	wait_lines "$TOUT" '^attach' 1
	run grep '^attach' "$TOUT"
	assert_output --regexp '^attached id=[0-9]+$'
	assert_equal "$(vmpin_kb "$TPID")" 8
	read -r a r < <(pins)
	assert_equal $((a - A0)) 2
	rid=$(sed -n 's/^attached id=//p' "$TOUT")
	"$CTL" add "$rid" 1 6
	line=$(target_print)
	assert_equal "$(counter_of "$line" 1)" 6
	"$CTL" detach "$rid"
	assert_equal "$(vmpin_kb "$TPID")" 0
}

@test "exceeding RLIMIT_MEMLOCK is refused with a message, nothing pinned" {
	TUSER=nobody TMEMLOCK=4
	start_target -m mmap -p 2
	echo attach >&7
	wait_lines "$TOUT" '^attach' 1
	run grep '^attach' "$TOUT"
	assert_output --regexp "^attach-error errno=$(errno_of ENOMEM) msg=.*RLIMIT_MEMLOCK"
	assert_equal "$(vmpin_kb "$TPID")" 0
	read -r a r < <(pins)
	assert_equal "$a $r" "$A0 $R0"
	assert_equal "$(regions_listed)" 0
}

@test "attaching another user's process needs CAP_SYS_PTRACE" {
	TUSER=nobody
	start_target -m mmap
	run as_user daemon "$CTL" attach --pid "$TPID" --addr "$TADDR" --len "$TLEN"
	assert_failure 1
	assert_output --partial "CAP_SYS_PTRACE"
	# Same user, another process: still not its own memory.
	run as_user nobody "$CTL" attach --pid "$TPID" --addr "$TADDR" --len "$TLEN"
	assert_failure 1
	assert_output --partial "CAP_SYS_PTRACE"
	read -r a r < <(pins)
	assert_equal "$a $r" "$A0 $R0"
	# root has CAP_SYS_PTRACE; the pages are charged to the target.
	attach "$TPID" "$TADDR" "$TLEN"
	assert_equal "$(vmpin_kb "$TPID")" 4
}

@test "others' regions are invisible and untouchable without privilege" {
	start_target -m mmap
	attach "$TPID" "$TADDR" "$TLEN"
	run as_user daemon "$CTL" -j list
	assert_success
	assert_output "[]"
	run as_user daemon "$CTL" show "$RID"
	assert_failure 1
	assert_output --partial "no such region"
	run as_user daemon "$CTL" add "$RID" 0 1
	assert_failure 1
	run as_user daemon "$CTL" detach "$RID"
	assert_failure 1
	assert_equal "$(regions_listed)" 1
	line=$(target_print)
	assert_equal "$(counter_of "$line" 0)" 0
}

@test "page frame numbers need CAP_SYS_ADMIN" {
	start_target -m mmap
	attach "$TPID" "$TADDR" "$TLEN"
	run as_user daemon "$CTL" show -v "$RID"
	assert_failure 1
	assert_output --partial "CAP_SYS_ADMIN"
	run "$CTL" -j show -v "$RID"
	assert_success
}
