#!/usr/bin/env bats
# timer:PERIOD counts elapsed periods from hard-IRQ context; the oracle is
# the guest's CLOCK_MONOTONIC around the bind and the unbind.

load ../lib

MONO=$TOP/tests/tools/mono

setup() {
	require_guest
	modprobe ctrmap
}

teardown() {
	stop_started
}

@test "timer:1ms counts the elapsed periods, and unbind stops it" {
	start_target -m mmap
	attach "$TPID" "$TADDR" "$TLEN"
	p=1000000
	t0=$("$MONO")
	"$CTL" bind "$RID" 2 timer:1ms
	t1=$("$MONO")
	sleep 2
	t2=$("$MONO")
	"$CTL" unbind "$RID" 2
	t3=$("$MONO")
	c=$(counter_of "$(target_print)" 2)
	# Bound between t0 and t1, unbound between t2 and t3: the count is
	# the periods in between, within one period plus that skew.
	lo=$(((t2 - t1) / p - 1))
	hi=$(((t3 - t0) / p + 1))
	echo "counter $c, expected $lo..$hi" >&2
	[ "$c" -ge "$lo" ]
	[ "$c" -le "$hi" ]
	sleep 0.3
	assert_equal "$(counter_of "$(target_print)" 2)" "$c"
}

@test "list and status show the binding while it exists" {
	start_target -m mmap
	attach "$TPID" "$TADDR" "$TLEN"
	"$CTL" bind "$RID" 0 timer:250us
	"$CTL" bind "$RID" 5 timer:2s
	run "$CTL" -j list
	assert_equal "$(jq -r '.[0].bindings | map("\(.index)=\(.source)") | join(",")' <<<"$output")" \
		"0=timer:250us,5=timer:2s"
	run "$CTL" list
	assert_output --partial "0=timer:250us,5=timer:2s"
	run "$CTL" -j status
	assert_equal "$(jq -r .bindings <<<"$output")" 2
	"$CTL" unbind "$RID" 0
	run "$CTL" -j status
	assert_equal "$(jq -r .bindings <<<"$output")" 1
	"$CTL" detach "$RID"
	run "$CTL" -j status
	assert_equal "$(jq -r .bindings <<<"$output")" 0
}

@test "bad binds: each a clear error, nothing changed" {
	start_target -m mmap
	attach "$TPID" "$TADDR" "$TLEN"
	min=$(config_value "$TOP/module/ctrmap_config.h" CONFIG_CTRMAP_TIMER_MIN_PERIOD_NS)
	run "$CTL" bind "$RID" 0 timer:$((min - 1))
	assert_failure 1
	assert_output --partial "timer_min_period_ns"
	run "$CTL" bind "$RID" 0 timer:0
	assert_failure 2
	run "$CTL" bind "$RID" 0 frob:1
	assert_failure 2
	run "$CTL" bind "$RID" 0 irq:100000
	assert_failure 1
	assert_output --partial "no such IRQ"
	run "$CTL" bind "$RID" 504 timer:1ms
	assert_failure 1
	assert_output --partial "index past"
	"$CTL" bind "$RID" 1 timer:1ms
	run "$CTL" bind "$RID" 1 timer:2ms
	assert_failure 1
	assert_output --partial "bound already"
	run "$CTL" unbind "$RID" 3
	assert_failure 1
	assert_output --partial "not bound"
	# Raw messages (0x8000: NLA_F_NESTED): an unknown source type, a
	# timer without its period.
	run "$NLRAW" $CTRMAP_CMD_BIND $CTRMAP_A_REGION_ID:u32:$RID $CTRMAP_A_INDEX:u32:0 \
		"$((CTRMAP_A_SOURCE | 0x8000)):hex:$(printf '0500%02x0009000000' $CTRMAP_SOURCE_A_TYPE)"
	assert_failure 1
	assert_line --regexp "^errno=$(errno_of ERANGE) "
	run "$NLRAW" $CTRMAP_CMD_BIND $CTRMAP_A_REGION_ID:u32:$RID $CTRMAP_A_INDEX:u32:0 \
		"$((CTRMAP_A_SOURCE | 0x8000)):hex:$(printf '0500%02x0001000000' $CTRMAP_SOURCE_A_TYPE)"
	assert_failure 1
	assert_line --regexp "^msg=.*period_ns"
	run "$CTL" -j show "$RID"
	assert_equal "$(jq -r '.bindings | map("\(.index)=\(.source)") | join(",")' <<<"$output")" "1=timer:1ms"
}

@test "irq sources need CAP_SYS_ADMIN, even on one's own region" {
	TUSER=nobody TMEMLOCK=64
	start_target -m mmap
	echo attach >&7
	wait_lines "$TOUT" '^attach' 1
	echo "bind 0 irq:0" >&7
	wait_lines "$TOUT" '^(bind|bound)' 1
	run grep -E '^(bind|bound)' "$TOUT"
	assert_output --regexp "^bind-error errno=$(errno_of EPERM) msg=.*CAP_SYS_ADMIN"
	# A timer is fine without privilege.
	echo "bind 1 timer:1ms" >&7
	wait_lines "$TOUT" '^(bind|bound)' 2
	run grep -E '^(bind|bound)' "$TOUT"
	assert_line --index 1 "bound 1"
}
