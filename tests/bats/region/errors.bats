#!/usr/bin/env bats
# Bad input: each refusal has its own errno and an extack message, and
# changes nothing (no pin taken, no region left).

load ../lib

setup() {
	require_guest
	modprobe ctrmap
	# A disk file system for the file mapping: tmpfs (where /tmp and the
	# guest's writable overlay live) is shmem, which ctrmap accepts.
	DISK=$BATS_TEST_TMPDIR/disk
	mkdir -p "$DISK"
	truncate -s 4M "$BATS_TEST_TMPDIR/disk.img"
	mkfs.ext2 -q -F "$BATS_TEST_TMPDIR/disk.img"
	modprobe loop
	mount -o loop "$BATS_TEST_TMPDIR/disk.img" "$DISK"
	mkfifo "$BATS_TEST_TMPDIR/maps.in"
	CTRMAP_MAPS_DIR=$DISK "$MAPS" <"$BATS_TEST_TMPDIR/maps.in" >"$BATS_TEST_TMPDIR/maps" 2>&1 &
	MPID=$!
	exec 8>"$BATS_TEST_TMPDIR/maps.in"
	STARTED_PIDS+=" $MPID"
	wait_lines "$BATS_TEST_TMPDIR/maps" '^hole=' 1
	for m in ro none hole file rw short; do
		eval "$m=\$(sed -n 's/^$m=//p' \"\$BATS_TEST_TMPDIR/maps\")"
	done
	read -r A0 R0 < <(pins)
}

teardown() {
	local rc=0
	exec 8>&- 2>/dev/null || true
	stop_started || rc=1
	umount "$DISK" 2>/dev/null || true
	return $rc
}

# nlraw's verdict: the errno by name, and a message matching REGEX.
assert_refused() { # ERRNO REGEX
	assert_failure 1
	assert_line --regexp "^errno=$(errno_of "$1") "
	assert_line --regexp "^msg=.*$2"
}

assert_nothing_changed() {
	read -r a r < <(pins)
	assert_equal "$a $r" "$A0 $R0"
	assert_equal "$(regions_listed)" 0
}

attach_raw() { # PID ADDR LEN
	run "$NLRAW" $CTRMAP_CMD_ATTACH $CTRMAP_A_PID:u32:$1 \
		$CTRMAP_A_ADDR:u64:"$(printf %u $(($2)))" $CTRMAP_A_LEN:u64:$(($3))
}

@test "missing attributes are named" {
	run "$NLRAW" $CTRMAP_CMD_ATTACH $CTRMAP_A_ADDR:u64:$((rw)) $CTRMAP_A_LEN:u64:4096
	assert_refused EINVAL "pid"
	run "$NLRAW" $CTRMAP_CMD_ATTACH $CTRMAP_A_PID:u32:$MPID $CTRMAP_A_LEN:u64:4096
	assert_refused EINVAL "addr"
	run "$NLRAW" $CTRMAP_CMD_ATTACH $CTRMAP_A_PID:u32:$MPID $CTRMAP_A_ADDR:u64:$((rw))
	assert_refused EINVAL "len"
	run "$NLRAW" $CTRMAP_CMD_DETACH
	assert_refused EINVAL "region id"
	assert_nothing_changed
}

@test "malformed attributes: wrong size, unknown to the command" {
	run "$NLRAW" $CTRMAP_CMD_ATTACH $CTRMAP_A_PID:u64:$MPID \
		$CTRMAP_A_ADDR:u64:$((rw)) $CTRMAP_A_LEN:u64:4096
	assert_refused EINVAL ""
	assert_line --regexp '^offs=[0-9]+'
	run "$NLRAW" $CTRMAP_CMD_ATTACH $CTRMAP_A_PID:u32:$MPID \
		$CTRMAP_A_ADDR:u64:$((rw)) $CTRMAP_A_LEN:u64:4096 $CTRMAP_A_VERBOSE:flag
	assert_refused EINVAL ""
	assert_line --regexp '^offs=[0-9]+'
	assert_nothing_changed
}

