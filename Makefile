# ctrmap developer entry points. The kernel module's object list is in
# module/Kbuild; user space builds in libctl/ and ctl-tool/.
#
#   make                 user space (libctrmap, counterctl) + ctrmap_config.h
#   make install         libctrmap, counterctl and the YNL spec
#                        [DESTDIR= PREFIX=]
#   make install-dkms    the module's sources for DKMS, with a ctrmap_config.h
#                        of the default configuration, into
#                        [DESTDIR]/usr/src/ctrmap-VERSION
#   make examples        the C programs of examples/, against the tree's
#                        libctrmap
#   make deb             the Debian packages into build/deb/
#   make modules         ctrmap.ko for KVER into O_MOD
#   make test-tools      the test programs (tests/tools, fuzz, stress, bench)
#   make test-modules    that, the test modules, the sample driver, and
#                        ctrmap.ko built with a changed config (tests prove
#                        options reach STATS)
#   make defconfig       module/.config with every option at its default
#   make menuconfig      edit module/.config (kconfig-mconf)
#   make check           the whole test suite (host unit tests, then the VM)
#   make check-unit      the host unit tests alone (no guest)
#   make check-bats FILE=tests/bats/region/fork.bats FILTER=REGEX KERNEL=rt
#                        one BATS file or directory (default: all of
#                        tests/bats), only the tests whose name matches
#                        FILTER, in a guest of KERNEL (6.1, rt or debug)
#   make check-debug     the debug-kernel lane: BATS, kmemleak, fuzz, stress
#                        and fault injection on a KASAN/lockdep/kmemleak guest
#                        kernel built once from linux-source-6.1 (tests/README.md)
#   make bench           every benchmark in one guest: build/bench/results.json,
#                        BENCHMARKS.md and its plot (tests/bench/run)
#   make bench-compare OLD=old.json NEW=new.json
#                        two runs' results, figure by figure, regressions flagged
#   make matrix          every Debian kernel (bookworm 6.1 and 6.12, trixie,
#                        its backports, sid): packages built in the suite,
#                        installed with apt (DKMS), BATS and stress in a
#                        guest of that kernel (tests/matrix/run)
#   make vm-shell        an interactive root shell in a guest with ctrmap.ko
#   make demo            the main job: see tests/README.md

# The version is kept in one place, debian/changelog: its upstream part.
VERSION := $(shell dpkg-parsechangelog -l debian/changelog -SVersion | \
	     sed 's/-[^-]*$$//')
ifeq ($(VERSION),)
$(error cannot read the version from debian/changelog (dpkg-parsechangelog is in dpkg-dev))
endif
# The kernel to build against: the newest bookworm 6.1 generic kernel whose
# headers are installed (tests/lib/deps installs them; guests boot kernels
# unpacked in a cache, tests/lib/guest-kernel, and other kernels' headers
# are unpacked there too, tests/lib/kernel-headers: none is installed here).
KVER ?= $(shell ls -d /lib/modules/6.1.0-*-amd64/build 2>/dev/null | \
	grep -v -- -rt- | sed 's|^/lib/modules/||; s|/build$$||' | sort -V | tail -n1)
KDIR ?= /lib/modules/$(KVER)/build
O_MOD ?= $(CURDIR)/build/kernel-$(KVER)

# The module's configuration file. kconfig-conf and kconfig-mconf get it in
# their own environment only ($(KCONF)): exported, every child would inherit
# it, and a kernel's own "make defconfig" (the debug lane's) would write the
# kernel's configuration over module/.config.
KCONFIG_CONFIG := $(CURDIR)/module/.config
unexport KCONFIG_CONFIG
KCONF = KCONFIG_CONFIG=$(KCONFIG_CONFIG)
KCONFIG := module/Kconfig
CONFIG_H := module/ctrmap_config.h

.PHONY: all user examples install dkms-tree install-dkms deb modules test-tools test-modules defconfig \
	olddefconfig menuconfig check check-unit check-bats check-debug matrix bench bench-compare \
	demo vm-shell clean

all: user $(CONFIG_H)

user:
	$(MAKE) -C libctl
	$(MAKE) -C ctl-tool

# What libctrmap-dev ships in its examples/, built here as a user would.
examples: user
	$(MAKE) -C examples

# The netlink family as a YNL spec, for the kernel's tools/net/ynl (cli.py).
PREFIX ?= /usr
YNL_SPEC := module/include/uapi/ctrmap.yaml

