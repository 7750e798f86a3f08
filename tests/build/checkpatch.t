#!/bin/bash
# Kernel code follows kernel style: checkpatch.pl --strict is quiet on every
# module source. checkpatch comes from Debian's linux-source-6.1 (the
# headers package lacks it), extracted once into build/.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
cp=$top/build/checkpatch/scripts/checkpatch.pl
if [ ! -x "$cp" ]; then
	if ! ls /usr/src/linux-source-6.1.tar.* >/dev/null 2>&1; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends linux-source-6.1 >/dev/null 2>&1
	fi
	mkdir -p "$top/build/checkpatch"
	tar -xf /usr/src/linux-source-6.1.tar.* -C "$top/build/checkpatch" --strip-components=1 \
		--wildcards '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' '*/scripts/const_structs.checkpatch'
fi
files=$(git ls-files 'module/*.c' 'module/*.h' 'tests/kmod/*.c' | grep -v '^module/compat/')
compat=$(git ls-files 'module/compat/*.h' 'module/compat/*.c')
echo "1..2"
out=$("$cp" --no-tree --strict --terse --show-types -f $files 2>&1 | grep -v '^total:')
if [ -z "$out" ]; then echo "ok 1 - checkpatch --strict is quiet on the module"; else
	echo "$out" | sed 's/^/# /'; echo "not ok 1 - checkpatch --strict is quiet on the module"; fi
# Version checks are what compat/ is for.
out=$("$cp" --no-tree --strict --terse --show-types --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON \
	-f $compat 2>&1 | grep -v '^total:')
if [ -z "$out" ]; then echo "ok 2 - checkpatch --strict is quiet on module/compat"; else
	echo "$out" | sed 's/^/# /'; echo "not ok 2 - checkpatch --strict is quiet on module/compat"; fi
