# SPDX-License-Identifier: GPL-2.0
#
# Xen PV-on-HVM: drivers/xen/pvhvm-irq's pure logic (vector-0 MSI
# messages, the pirq allocator, the 2-level and FIFO event scans), built
# unchanged against the shims and tested alone and against small host
# models of the two event channel ABIs kept in the tests themselves.

XEN_DIR		:= $(TOP)/drivers/xen/pvhvm-irq
XEN_HDRS	:= $(wildcard $(XEN_DIR)/*.h) \
		   $(wildcard $(SHARED)/*.h $(SHARED)/*/*.h $(SHARED)/*/*/*.h)

UNIT_TESTS += $(OUT)/xen_msi_test $(OUT)/xen_pirq_test \
	      $(OUT)/xen_evtchn_2l_test $(OUT)/xen_evtchn_fifo_test

$(OUT)/xen_msi_test $(OUT)/xen_pirq_test $(OUT)/xen_evtchn_2l_test \
$(OUT)/xen_evtchn_fifo_test: CPPFLAGS += -I$(XEN_DIR)

$(OUT)/xen_msi_test: xen_msi_test.c $(XEN_DIR)/msi_vec0.c $(XEN_HDRS) | $(OUT)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $(filter %.c,$^) $(LDFLAGS)

$(OUT)/xen_pirq_test: xen_pirq_test.c $(XEN_DIR)/pirq_alloc.c \
		$(XEN_DIR)/msi_vec0.c $(XEN_HDRS) | $(OUT)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $(filter %.c,$^) $(LDFLAGS)

$(OUT)/xen_evtchn_2l_test: xen_evtchn_2l_test.c $(XEN_DIR)/evtchn_2l.c \
		$(XEN_HDRS) | $(OUT)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $(filter %.c,$^) $(LDFLAGS) -pthread

$(OUT)/xen_evtchn_fifo_test: xen_evtchn_fifo_test.c \
		$(XEN_DIR)/evtchn_fifo.c $(XEN_HDRS) | $(OUT)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $(filter %.c,$^) $(LDFLAGS) -pthread
