# ctrmap developer entry points. The kernel module's object list is in
# module/Kbuild; user space builds in libctl/ and ctl-tool/.
#
#   make                 user space (libctrmap, counterctl) + ctrmap_config.h
#   make modules         ctrmap.ko (+ test modules) for KVER into O_MOD
#   make defconfig       module/.config with every option at its default
#   make menuconfig      edit module/.config (kconfig-mconf)
#   make check           the whole test suite (host unit tests, then the VM)
#   make vm-shell        an interactive root shell in a guest with ctrmap.ko
#   make demo            the main job: see README.md

VERSION := $(shell cat VERSION)
# The guest kernel: newest bookworm 6.1 generic kernel installed on this host.
KVER ?= $(shell cd /boot 2>/dev/null && ls vmlinuz-6.1.0-*-amd64 2>/dev/null | \
	grep -v -- -rt- | sed 's/^vmlinuz-//' | sort -V | tail -n1)
KDIR ?= /lib/modules/$(KVER)/build
O_MOD ?= $(CURDIR)/build/kernel-$(KVER)

export KCONFIG_CONFIG := $(CURDIR)/module/.config
KCONFIG := module/Kconfig

.PHONY: all user modules defconfig olddefconfig menuconfig check demo \
	vm-shell clean

all: user module/ctrmap_config.h

user:
	$(MAKE) -C libctl
	$(MAKE) -C ctl-tool

defconfig:
	kconfig-conf --alldefconfig $(KCONFIG)

olddefconfig:
	kconfig-conf --olddefconfig $(KCONFIG)

menuconfig:
	kconfig-mconf $(KCONFIG)

$(KCONFIG_CONFIG):
	kconfig-conf --alldefconfig $(KCONFIG)

# Kconfig's .config as a C header (y -> 1, values as they are), plus the
# version: the one header Kbuild force-includes. Shipped in ctrmap-dkms, so
# building the module needs no kconfig-frontends.
module/ctrmap_config.h: $(KCONFIG_CONFIG) $(KCONFIG) VERSION
	kconfig-conf --olddefconfig $(KCONFIG) >/dev/null
	{ echo '/* Generated from module/.config by make; do not edit. */'; \
	  echo '#define CTRMAP_VERSION "$(VERSION)"'; \
	  sed -n -e 's/^\(CONFIG_[A-Z0-9_]*\)=y$$/#define \1 1/p' \
	      -e 's/^\(CONFIG_[A-Z0-9_]*\)=\(.*\)$$/#define \1 \2/p' \
	      $(KCONFIG_CONFIG); } >$@.tmp
	mv $@.tmp $@

# Kbuild builds in a copy of the sources per kernel, so builds for several
# kernels never share objects.
modules: module/ctrmap_config.h
	@test -d $(KDIR) || { echo "no headers for $(KVER) in $(KDIR)" >&2; exit 1; }
	mkdir -p $(O_MOD)/kmod
	cp -a module/. $(O_MOD)/
	cp -a tests/kmod/. $(O_MOD)/kmod/
	$(MAKE) -C $(KDIR) M=$(O_MOD) modules
	$(MAKE) -C $(KDIR) M=$(O_MOD)/kmod modules

check:
	tests/check

vm-shell: user
	tests/vm/run --shell

clean:
	$(MAKE) -C libctl clean
	$(MAKE) -C ctl-tool clean
	rm -rf build module/ctrmap_config.h
