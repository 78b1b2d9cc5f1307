// SPDX-License-Identifier: GPL-2.0
/*
 * Xen hypercalls of pvhvm_irq, through the platform seam.
 *
 * The kernel's own HYPERVISOR_* wrappers cannot be used: on 6.1 they go
 * through a static call the in-tree Xen code sets up only when it owns the
 * guest, which is exactly when this module steps aside.
 */
#include <linux/types.h>
#include <linux/error-injection.h>
#include <pvirq/seam.h>
#include <xen/interface/xen.h>

#include "hcall.h"

/* op(cmd, arg): the shape of most Xen hypercalls */
static long pvhvm_hc2(unsigned int nr, unsigned long cmd, void *arg, u32 len)
{
	struct pvirq_hcall hc = {
		.abi = PVIRQ_ABI_XEN,
		.nr = nr,
		.args = { cmd },
	};

	if (arg) {
		hc.nbufs = 1;
		hc.buf[0] = (struct pvirq_hc_buf) {
			.ptr = arg, .len = len, .arg = 1,
			.dir = PVIRQ_BUF_IN | PVIRQ_BUF_OUT,
		};
	}
	return pvirq_hypercall(&hc);
}

long pvhvm_hc_xen_version(unsigned int cmd, void *arg, u32 len)
{
	return pvhvm_hc2(__HYPERVISOR_xen_version, cmd, arg, len);
}

ALLOW_ERROR_INJECTION(pvhvm_hc_xen_version, ERRNO);

long pvhvm_hc_memory_op(unsigned int cmd, void *arg, u32 len)
{
	return pvhvm_hc2(__HYPERVISOR_memory_op, cmd, arg, len);
}

ALLOW_ERROR_INJECTION(pvhvm_hc_memory_op, ERRNO);

long pvhvm_hc_hvm_op(unsigned int cmd, void *arg, u32 len)
{
	return pvhvm_hc2(__HYPERVISOR_hvm_op, cmd, arg, len);
}

ALLOW_ERROR_INJECTION(pvhvm_hc_hvm_op, ERRNO);

long pvhvm_hc_physdev_op(unsigned int cmd, void *arg, u32 len)
{
	return pvhvm_hc2(__HYPERVISOR_physdev_op, cmd, arg, len);
}

ALLOW_ERROR_INJECTION(pvhvm_hc_physdev_op, ERRNO);

long pvhvm_hc_evtchn_op(unsigned int cmd, void *arg, u32 len)
{
	return pvhvm_hc2(__HYPERVISOR_event_channel_op, cmd, arg, len);
}

ALLOW_ERROR_INJECTION(pvhvm_hc_evtchn_op, ERRNO);

long pvhvm_hc_vcpu_op(unsigned int cmd, unsigned int vcpu, void *arg, u32 len)
{
	struct pvirq_hcall hc = {
		.abi = PVIRQ_ABI_XEN,
		.nr = __HYPERVISOR_vcpu_op,
		.args = { cmd, vcpu },
	};

	if (arg) {
		hc.nbufs = 1;
		hc.buf[0] = (struct pvirq_hc_buf) {
			.ptr = arg, .len = len, .arg = 2,
			.dir = PVIRQ_BUF_IN | PVIRQ_BUF_OUT,
		};
	}
	return pvirq_hypercall(&hc);
}

ALLOW_ERROR_INJECTION(pvhvm_hc_vcpu_op, ERRNO);
