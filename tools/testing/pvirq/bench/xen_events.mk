# SPDX-License-Identifier: GPL-2.0
#
# Xen events per second through pvirq-host's xen model: a fake guest takes
# each event with pvhvm_irq's own 2-level scan (evtchn_2l.c, built against
# the shims in its own object), beside the plain injected interrupt of the
# same run.  Needs host.mk's pvirq-host and library, host_bench.mk's
# bench_host.o.

XEV_DIR		:= $(TOP)/drivers/xen/pvhvm-irq

BENCH_BINS	+= $(OUT)/xen_events
BENCH_TARGETS	+= bench-xen-events

bench-xen-events: $(OUT)/xen_events
	@$(OUT)/xen_events $(BHOST_OUT)/pvirq-host $(BENCH_SECS)

$(OUT)/xen_events_guest.o: xen_events_guest.c xen_events_guest.h \
		$(wildcard $(XEV_DIR)/*.h $(SHARED)/*/*.h $(SHARED)/*/*/*.h) | $(OUT)
	$(CC) $(CPPFLAGS) -I$(XEV_DIR) $(CFLAGS) -c -o $@ $<

$(OUT)/xen_evtchn_2l.o: $(XEV_DIR)/evtchn_2l.c \
		$(wildcard $(XEV_DIR)/*.h $(SHARED)/*/*.h $(SHARED)/*/*/*.h) | $(OUT)
	$(CC) $(CPPFLAGS) -I$(XEV_DIR) $(CFLAGS) -c -o $@ $<

$(OUT)/xen_events: xen_events.c xen_events_guest.h bench_host.h \
		$(OUT)/bench_host.o $(OUT)/xen_events_guest.o $(OUT)/xen_evtchn_2l.o \
		$(BHOST_OUT)/pvirq-host | $(OUT)
	$(CC) $(CFLAGS) -I$(TOP)/tools/testing/pvirq/include -I$(BHOST_SRC) \
		-D_GNU_SOURCE -D__XEN_TOOLS__ -o $@ $< $(filter %.o,$^) \
		$(BHOST_OUT)/libpvirqhost.a

.PHONY: bench-xen-events
