#!/usr/bin/env bats
# Names (CTRMAP_CMD_NAME, ATTACH's name): a region named at attach, its
# counters at bind or with "name", shown by list, show and read and taken
# wherever an id or an index is; the counters the names stand for are
# checked in the process's own memory (/proc/PID/mem). Bad names, a
# duplicate, an index past the end and a 257th name are refused with a
# message naming the attribute and change nothing; who may not act on the
# region can neither name it nor learn its names.

load ../lib

setup() {
	require_guest
	modprobe ctrmap
}

teardown() {
	stop_started
}

# Attach the target's range with counterctl, named NAME; sets RID.
attach_named() { # NAME
	run "$CTL" -j attach --pid "$TPID" --addr "$TADDR" --len "$TLEN" \
		--name "$1"
	assert_success
	RID=$(jq -r .id <<<"$output")
}

@test "names given at attach, bind and name are shown, and stand for ids and indexes" {
	start_target -m mmap
	attach_named rxq0
	"$CTL" bind --name ticks rxq0 0 timer:1ms
	"$CTL" name rxq0 2 drops
	"$CTL" add rxq0 drops 5
	assert_equal "$(mem_counter "$TPID" "$TADDR" 2)" 5

	run "$CTL" read rxq0 drops 1
	assert_success
	assert_output "2 drops 5
1 - 0"
	run "$CTL" -j show rxq0
	assert_success
	assert_equal "$(jq -r '"\(.id) \(.name)"' <<<"$output")" "$RID rxq0"
	run "$CTL" -j list
	assert_equal "$(jq -r '.[0].name' <<<"$output")" rxq0
	run "$CTL" show -s "$RID"
	assert_line "name:      rxq0"
	assert_line "counter 2 (drops): 5"

	# The timer's counter, by name, moves as the process sees it move.
	before=$(mem_counter "$TPID" "$TADDR" 0)
	sleep 0.1
	read -r i name got < <("$CTL" read rxq0 ticks)
	after=$(mem_counter "$TPID" "$TADDR" 0)
	echo "# before=$before read=$got after=$after" >&3
	assert_equal "$i $name" "0 ticks"
	[ "$before" -lt "$got" ]
	[ "$got" -le "$after" ]

	# A name removed is gone; renaming the region moves its name.
	"$CTL" name --remove rxq0 drops
	run "$CTL" read "$RID" 2
	assert_output "2 - 5"
	"$CTL" name rxq0 txq0
	run "$CTL" read txq0 ticks
	assert_success
	run "$CTL" read rxq0 ticks
	assert_failure 1
	assert_output "counterctl: no region is named 'rxq0'"
	"$CTL" detach txq0
	assert_equal "$(regions_listed)" 0
}