@test "an unaligned address" {
	attach_raw $MPID $((rw + 4)) 4092
	assert_refused EINVAL "8-byte aligned"
	assert_nothing_changed
}

@test "a zero, too short, or too large length" {
	attach_raw $MPID $rw 0
	assert_refused ERANGE ""
	attach_raw $MPID $rw 71
	assert_refused ERANGE ""
	max=$(config_value "$TOP/module/ctrmap_config.h" CONFIG_CTRMAP_MAX_REGION_PAGES)
	attach_raw $MPID $rw $(((max + 1) * 4096))
	assert_refused E2BIG "max_region_pages"
	assert_nothing_changed
}

@test "a range that wraps around" {
	attach_raw $MPID -4096 8192
	assert_refused EINVAL "wraps around"
	assert_nothing_changed
}

@test "an unmapped range, and a range with a hole" {
	attach_raw $MPID $((hole + 4096)) 4096
	assert_refused EFAULT "not mapped"
	attach_raw $MPID $hole $((3 * 4096))
	assert_refused EFAULT "hole"
	assert_nothing_changed
}

@test "read-only and PROT_NONE memory" {
	attach_raw $MPID $ro 4096
	assert_refused EACCES "not writable"
	attach_raw $MPID $none 4096
	assert_refused EACCES "not writable"
	assert_nothing_changed
}

@test "a regular file mapping" {
	attach_raw $MPID $file 4096
	assert_refused EOPNOTSUPP "regular file"
	assert_nothing_changed
}