install: user
	$(MAKE) -C libctl install
	$(MAKE) -C ctl-tool install
	install -d $(DESTDIR)$(PREFIX)/share/ctrmap
	install -m 0644 $(YNL_SPEC) $(DESTDIR)$(PREFIX)/share/ctrmap/ctrmap.yaml

defconfig:
	$(KCONF) kconfig-conf --alldefconfig $(KCONFIG)

olddefconfig:
	$(KCONF) kconfig-conf --olddefconfig $(KCONFIG)

menuconfig:
	$(KCONF) kconfig-mconf $(KCONFIG)

$(KCONFIG_CONFIG):
	$(KCONF) kconfig-conf --alldefconfig $(KCONFIG)

# Kconfig's .config as a C header (y -> 1, values as they are), plus the
# version: the one header Kbuild force-includes. Shipped in ctrmap-dkms, so
# building the module needs no kconfig-frontends.
$(CONFIG_H): $(KCONFIG_CONFIG) $(KCONFIG) debian/changelog
	$(KCONF) kconfig-conf --olddefconfig $(KCONFIG) >/dev/null
	{ echo '/* SPDX-License-Identifier: GPL-2.0 */'; \
	  echo '/* Generated from module/.config by make; do not edit. */'; \
	  echo '#define CTRMAP_VERSION "$(VERSION)"'; \
	  sed -n -e 's/^\(CONFIG_[A-Z0-9_]*\)=y$$/#define \1 1/p' \
	      -e 's/^\(CONFIG_[A-Z0-9_]*\)=\(.*\)$$/#define \1 \2/p' \
	      $(KCONFIG_CONFIG); } >$@.tmp
	mv $@.tmp $@

