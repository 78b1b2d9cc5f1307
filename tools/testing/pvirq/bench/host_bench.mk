# SPDX-License-Identifier: GPL-2.0
#
# What the benchmarks driving pvirq-host with fake guests share
# (bench_host.c: the daemon, RAM files, the injected-interrupt baseline,
# percentiles), and how long each of their figures runs:
#
#   make bench BENCH_SECS=5     # seconds per figure (default 1)
#
# Read after host.mk (file names sort so), whose names it uses.

BENCH_SECS	?= 1

$(OUT)/bench_host.o: bench_host.c bench_host.h $(BHOST_SRC)/fakeguest.h \
		$(BHOST_OUT)/pvirq-host | $(OUT)
	$(CC) $(CFLAGS) -I$(TOP)/tools/testing/pvirq/include -I$(BHOST_SRC) \
		-D_GNU_SOURCE -c -o $@ $<
