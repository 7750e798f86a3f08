#!/usr/bin/env bats
# ATTACH pins the process's pages, serves counters in its memory, and DETACH
# gives every pin back. Oracles: /proc/vmstat pin counters, /proc/PID/pagemap,
# and what the process itself reads.

load ../lib

setup() {
	require_guest
	modprobe ctrmap
}

teardown() {
	stop_started
}

@test "attach pins the page, ADD shows in the process's memory, detach unpins" {
	start_target -m aligned
	read -r a0 r0 < <(pins)
	run "$CTL" -j attach --pid "$TPID" --addr "$TADDR" --len "$TLEN"
	assert_success
	RID=$(jq -r .id <<<"$output")
	assert_equal "$(jq -r .npages <<<"$output")" 1
	assert_equal "$(jq -r .ncounters <<<"$output")" $(((TLEN - 64) / 8))
	read -r a1 r1 < <(pins)
	assert_equal $((a1 - a0)) 1
	assert_equal $((r1 - r0)) 0

	"$CTL" add "$RID" 0 5
	"$CTL" add "$RID" 3 7
	"$CTL" add "$RID" 3 1
	line=$(target_print)
	assert_equal "$(counter_of "$line" 0)" 5
	assert_equal "$(counter_of "$line" 3)" 8
	assert_equal "$(counter_of "$line" 1)" 0
	[[ $line == state=attached* ]]

	run "$CTL" -j status
	assert_equal "$(jq -r .regions <<<"$output")" 1
	assert_equal "$(jq -r .pinned_pages <<<"$output")" 1

	run "$CTL" detach "$RID"
	assert_success
	read -r a2 r2 < <(pins)
	assert_equal $((r2 - r0)) $((a2 - a0))
	line=$(target_print)
	[[ $line == "state=detached reason=request"* ]]
	assert_equal "$(counter_of "$line" 0)" 5
	assert_equal "$(regions_listed)" 0
}

@test "never-touched memory (no PTE yet) attaches: pinned, present, counted into" {
	start_target -m lazy -p 4
	# Nothing is resident before the attach: pagemap's present bit (63).
	for i in 0 1 2 3; do
		assert_equal "$(pagemap_present "$TPID" $((TADDR + i * 4096)))" 0
	done
	read -r a0 r0 < <(pins)
	attach "$TPID" "$TADDR" "$TLEN"
	read -r a1 r1 < <(pins)
	assert_equal $((a1 - a0)) 4
	for i in 0 1 2 3; do
		assert_equal "$(pagemap_present "$TPID" $((TADDR + i * 4096)))" 1
	done
	last=$(((4 * 4096 - 64) / 8 - 1))
	"$CTL" add "$RID" 500 9
	"$CTL" add "$RID" "$last" 7
	line=$(target_print)
	[[ $line == state=attached* ]]
	assert_equal "$(counter_of "$line" 0)" 0
	# Counter 500 is on the first page, the last counter on the fourth.
	assert_equal "$(mem_counter "$TPID" "$TADDR" 500)" 9
	assert_equal "$(mem_counter "$TPID" "$TADDR" "$last")" 7
	run "$CTL" -j show "$RID"
	assert_equal "$(jq -r .npages <<<"$output")" 4
	assert_equal "$(jq -r .ncounters <<<"$output")" $((last + 1))
}

@test "a range that starts and ends inside pages pins the covering pages" {
	start_target -m mmap -p 3
	read -r a0 r0 < <(pins)
	# From 8 bytes before the end of page 0 to 8 bytes into page 2.
	addr=$((TADDR + 4096 - 64 - 8 * 8))
	len=$((64 + 8 * 8 + 4096 + 8))
	attach "$TPID" "$(printf 0x%x $addr)" "$len"
	run "$CTL" -j show "$RID"
	assert_equal "$(jq -r .npages <<<"$output")" 3
	read -r a1 r1 < <(pins)
	assert_equal $((a1 - a0)) 3
	"$CTL" detach "$RID"
	read -r a2 r2 < <(pins)
	assert_equal $((r2 - r0)) 3
}

@test "show -v reports the PFNs /proc/PID/pagemap reports, all pinned" {
	start_target -m mmap -p 3
	attach "$TPID" "$TADDR" "$TLEN"
	run "$CTL" -j show -v "$RID"
	assert_success
	json=$output
	assert_equal "$(jq '.pages | length' <<<"$json")" 3
	assert_equal "$(jq '[.pages[].pinned] | all' <<<"$json")" true
	want=$(for i in 0 1 2; do pagemap_pfn "$TPID" $((TADDR + i * 4096)); done | paste -sd' ')
	assert_equal "$(jq -r '[.pages[].pfn] | map(tostring) | join(" ")' <<<"$json")" "$want"
}

@test "a memfd region is served to a second process that maps the same memfd" {
	start_target -m memfd
	fd=$(sed -n 's/^fd=//p' "$TOUT")
	attach "$TPID" "$TADDR" "$TLEN"
	"$CTL" add "$RID" 2 77
	# Another process maps the same memfd and reads it with libctrmap.
	run "$TARGET" -m "path:/proc/$TPID/fd/$fd" -i 0 -c 1
	assert_success
	assert_line --index 1 --regexp "^state=attached .*counters=0,0,77,"
}

@test "the GET dump filters by pid and lists what the caller may see" {
	start_target -m mmap
	p1=$TPID a1=$TADDR l1=$TLEN
	start_target -m mmap
	attach "$p1" "$a1" "$l1"
	r1=$RID
	attach "$TPID" "$TADDR" "$TLEN"
	run "$CTL" -j list
	assert_equal "$(jq length <<<"$output")" 2
	run "$CTL" -j list --pid "$p1"
	assert_equal "$(jq -r '.[].id' <<<"$output")" "$r1"
	assert_equal "$(jq -r '.[].comm' <<<"$output")" "ctrmap-target"
	run "$CTL" list
	assert_success
	assert_line --index 0 --regexp '^ID +PID +COMM'
}
