# SPDX-License-Identifier: GPL-2.0
#
# Feature tests for include/pvirq/compat.h, included by the drivers' kbuild
# Makefiles: each greps the headers of the kernel being built against.
pvirq_kh = $(wildcard $(srctree)/include/$(1) $(objtree)/include/$(1))
pvirq_has = $(if $(shell grep -ls '$(2)' $(call pvirq_kh,$(1))),-D$(3))

ccflags-y += $(call pvirq_has,linux/device.h,device_set_driver_override,PVIRQ_HAVE_DEVICE_DRIVER_OVERRIDE)
# Syscore callbacks with a data pointer (upstream 6.18, in Debian's 6.12)
ccflags-y += $(call pvirq_has,linux/syscore_ops.h,register_syscore.struct syscore ,PVIRQ_HAVE_SYSCORE_DATA)
