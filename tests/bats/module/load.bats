#!/usr/bin/env bats
# ctrmap.ko loads and unloads cleanly: the generic netlink family "ctrmap"
# (with its multicast group "monitor") is there exactly while it is loaded.

load ../lib

setup() {
	require_guest
	unload_module
}

teardown() {
	unload_module
}

# The generic netlink families the kernel has now, as nlctrl dumps them
# (iproute2's genl): a dump autoloads nothing (asking for "ctrmap" by name
# would load the module).
families() {
	genl ctrl list | sed -n 's/^Name: //p'
}

@test "modprobe loads ctrmap and registers the generic netlink family" {
	run families
	assert_success
	assert_line nlctrl	# the dump works...
	refute_line ctrmap	# ...and has no ctrmap yet
	run modprobe ctrmap
	assert_success
	run grep '^ctrmap ' /proc/modules
	assert_success
	assert_equal "$(cat /sys/module/ctrmap/version)" "$(ctrmap_version)"
	run families
	assert_line ctrmap
	run bash -c "genl ctrl list | sed -n '/^Name: ctrmap\$/,/^Name: /p'"
	assert_output --regexp 'name: monitor'
}

@test "rmmod unloads ctrmap and the family goes with it" {
	modprobe ctrmap
	run families
	assert_line ctrmap
	run rmmod ctrmap
	assert_success
	run grep '^ctrmap ' /proc/modules
	assert_failure
	[ ! -e /sys/module/ctrmap ]
	run families
	assert_success
	refute_line ctrmap
}

@test "load and unload 20 times in a row" {
	for i in $(seq 20); do
		modprobe ctrmap
		rmmod ctrmap
	done
	run grep '^ctrmap ' /proc/modules
	assert_failure
	run families
	refute_line ctrmap
}
