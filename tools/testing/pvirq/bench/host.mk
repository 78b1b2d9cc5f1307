# SPDX-License-Identifier: GPL-2.0
#
# pvirq-host round trips: a fake guest drives the real daemon through its
# socket, eventfd and BAR2 slot path; the baseline is the bare mechanism
# (eventfd ring, epoll wake-up, a store the other side spins on) between
# the same two processes, measured in the same run.

# fragments are included before the Makefile's "all": keep it the default
.DEFAULT_GOAL	:= all

BHOST_SRC	:= $(TOP)/tools/testing/pvirq/host
BHOST_OUT	:= $(OUT)/host
BHOST_SKIP	?=
BHOST_SRCS	:= $(filter-out $(BHOST_SRC)/main.c $(BHOST_SRC)/hostctl.c \
		     $(addprefix $(BHOST_SRC)/,$(BHOST_SKIP)),$(sort $(wildcard $(BHOST_SRC)/*.c)))

BENCH_BINS	+= $(OUT)/host_roundtrip
BENCH_TARGETS	+= bench-host-roundtrip

bench-host-roundtrip: $(OUT)/host_roundtrip
	@$(OUT)/host_roundtrip $(BHOST_OUT)/pvirq-host

$(BHOST_OUT)/pvirq-host: $(BHOST_SRCS) $(wildcard $(BHOST_SRC)/*.h) FORCE
	$(MAKE) -C $(BHOST_SRC) OUT=$(BHOST_OUT) SKIP="$(BHOST_SKIP)" \
		CFLAGS="-O2 -g -Wall -Wextra -Werror -Wno-unused-parameter"

$(OUT)/host_roundtrip: host_roundtrip.c $(BHOST_OUT)/pvirq-host | $(OUT)
	$(CC) $(CFLAGS) -I$(TOP)/tools/testing/pvirq/include -I$(BHOST_SRC) \
		-D_GNU_SOURCE -o $@ $< $(BHOST_OUT)/libpvirqhost.a

FORCE:
.PHONY: FORCE bench-host-roundtrip
