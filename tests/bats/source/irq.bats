#!/usr/bin/env bats
# irq:N counts every handler invocation of IRQ N; /proc/interrupts is the
# oracle. The IRQ is the virtio-rng device's (tests/vm/run adds one): only
# reads of /dev/hwrng raise it, so the test controls its traffic.

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

@test "irq:N equals the /proc/interrupts delta over the same window" {
	start_target -m mmap
	attach "$TPID" "$TADDR" "$TLEN"
	"$CTL" bind "$RID" 4 "irq:$IRQ"
	p0=$(irq_count)
	c0=$(counter_of "$(target_print)" 4)
	dd if=/dev/hwrng of=/dev/null bs=64 count=200 2>/dev/null
	c1=$(counter_of "$(target_print)" 4)
	p1=$(irq_count)
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
