# SPDX-License-Identifier: GPL-2.0
#
# Hyper-V SynIC event-flag scan: instructions per event beside the limit
# loop, counted by callgrind (synic_evt_bench runs valgrind itself).

SYNIC_DIR	:= $(TOP)/drivers/hv/synic
# See tools/testing/pvirq/unit/synic.mk: works around the shims until fixed.
SYNIC_CPPFLAGS	= -include linux/compiler.h -include linux/bitops.h \
		  -include asm/errno.h $(CPPFLAGS) -I$(SYNIC_DIR)

BENCH_BINS += $(OUT)/synic_evt_bench
BENCH_RUNS += $(OUT)/synic_evt_bench

$(OUT)/synic_evt_bench: synic_evt_bench.c $(SYNIC_DIR)/synic_evt.c \
		$(wildcard $(SYNIC_DIR)/*.h) $(TOP)/include/pvirq/hv_abi.h | $(OUT)
	$(CC) $(SYNIC_CPPFLAGS) $(CFLAGS) -o $@ $(filter %.c,$^)
