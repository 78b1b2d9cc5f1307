# SPDX-License-Identifier: GPL-2.0
#
# xen_rand_test: the driver's pure logic (xen.mk's files) against the
# host's "xen" model (libpvirqhost, host.mk), at random.  The two halves
# see different headers (kernel shims vs libxen-dev), so each is compiled
# on its own and they meet in xen_rand.h.

UNIT_TESTS	+= $(OUT)/xen_rand_test


$(OUT)/xen_rand/%.o: CPPFLAGS += -I$(XEN_DIR)
$(OUT)/xen_rand/xen_rand_guest.o: xen_rand_guest.c xen_rand.h $(XEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<
$(OUT)/xen_rand/%.o: $(XEN_DIR)/%.c $(XEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

XEN_RAND_OBJS	:= $(addprefix $(OUT)/xen_rand/,xen_rand_guest.o evtchn_2l.o \
		   evtchn_fifo.o pirq_alloc.o msi_vec0.o)

$(OUT)/xen_rand_test: xen_rand_test.c xen_rand.h xenmodel_test.h \
		$(XEN_RAND_OBJS) $(HOST_LIB) $(HOST_HDRS) | $(OUT)
	$(CC) $(CFLAGS) $(HOST_CPPFLAGS) -o $@ $< $(XEN_RAND_OBJS) \
		$(HOST_LIB) $(LDFLAGS) $(MODEL_LDLIBS)
