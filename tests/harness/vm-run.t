#!/bin/bash
# The VM harness itself: it passes the command's status through, fails on a
# kernel splat even when the command succeeded (also one the kernel's log
# ring no longer holds at the end), on taint, on a guest that dies or whose
# log is missing, stops a command at the guest's deadline, and leaves no
# QEMU behind.
# TAP output; runs on the host (each case boots a guest).
top=$(cd "$(dirname "$0")/../.." && pwd)
run=$top/tests/vm/run
n=0
fails=0
t=$SECONDS
ok() {
	n=$((n + 1))
	echo "# case $n: $((SECONDS - t)) s"
	t=$SECONDS
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fails=$((fails + 1))
	fi
}
qemus() { pgrep -c -f '^qemu-system-x86_64 .*vmrun.share=' || true; }

echo "1..10"
before=$(qemus)

# A status of 0 passes through in every other part of make check. A BATS
# test's mark in the log (tests/bats/lib.bash) is no splat, whatever the
# test's name says.
"$run" -- sh -c 'echo "ctrmap-bats: t/a.bats: a WARNING: Oops in its name" >/dev/kmsg; exit 7'
rc=$?
[ $rc = 7 ]
ok $? "the command's exit status passes through, and a test's mark naming a WARNING is no splat (got $rc)"

# The last BATS mark before a splat names the test it came in.
out=$("$run" -- sh -c 'echo "ctrmap-bats: t/b.bats: the deliberate one" >/dev/kmsg
	insmod "$CTRMAP_KBUILD/kmod/ctrmap_test_warn.ko" && rmmod ctrmap_test_warn' 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
[ $rc = 99 ] && echo "$out" | grep -q 'deliberate warning' &&
	echo "$out" | grep -qx 'vm: during t/b.bats: the deliberate one'
ok $? "a WARN in the guest fails the run although the command succeeded, naming the test it came in: 99 (got $rc)"

# A WARNING, then more log than the ring holds (256 KiB here): dmesg at the
# end has lost it (the command prints how often dmesg has it: 0), the log
# streamed from boot has not.
out=$(VM_LOG_BUF_LEN=256k "$run" -- bash -c '
	echo "WARNING: CPU: 0 PID: 1 at deliberate/overwritten.c" >/dev/kmsg
	pad=$(printf "%0180d" 0)
	for i in $(seq 5000); do echo "filler $i $pad" >/dev/kmsg; done
	echo "in dmesg: $(dmesg | grep -c deliberate/overwritten)"' 2>&1)
rc=$?
echo "$out" | grep -v '^filler' | head -n 20 | sed 's/^/# /'
[ $rc = 99 ] && echo "$out" | grep -qx 'in dmesg: 0' &&
	echo "$out" | grep -q 'kernel splat.*' && echo "$out" | grep -q 'deliberate/overwritten'
ok $? "a WARNING the log ring lost by the end still fails the run: 99 (got $rc)"

out=$("$run" -- sh -c 'echo 64 >/proc/sys/kernel/tainted' 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
[ $rc = 99 ] && echo "$out" | grep -q 'guest kernel is tainted: 64'
ok $? "a taint without a log line fails the run: 99 (got $rc)"

out=$("$run" -- sh -c 'echo c >/proc/sysrq-trigger' 2>&1)
rc=$?
echo "$out" | tail -n 5 | sed 's/^/# /'
[ $rc = 125 ]
ok $? "a guest that panics fails the run: 125 (got $rc)"

# The guest keeps its kernel log in /run/ctrmap-vm until the end.
out=$("$run" -- rm /run/ctrmap-vm/kmsg 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
[ $rc = 125 ] && echo "$out" | grep -q 'kernel log .* is missing'
ok $? "a kernel log missing at the end fails the run: 125 (got $rc)"

# 60 s: the guest's own deadline is 60 * 9 / 10 - 30 = 24 s after the
# command started; it shows the command's tasks and stops it.
out=$("$run" --timeout 60 -- sleep 600 2>&1)
rc=$?
echo "$out" | tail -n 5 | sed 's/^/# /'
[ $rc = 124 ] && echo "$out" | grep -q 'still runs after 24s'
ok $? "the guest's deadline stops a command that runs too long: 124 (got $rc)"

# A boot that does not reach the command in time (here: 1 s, which no
# boot does) is stopped and tried once more, then the run fails.
out=$(VM_BOOT_TIMEOUT=1 "$run" -- true 2>&1)
rc=$?
echo "$out" | grep '^vm:' | sed 's/^/# /'
[ $rc = 125 ] && echo "$out" | grep -q 'within 1s (console above); booting it again' &&
	echo "$out" | grep -q 'within 1s, twice'
ok $? "a guest that does not start the command is booted again, once: 125 (got $rc)"

"$run" --timeout 20 -- sleep 600
rc=$?
[ $rc = 124 ]
ok $? "a command that outlives --timeout is stopped, status 124 (got $rc)"

after=$(qemus)
[ "$after" = "$before" ]
ok $? "no QEMU process left behind ($before before, $after after)"

[ $fails = 0 ]
