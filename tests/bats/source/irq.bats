#!/usr/bin/env bats
# irq:N counts every handler invocation of IRQ N; /proc/interrupts is the
# oracle. The IRQ is the virtio-rng device's (tests/vm/run adds one): reads
# of /dev/hwrng raise it, and now and then the kernel's hwrng thread, which
# 6.1 cannot stop (tests/lib/rng-irq).

load ../lib

setup() {
	require_guest
	modprobe ctrmap
	IRQ=$("$TOP/tests/lib/rng-irq" || true)
	[ -n "$IRQ" ] || skip "environment: cannot find the virtio-rng IRQ in /proc/interrupts"
}

teardown() {
	local rc=0
	stop_started || rc=1
	rmmod ctrmap_test_irqbench 2>/dev/null || true
	return $rc
}

# Handler invocations of IRQ (default $IRQ) so far, all CPUs (bash builtins
# only: no exec, so no 9p traffic and no interrupt of its own).
irq_count() { # [IRQ]
	local line n f total=0 irq=${1:-$IRQ}
	while read -r line; do
		set -- $line
		[ "$1" = "$irq:" ] || continue
		shift
		for f in "$@"; do
			[[ $f =~ ^[0-9]+$ ]] || break
			total=$((total + f))
		done
		echo "$total"
		return
	done </proc/interrupts
}

# Counter INDEX and the IRQ count at one moment, in C and P: the count read
# on both sides of the counter, again until no interrupt came in between
# (the hwrng thread's read can land there).
snapshot() { # INDEX
	local i before
	for ((i = 0; i < 20; i++)); do
		before=$(irq_count)
		C=$(counter_of "$(target_print)" "$1")
		P=$(irq_count)
		[ "$before" = "$P" ] && return 0
	done
	echo "IRQ $IRQ kept firing around every read of the counter" >&2
	return 1
}

@test "irq:N equals the /proc/interrupts delta over the same window" {
	start_target -m mmap
	attach "$TPID" "$TADDR" "$TLEN"
	"$CTL" bind "$RID" 4 "irq:$IRQ"
	snapshot 4
	c0=$C p0=$P
	dd if=/dev/hwrng of=/dev/null bs=64 count=200 2>/dev/null
	snapshot 4
	c1=$C p1=$P
	echo "irq $IRQ: /proc/interrupts +$((p1 - p0)), counter +$((c1 - c0))" >&2
	[ $((c1 - c0)) -gt 0 ]
	assert_equal $((c1 - c0)) $((p1 - p0))
	run "$CTL" -j list
	assert_equal "$(jq -r '.[0].bindings[0].source' <<<"$output")" "irq:$IRQ"
	"$CTL" unbind "$RID" 4
	dd if=/dev/hwrng of=/dev/null bs=64 count=50 2>/dev/null
	assert_equal "$(counter_of "$(target_print)" 4)" "$c1"
}

@test "two regions bound to the same IRQ each count what /proc/interrupts counts" {
	local i fd
	for i in 0 1; do
		start_target -m mmap
		attach "$TPID" "$TADDR" "$TLEN"
		exec {fd}>&7
		TOUTS[i]=$TOUT TFDS[i]=$fd RIDS[i]=$RID
	done
	"$CTL" bind "${RIDS[0]}" 0 "irq:$IRQ"
	"$CTL" bind "${RIDS[1]}" 3 "irq:$IRQ"
	both_counters
	a0=$C0 b0=$C1 p0=$P
	dd if=/dev/hwrng of=/dev/null bs=64 count=100 2>/dev/null
	both_counters
	echo "irq $IRQ: /proc/interrupts +$((P - p0)), counters +$((C0 - a0)), +$((C1 - b0))" >&2
	[ $((C0 - a0)) -gt 0 ]
	assert_equal $((C0 - a0)) $((P - p0))
	assert_equal $((C1 - b0)) $((P - p0))
}

# Counter 0 of target 0 in C0, counter 3 of target 1 in C1 and the IRQ's
# count in P at one moment: again until no interrupt came in between.
both_counters() {
	local i before
	for ((i = 0; i < 20; i++)); do
		before=$(irq_count)
		C0=$(counter_at 0 0)
		C1=$(counter_at 1 3)
		P=$(irq_count)
		[ "$before" = "$P" ] && return 0
	done
	echo "IRQ $IRQ kept firing around every read of the counters" >&2
	return 1
}

# Counter INDEX of target I (of those started by start_targets).
counter_at() { # I INDEX
	local out=${TOUTS[$1]} n
	n=$(grep -c '^state=' "$out" || true)
	echo print >&"${TFDS[$1]}"
	wait_lines "$out" '^state=' $((n + 1))
	counter_of "$(grep '^state=' "$out" | tail -n 1)" "$2"
}

# Raise BENCH_IRQ0 N0 times and BENCH_IRQ1 N1 times; /proc/interrupts must
# move by exactly that.
raise() { # N0 N1
	local c0 c1
	c0=$(irq_count "$BENCH_IRQ0") c1=$(irq_count "$BENCH_IRQ1")
	echo "$1" >"$BENCH/raise0"
	echo "$2" >"$BENCH/raise1"
	assert_equal $(($(irq_count "$BENCH_IRQ0") - c0)) "$1"
	assert_equal $(($(irq_count "$BENCH_IRQ1") - c1)) "$2"
}

@test "bindings of one IRQ count it alone; unbinding one leaves the others counting" {
	load_irqbench
	local i fd
	for i in 0 1 2; do
		start_target -m mmap
		attach "$TPID" "$TADDR" "$TLEN"
		exec {fd}>&7
		TOUTS[i]=$TOUT TFDS[i]=$fd RIDS[i]=$RID
	done
	# Regions 0 and 1 on one IRQ, region 2 on another.
	"$CTL" bind "${RIDS[0]}" 0 "irq:$BENCH_IRQ0"
	"$CTL" bind "${RIDS[1]}" 0 "irq:$BENCH_IRQ0"
	"$CTL" bind "${RIDS[2]}" 0 "irq:$BENCH_IRQ1"
	raise 100 30
	assert_equal "$(counter_at 0 0)" 100
	assert_equal "$(counter_at 1 0)" 100
	assert_equal "$(counter_at 2 0)" 30

	# One of the IRQ's two bindings goes: the other still counts it.
	"$CTL" unbind "${RIDS[0]}" 0
	raise 50 20
	assert_equal "$(counter_at 0 0)" 100
	assert_equal "$(counter_at 1 0)" 150
	assert_equal "$(counter_at 2 0)" 50

	# Its last binding goes: the other IRQ's binding still counts.
	"$CTL" unbind "${RIDS[1]}" 0
	raise 10 5
	assert_equal "$(counter_at 0 0)" 100
	assert_equal "$(counter_at 1 0)" 150
	assert_equal "$(counter_at 2 0)" 55

	# Bound again after its last binding went, it counts again.
	"$CTL" bind "${RIDS[0]}" 1 "irq:$BENCH_IRQ0"
	raise 7 0
	assert_equal "$(counter_at 0 1)" 7
	assert_equal "$(counter_at 1 0)" 150
	assert_equal "$(counter_at 2 0)" 55
}
