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
	[ -n "$IRQ" ] || skip "cannot find the virtio-rng IRQ in /proc/interrupts"
}

teardown() {
	stop_started
}

# Handler invocations of $IRQ so far, all CPUs (bash builtins only: no
# exec, so no 9p traffic and no interrupt of its own).
irq_count() {
	local line n f total=0
	while read -r line; do
		set -- $line
		[ "$1" = "$IRQ:" ] || continue
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

@test "two regions bound to the same IRQ both count it" {
	start_target -m mmap
	attach "$TPID" "$TADDR" "$TLEN"
	r1=$RID out1=$TOUT
	"$CTL" bind "$r1" 0 "irq:$IRQ"
	"$CTL" bind "$r1" 1 "irq:$IRQ"
	dd if=/dev/hwrng of=/dev/null bs=64 count=100 2>/dev/null
	line=$(target_print)
	[ "$(counter_of "$line" 0)" -gt 0 ]
	assert_equal "$(counter_of "$line" 0)" "$(counter_of "$line" 1)"
}
