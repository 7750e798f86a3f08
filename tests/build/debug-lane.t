#!/bin/bash
# The debug lane's entry point, run from make as a user runs it in a fresh
# clone, without building a kernel: "make check-debug" with
# CTRMAP_DEBUG_KERNEL=configure-only unpacks linux-source-6.1 into a scratch
# CTRMAP_CACHE, configures the debug kernel and checks its options. The
# kernel's configuration must land in the kernel tree, never in the
# project's module/.config, whatever kernel variables the caller has set.
# The scratch clone and cache are removed afterwards.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1

scratch=$(mktemp -d /tmp/ctrmap-debug-lane.XXXXXX) || exit 1
trap 'rm -rf "$scratch"' EXIT
clone=$scratch/clone
export CTRMAP_CACHE=$scratch/cache
t0=$(date +%s)

n=0
status=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); status=1; echo "not ok $n - $*"; }
check() { # DESCRIPTION COMMAND...
	local d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}
show() { sed 's/^/# /' "$1"; }
has_lines() { # FILE LINE...: every LINE is a whole line of FILE
	local f=$1 l
	shift
	for l; do grep -qxF -- "$l" "$f" 2>/dev/null || return 1; done
}
none() { # PATH...: none of them exists
	local p
	for p; do [ ! -e "$p" ] || return 1; done
}

echo "1..9"

# A fresh clone: the files git knows of (tracked, or new and not ignored),
# as they are in this tree; nothing built or configured.
mkdir -p "$clone"
git ls-files -z --cached --others --exclude-standard |
	xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
	tar --null --no-recursion -T - -cf - | tar -xf - -C "$clone"
cfg=$clone/module/.config

# What a recipe's commands inherit from the top-level Makefile: no Kconfig
# or Kbuild variable, even when the caller's environment has one.
kenv=$(cd "$clone" && KCONFIG_CONFIG=$scratch/env.config make -s --no-print-directory \
	--eval 'ctrmap-env: ; @env' ctrmap-env | grep -E '^(KCONFIG|KBUILD)_')
check "the Makefile exports no KCONFIG_*/KBUILD_* variable to its children${kenv:+ (it does: $kenv)}" \
	test -z "$kenv"

# 1. As the README says, in a fresh clone (no module/.config yet).
out=$scratch/run1.log
t1=$(date +%s)
(cd "$clone" && CTRMAP_DEBUG_KERNEL=configure-only make check-debug) >"$out" 2>&1
rc=$?
echo "# unpacked and configured in $(($(date +%s) - t1)) s"
[ $rc = 0 ] || show "$out"
check "make check-debug CTRMAP_DEBUG_KERNEL=configure-only succeeds in a fresh clone (status $rc)" \
	test $rc = 0
trees=("$CTRMAP_CACHE"/debug-kernel/*/tree)
tree=${trees[0]}
check "the kernel tree got its own .config (x86_64, KASAN, lockdep)" \
	has_lines "$tree/.config" CONFIG_X86_64=y CONFIG_KASAN=y CONFIG_PROVE_LOCKING=y
check "module/.config was not created by the kernel's configuration" \
	none "$cfg" "$cfg.old"

# 2. With the project configured, and the caller's make and environment
# carrying kernel variables that must not reach the kernel's make.
(cd "$clone" && make -s defconfig) >"$scratch/defconfig.log" 2>&1
check "make defconfig writes module/.config" test -s "$cfg"
cp "$cfg" "$scratch/config.before"
unchanged_config() { cmp -s "$scratch/config.before" "$cfg" && none "$cfg.old"; }
rm -f "$tree/.config"
out=$scratch/run2.log
t1=$(date +%s)
(cd "$clone" && CTRMAP_DEBUG_KERNEL=configure-only KBUILD_OUTPUT=$scratch/kbuild-out \
	KCONFIG_ALLCONFIG=$scratch/allconfig make check-debug \
	KCONFIG_CONFIG="$scratch/caller.config" O="$scratch/o" ARCH=arm64 CROSS_COMPILE=ctrmap-bogus-) \
	>"$out" 2>&1
rc=$?
echo "# configured again in $(($(date +%s) - t1)) s"
[ $rc = 0 ] || show "$out"
check "make check-debug KCONFIG_CONFIG=... O=... ARCH=arm64 CROSS_COMPILE=... (and KBUILD_OUTPUT in the environment) still configures the debug kernel (status $rc)" \
	test $rc = 0
check "module/.config is byte-identical afterwards, no module/.config.old" \
	unchanged_config
check "the kernel tree got its .config again, for x86_64" \
	has_lines "$tree/.config" CONFIG_X86_64=y CONFIG_KASAN=y
check "nothing was written where the caller's variables point" \
	none "$scratch/caller.config" "$scratch/o" "$scratch/kbuild-out"

echo "# debug lane (configure only) took $(($(date +%s) - t0)) s"
exit $status
