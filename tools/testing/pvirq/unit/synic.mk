# SPDX-License-Identifier: GPL-2.0
#
# Hyper-V SynIC: drivers/hv/synic's message and event-flag logic, built
# unchanged against the shims, tested alone and against the host model
# that pvirq-host's "hyperv" model uses too (host/model_hyperv_synic.c);
# plus a libFuzzer target over message parsing and dispatch, run for
# SYNIC_FUZZ_TIME seconds by "make check".

SYNIC_DIR	:= $(TOP)/drivers/hv/synic
SYNIC_HM	:= $(TOP)/tools/testing/pvirq/host/model_hyperv_synic.c
SYNIC_HDRS	:= $(wildcard $(SYNIC_DIR)/*.h) $(TOP)/include/pvirq/hv_abi.h \
		   $(SYNIC_HM:.c=.h) $(wildcard $(SHARED)/*.h $(SHARED)/*/*.h)
SYNIC_CC_FUZZ	?= clang
SYNIC_FUZZ_TIME	?= 20

UNIT_TESTS += $(OUT)/synic_msg_test $(OUT)/synic_evt_test $(OUT)/synic_fuzz_run


SYNIC_CPPFLAGS	= $(CPPFLAGS) -I$(SYNIC_DIR)

$(OUT)/synic_msg_test: synic_msg_test.c $(SYNIC_HM) \
		$(SYNIC_DIR)/synic_msg.c $(SYNIC_HDRS) | $(OUT)
	$(CC) $(SYNIC_CPPFLAGS) $(CFLAGS) -o $@ $(filter %.c,$^) $(LDFLAGS) -pthread

$(OUT)/synic_evt_test: synic_evt_test.c $(SYNIC_HM) \
		$(SYNIC_DIR)/synic_evt.c $(SYNIC_HDRS) | $(OUT)
	$(CC) $(SYNIC_CPPFLAGS) $(CFLAGS) -o $@ $(filter %.c,$^) $(LDFLAGS) -pthread

$(OUT)/synic_fuzz: synic_fuzz.c $(SYNIC_DIR)/synic_msg.c $(SYNIC_HDRS) | $(OUT)
	$(SYNIC_CC_FUZZ) $(SYNIC_CPPFLAGS) -g -O1 -Wall -Wextra -Werror \
		-Wno-unused-parameter -Wno-sign-compare \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ $(filter %.c,$^)

# The runner starts the fuzzer beside it with seeds and a time limit and
# prints one TAP line.
$(OUT)/synic_fuzz_run: synic_fuzz_run.c $(OUT)/synic_fuzz | $(OUT)
	$(CC) $(SYNIC_CPPFLAGS) -O1 -g -Wall -Wextra -Werror \
		-DSYNIC_FUZZ_TIME=$(SYNIC_FUZZ_TIME) -o $@ $<
