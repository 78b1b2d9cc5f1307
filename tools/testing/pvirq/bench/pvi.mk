# SPDX-License-Identifier: GPL-2.0
#
# PVIs between two fake guests through pvirq-host's pvi model: sends and
# deliveries per second, refused sends, one-way latency, each beside a
# plain injected interrupt or hypercall round trip of the same run.
# Needs host.mk's pvirq-host and library, host_bench.mk's bench_host.o.

BENCH_BINS	+= $(OUT)/pvi_bench
BENCH_TARGETS	+= bench-pvi

bench-pvi: $(OUT)/pvi_bench
	@$(OUT)/pvi_bench $(BHOST_OUT)/pvirq-host $(BENCH_SECS)

PVI_DIR		:= $(TOP)/arch/x86/pvi

# pvi.ko's own scan, built against the userspace kernel shims
$(OUT)/pvi_scan.o: $(PVI_DIR)/pvi_scan.c $(PVI_DIR)/pvi_scan.h | $(OUT)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(OUT)/pvi_bench: pvi_bench.c bench_host.h $(TOP)/include/pvirq/pvi_abi.h \
		$(OUT)/bench_host.o $(OUT)/pvi_scan.o $(BHOST_OUT)/pvirq-host | $(OUT)
	$(CC) $(CFLAGS) -I$(TOP)/tools/testing/pvirq/include -I$(BHOST_SRC) \
		-I$(TOP)/include -I$(PVI_DIR) -D_GNU_SOURCE -o $@ $< \
		$(OUT)/bench_host.o $(OUT)/pvi_scan.o \
		$(BHOST_OUT)/libpvirqhost.a -pthread

.PHONY: bench-pvi
