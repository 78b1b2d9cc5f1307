# SPDX-License-Identifier: GPL-2.0
#
# The host's "xen" model (../host/model_xen*.c): each xenmodel_*_test.c is
# one TAP binary, linked with the sanitized libpvirqhost that host.mk
# builds, so the tests drive the very same model and core sources through
# the model's ops, with guest RAM in a temporary file.

XENMODEL_TESTS	:= $(patsubst %.c,$(OUT)/%,$(sort $(wildcard xenmodel_*_test.c)))

UNIT_TESTS	+= $(XENMODEL_TESTS)

$(XENMODEL_TESTS): $(OUT)/xenmodel_%: xenmodel_%.c xenmodel_test.h \
		$(HOST_LIB) $(HOST_HDRS) | $(OUT)
	$(CC) $(CFLAGS) $(HOST_CPPFLAGS) -o $@ $< $(HOST_LIB) $(LDFLAGS) \
		$(MODEL_LDLIBS)
