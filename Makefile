# SPDX-License-Identifier: GPL-2.0
#
# pvirq: paravirtual interrupt drivers for Linux guests, and their tests.
#
#   make                 build pvhvm_irq.ko, hv_synic.ko, pvi.ko (Linux 6.1)
#   make KVER=6.12       ... for Linux 6.12 (Debian 12 security suite)
#   make KVER=6.1-debug  ... for the debug tier's kernel (scripts/debug-kernel.sh)
#   make KDIR=/path      ... against any prepared kernel build tree
#   make deps            install/fetch what the build and tests need
#   make demo            boot a guest on the host stub and show the drivers
#   make check           every test tier, ending in "N passed, N failed"
#   make check-xen       the real Xen tier alone
#   make check-debug     the VM tier on a KASAN/lockdep/kmemleak 6.1 build
#   make lint            checkpatch --strict and sparse
#   make bench           hot-path costs beside same-run baselines
#
# Module objects go to build/kmod-<kernel release>/, so builds for several
# kernels live side by side.

TOP		:= $(CURDIR)
KVER		?= 6.1
DEPS		:= $(TOP)/scripts/deps.sh
V		?= 0

# Evaluated lazily: after "deps" has fetched what it names.
PVIRQ_ENV	= $(shell $(DEPS) --env)
envvar		= $(patsubst $(1)=%,%,$(filter $(1)=%,$(PVIRQ_ENV)))

ifeq ($(origin KDIR),undefined)
ifeq ($(KVER),6.12)
KDIR		= $(call envvar,KDIR_612)
else ifeq ($(KVER),6.1-debug)
KDIR		= $(patsubst KDIR_DEBUG=%,%,$(filter KDIR_DEBUG=%,\
			$(shell $(TOP)/scripts/debug-kernel.sh --env)))
else ifeq ($(KVER),6.1)
KDIR		= $(or $(wildcard $(call envvar,KDIR_61)),/lib/modules/$(shell uname -r)/build)
else
$(error KVER must be 6.1, 6.12 or 6.1-debug (or give KDIR=))
endif
endif

KREL		= $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' \
			$(KDIR)/include/generated/utsrelease.h 2>/dev/null)
KBUILD_DIR	= $(TOP)/build/kmod-$(KREL)
PVIRQ_CONFIGS	:= CONFIG_PVIRQ_XEN_PVHVM_IRQ=m CONFIG_PVIRQ_HV_SYNIC=m CONFIG_PVIRQ_PVI=m
# "make check" builds with -Werror: a warning is a failed build there.
KCFLAGS		?=
SRC_DIRS	:= Kbuild include drivers arch tools/testing/pvirq/guest \
		   tools/testing/pvirq/include tools/testing/pvirq/vm/selftest \
		   tools/testing/pvirq/vm/synic-client \
		   tools/testing/pvirq/vm/pvi-client

all: modules

deps:
	@$(DEPS)

deps-ok:
	@$(DEPS) --check >/dev/null 2>&1 || $(DEPS)

# Mirror the sources into the per-kernel build directory (kbuild writes its
# objects beside the sources) and build there.  A changed file is copied
# with a fresh mtime: the source's own could be older than an object built
# while it was being edited, and make would keep that object.
sync: deps-ok
	@test -n "$(KREL)" || { echo "no kernel build tree at '$(KDIR)'" >&2; exit 1; }
	@mkdir -p $(KBUILD_DIR)
	@cd $(TOP) && find $(wildcard $(SRC_DIRS)) -type f | while read -r f; do \
		cmp -s "$$f" "$(KBUILD_DIR)/$$f" || \
		install -D -m 644 "$$f" "$(KBUILD_DIR)/$$f" || exit 1; done

modules: sync
	$(MAKE) -C $(KDIR) M=$(KBUILD_DIR) $(PVIRQ_CONFIGS) KCFLAGS="$(KCFLAGS)" V=$(V) modules
	@echo "pvirq: modules for $(KREL):"; \
	 find $(KBUILD_DIR)/drivers $(KBUILD_DIR)/arch -name '*.ko' | sed 's|^$(TOP)/|  |'

# Install into /lib/modules/<release>/updates and refresh module maps.
install: modules
	$(MAKE) -C $(KDIR) M=$(KBUILD_DIR) $(PVIRQ_CONFIGS) INSTALL_MOD_DIR=updates modules_install
	depmod -a $(KREL)

# Test-only modules: the guest transport and the VM tier's own self-tests.
test-modules: modules
	$(MAKE) -C $(KDIR) M=$(KBUILD_DIR)/tools/testing/pvirq/vm/selftest \
		KCFLAGS="$(KCFLAGS)" V=$(V) modules
	$(MAKE) -C $(KDIR) M=$(KBUILD_DIR)/tools/testing/pvirq/guest \
		KCFLAGS="$(KCFLAGS)" V=$(V) modules
	$(MAKE) -C $(KDIR) M=$(KBUILD_DIR)/tools/testing/pvirq/vm/synic-client \
		KBUILD_EXTRA_SYMBOLS=$(KBUILD_DIR)/Module.symvers \
		KCFLAGS="$(KCFLAGS)" V=$(V) modules
	$(MAKE) -C $(KDIR) M=$(KBUILD_DIR)/tools/testing/pvirq/vm/pvi-client \
		KBUILD_EXTRA_SYMBOLS=$(KBUILD_DIR)/Module.symvers \
		KCFLAGS="$(KCFLAGS)" V=$(V) modules

# Where the .ko files of one kernel are, for the VM tier.
print-kbuild-dir:
	@echo $(KBUILD_DIR)

print-kdir:
	@echo $(KDIR)

host:
	$(MAKE) -C tools/testing/pvirq/host

demo: deps-ok
	@tools/testing/pvirq/vm/demo.sh

check: deps-ok
	@tools/testing/pvirq/check.sh all

check-unit: deps-ok
	@tools/testing/pvirq/check.sh unit

check-vm: deps-ok
	@tools/testing/pvirq/check.sh build vm

lint: deps-ok
	@tools/testing/pvirq/check.sh lint

check-xen: deps-ok
	@tools/testing/pvirq/check.sh build xen

check-debug: deps-ok
	@tools/testing/pvirq/check.sh debug

bench: deps-ok
	@$(MAKE) -s -C tools/testing/pvirq/bench run

clean:
	rm -rf build
	-$(MAKE) -s -C tools/testing/pvirq/unit clean
	-$(MAKE) -s -C tools/testing/pvirq/bench clean

.PHONY: all deps deps-ok sync modules install test-modules print-kbuild-dir print-kdir host demo \
	check check-unit check-vm check-xen check-debug lint bench clean
