# SPDX-License-Identifier: GPL-2.0
#
# The host's "pvi" model: pvi_router_test drives the pure router logic
# (../host/model_pvi_router.c: UUIDs, allowlists, token buckets) against
# simple reference models with random operations; pvi_model_test runs the
# model itself, several guests of one sanitized libpvirqhost (host.mk),
# through its hypercall and command ops.  PVI_SEED=N repeats a run.

PVI_TESTS	:= $(OUT)/pvi_router_test $(OUT)/pvi_model_test

UNIT_TESTS	+= $(PVI_TESTS)

$(PVI_TESTS): $(OUT)/pvi_%: pvi_%.c $(HOST_LIB) $(HOST_HDRS) \
		$(TOP)/include/pvirq/pvi_abi.h | $(OUT)
	$(CC) $(CFLAGS) $(HOST_CPPFLAGS) -o $@ $< $(HOST_LIB) $(LDFLAGS) \
		$(MODEL_LDLIBS) -lm
