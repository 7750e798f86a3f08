#!/usr/bin/env bats
# A changed Kconfig option reaches the module: the test build made by
# "make test-modules" sets CTRMAP_MAX_REGIONS=5, _PER_PROCESS=3 and drops
# the irq source. The limits are enforced with clear errors.

load ../lib

setup() {
	require_guest
	alt=$CTRMAP_KBUILD/altconfig/ctrmap.ko
	althdr=$CTRMAP_KBUILD/altconfig/ctrmap_config.h
	[ -f "$alt" ] || skip "environment: no $alt: build it with make test-modules"
	unload_module
}

teardown() {
	local rc=0
	stop_started || rc=1
	unload_module
	return $rc
}

@test "STATS reports the limits of the configuration the module was built with" {
	insmod "$alt"
	run "$CTL" -j status
	assert_success
	json=$output
	run jq -r .limits.max_regions <<<"$json"
	assert_output "$(config_value "$althdr" CONFIG_CTRMAP_MAX_REGIONS)"
	assert_output 5
	run jq -r .limits.max_regions_per_process <<<"$json"
	assert_output 3
	run jq -r '.limits.sources | join(",")' <<<"$json"
	assert_output "timer"
}

@test "the default build reports the default limits" {
	modprobe ctrmap
	run "$CTL" -j status
	assert_success
	run jq -r .limits.max_regions <<<"$output"
	assert_output "$(config_value "$TOP/module/ctrmap_config.h" CONFIG_CTRMAP_MAX_REGIONS)"
	refute_output 5
}

@test "the per-process and total region limits are enforced, and a source left out is refused" {
	insmod "$alt"
	read -r a0 r0 < <(pins)
	start_target -m mmap -p 4
	p1=$TPID a1=$TADDR
	for i in 0 1 2; do
		attach "$p1" "$(printf 0x%x $((a1 + i * 4096)))" 4096
	done
	run "$CTL" attach --pid "$p1" --addr "$(printf 0x%x $((a1 + 3 * 4096)))" --len 4096
	assert_failure 1
	assert_output --partial "Too many open files"
	assert_output --partial "max_regions_per_process"

	start_target -m mmap -p 3
	attach "$TPID" "$TADDR" 4096
	attach "$TPID" "$(printf 0x%x $((TADDR + 4096)))" 4096
	run "$CTL" attach --pid "$TPID" --addr "$(printf 0x%x $((TADDR + 8192)))" --len 4096
	assert_failure 1
	assert_output --partial "No space left on device"
	assert_output --partial "(max_regions)"
	assert_equal "$(regions_listed)" 5

	run "$CTL" bind "$RID" 0 irq:0
	assert_failure 1
	assert_output --partial "CONFIG_CTRMAP_SOURCE_IRQ"

	read -r a r < <(pins)
	assert_equal $((a - a0)) 5
	stop_started
	read -r a r < <(pins)
	assert_equal $((r - r0)) 5
}
