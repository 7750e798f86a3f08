#!/usr/bin/env bats
# Timer sources fire in hard IRQ: their period is range-checked by the
# netlink policy, and each user (real UID, all processes) draws on a budget
# of expiries per second (module parameter timer_budget; CAP_SYS_ADMIN is
# exempt). The last test measures what a user at the full budget takes
# from a CPU-bound process on the same CPU; it reports the ratio and
# asserts nothing about time.

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

budget() {
	"$CTL" -j status | jq -r .limits.timer_budget
}

bind_raw() { # RID INDEX PERIOD_NS
	# A source nest: type (u8) and period_ns (u64), built by hand.
	run "$NLRAW" $CTRMAP_CMD_BIND $CTRMAP_A_REGION_ID:u32:$1 $CTRMAP_A_INDEX:u32:$2 \
		"$((CTRMAP_A_SOURCE | 0x8000)):hex:$(printf '0500%02x0001000000' $CTRMAP_SOURCE_A_TYPE)$(printf '0c00%02x00' $CTRMAP_SOURCE_A_PERIOD_NS)$(printf '%016x' "$3" | sed 's/../& /g' | awk '{ for (i = NF; i > 0; i--) printf "%s", $i }')"
}

@test "a period of 2^63 ns or more, or over an hour, is refused by the policy" {
	modprobe ctrmap
	start_target -m mmap
	attach "$TPID" "$TADDR" "$TLEN"
	for p in 9223372036854775808 18446744073709551615 3600000000001; do
		bind_raw "$RID" 0 "$p"
		assert_failure 1
		# The policy's answer: ERANGE, its message and the offset.
		assert_line --regexp "^errno=$(errno_of ERANGE) "
		assert_line --regexp '^msg=.*out of range'
		assert_line --regexp '^offs=[0-9]+'
		run "$CTL" -j show "$RID"
		assert_equal "$(jq -r '.bindings | length' <<<"$output")" 0
	done
	# One hour is the longest, and works.
	bind_raw "$RID" 0 3600000000000
	assert_success
	run "$CTL" -j show "$RID"
	assert_equal "$(jq -r '.bindings[0].source' <<<"$output")" "timer:3600s"
	run "$CTL" -j status
	assert_equal "$(jq -r .limits.timer_max_period_ns <<<"$output")" 3600000000000
}

@test "an irq attribute on a timer source is refused, naming it" {
	modprobe ctrmap
	start_target -m mmap
	attach "$TPID" "$TADDR" "$TLEN"
	run "$NLRAW" $CTRMAP_CMD_BIND $CTRMAP_A_REGION_ID:u32:$RID $CTRMAP_A_INDEX:u32:0 \
		"$((CTRMAP_A_SOURCE | 0x8000)):hex:$(printf '0500%02x0001000000' $CTRMAP_SOURCE_A_TYPE)$(printf '0c00%02x0040420f0000000000' $CTRMAP_SOURCE_A_PERIOD_NS)$(printf '0800%02x0000000000' $CTRMAP_SOURCE_A_IRQ)"
	assert_failure 1
	assert_line --regexp "^errno=$(errno_of EINVAL) "
	assert_line --regexp "^msg=a timer source takes no irq attribute"
	run "$CTL" -j show "$RID"
	assert_equal "$(jq -r '.bindings | length' <<<"$output")" 0
}

@test "an unprivileged user's timers beyond the budget are refused, across processes; root's still work" {
	modprobe ctrmap timer_budget=2000
	assert_equal "$(budget)" 2000
	TUSER=nobody TMEMLOCK=64 start_target -m mmap
	echo attach >&7
	echo "bind 0 timer:1ms" >&7		# 1000/s
	echo "bind 1 timer:2ms" >&7		# 500/s
	echo "bind 2 timer:1ms" >&7		# over: 2500/s
	wait_lines "$TOUT" '^(bind|bound)' 3
	run grep -E '^(bind|bound)' "$TOUT"
	assert_line --index 0 "bound 0"
	assert_line --index 1 "bound 1"
	assert_line --index 2 --regexp "^bind-error errno=$(errno_of EDQUOT) msg=.*timer_budget"
	rid=$(sed -n 's/^attached id=//p' "$TOUT")
	# Another process of the same user shares the budget.
	TUSER=nobody TMEMLOCK=64 start_target -m mmap
	echo attach >&7
	echo "bind 0 timer:1ms" >&7
	echo "bind 1 timer:2ms" >&7
	wait_lines "$TOUT" '^(bind|bound)' 2
	run grep -E '^(bind|bound)' "$TOUT"
	assert_line --index 0 --regexp "^bind-error errno=$(errno_of EDQUOT) msg=.*timer_budget"
	assert_line --index 1 "bound 1"
	run as_user nobody "$CTL" -j status
	assert_equal "$(jq -r .usage.timer_rate <<<"$output")" 2000
	assert_equal "$(jq -r .usage.bindings <<<"$output")" 3
	# root is exempt, on nobody's region too; its timers are root's.
	run "$CTL" bind "$rid" 3 timer:100us
	assert_success
	run as_user nobody "$CTL" -j status
	assert_equal "$(jq -r .usage.timer_rate <<<"$output")" 2000
	# Unbinding gives the budget back to the user who bound it.
	run "$CTL" unbind "$rid" 0
	assert_success
	run as_user nobody "$CTL" -j status
	assert_equal "$(jq -r .usage.timer_rate <<<"$output")" 1000
	echo "bind 0 timer:1ms" >&7
	echo "bind 2 timer:1ms" >&7
	wait_lines "$TOUT" '^(bind|bound)' 4
	run grep -E '^(bind|bound)' "$TOUT"
	assert_line --index 2 "bound 0"
	assert_line --index 3 --regexp "^bind-error errno=$(errno_of EDQUOT) msg=.*timer_budget"
}

# Rounds of work a CPU-bound process gets done on CPU 0 in 3 s.
spin_rounds() {
	taskset -c 0 "$TOP/tests/tools/spin" 3000
}

@test "a user at the full default budget leaves a CPU-bound process its throughput (measured)" {
	modprobe ctrmap
	b=$(budget)
	base=$(spin_rounds)
	# nobody takes the whole budget, with as few timers as it can, on
	# the CPU the spinner uses (a timer fires where it was started).
	min=$("$CTL" -j status | jq -r .limits.timer_min_period_ns)
	period=$((1000000000 / b))
	n=1
	if [ "$period" -lt "$min" ]; then
		period=$min
		n=$((b * min / 1000000000))
	fi
	TUSER=nobody TMEMLOCK=64 TWRAP="taskset -c 0" start_target -m mmap
	echo attach >&7
	for ((i = 0; i <= n; i++)); do
		echo "bind $i timer:${period}ns" >&7
	done
	wait_lines "$TOUT" '^(bind|bound)' $((n + 1)) 600
	run grep -c '^bound' "$TOUT"
	assert_output "$n"
	run grep -c "^bind-error errno=$(errno_of EDQUOT)" "$TOUT"
	assert_output 1
	loaded=$(spin_rounds)
	stop_started
	base2=$(spin_rounds)
	echo "# budget $b/s ($n timer(s) at $period ns): spin $loaded rounds, $base and $base2 without; ratio $(awk -v a="$loaded" -v b="$base" -v c="$base2" 'BEGIN { printf "%.3f", 2 * a / (b + c) }')" >&3
}
