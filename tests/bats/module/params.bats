#!/usr/bin/env bats
# The limits, the timer budget and attach_scope can be set at load time
# (options ctrmap ... in /etc/modprobe.d): STATS reports what is in force,
# and a bad value refuses the load with a message in the kernel log.

load ../lib

setup() {
	require_guest
	unload_module
}

teardown() {
	[ -z "${CONF:-}" ] || rm -f "$CONF"
	unload_module
}

@test "module parameters override the Kconfig defaults and STATS shows them" {
	modprobe ctrmap max_regions=100 max_regions_per_process=7 \
		max_regions_per_user=50 max_region_pages=16 max_bindings=9 \
		max_bindings_per_user=33 timer_min_period_ns=500000 \
		timer_budget=1234 attach_scope=2
	run "$CTL" -j status
	assert_success
	assert_equal "$(jq -c '.limits | del(.sources, .timer_max_period_ns)' <<<"$output")" \
		'{"max_regions":100,"max_regions_per_process":7,"max_region_pages":16,"max_bindings":9,"timer_min_period_ns":500000,"max_regions_per_user":50,"max_bindings_per_user":33,"timer_budget":1234,"attach_scope":2}'
	assert_equal "$(cat /sys/module/ctrmap/parameters/timer_budget)" 1234
	run "$CTL" status
	assert_output --partial "timer budget per user:   1234 expiries/s"
	# And they are enforced: a region of 17 pages is too large.
	start_target -m mmap -p 17
	run "$CTL" attach --pid "$TPID" --addr "$TADDR" --len "$TLEN"
	assert_failure 1
	assert_output --partial "max_region_pages"
	stop_started
}

@test "a bad value refuses the load, naming the parameter in the kernel log" {
	for bad in attach_scope=4 max_regions=0 max_region_pages=2049 \
		timer_min_period_ns=999 timer_budget=0 \
		"max_regions=10 max_regions_per_user=0"; do
		run modprobe ctrmap $bad
		assert_failure
		refute module_loaded
		param=${bad##* }
		run dmesg
		assert_output --regexp "ctrmap: module parameter ${param%%=*}=${param#*=} is out of range"
	done
	# The defaults still load.
	modprobe ctrmap
	module_loaded
}

@test "the README's modprobe.d example sets what it says" {
	block=$(awk '/^\*\*Changing them\.\*\*/ { s = 1 } s && /^```sh$/ { b = 1; next }
		b && /^```$/ { exit } b' "$TOP/README.md")
	[[ $block == *"/etc/modprobe.d/ctrmap.conf"* ]]
	CONF=/etc/modprobe.d/ctrmap.conf
	[ ! -e "$CONF" ]	# the guest's own: none
	opts=$(sed -n 's/.*"options ctrmap \(.*\)".*/\1/p' <<<"$block")
	[ -n "$opts" ]
	modprobe ctrmap
	run bash -c "$block"
	assert_success
	run "$CTL" -j status
	assert_success
	for kv in $opts; do
		assert_equal "${kv%%=*}=$(jq -r ".limits.${kv%%=*}" <<<"$output")" "$kv"
	done
}
