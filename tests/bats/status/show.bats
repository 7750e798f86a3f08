#!/usr/bin/env bats
# counterctl status: the module's version, figures and configured limits.

load ../lib

setup() {
	require_guest
	unload_module
}

teardown() {
	unload_module
}

@test "counterctl status autoloads the module (no modprobe)" {
	run module_loaded
	assert_failure
	run "$CTL" status
	assert_success
	run module_loaded
	assert_success
}

@test "counterctl status prints the version and the limits" {
	run "$CTL" status
	assert_success
	assert_output --partial "$(ctrmap_version)"
	assert_output --partial "$(config_value "$TOP/module/ctrmap_config.h" CONFIG_CTRMAP_MAX_REGION_PAGES)"
}

@test "counterctl -j status is JSON with the version and the Kconfig limits" {
	h=$TOP/module/ctrmap_config.h
	run "$CTL" -j status
	assert_success
	json=$output
	run jq -e . <<<"$json"
	assert_success
	run jq -r .version <<<"$json"
	assert_output "$(ctrmap_version)"
	run jq -r .limits.max_regions <<<"$json"
	assert_output "$(config_value "$h" CONFIG_CTRMAP_MAX_REGIONS)"
	run jq -r .limits.max_regions_per_process <<<"$json"
	assert_output "$(config_value "$h" CONFIG_CTRMAP_MAX_REGIONS_PER_PROCESS)"
	run jq -r .limits.max_region_pages <<<"$json"
	assert_output "$(config_value "$h" CONFIG_CTRMAP_MAX_REGION_PAGES)"
	run jq -r .limits.max_bindings <<<"$json"
	assert_output "$(config_value "$h" CONFIG_CTRMAP_MAX_BINDINGS)"
	run jq -r .limits.timer_min_period_ns <<<"$json"
	assert_output "$(config_value "$h" CONFIG_CTRMAP_TIMER_MIN_PERIOD_NS)"
	run jq -r '.limits.sources | join(",")' <<<"$json"
	assert_output "timer,irq"
	run jq -r '[.regions, .pinned_pages, .attaches] | join(",")' <<<"$json"
	assert_output "0,0,0"
}

@test "counterctl --version and --help" {
	run "$CTL" --version
	assert_success
	assert_output --partial "$(ctrmap_version)"
	run "$CTL" --help
	assert_success
	assert_output --partial "status"
	run "$CTL" status --help
	assert_success
}

@test "counterctl --version names the module's version while it is loaded, and does not load it" {
	run "$CTL" --version
	assert_success
	assert_output "counterctl $(ctrmap_version)
libctrmap $(ctrmap_version)
ctrmap module not loaded"
	run module_loaded
	assert_failure
	modprobe ctrmap
	run "$CTL" -j --version
	assert_success
	assert_equal "$(jq -r .module <<<"$output")" "$(cat /sys/module/ctrmap/version)"
	assert_equal "$(jq -r .module <<<"$output")" "$(ctrmap_version)"
}

@test "counterctl with an unknown command is a usage error (exit 2)" {
	run "$CTL" frobnicate
	assert_failure 2
	assert_output --partial "frobnicate"
}
