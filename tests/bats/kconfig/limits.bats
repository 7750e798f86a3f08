#!/usr/bin/env bats
# A changed Kconfig option reaches the module: the test build made by
# "make test-modules" sets CTRMAP_MAX_REGIONS=123 and drops the irq source.

load ../lib

setup() {
	require_guest
	alt=$CTRMAP_KBUILD/altconfig/ctrmap.ko
	[ -f "$alt" ] || skip "no $alt: build it with make test-modules"
	unload_module
}

teardown() {
	unload_module
}

@test "STATS reports the limits of the configuration the module was built with" {
	insmod "$alt"
	run "$CTL" -j status
	assert_success
	json=$output
	run jq -r .limits.max_regions <<<"$json"
	assert_output "$(config_value "$CTRMAP_KBUILD/altconfig/ctrmap_config.h" CONFIG_CTRMAP_MAX_REGIONS)"
	assert_output "123"
	run jq -r '.limits.sources | join(",")' <<<"$json"
	assert_output "timer"
}

@test "the default build reports the default limits" {
	modprobe ctrmap
	run "$CTL" -j status
	assert_success
	run jq -r .limits.max_regions <<<"$output"
	assert_output "$(config_value "$TOP/module/ctrmap_config.h" CONFIG_CTRMAP_MAX_REGIONS)"
	refute_output "123"
}
