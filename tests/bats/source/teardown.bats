#!/usr/bin/env bats
# Teardown under fire: sources at the minimum period (and an irq source)
# are firing while regions are detached, killed, unmapped, and while the
# module is unloaded. No splat (the harness checks dmesg), pins balanced,
# no binding left.

load ../lib

setup() {
	require_guest
	modprobe ctrmap
	IRQ=$("$TOP/tests/lib/rng-irq")
	MIN=$(config_value "$TOP/module/ctrmap_config.h" CONFIG_CTRMAP_TIMER_MIN_PERIOD_NS)
	read -r A0 R0 < <(pins)
}

teardown() {
	stop_started
}

fire() { # bind a fast timer and the irq to a fresh region; sets RID
	start_target -m mmap -p 2
	exec 7>&-
	attach "$TPID" "$TADDR" "$TLEN"
	"$CTL" bind "$RID" 0 "timer:$MIN"
	"$CTL" bind "$RID" 1 "timer:$MIN"
	[ -z "$IRQ" ] || "$CTL" bind "$RID" 2 "irq:$IRQ"
}

@test "detach, kill and munmap while sources fire, 10 rounds each" {
	( for _ in $(seq 400); do dd if=/dev/hwrng of=/dev/null bs=64 count=10 2>/dev/null; done ) &
	STARTED_PIDS+=" $!"
	for round in $(seq 10); do
		fire
		"$CTL" detach "$RID"
		fire
		kill -9 "$TPID"
		start_target -m mmap
		attach "$TPID" "$TADDR" "$TLEN"
		"$CTL" bind "$RID" 0 "timer:$MIN"
		target_cmd munmap
	done
	stop_started
	assert_equal "$(regions_listed)" 0
	run "$CTL" -j status
	assert_equal "$(jq -r .bindings <<<"$output")" 0
	read -r a r < <(pins)
	assert_equal $((r - R0)) $((a - A0))
}

@test "unload with bindings active" {
	fire
	fire
	run rmmod ctrmap
	assert_success
	read -r a r < <(pins)
	assert_equal $((r - R0)) $((a - A0))
}
