#!/usr/bin/env bats
# Counter values read through the kernel (GET with first_index/count):
# counterctl read, read --watch and show -s give what the process sees in
# its own memory (/proc/PID/mem, the oracle), to whoever may act on the
# region and to nobody else; a range past the end is refused, naming the
# attribute, and changes nothing; a region larger than one message (512
# values) is read in full.

load ../lib

setup() {
	require_guest
	modprobe ctrmap
}

teardown() {
	stop_started
}

# Every counter of the region at ADDR in process PID, N of them, one per
# line, read from /proc/PID/mem in one go.
mem_counters() { # PID ADDR N
	dd if="/proc/$1/mem" bs=4096 iflag=skip_bytes,count_bytes \
		skip="$(($2 + 64))" count="$(($3 * 8))" 2>/dev/null |
		od -An -v -t u8 -w8 | tr -d ' '
}

@test "read gives each counter as the process sees it, in the order asked" {
	start_target -m mmap
	attach "$TPID" "$TADDR" "$TLEN"
	"$CTL" add "$RID" 0 5
	"$CTL" add "$RID" 3 7
	"$CTL" add "$RID" 503 9223372036854775808

	run "$CTL" read "$RID" 503 0 3 1
	assert_success
	assert_output "503 - $(mem_counter "$TPID" "$TADDR" 503)
0 - $(mem_counter "$TPID" "$TADDR" 0)
3 - $(mem_counter "$TPID" "$TADDR" 3)
1 - $(mem_counter "$TPID" "$TADDR" 1)"
	# Not only equal to the oracle: the values added.
	assert_line --index 0 "503 - 9223372036854775808"
	assert_line --index 1 "0 - 5"

	run "$CTL" -j read "$RID" 3
	assert_success
	assert_equal "$(jq -c . <<<"$output")" '[{"index":3,"value":7}]'

	# Every counter: 504 lines, each the process's own value.
	run "$CTL" read "$RID"
	assert_success
	assert_equal "$(cut -d' ' -f3 <<<"$output")" "$(mem_counters "$TPID" "$TADDR" 504)"
	assert_equal "$(cut -d' ' -f1 <<<"$output")" "$(seq 0 503)"
}

@test "a counter a timer drives reads between the process's view before and after" {
	start_target -m mmap
	attach "$TPID" "$TADDR" "$TLEN"
	"$CTL" bind "$RID" 2 timer:1ms
	sleep 0.1
	before=$(mem_counter "$TPID" "$TADDR" 2)
	got=$("$CTL" read "$RID" 2 | cut -d' ' -f3)
	after=$(mem_counter "$TPID" "$TADDR" 2)
	echo "# before=$before read=$got after=$after" >&3
	[ "$before" -gt 0 ]
	[ "$before" -le "$got" ]
	[ "$got" -le "$after" ]
}

@test "show -s adds every counter's value to the region" {
	start_target -m mmap
	attach "$TPID" "$TADDR" "$TLEN"
	"$CTL" add "$RID" 7 42
	run "$CTL" -j show -s "$RID"
	assert_success
	assert_equal "$(jq '.values | length' <<<"$output")" 504
	assert_equal "$(jq -r '.values[].value' <<<"$output")" "$(mem_counters "$TPID" "$TADDR" 504)"
	assert_equal "$(jq '.values[7]' <<<"$output" | jq -c .)" '{"index":7,"value":42}'
	run "$CTL" show --stats "$RID"
	assert_success
	assert_line "counter 7: 42"
}

@test "read --watch prints the rate of the counters that change, and SIGINT ends it with status 0" {
	start_target -m mmap
	attach "$TPID" "$TADDR" "$TLEN"
	"$CTL" bind "$RID" 1 timer:1ms
	"$CTL" -j read --watch 0.5 "$RID" 0 1 >"$BATS_TEST_TMPDIR/watch" 2>&1 &
	wpid=$!
	STARTED_PIDS+=" $wpid"
	wait_lines "$BATS_TEST_TMPDIR/watch" '^\[' 3
	kill -INT "$wpid"
	rc=0
	wait "$wpid" || rc=$?
	assert_equal "$rc" 0
	STARTED_PIDS=${STARTED_PIDS% $wpid}
	# About 1000/s for counter 1 (the timer may run late, never early
	# over a whole interval); counter 0 never moves, so never a line.
	run jq -c '.[]' "$BATS_TEST_TMPDIR/watch"
	assert_success
	refute_output --partial '"index":0'
	for rate in $(jq '.[] | select(.index == 1) | .rate' "$BATS_TEST_TMPDIR/watch"); do
		awk -v r="$rate" 'BEGIN { exit !(r > 500 && r < 1100) }' ||
			fail "rate $rate of a 1 ms timer"
	done
}

@test "who may not act on the region learns nothing: no values, not even that it exists" {
	start_target -m mmap
	attach "$TPID" "$TADDR" "$TLEN"
	"$CTL" add "$RID" 0 123
	run as_user daemon "$CTL" read "$RID" 0
	assert_failure 1
	assert_line --partial "No such file or directory"
	refute_output --partial "123"
	run as_user daemon "$CTL" -j show -s "$RID"
	assert_failure 1
	refute_output --partial "123"
	# Raw: GET do and a dump of the region, with a range: nothing.
	run as_user daemon "$NLRAW" --no-ack $CTRMAP_CMD_GET \
		$CTRMAP_A_REGION_ID:u32:$RID $CTRMAP_A_FIRST_INDEX:u32:0
	assert_failure 1
	assert_line --regexp "^errno=$(errno_of ENOENT) "
	run as_user daemon "$NLRAW" --dump $CTRMAP_CMD_GET \
		$CTRMAP_A_REGION_ID:u32:$RID $CTRMAP_A_FIRST_INDEX:u32:0
	assert_success
	refute_output --partial "reply id="
	# The owner of the process (root here) reads it; the same dump lists it.
	run "$NLRAW" --dump $CTRMAP_CMD_GET \
		$CTRMAP_A_REGION_ID:u32:$RID $CTRMAP_A_FIRST_INDEX:u32:0
	assert_success
	assert_line "reply id=$RID"
	run "$CTL" read "$RID" 0
	assert_success
	assert_output "0 - 123"
}

