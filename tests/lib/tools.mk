# SPDX-License-Identifier: GPL-2.0-or-later
# What every test program's Makefile (tests/tools, fuzz, stress, bench)
# shares: libnl's flags, the warnings, and libctl's internal library, which
# libctl's own Makefile keeps up to date (make compares its timestamp after
# running it). Include it first, from a directory two levels down.

.DEFAULT_GOAL := all

LIBCTL := ../../libctl
UAPI_H := ../../module/include/uapi/linux/ctrmap.h

PKG_CONFIG ?= pkg-config
NL_CFLAGS := $(shell $(PKG_CONFIG) --cflags libnl-genl-3.0 libnl-3.0)
NL_LIBS := $(shell $(PKG_CONFIG) --libs libnl-genl-3.0 libnl-3.0)

CFLAGS ?= -O2 -g -Wall -Wextra -Werror -Wshadow -Wformat=2 \
	  -Wmissing-prototypes -Wstrict-prototypes -Wvla
override CPPFLAGS += -I$(LIBCTL) -I$(LIBCTL)/include -I../../module/include/uapi $(NL_CFLAGS)
override CFLAGS += -std=gnu11

$(LIBCTL)/libctrmap-internal.a: FORCE
	$(MAKE) -C $(LIBCTL)

FORCE:

.PHONY: FORCE
