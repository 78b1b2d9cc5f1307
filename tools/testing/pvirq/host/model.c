// SPDX-License-Identifier: GPL-2.0
/*
 * The model registry and the defaults shared by all models.  The table
 * itself, pvirq_models[], is generated at build time from every
 * PVIRQ_MODEL_DEFINE() in this directory (gen-models.sh).
 */
#include <errno.h>
#include <string.h>

#include "pvirq_model.h"

extern const struct pvirq_model_ops *const pvirq_models[];

const struct pvirq_model_ops *pvirq_model_find(const char *name)
{
	size_t i;

	for (i = 0; pvirq_models[i]; i++)
		if (!strcmp(pvirq_models[i]->name, name))
			return pvirq_models[i];
	return NULL;
}

/* "base,xen,...": for messages */
const char *pvirq_model_names(void)
{
	static char buf[256];
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; pvirq_models[i] && len < sizeof(buf); i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s%s",
				i ? "," : "", pvirq_models[i]->name);
	return buf;
}

/* What each hypervisor answers to a hypercall number it does not know. */
s64 pvirq_hc_enosys(u32 abi)
{
	switch (abi) {
	case PVIRQ_HC_ABI_XEN:
		return -PVIRQ_XEN_ENOSYS;
	case PVIRQ_HC_ABI_HYPERV:
		return PVIRQ_HV_STATUS_INVALID_HYPERCALL_CODE;
	case PVIRQ_HC_ABI_KVM:
		return -PVIRQ_KVM_ENOSYS;
	}
	return -ENOSYS;
}

/* The buffer that argument @arg stands for, or NULL. */
struct pvirq_hc_buf *pvirq_hc_buf_for(struct pvirq_hc *hc, u32 arg)
{
	u32 i;

	for (i = 0; i < hc->nbufs && i < PVIRQ_WIRE_NBUFS; i++)
		if (hc->buf[i].arg == arg)
			return &hc->buf[i];
	return NULL;
}
