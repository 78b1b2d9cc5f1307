# SPDX-License-Identifier: GPL-2.0
#
# Xen event scans (2-level and FIFO): instructions per delivered event
# beside the limit loops of xen_limit.c, counted by callgrind
# (xen_evtchn_bench runs valgrind itself).

XEN_DIR		:= $(TOP)/drivers/xen/pvhvm-irq
XEN_CPPFLAGS	= $(CPPFLAGS) -I$(XEN_DIR)

BENCH_BINS += $(OUT)/xen_evtchn_bench
BENCH_RUNS += $(OUT)/xen_evtchn_bench

$(OUT)/xen_evtchn_bench: xen_evtchn_bench.c xen_limit.c \
		$(XEN_DIR)/evtchn_2l.c $(XEN_DIR)/evtchn_fifo.c \
		$(wildcard $(XEN_DIR)/*.h $(SHARED)/*/*.h $(SHARED)/*/*/*.h) | $(OUT)
	$(CC) $(XEN_CPPFLAGS) $(CFLAGS) -o $@ $(filter %.c,$^)
