# SPDX-License-Identifier: GPL-2.0
#
# Unit tests of libpvirqhost: the library's own sources (every .c in
# ../host but the two programs) are built here with the sanitizers, into
# $(OUT)/host/, together with a sanitized pvirq-host for the end-to-end test.
# Each host_*.c is one TAP binary.
#
# The library is compiled without ../shared on the include path (its
# <linux/errno.h> shim hides the one glibc's <errno.h> needs); the tests
# reach tap.h with -iquote.

# fragments are included before the Makefile's "all": keep it the default
.DEFAULT_GOAL	:= all

HOST_SRC	:= $(TOP)/tools/testing/pvirq/host
HOST_OUT	:= $(OUT)/host
HOST_PROGS	:= $(HOST_SRC)/main.c $(HOST_SRC)/hostctl.c
# HOST_SKIP="model_x.c ...": build without some model files
HOST_LIB_SRCS	:= $(filter-out $(HOST_PROGS) $(addprefix $(HOST_SRC)/,$(HOST_SKIP)),\
		   $(sort $(wildcard $(HOST_SRC)/*.c)))
HOST_LIB_OBJS	:= $(patsubst $(HOST_SRC)/%.c,$(HOST_OUT)/%.o,$(HOST_LIB_SRCS)) \
		   $(HOST_OUT)/models.gen.o
HOST_LIB	:= $(HOST_OUT)/libpvirqhost.a
HOST_HDRS	:= $(wildcard $(HOST_SRC)/*.h) \
		   $(TOP)/tools/testing/pvirq/include/pvirq_wire.h
MODEL_CPPFLAGS	:=
MODEL_LDLIBS	:=
include $(sort $(wildcard $(HOST_SRC)/model_*.mk))
HOST_CPPFLAGS	:= -I$(TOP)/tools/testing/pvirq/include -I$(HOST_SRC) \
		   -iquote $(SHARED) -D_GNU_SOURCE -D__XEN_TOOLS__ $(MODEL_CPPFLAGS)
HOST_TESTS	:= $(patsubst %.c,$(OUT)/%,$(sort $(wildcard host_*.c)))

UNIT_TESTS	+= $(HOST_TESTS)

$(HOST_OUT):
	mkdir -p $@

$(HOST_OUT)/models.gen.c: FORCE | $(HOST_OUT)
	sh $(HOST_SRC)/gen-models.sh $@ $(HOST_LIB_SRCS)

$(HOST_OUT)/models.gen.o: $(HOST_OUT)/models.gen.c $(HOST_HDRS)
	$(CC) $(CFLAGS) $(HOST_CPPFLAGS) -c -o $@ $<

$(HOST_OUT)/%.o: $(HOST_SRC)/%.c $(HOST_HDRS) | $(HOST_OUT)
	$(CC) $(CFLAGS) $(HOST_CPPFLAGS) -c -o $@ $<

$(HOST_LIB): $(HOST_LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(HOST_OUT)/pvirq-host: $(HOST_OUT)/main.o $(HOST_LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(MODEL_LDLIBS)

$(HOST_OUT)/pvirq-hostctl: $(HOST_OUT)/hostctl.o
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS)

$(OUT)/host_%: host_%.c host_test.h $(HOST_LIB) $(HOST_HDRS) \
		$(HOST_OUT)/pvirq-host $(HOST_OUT)/pvirq-hostctl | $(OUT)
	$(CC) $(CFLAGS) $(HOST_CPPFLAGS) \
		-DPVIRQ_HOST_BIN='"$(HOST_OUT)/pvirq-host"' \
		-DPVIRQ_HOSTCTL_BIN='"$(HOST_OUT)/pvirq-hostctl"' \
		-o $@ $< $(HOST_LIB) $(LDFLAGS) $(MODEL_LDLIBS)

FORCE:
.PHONY: FORCE
