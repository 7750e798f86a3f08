#!/usr/bin/env bats
# ctrmap.ko loads and unloads cleanly, and says so in the kernel log.

load ../lib

setup() {
	require_guest
	unload_module
}

teardown() {
	unload_module
}

@test "modprobe loads ctrmap and registers the generic netlink family" {
	run modprobe ctrmap
	assert_success
	run grep '^ctrmap ' /proc/modules
	assert_success
	run dmesg
	assert_output --partial "ctrmap: version $(ctrmap_version) loaded"
}

@test "rmmod unloads ctrmap and the family goes with it" {
	modprobe ctrmap
	run rmmod ctrmap
	assert_success
	run grep '^ctrmap ' /proc/modules
	assert_failure
	[ ! -e /sys/module/ctrmap ]
}

@test "load and unload 20 times in a row" {
	for i in $(seq 20); do
		modprobe ctrmap
		rmmod ctrmap
	done
	run grep '^ctrmap ' /proc/modules
	assert_failure
}
