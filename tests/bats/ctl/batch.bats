#!/usr/bin/env bats
# counterctl -b FILE: the commands of a file, one a line, run by one
# counterctl. Oracles: what the module lists afterwards (which ranges of
# the target are regions), and the module's own refusal of an
# overlapping range for the failing line.

load ../lib

setup() {
	require_guest
	modprobe ctrmap
	start_target -m mmap -p 60
}

teardown() {
	stop_started
}

# The lines that attach pages FIRST..LAST of the target, a region each.
attach_lines() { # FIRST LAST
	local i
	for ((i = $1; i <= $2; i++)); do
		echo "attach --pid $TPID --addr $((TADDR + i * 4096)) --len 4096"
	done
}

# The addresses of pages FIRST..LAST of the target, in decimal.
addrs() { # FIRST LAST
	local i
	for ((i = $1; i <= $2; i++)); do
		echo $((TADDR + i * 4096))
	done
}

# The addresses of the target's regions, as the module lists them.
listed_addrs() {
	"$CTL" -j list --pid "$TPID" | jq -r '.[].addr' | sort -n
}

# Pages 0-9, page 5 again (the module refuses a range that overlaps a
# region of the same process), then pages 10-19: into $BATCH.
write_failing_batch() {
	BATCH=$BATS_TEST_TMPDIR/regions.batch
	{
		echo "# pages 0-9, page 5 again on line 13, pages 10-19"
		echo
		attach_lines 0 9
		echo "attach --pid $TPID --addr $((TADDR + 5 * 4096)) --len 4096"
		attach_lines 10 19
	} >"$BATCH"
}

@test "counterctl -j -b - attaches 60 page-sized regions of one process" {
	run "$CTL" -j -b - < <(attach_lines 0 59)
	assert_success
	# One JSON document per attach, each a region of its own.
	assert_equal "$(jq -s length <<<"$output")" 60
	assert_equal "$(jq -s 'map(.id) | unique | length' <<<"$output")" 60
	assert_equal "$(jq -s 'map(.npages) | add' <<<"$output")" 60
	assert_equal "$(regions_listed)" 60
	assert_equal "$(listed_addrs)" "$(addrs 0 59)"
}

@test "counterctl -b stops at the failing line: the regions before it stay, none after it" {
	write_failing_batch
	run "$CTL" -b "$BATCH"
	assert_failure 1
	assert_line --partial "counterctl: cannot attach: "
	assert_line "counterctl: $BATCH:13: command failed"
	assert_equal "$(regions_listed)" 10
	assert_equal "$(listed_addrs)" "$(addrs 0 9)"
}

@test "counterctl --force -b goes on past the failing line, and exits 1" {
	write_failing_batch
	run "$CTL" --force -b "$BATCH"
	assert_failure 1
	assert_line "counterctl: $BATCH:13: command failed"
	assert_equal "$(regions_listed)" 20
	assert_equal "$(listed_addrs)" "$(addrs 0 19)"
}

@test "counterctl -b: a usage error on a line stops the batch with status 2" {
	{
		attach_lines 0 1
		echo "attach --pid $TPID --addr $((TADDR + 2 * 4096))"
		attach_lines 3 4
	} >"$BATS_TEST_TMPDIR/usage.batch"
	run "$CTL" -b - <"$BATS_TEST_TMPDIR/usage.batch"
	assert_failure 2
	assert_line "counterctl: attach: --pid, --addr and --len are all needed"
	assert_line "counterctl: -:3: command failed"
	assert_equal "$(listed_addrs)" "$(addrs 0 1)"
}
