# SPDX-License-Identifier: GPL-2.0
#
# The "hyperv" model's PVI extension (../host/model_hyperv_pvi.c): three
# guests of one sanitized libpvirqhost (host.mk) with SynIC pages in their
# RAM, every call through the model's hypercall and command ops, then a
# random mix against a reference.  PVI_SEED=N repeats a run.

HVPVI_TESTS	:= $(OUT)/hvpvi_model_test

UNIT_TESTS	+= $(HVPVI_TESTS)

$(HVPVI_TESTS): $(OUT)/hvpvi_%: hvpvi_%.c $(HOST_LIB) $(HOST_HDRS) \
		$(TOP)/include/pvirq/pvi_hv_abi.h $(TOP)/include/pvirq/hv_abi.h | $(OUT)
	$(CC) $(CFLAGS) $(HOST_CPPFLAGS) -o $@ $< $(HOST_LIB) $(LDFLAGS) \
		$(MODEL_LDLIBS) -lm
