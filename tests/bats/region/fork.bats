#!/usr/bin/env bats
# Fork and copy-on-write: the pinned pages stay the parent's. The child gets
# copies, its writes stay in its copy, and the region stays attached.

load ../lib

setup() {
	require_guest
	modprobe ctrmap
	start_watch
}

teardown() {
	stop_started
}

@test "after fork the parent keeps counting, the child's copy does not" {
	start_target -m mmap
	attach "$TPID" "$TADDR" "$TLEN"
	"$CTL" add "$RID" 0 1
	pfn=$(pagemap_pfn "$TPID" "$TADDR")

	# The child writes 424242 into its copy and prints; the parent's
	# counter moves; then the child prints again.
	echo fork >&7
	wait_lines "$TOUT" '^child state=' 1
	"$CTL" add "$RID" 0 100
	echo continue >&7
	wait_lines "$TOUT" '^child=' 1
	child=$(grep '^child state=' "$TOUT")
	first=$(head -n 1 <<<"$child")
	second=$(tail -n 1 <<<"$child")
	assert_equal "$(counter_of "$first" 0)" 424242
	assert_equal "$(counter_of "$second" 0)" 424242

	line=$(target_print)
	[[ $line == state=attached* ]]
	assert_equal "$(counter_of "$line" 0)" 101
	# Still the same physical page, exclusively the parent's (bit 56).
	assert_equal "$(pagemap_pfn "$TPID" "$TADDR")" "$pfn"
	e=$(pagemap_entry "$TPID" "$TADDR")
	assert_equal $(((0x$e >> 56) & 1)) 1
	assert_equal "$(regions_listed)" 1
	[ ! -s "$WOUT" ]
}