# The vDSO's data pages: VM_IO | VM_PFNMAP up to 7.2 (sid's 7.2.13); 7.3
# maps them with struct pages (VM_MIXEDMAP), read-only, and ctrmap refuses
# them as not writable. smaps' VmFlags (io, pf, wr) tell which.
@test "the vDSO's vvar: VM_IO / VM_PFNMAP, or else read-only" {
	smaps=$(awk '$NF == "[vvar]" { split($1, a, "-"); f = a[1] }
		f && /^VmFlags:/ { print f, $0; exit }' "/proc/$MPID/smaps")
	read -r vvar flags <<<"$smaps"
	[ -n "$vvar" ]
	attach_raw $MPID 0x$vvar 4096
	if [[ " $flags " == *" io "* || " $flags " == *" pf "* ]]; then
		assert_refused EOPNOTSUPP "VM_IO or VM_PFNMAP"
	else
		[[ " $flags " != *" wr "* ]]
		assert_refused EACCES "not writable"
	fi
	assert_nothing_changed
}

# The module's own figures: regions, pinned pages, bindings, attaches.
stats() {
	"$CTL" -j status | jq -c '[.regions, .pinned_pages, .bindings, .attaches]'
}

@test "a range whose last page cannot be pinned: the first is given back" {
	s0=$(stats)
	# Both pages pass the mapping checks (shmem, writable, no hole); the
	# second lies past the end of the memfd, so pinning stops part-way.
	attach_raw $MPID $short 8192
	assert_refused EFAULT "cannot be faulted in"
	read -r a r < <(pins)
	[ $((a - A0)) -ge 1 ] # the first page was pinned...
	assert_equal $((r - R0)) $((a - A0)) # ...and unpinned
	assert_equal "$(regions_listed)" 0
	assert_equal "$(awk '/^VmPin:/ { print $2 }' "/proc/$MPID/status")" 0
	assert_equal "$(stats)" "$s0"
	# A range that starts and ends inside the two pages fails the same way.
	attach_raw $MPID $((short + 4096 - 128)) 256
	assert_refused EFAULT "cannot be faulted in"
	# The refusal was the second page's: the first alone attaches.
	attach "$MPID" "$short" 4096
	"$CTL" detach "$RID"
	assert_pins_returned "$A0" "$R0" 2	# the failed attach's first page, then this one
	assert_equal "$(regions_listed)" 0
	assert_equal "$(awk '/^VmPin:/ { print $2 }' "/proc/$MPID/status")" 0
}

@test "a PID that does not exist, and PID 0" {
	attach_raw "$(cat /proc/sys/kernel/pid_max)" $rw 4096
	assert_refused ESRCH "no such process"
	attach_raw 0 $rw 4096
	assert_refused ERANGE ""
	assert_nothing_changed
}

@test "a kernel thread" {
	attach_raw 2 $rw 4096
	assert_refused EINVAL "kernel thread"
	assert_nothing_changed
}

@test "a zombie" {
	# The child exits once its parent has become sleep, which never
	# reaps it.
	bash -c 'sleep 0.5 & echo $! >"$0"; exec sleep 30' "$BATS_TEST_TMPDIR/zpid" &
	STARTED_PIDS+=" $!"
	wait_lines "$BATS_TEST_TMPDIR/zpid" . 1
	zpid=$(cat "$BATS_TEST_TMPDIR/zpid")
	for _ in $(seq 100); do
		[ "$(awk '{ print $3 }' "/proc/$zpid/stat" 2>/dev/null)" = Z ] && break
		sleep 0.05
	done
	assert_equal "$(awk '{ print $3 }' "/proc/$zpid/stat")" Z
	attach_raw "$zpid" $rw 4096
	assert_refused ESRCH "zombie"
	assert_nothing_changed
}

@test "detach, get and add of an unknown region id" {
	run "$NLRAW" $CTRMAP_CMD_DETACH $CTRMAP_A_REGION_ID:u32:999999
	assert_refused ENOENT "no such region"
	run "$NLRAW" $CTRMAP_CMD_GET $CTRMAP_A_REGION_ID:u32:999999
	assert_refused ENOENT "no such region"
	run "$NLRAW" $CTRMAP_CMD_ADD $CTRMAP_A_REGION_ID:u32:999999 \
		$CTRMAP_A_INDEX:u32:0 $CTRMAP_A_DELTA:u64:1
	assert_refused ENOENT "no such region"
	assert_nothing_changed
}

@test "an index past the last counter" {
	attach "$MPID" "$rw" 4096
	n=$(( (4096 - 64) / 8 ))
	run "$NLRAW" $CTRMAP_CMD_ADD $CTRMAP_A_REGION_ID:u32:$RID \
		$CTRMAP_A_INDEX:u32:$n $CTRMAP_A_DELTA:u64:1
	assert_refused ERANGE "index past"
	run "$NLRAW" $CTRMAP_CMD_ADD $CTRMAP_A_REGION_ID:u32:$RID \
		$CTRMAP_A_INDEX:u32:$((n - 1)) $CTRMAP_A_DELTA:u64:1
	assert_success
	"$CTL" detach "$RID"
	assert_pins_returned "$A0" "$R0" 1
	assert_equal "$(regions_listed)" 0
}

@test "counterctl shows the kernel's message and exits 1" {
	run "$CTL" attach --pid "$MPID" --addr "$ro" --len 4096
	assert_failure 1
	assert_output --partial "kernel reports: the range is not writable"
	run "$CTL" attach --pid "$MPID" --addr junk --len 4096
	assert_failure 2
	assert_nothing_changed
}

@test "a range overlapping a region of the same process is refused (EBUSY); next to it is fine" {
	start_target -m mmap -p 2
	attach "$TPID" "$TADDR" 4096
	first=$RID
	"$CTL" add "$first" 0 5
	read -r a1 r1 < <(pins)
	attach_raw "$TPID" $((TADDR + 64)) 1024
	assert_refused EBUSY "overlaps.*region"
	# Region 1's counter is untouched, its header still its own.
	line=$(target_print)
	assert_equal "$(counter_of "$line" 0)" 5
	read -r a r < <(pins)
	assert_equal "$a $r" "$a1 $r1"
	attach "$TPID" "$(printf 0x%x $((TADDR + 4096)))" 4096
	assert_equal "$(regions_listed)" 2
	# Once the first is detached, its range is free again.
	"$CTL" detach "$first"
	attach "$TPID" "$(printf 0x%x $((TADDR + 64)))" 1024
}