@test "a name outside the rules, a duplicate, an index past the end are refused, naming the attribute, and change nothing" {
	start_target -m mmap
	attach_named rxq0
	"$CTL" name rxq0 1 packets
	read -r a0 r0 < <(pins)

	# Latin-1 letters too (the kernel's isalpha() would take them).
	for bad in "rx packets" 0abc -x "a/b" "" "$(printf 'a%.0s' {1..48})" \
		"$(printf '\xc0x')" "$(printf 'caf\xe9')"; do
		run "$NLRAW" $CTRMAP_CMD_NAME $CTRMAP_A_REGION_ID:u32:$RID \
			$CTRMAP_A_INDEX:u32:3 "$CTRMAP_A_NAME:str:$bad"
		assert_failure 1
		assert_line --regexp "^errno=$(errno_of EINVAL) "
		assert_line --regexp "^offs=[0-9]+"
	done
	run "$CTL" name rxq0 3 "rx packets"
	assert_failure 1
	assert_output --partial "name: only letters, digits, '_', '.', ':' and '-' (no spaces)"
	run "$CTL" name rxq0 3 0abc
	assert_failure 1
	run "$NLRAW" $CTRMAP_CMD_NAME $CTRMAP_A_REGION_ID:u32:$RID \
		$CTRMAP_A_INDEX:u32:3 $CTRMAP_A_NAME:str:0abc
	assert_line "msg=name: must begin with a letter or '_'"
	# 47 bytes is the longest a name may be.
	run "$NLRAW" $CTRMAP_CMD_NAME $CTRMAP_A_REGION_ID:u32:$RID \
		$CTRMAP_A_INDEX:u32:4 "$CTRMAP_A_NAME:str:$(printf 'a%.0s' {1..47})"
	assert_success

	run "$CTL" name rxq0 2 packets
	assert_failure 1
	assert_output --partial "another counter of the region has this name"
	run "$NLRAW" $CTRMAP_CMD_NAME $CTRMAP_A_REGION_ID:u32:$RID \
		$CTRMAP_A_INDEX:u32:504 $CTRMAP_A_NAME:str:x
	assert_failure 1
	assert_line --regexp "^errno=$(errno_of ERANGE) "
	assert_line "msg=index past the region's last counter"
	run "$CTL" name --remove rxq0 5
	assert_failure 1
	assert_output --partial "the counter has no name"
	# The region's name likewise: removed once, then not there.
	"$CTL" name --remove rxq0
	run "$CTL" name --remove "$RID"
	assert_failure 1
	assert_output --partial "the region has no name"
	"$CTL" name "$RID" rxq0

	# An attach with a bad name attaches nothing and pins nothing.
	run "$CTL" attach --pid "$TPID" --addr $((TADDR + 8192)) --len 4096 \
		--name "no good"
	assert_failure 1
	assert_output --partial "(attribute name)"

	run "$CTL" -j read rxq0
	assert_success
	assert_equal "$(jq -c '[.[] | select(.name) | [.index, .name]]' <<<"$output")" \
		"[[1,\"packets\"],[4,\"$(printf 'a%.0s' {1..47})\"]]"
	assert_equal "$(regions_listed)" 1
	read -r a r < <(pins)
	assert_equal "$a $r" "$a0 $r0"
}

@test "a region names at most 256 counters, and a dump carries them all" {
	start_target -m mmap
	attach_named big
	for ((i = 0; i < 257; i++)); do
		echo "name big $i counter_$i"
	done >"$BATS_TEST_TMPDIR/names"
	run "$CTL" -f -b "$BATS_TEST_TMPDIR/names"
	assert_failure 1
	assert_output --partial "names:257: command failed"
	assert_output --partial "No space left on device"
	# 256 names and 47 bytes each do not fit one message: GET's dump
	# goes on in another, and the library joins them.
	for ((i = 0; i < 256; i++)); do
		echo "name big $i n$(printf '%046d' "$i")"
	done >"$BATS_TEST_TMPDIR/long"
	"$CTL" -b "$BATS_TEST_TMPDIR/long"
	run "$CTL" -j read big
	assert_success
	assert_equal "$(jq '[.[] | select(.name)] | length' <<<"$output")" 256
	assert_equal "$(jq -r '.[255].name' <<<"$output")" "n$(printf '%046d' 255)"
	run "$CTL" -j list
	assert_equal "$(jq -r '.[0].name' <<<"$output")" big
	# The 257th is refused even after one was renamed.
	run "$CTL" name big 300 one_more
	assert_failure 1
	assert_output --partial "as many named counters as it may"
}

@test "regions may share a name; a name several have is refused with their ids" {
	start_target -m mmap -p 2
	run "$CTL" -j attach --pid "$TPID" --addr "$TADDR" --len 4096 --name q
	assert_success
	first=$(jq -r .id <<<"$output")
	run "$CTL" -j attach --pid "$TPID" --addr $((TADDR + 4096)) --len 4096 --name q
	assert_success
	second=$(jq -r .id <<<"$output")
	run "$CTL" detach q
	assert_failure 1
	assert_output "counterctl: 2 regions are named 'q' (ids $first $second): give the id"
	assert_equal "$(regions_listed)" 2
}

@test "who may not act on the region can neither name it nor learn its names" {
	start_target -m mmap
	attach_named secret_q
	"$CTL" name secret_q 0 secret_c
	run as_user daemon "$CTL" name "$RID" 0 mine
	assert_failure 1
	assert_output --partial "no such region"
	run as_user daemon "$CTL" read secret_q
	assert_failure 1
	assert_output "counterctl: no region is named 'secret_q'"
	run as_user daemon "$NLRAW" --dump $CTRMAP_CMD_GET
	assert_success
	refute_output --partial "reply id="
	run "$CTL" read "$RID" 0
	assert_output "0 secret_c 0"
}
