# SPDX-License-Identifier: GPL-2.0
# The "hyperv" model reads include/pvirq/hv_abi.h, whose user-space half
# needs <linux/bits.h> and <linux/compiler.h>: the shims give those, behind
# the system's headers so that glibc's <errno.h> still finds its own.
MODEL_CPPFLAGS += -I$(TOP)/include -idirafter $(TOP)/tools/testing/pvirq/shared
