#!/usr/bin/env bats
# GET dumps that span several messages: a region attached or detached
# between two parts flags the dump NLM_F_DUMP_INTR, libctrmap returns
# -EAGAIN, and counterctl list reads it again; a complete list names each
# region once, in order. A region too large for one message is described
# in several, and the library joins them.

load ../lib

setup() {
	require_guest
	modprobe ctrmap
}

teardown() {
	stop_started
}

@test "a list read while regions come and go is flagged; counterctl list reads again" {
	read -r a0 r0 < <(pins)
	# 3 processes x 60 regions (a page each: regions of one process may
	# not overlap): more replies than one dump message holds.
	# One counterctl a process (a batch), not one an attach.
	for p in 1 2 3; do
		start_target -m mmap -p 60
		exec 7>&-
		for i in $(seq 0 59); do
			echo "attach --pid $TPID --addr $((TADDR + i * 4096)) --len 4096"
		done | "$CTL" -b - >/dev/null
	done
	assert_equal "$(regions_listed)" 180

	# Each complete list names all 180, once each, in order.
	run "$TOP/tests/tools/ctrmap-dumps" -r 180:180 20
	assert_success
	assert_output "lists=20 complete=20 interrupted=0 bad=0"

	# One more process attaches and detaches in a loop meanwhile.
	start_target -m mmap
	exec 7>&-
	( set +e
	while :; do
		id=$("$CTL" -j attach --pid "$TPID" --addr "$TADDR" --len 4096 | jq -r .id)
		"$CTL" detach "$id"
	done ) >/dev/null 2>&1 &
	STARTED_PIDS+=" $!"
	a=$("$CTL" -j status | jq .attaches)
	for i in $(seq 100); do
		[ "$("$CTL" -j status | jq .attaches)" -gt $((a + 1)) ] && break
		sleep 0.1
	done
	# Lists until one is flagged (each list is much faster than a change).
	interrupted=0
	for round in $(seq 50); do
		run "$TOP/tests/tools/ctrmap-dumps" -r 180:181 100
		assert_success
		[[ "$output" =~ interrupted=([0-9]+)\ bad=0$ ]]
		interrupted=$((interrupted + BASH_REMATCH[1]))
		[ "$interrupted" -gt 0 ] && break
	done
	echo "# $interrupted interrupted list(s) in $round round(s) of 100" >&3
	[ "$interrupted" -gt 0 ]
	# counterctl list reads again until a list is whole.
	for i in $(seq 20); do
		run "$CTL" -j list
		assert_success
		n=$(jq length <<<"$output")
		if [ "$n" -lt 180 ] || [ "$n" -gt 181 ]; then
			fail "counterctl list named $n regions, not 180 or 181"
		fi
	done

	stop_started
	assert_pins_returned "$a0" "$r0" 180
}

# The PFNs of N pages from ADDR in process PID, from /proc/PID/pagemap.
pagemap_pfns() { # PID ADDR N
	local e out=()
	for e in $(dd if="/proc/$1/pagemap" bs=8 skip=$(($2 / 4096)) count="$3" 2>/dev/null |
		od -An -v -t x8); do
		out+=($((0x$e & ((1 << 55) - 1))))
	done
	echo "${out[*]}"
}

@test "the largest region is listed verbose in full: every page and binding, though one message cannot hold them" {
	unload_module
	modprobe ctrmap max_region_pages=2048 max_bindings=256
	start_target -m mmap -p 2048
	attach "$TPID" "$TADDR" "$TLEN"
	# Bound from the last counter down, by one counterctl (a batch); GET
	# lists them in counter order.
	for ((i = 255; i >= 0; i--)); do
		echo "bind $RID $((i * 7)) timer:3600s"
	done | "$CTL" -b -
	want_pfns=$(pagemap_pfns "$TPID" "$TADDR" 2048)
	want_bindings=$(seq -s, 0 7 $((255 * 7)))

	# 2048 pages take 48 KiB in netlink attributes: more than a dump message
	# (32 KiB at most) holds.
	run "$TOP/tests/tools/ctrmap-dumps" -v 3
	assert_success
	assert_line "region $RID npages=2048 pages=2048 bindings=$want_bindings"
	assert_line "pfns $RID $want_pfns"
	assert_line "lists=3 complete=3 interrupted=0 bad=0"

	# GET (do) answers in one message, sized for it.
	run "$CTL" -j show -v "$RID"
	assert_success
	assert_equal "$(jq -r '[.pages[].pfn] | map(tostring) | join(" ")' <<<"$output")" "$want_pfns"
	assert_equal "$(jq '[.pages[].pinned] | all' <<<"$output")" true
	assert_equal "$(jq -r '[.bindings[].index] | map(tostring) | join(",")' <<<"$output")" "$want_bindings"
}