@test "a range past the end is refused, naming the attribute, and changes nothing" {
	start_target -m mmap
	attach "$TPID" "$TADDR" "$TLEN"
	"$CTL" add "$RID" 503 11
	read -r a0 r0 < <(pins)
	want=$(mem_counters "$TPID" "$TADDR" 504)

	run "$NLRAW" --no-ack $CTRMAP_CMD_GET $CTRMAP_A_REGION_ID:u32:$RID \
		$CTRMAP_A_FIRST_INDEX:u32:504
	assert_failure 1
	assert_line --regexp "^errno=$(errno_of ERANGE) "
	assert_line --regexp "^msg=first_index past the region's last counter"
	assert_line --regexp "^offs=[0-9]+"
	run "$NLRAW" --dump $CTRMAP_CMD_GET $CTRMAP_A_REGION_ID:u32:$RID \
		$CTRMAP_A_FIRST_INDEX:u32:500 $CTRMAP_A_COUNT:u32:5
	assert_failure 1
	assert_line --regexp "^errno=$(errno_of ERANGE) "
	assert_line --regexp "^msg=count goes past the region's last counter"
	run "$NLRAW" --no-ack $CTRMAP_CMD_GET $CTRMAP_A_REGION_ID:u32:$RID \
		$CTRMAP_A_FIRST_INDEX:u32:1 $CTRMAP_A_COUNT:u32:4294967295
	assert_failure 1
	assert_line --regexp "^errno=$(errno_of ERANGE) "
	assert_line --regexp "^msg=count"
	# count 0 is refused by the policy.
	run "$NLRAW" --no-ack $CTRMAP_CMD_GET $CTRMAP_A_REGION_ID:u32:$RID \
		$CTRMAP_A_COUNT:u32:0
	assert_failure 1
	assert_line --regexp "^errno=$(errno_of ERANGE) "
	# A dump of every region takes no range.
	run "$NLRAW" --dump $CTRMAP_CMD_GET $CTRMAP_A_FIRST_INDEX:u32:1
	assert_failure 1
	assert_line --regexp "^errno=$(errno_of EINVAL) "
	assert_line --regexp "^msg=a range of values needs one region"
	# The last counter, exactly, is in range.
	run "$NLRAW" --no-ack $CTRMAP_CMD_GET $CTRMAP_A_REGION_ID:u32:$RID \
		$CTRMAP_A_FIRST_INDEX:u32:503 $CTRMAP_A_COUNT:u32:1
	assert_success

	run "$CTL" read "$RID" 504
	assert_failure 1
	assert_output --partial "index 504 is past the last counter"

	assert_equal "$(mem_counters "$TPID" "$TADDR" 504)" "$want"
	read -r a r < <(pins)
	assert_equal "$a $r" "$a0 $r0"
	assert_equal "$(regions_listed)" 1
}

@test "a region of many messages' worth of values is read in full, by read and by show -s" {
	# 64 pages: 32760 counters, 64 messages of 512 values.
	start_target -m mmap -p 64
	attach "$TPID" "$TADDR" "$TLEN"
	n=$(( (TLEN - 64) / 8 ))
	# Around the 512-value message boundaries, and the last counter.
	for i in 0 511 512 513 1023 1024 $((n - 1)); do
		"$CTL" add "$RID" "$i" $((i + 1))
	done
	# Files, not $output: bats splits $output into lines, slowly.
	want=$BATS_TEST_TMPDIR/want got=$BATS_TEST_TMPDIR/got
	mem_counters "$TPID" "$TADDR" "$n" >"$want"
	assert_equal "$(wc -l <"$want")" "$n"

	"$CTL" read "$RID" >"$BATS_TEST_TMPDIR/read"
	cut -d' ' -f3 "$BATS_TEST_TMPDIR/read" >"$got"
	cmp "$want" "$got"
	grep -qx "512 - 513" "$BATS_TEST_TMPDIR/read"
	grep -qx "$((n - 1)) - $n" "$BATS_TEST_TMPDIR/read"

	"$CTL" -j show -s "$RID" >"$BATS_TEST_TMPDIR/show"
	assert_equal "$(jq '.values | length' "$BATS_TEST_TMPDIR/show")" "$n"
	jq -r '.values[].value' "$BATS_TEST_TMPDIR/show" >"$got"
	cmp "$want" "$got"

	# GET (do) carries the first 512 of a larger range only.
	run "$NLRAW" --no-ack $CTRMAP_CMD_GET $CTRMAP_A_REGION_ID:u32:$RID \
		$CTRMAP_A_FIRST_INDEX:u32:0
	assert_success
	# A range across a message boundary, read by the library in parts.
	run "$CTL" read "$RID" 1024 511
	assert_success
	assert_output "1024 - 1025
511 - 512"
}