# The module's source tree as DKMS builds it (dkms.conf, module/Makefile):
# the sources without the samples, and ctrmap_config.h generated from the
# default configuration (whatever module/.config says), so that target
# machines need no kconfig-frontends.
DKMS_BUILD := build/dkms
DKMS_TREE := $(DKMS_BUILD)/ctrmap-$(VERSION)
DKMSDIR ?= /usr/src
# What Kbuild generates in compat/ when the module is built in module/.
COMPAT_GEN := module/compat/features.h
dkms-tree:
	rm -rf $(DKMS_BUILD)
	install -d $(DKMS_TREE)/compat/probes $(DKMS_TREE)/include/linux \
		$(DKMS_TREE)/include/uapi/linux
	install -m 0644 module/Kbuild module/Makefile \
		$(filter-out $(CONFIG_H),$(wildcard module/*.[ch])) $(DKMS_TREE)/
	install -m 0644 module/compat/features.mk \
		$(filter-out $(COMPAT_GEN),$(wildcard module/compat/*.h)) \
		$(DKMS_TREE)/compat/
	install -m 0644 module/compat/probes/*.c $(DKMS_TREE)/compat/probes/
	install -m 0644 module/include/linux/*.h $(DKMS_TREE)/include/linux/
	install -m 0644 module/include/uapi/linux/*.h \
		$(DKMS_TREE)/include/uapi/linux/
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf >$(DKMS_TREE)/dkms.conf
	$(MAKE) --no-print-directory $(DKMS_TREE)/ctrmap_config.h \
		KCONFIG_CONFIG=$(CURDIR)/$(DKMS_BUILD)/.config \
		CONFIG_H=$(DKMS_TREE)/ctrmap_config.h

install-dkms: dkms-tree
	install -d $(DESTDIR)$(DKMSDIR)
	cp -R $(DKMS_TREE) $(DESTDIR)$(DKMSDIR)/

# The packages, built from a copy of the files git knows of (tracked, or
# new and not ignored), so nothing built or configured here leaks in.
# dpkg-buildpackage writes them next to that copy: build/deb/.
DEB_OUT := build/deb
DEB_SRC := $(DEB_OUT)/ctrmap-$(VERSION)
deb:
	rm -rf $(DEB_OUT)
	mkdir -p $(DEB_SRC)
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		git ls-files -z --cached --others --exclude-standard | \
		xargs -0 sh -c 'for f; do [ -e "$$f" ] && printf "%s\0" "$$f"; done' sh | \
		tar --null --no-recursion -T - -cf - | tar -xf - -C $(DEB_SRC); \
	else \
		tar --exclude=./build --exclude=./.git -cf - . | tar -xf - -C $(DEB_SRC); \
	fi
	cd $(DEB_SRC) && dpkg-buildpackage -us -uc -b -Jauto
	@ls -1 $(DEB_OUT)/*.deb $(DEB_OUT)/*.changes

test-tools: all
	for d in tools fuzz stress bench; do $(MAKE) -C tests/$$d || exit 1; done

# Kbuild builds in a copy of the sources per kernel, so builds for several
# kernels (and configurations) never share objects.
modules: $(CONFIG_H)
	@test -d $(KDIR) || { echo "no headers for $(KVER) in $(KDIR)" >&2; exit 1; }
	mkdir -p $(O_MOD)
	cp -a module/. $(O_MOD)/
	$(MAKE) -C $(KDIR) M=$(O_MOD) modules

# The test configuration differs from the defaults in two limits (small
# enough for tests to reach) and one source; it goes through kconfig-conf
# and the header generation like any. Its .config is replaced only when
# the tweaked one differs from the last: a new .config regenerates the
# header, and every object is rebuilt (20 s before each guest boots).
ALT := $(O_MOD)/altconfig
test-modules: modules
	mkdir -p $(ALT)
	tar -C module --exclude=./.config --exclude=./ctrmap_config.h -cf - . | \
		tar -C $(ALT) -xf -
	cp module/.config $(ALT)/.config.new
	kconfig-tweak --file $(ALT)/.config.new --set-val CTRMAP_MAX_REGIONS 5 \
		--set-val CTRMAP_MAX_REGIONS_PER_PROCESS 3 \
		--set-val CTRMAP_MAX_REGIONS_PER_USER 5 \
		--disable CTRMAP_SOURCE_IRQ
	if cmp -s $(ALT)/.config.new $(ALT)/.config.tweaked && [ -f $(ALT)/.config ]; then \
		rm $(ALT)/.config.new; \
	else \
		cp $(ALT)/.config.new $(ALT)/.config && mv $(ALT)/.config.new $(ALT)/.config.tweaked; \
	fi
	$(MAKE) --no-print-directory $(ALT)/ctrmap_config.h \
		KCONFIG_CONFIG=$(ALT)/.config CONFIG_H=$(ALT)/ctrmap_config.h
	$(MAKE) -C $(KDIR) M=$(ALT) modules
	mkdir -p $(O_MOD)/kmod
	cp -a tests/kmod/. $(O_MOD)/kmod/
	@# They record ctrmap.ko's symbol CRCs, which follow its types, and
	@# Kbuild rebuilds nothing when those change: start them afresh.
	@for d in $(O_MOD)/kmod $(O_MOD)/samples; do \
		if [ -n "$$(find $$d -name '*.ko' ! -newer $(O_MOD)/Module.symvers)" ]; then \
			find $$d \( -name '*.ko' -o -name '*.o' -o -name '*.mod*' \) -delete; \
		fi; \
	done
	$(MAKE) -C $(KDIR) M=$(O_MOD)/kmod \
		KBUILD_EXTRA_SYMBOLS=$(O_MOD)/Module.symvers modules
	$(MAKE) -C $(KDIR) M=$(O_MOD)/samples \
		KBUILD_EXTRA_SYMBOLS=$(O_MOD)/Module.symvers modules

check:
	tests/check

check-unit:
	tests/lib/deps
	$(MAKE) -s test-tools
	$(MAKE) -s -C tests/unit check

FILE ?= tests/bats
FILTER ?=
KERNEL ?= 6.1
check-bats:
	tests/lib/deps
	$(MAKE) -s test-tools
	tests/vm/run --kernel '$(KERNEL)' -- bats --tap -r '$(FILE)' \
		$(if $(FILTER),--filter '$(FILTER)')

check-debug:
	tests/check-debug

bench:
	tests/bench/run

OLD ?= build/bench/results.json
NEW ?= build/bench/results.json
bench-compare:
	tests/bench/report --compare '$(OLD)' '$(NEW)'

matrix:
	tests/matrix/run

demo:
	tests/demo/run

vm-shell: user
	tests/vm/run --shell

clean:
	$(MAKE) -C libctl clean
	$(MAKE) -C ctl-tool clean
	$(MAKE) -C examples clean
	rm -rf build $(CONFIG_H)
