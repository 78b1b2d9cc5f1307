# SPDX-License-Identifier: GPL-2.0
# The "pvi" model reads include/pvirq/pvi_abi.h (user-space half: only
# <linux/types.h>).
MODEL_CPPFLAGS += -I$(TOP)/include
