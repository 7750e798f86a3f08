#!/usr/bin/env bats
# Who may attach another process (module parameter attach_scope), checked
# against the user namespace that owns the target's memory and the
# target's dumpability, as ptrace would, never weaker. Every refusal is
# EPERM with a message naming the rule and the parameter, and pins nothing.

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

load_scope() { # N
	modprobe ctrmap attach_scope="$1"
	run "$CTL" -j status
	assert_equal "$(jq -r .limits.attach_scope <<<"$output")" "$1"
}

# A refusal of "counterctl attach" (run by the caller), nothing pinned.
assert_attach_refused() { # REGEX
	assert_failure 1
	assert_output --partial "Operation not permitted"
	assert_output --regexp "$1"
	read -r a r < <(pins)
	assert_equal "$a $r" "$A0 $R0"
}

@test "a container's owner cannot attach a host helper that joined the container, under every attach_scope" {
	# nobody's user namespace: a rootless container.
	# Not as_user: a function in the background would be a subshell of
	# its own, and $! its pid, not the namespace's.
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups -- \
		unshare -U -r sleep 600 &
	ns=$!
	STARTED_PIDS+=" $ns"
	for ((i = 0; i < 100; i++)); do
		[ "$(readlink /proc/$ns/ns/user)" != "$(readlink /proc/self/ns/user)" ] && break
		sleep 0.05
	done
	assert_not_equal "$(readlink /proc/$ns/ns/user)" "$(readlink /proc/self/ns/user)"
	for scope in 0 1 2 3; do
		load_scope $scope
		# root enters it, as runc exec or lxc-attach do, and starts a
		# non-dumpable helper there.
		TWRAP="nsenter -t $ns -U --preserve-credentials --" start_target -m mmap
		target_cmd nodump
		run as_user nobody "$CTL" attach --pid "$TPID" --addr "$TADDR" --len "$TLEN"
		assert_attach_refused "attach_scope"
		run as_user nobody "$CTL" list
		refute_output --partial "$TPID"
		kill -9 "$TPID"
		unload_module
	done
}

@test "attach_scope=1 (default): root in a user namespace of its own cannot attach a process outside it" {
	load_scope 1
	start_target -m mmap
	run unshare -U -r "$CTL" attach --pid "$TPID" --addr "$TADDR" --len "$TLEN"
	assert_attach_refused "CAP_SYS_PTRACE.*attach_scope=1"
	# The owner of the process, without capabilities, cannot either.
	TUSER=nobody start_target -m mmap
	run as_user nobody "$CTL" attach --pid "$TPID" --addr "$TADDR" --len "$TLEN"
	assert_attach_refused "attach_scope=1"
	# root (CAP_SYS_PTRACE in the initial namespace) can.
	attach "$TPID" "$TADDR" "$TLEN"
}

@test "a non-dumpable process is refused even to its owner, unless CAP_SYS_PTRACE in the initial namespace" {
	for scope in 0 1; do
		load_scope $scope
		read -r A0 R0 < <(pins)
		TUSER=nobody start_target -m mmap
		target_cmd nodump
		run as_user nobody "$CTL" attach --pid "$TPID" --addr "$TADDR" --len "$TLEN"
		assert_attach_refused "not dumpable.*attach_scope"
		# The process itself may.
		echo attach >&7
		wait_lines "$TOUT" '^attach' 1
		run grep '^attach' "$TOUT"
		assert_output --regexp '^attached id=[0-9]+$'
		stop_started
		unload_module
	done
	load_scope 1
	start_target -m mmap
	target_cmd nodump
	attach "$TPID" "$TADDR" "$TLEN"
}

@test "attach_scope=0: the owner attaches its own dumpable process, not another user's" {
	load_scope 0
	TUSER=nobody start_target -m mmap
	run as_user daemon "$CTL" attach --pid "$TPID" --addr "$TADDR" --len "$TLEN"
	assert_attach_refused "real UID and GID.*attach_scope=0"
	run as_user nobody "$CTL" -j attach --pid "$TPID" --addr "$TADDR" --len "$TLEN"
	assert_success
	rid=$(jq -r .id <<<"$output")
	run as_user nobody "$CTL" add "$rid" 0 7
	assert_success
	assert_equal "$(counter_of "$(target_print)" 0)" 7
	# Every command on the region follows the same rule: once the
	# process is not dumpable, its owner cannot see or touch the region.
	target_cmd nodump
	run as_user nobody "$CTL" add "$rid" 0 1
	assert_failure 1
	assert_output --partial "no such region"
	run as_user nobody "$CTL" -j list
	assert_output "[]"
	assert_equal "$(counter_of "$(target_print)" 0)" 7
}

@test "attach_scope=2: CAP_SYS_PTRACE in the initial user namespace only" {
	load_scope 2
	TUSER=nobody start_target -m mmap
	run as_user nobody "$CTL" attach --pid "$TPID" --addr "$TADDR" --len "$TLEN"
	assert_attach_refused "initial user namespace.*attach_scope=2"
	attach "$TPID" "$TADDR" "$TLEN"
}

@test "attach_scope=3: not even root attaches another process; a process still attaches itself" {
	load_scope 3
	start_target -m mmap
	run "$CTL" attach --pid "$TPID" --addr "$TADDR" --len "$TLEN"
	assert_attach_refused "attach_scope=3"
	echo attach >&7
	wait_lines "$TOUT" '^attach' 1
	run grep '^attach' "$TOUT"
	assert_output --regexp '^attached id=[0-9]+$'
	# The rule covers every command on the region: root cannot touch it.
	rid=$(sed -n 's/^attached id=//p' "$TOUT")
	run "$CTL" add "$rid" 0 1
	assert_failure 1
}
