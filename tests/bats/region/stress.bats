#!/usr/bin/env bats
# Concurrency, bounded: several processes with several regions each; ADD
# loops and GET dumps run while processes are killed and regions detached.
# Afterwards nothing is left and every pin is back (the harness fails the
# run on any kernel splat).

load ../lib

setup() {
	require_guest
	modprobe ctrmap
}

teardown() {
	stop_started
}

@test "adds, dumps, kills and detaches at once" {
	read -r a0 r0 < <(pins)
	RANDOM=7	# seeded: the same chaos every run
	ids=()
	tpids=()
	for p in 1 2 3 4; do
		start_target -m mmap -p 3
		exec 7>&-
		tpids+=("$TPID")
		for i in 0 1 2; do
			attach "$TPID" "$(printf 0x%x $((TADDR + i * 4096)))" 4096
			ids+=("$RID")
		done
	done
	assert_equal "$(regions_listed)" 12

	end=$((SECONDS + 8))
	for w in 1 2; do
		( while [ $SECONDS -lt $end ]; do
			for id in "${ids[@]}"; do "$CTL" add "$id" $((RANDOM % 8)) 1 2>/dev/null; done
		done ) &
		STARTED_PIDS+=" $!"
	done
	( while [ $SECONDS -lt $end ]; do "$CTL" -j list >/dev/null || echo "list failed"; done ) \
		>"$BATS_TEST_TMPDIR/lister" &
	lister=$!

	for round in 1 2 3 4; do
		sleep 1
		victim=${tpids[$((round - 1))]}
		if [ $((RANDOM % 2)) = 0 ]; then
			kill -9 "$victim"
		else
			"$CTL" detach "${ids[$((RANDOM % 12))]}" 2>/dev/null || true
		fi
	done
	wait "$lister"
	[ ! -s "$BATS_TEST_TMPDIR/lister" ]
	stop_started

	wait_no_regions
	assert_equal "$(regions_listed)" 0
	read -r a r < <(pins)
	assert_equal $((r - r0)) $((a - a0))
	assert_equal $((a - a0)) 12
}
