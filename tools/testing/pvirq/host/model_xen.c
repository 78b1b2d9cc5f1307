// SPDX-License-Identifier: GPL-2.0
/*
 * The "xen" model: what an HVM guest with the vector callback sees on Xen
 * 4.17, or with the "qemu" personality, under QEMU's Xen emulation.
 *
 * This file is the model's face to the core: CPUID (the "XenVMMXenVMM"
 * leaves, at a base that can move as Viridian moves it), the hypercall-page
 * MSR, the hypercall dispatcher with xen_version, memory_op (placing
 * shared_info), vcpu_op (placing vcpu_info) and hvm_op (the callback
 * vector, per-vCPU upcall vectors), the control commands, per-op fault
 * injection and the state JSON.  Event channels are in model_xen_evtchn.c,
 * pirqs in model_xen_physdev.c, the PVI directory extension in
 * model_xen_pvi.c; model_xen.h says what state they share.
 *
 * Hypercall arguments arrive as the core's private copies; each is copied
 * again into a structure of its own before it is read, and bounded there.
 * Every failure is a Xen error value (-XEN_Exxx, equal to Linux's errno on
 * x86) and a log line naming the op.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xen/features.h>
#include <xen/memory.h>
#include <xen/vcpu.h>
#include <xen/version.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/arch-x86/cpuid.h>

#include <pvirq/pvi_xen_abi.h>

#include "model_xen.h"

#define GIB			(1ull << 30)
/* Xen's do_memory_op() takes the op from the low bits (MEMOP_CMD_MASK) */
#define XM_MEMOP_CMD_MASK	0x3f
#define XM_MAX_GFN		((1ull << (64 - XM_PAGE_SHIFT)) - 1)
#define XM_HVM_DEFAULT		(XEN_HVM_CPUID_VCPU_ID_PRESENT | \
				 XEN_HVM_CPUID_DOMID_PRESENT)
/*
 * Xen also sets IOMMU_MAPPINGS for a guest without an IOMMU: real 4.17
 * under the xen tier answers leaf base+4 EAX = 0x5c.
 */
#define XM_HVM_DEFAULT_XEN	(XM_HVM_DEFAULT | XEN_HVM_CPUID_IOMMU_MAPPINGS)
#define VIRIDIAN_SIG		"Microsoft Hv"
#define VIRIDIAN_MAX_LEAF	0x40000006u

/* Helpers for the other files */

/**
 * xm_gpa_ptr() - where [gpa, gpa + len) of guest RAM is mapped
 * @g: the guest
 * @gpa: guest physical address
 * @len: bytes, all in one RAM block
 *
 * The same layout rules as the core's pvirq_gpa_read(), but a pointer, for
 * the atomic updates shared_info and the FIFO words need.  Only valid until
 * the model returns to the core.
 *
 * Return: the host address, or NULL if any byte is outside guest RAM.
 */
void *xm_gpa_ptr(struct pvirq_guest *g, u64 gpa, size_t len)
{
	u64 high;

	if (!g->ram || !len)
		return NULL;
	if (gpa < 4 * GIB) {
		if (gpa > g->ram_lowmem || len > g->ram_lowmem - gpa)
			return NULL;
		return g->ram + gpa;
	}
	if (g->ram_len < g->ram_lowmem)
		return NULL;
	high = g->ram_len - g->ram_lowmem;
	gpa -= 4 * GIB;
	if (gpa > high || len > high - gpa)
		return NULL;
	return g->ram + g->ram_lowmem + gpa;
}

u32 xm_nr_vcpus(struct pvirq_guest *g)
{
	u32 n = g->ready ? g->nr_cpus : g->max_vcpus;

	return n < PVIRQ_WIRE_MAX_VCPUS ? n : PVIRQ_WIRE_MAX_VCPUS;
}

bool xm_domid_self(struct xm_model *m, u32 domid)
{
	return domid == DOMID_SELF || domid == m->domid;
}

int xm_copy_in(struct pvirq_guest *g, struct pvirq_hc *hc, u32 arg, void *dst,
	       size_t len, const char *what)
{
	struct pvirq_hc_buf *b = pvirq_hc_buf_for(hc, arg);

	if (!b || !(b->dir & PVIRQ_HC_BUF_IN) || b->len < len) {
		pvirq_glog(g, "xen: %s: argument %u needs %zu bytes in, has %u%s",
			   what, arg, len, b ? b->len : 0,
			   b && !(b->dir & PVIRQ_HC_BUF_IN) ? " (not IN)" : "");
		return -XEN_EFAULT;
	}
	memcpy(dst, b->data, len);
	return 0;
}

int xm_copy_out(struct pvirq_guest *g, struct pvirq_hc *hc, u32 arg,
		const void *src, size_t len, const char *what)
{
	struct pvirq_hc_buf *b = pvirq_hc_buf_for(hc, arg);

	if (!b || !(b->dir & PVIRQ_HC_BUF_OUT) || b->len < len) {
		pvirq_glog(g, "xen: %s: argument %u needs %zu bytes out, has %u%s",
			   what, arg, len, b ? b->len : 0,
			   b && !(b->dir & PVIRQ_HC_BUF_OUT) ? " (not OUT)" : "");
		return -XEN_EFAULT;
	}
	memcpy(b->data, src, len);
	return 0;
}

/* ,"key":value -- one member of a JSON object that has a first one */
void xm_json_u64(struct pvirq_sb *out, const char *key, u64 v)
{
	pvirq_sb_printf(out, ",\"%s\":%llu", key, (unsigned long long)v);
}

void xm_json_bool(struct pvirq_sb *out, const char *key, bool v)
{
	pvirq_sb_printf(out, ",\"%s\":%s", key, v ? "true" : "false");
}

/* Names, for logs, state and the "fail" command */

struct xm_name {
	u32 nr;
	s32 cmd;		/* -1: the hypercall itself */
	const char *name;
};

static const struct xm_name names[] = {
	{ __HYPERVISOR_xen_version, -1, "xen_version" },
	{ __HYPERVISOR_xen_version, XENVER_version, "version" },
	{ __HYPERVISOR_xen_version, XENVER_get_features, "get_features" },
	{ __HYPERVISOR_memory_op, -1, "memory_op" },
	{ __HYPERVISOR_memory_op, XENMEM_add_to_physmap, "add_to_physmap" },
	{ __HYPERVISOR_vcpu_op, -1, "vcpu_op" },
	{ __HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, "register_vcpu_info" },
	{ __HYPERVISOR_hvm_op, -1, "hvm_op" },
	{ __HYPERVISOR_hvm_op, HVMOP_set_param, "set_param" },
	{ __HYPERVISOR_hvm_op, HVMOP_get_param, "get_param" },
	{ __HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector,
	  "set_evtchn_upcall_vector" },
	{ __HYPERVISOR_physdev_op, -1, "physdev_op" },
	{ __HYPERVISOR_physdev_op, PHYSDEVOP_irq_status_query, "irq_status_query" },
	{ __HYPERVISOR_physdev_op, PHYSDEVOP_eoi, "eoi" },
	{ __HYPERVISOR_physdev_op, PHYSDEVOP_map_pirq, "map_pirq" },
	{ __HYPERVISOR_physdev_op, PHYSDEVOP_unmap_pirq, "unmap_pirq" },
	{ __HYPERVISOR_physdev_op, PHYSDEVOP_setup_gsi, "setup_gsi" },
	{ __HYPERVISOR_physdev_op, PHYSDEVOP_get_nr_pirqs, "get_nr_pirqs" },
	{ __HYPERVISOR_physdev_op, PHYSDEVOP_get_free_pirq, "get_free_pirq" },
	{ __HYPERVISOR_event_channel_op, -1, "event_channel_op" },
	{ __HYPERVISOR_event_channel_op, EVTCHNOP_bind_interdomain,
	  "bind_interdomain" },
	{ __HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, "bind_virq" },
	{ __HYPERVISOR_event_channel_op, EVTCHNOP_bind_pirq, "bind_pirq" },
	{ __HYPERVISOR_event_channel_op, EVTCHNOP_close, "close" },
	{ __HYPERVISOR_event_channel_op, EVTCHNOP_send, "send" },
	{ __HYPERVISOR_event_channel_op, EVTCHNOP_status, "status" },
	{ __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, "alloc_unbound" },
	{ __HYPERVISOR_event_channel_op, EVTCHNOP_bind_ipi, "bind_ipi" },
	{ __HYPERVISOR_event_channel_op, EVTCHNOP_bind_vcpu, "bind_vcpu" },
	{ __HYPERVISOR_event_channel_op, EVTCHNOP_unmask, "unmask" },
	{ __HYPERVISOR_event_channel_op, EVTCHNOP_reset, "reset" },
	{ __HYPERVISOR_event_channel_op, EVTCHNOP_init_control, "init_control" },
	{ __HYPERVISOR_event_channel_op, EVTCHNOP_expand_array, "expand_array" },
	{ __HYPERVISOR_event_channel_op, EVTCHNOP_set_priority, "set_priority" },
};

const char *xm_subop_name(u32 nr, u32 cmd)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].nr == nr && names[i].cmd == (s32)cmd)
			return names[i].name;
	return "?";
}

static const char *hc_name(u32 nr)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].nr == nr && names[i].cmd < 0)
			return names[i].name;
	return NULL;
}

/* "physdev_op:map_pirq" or "physdev_op" */
static int parse_op(const char *s, u32 *nr, s32 *cmd)
{
	const char *colon = strchr(s, ':');
	size_t len = colon ? (size_t)(colon - s) : strlen(s), i, j;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (names[i].cmd >= 0 || strlen(names[i].name) != len ||
		    strncmp(names[i].name, s, len))
			continue;
		*nr = names[i].nr;
		*cmd = -1;
		if (!colon)
			return 0;
		for (j = 0; j < ARRAY_SIZE(names); j++) {
			if (names[j].nr == *nr && names[j].cmd >= 0 &&
			    !strcmp(names[j].name, colon + 1)) {
				*cmd = names[j].cmd;
				return 0;
			}
		}
		return -EINVAL;
	}
	return -EINVAL;
}

/* Model ops */

static void set_defaults(struct xm_model *m, enum xm_personality pers)
{
	m->pers = pers;
	if (pers == XM_QEMU) {
		m->nr_irqs_gsi = XM_QEMU_NR_GSIS;
		m->nr_pirqs = XM_QEMU_NR_PIRQS;
		m->nr_ports = XM_MAX_PORTS;
	} else {
		m->nr_irqs_gsi = XM_XEN_NR_IRQS_GSI;
		m->nr_pirqs = XM_XEN_NR_IRQS_GSI + XM_XEN_EXTRA_IRQS;
		m->nr_ports = XM_XEN_PORTS;
	}
}

static void xm_reset(struct pvirq_guest *g)
{
	struct xm_model *m = xm_of(g);

	/* the old VM's channels to other guests are closed, as Xen would */
	xm_evtchn_forget_peers(g);
	xm_pvi_reset(g);
	m->abi = XM_ABI_2L;
	m->hcall_page = 0;
	m->shinfo_set = false;
	m->shinfo_gpa = 0;
	memset(m->shadow, 0, sizeof(*m->shadow));
	m->callback = 0;
	memset(m->params, 0, sizeof(m->params));
	m->fifo_pages = 0;
	memset(m->fifo_page_gpa, 0, sizeof(m->fifo_page_gpa));
	memset(m->vcpu, 0, sizeof(m->vcpu));
	memset(m->port, 0, XM_MAX_PORTS * sizeof(*m->port));
	m->port[0].reserved = true;
	xm_physdev_reset(g);
	m->hypercalls = 0;
	m->hc_errors = 0;
	m->faults = 0;
	m->upcalls = 0;
	m->inject_errors = 0;
	m->no_callback = 0;
	m->map_conflicts = 0;
	m->msi_snooped = 0;
	m->msi_dropped = 0;
	m->msi_held = 0;
	m->msi_lost = 0;
	m->fifo_no_cb = 0;
}

static void xm_destroy(struct pvirq_guest *g)
{
	struct xm_model *m = xm_of(g);

	if (!m)
		return;
	free(m->shadow);
	free(m->pirq);
	free(m->port);
	free(m);
	g->model_priv = NULL;
}

static int init_pers(struct pvirq_guest *g, enum xm_personality pers)
{
	struct xm_model *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	g->model_priv = m;
	m->port = calloc(XM_MAX_PORTS, sizeof(*m->port));
	m->pirq = calloc(XM_MAX_PIRQS, sizeof(*m->pirq));
	m->shadow = calloc(1, sizeof(*m->shadow));
	if (!m->port || !m->pirq || !m->shadow) {
		xm_destroy(g);
		return -ENOMEM;
	}
	set_defaults(m, pers);
	m->feat_pirqs = true;
	m->feat_callback = true;
	m->feat_upcall = true;
	m->hvm_features = pers == XM_XEN ? XM_HVM_DEFAULT_XEN : XM_HVM_DEFAULT;
	m->cpuid_base = XM_CPUID_BASE;
	m->version = XM_XEN_VERSION;
	/* one domid per guest of the host, as Xen gives each domain its own */
	m->domid = XM_DEFAULT_DOMID + g->id;
	xm_pvi_init(g);
	xm_reset(g);
	return 0;
}

static int xm_init_xen(struct pvirq_guest *g)
{
	return init_pers(g, XM_XEN);
}

static int xm_init_qemu(struct pvirq_guest *g)
{
	return init_pers(g, XM_QEMU);
}

static void sig(u32 regs[4], const char s[12])
{
	memcpy(&regs[1], s, 4);
	memcpy(&regs[2], s + 4, 4);
	memcpy(&regs[3], s + 8, 4);
}

static bool xm_cpuid(struct pvirq_guest *g, u32 vcpu, u32 leaf, u32 sub,
		     u32 regs[4])
{
	struct xm_model *m = xm_of(g);
	u32 base = m->cpuid_base;

	/* Xen moves its leaves up when Viridian takes the first ones */
	if (base != XM_CPUID_BASE && leaf == XM_CPUID_BASE) {
		regs[0] = VIRIDIAN_MAX_LEAF;
		sig(regs, VIRIDIAN_SIG);
		return true;
	}
	if (xm_pvi_cpuid(g, leaf, regs))
		return true;
	if (leaf < base || leaf > base + XEN_CPUID_MAX_NUM_LEAVES)
		return false;
	switch (leaf - base) {
	case 0:
		/* the PVI directory's leaf is far above Xen's own */
		regs[0] = base + (m->pvi ? PVI_XEN_CPUID_LEAF_OFFSET :
					   XEN_CPUID_MAX_NUM_LEAVES);
		regs[1] = XEN_CPUID_SIGNATURE_EBX;
		regs[2] = XEN_CPUID_SIGNATURE_ECX;
		regs[3] = XEN_CPUID_SIGNATURE_EDX;
		break;
	case 1:
		regs[0] = m->version;
		break;
	case 2:
		regs[0] = 1;			/* hypercall pages */
		regs[1] = XM_HCALL_MSR;
		break;
	case 4:
		regs[0] = m->hvm_features & ~XEN_HVM_CPUID_UPCALL_VECTOR;
		if (m->feat_upcall)
			regs[0] |= XEN_HVM_CPUID_UPCALL_VECTOR;
		if (regs[0] & XEN_HVM_CPUID_VCPU_ID_PRESENT)
			regs[1] = vcpu;
		if (regs[0] & XEN_HVM_CPUID_DOMID_PRESENT)
			regs[2] = m->domid;
		break;
	}
	return true;
}

static int xm_rdmsr(struct pvirq_guest *g, u32 vcpu, u32 msr, u64 *val)
{
	return -EIO;	/* the hypercall-page MSR is write-only */
}

static int xm_wrmsr(struct pvirq_guest *g, u32 vcpu, u32 msr, u64 val)
{
	struct xm_model *m = xm_of(g);

	if (msr != XM_HCALL_MSR)
		return -EIO;
	/* low 12 bits: which hypercall page; Xen has one */
	if (val & (XM_PAGE_SIZE - 1)) {
		pvirq_glog(g, "xen: hypercall page %llu does not exist: #GP",
			   (unsigned long long)(val & (XM_PAGE_SIZE - 1)));
		return -EIO;
	}
	/* natively Xen writes the stubs there; the seam needs none */
	m->hcall_page = val;
	return 0;
}

/* xen_version */

static s64 xen_version(struct pvirq_guest *g, u32 cmd, struct pvirq_hc *hc)
{
	struct xm_model *m = xm_of(g);
	struct xen_feature_info fi;

	switch (cmd) {
	case XENVER_version:
		return m->version;
	case XENVER_guest_handle:
		return xm_copy_out(g, hc, 1, m->uuid.b, sizeof(xen_domain_handle_t),
				   "guest_handle");
	case XENVER_get_features:
		if (xm_copy_in(g, hc, 1, &fi, sizeof(fi), "get_features"))
			return -XEN_EFAULT;
		fi.submap = 0;
		if (fi.submap_idx != 0) {
			if (m->pers == XM_XEN)
				return -XEN_EINVAL;
		} else {
			fi.submap = 1u << XENFEAT_writable_page_tables |
				    1u << XENFEAT_auto_translated_physmap |
				    1u << XENFEAT_hvm_safe_pvclock;
			if (m->pers == XM_XEN)
				fi.submap |= 1u << XENFEAT_memory_op_vnode_supported |
					     1u << XENFEAT_not_direct_mapped;
			if (m->feat_callback)
				fi.submap |= 1u << XENFEAT_hvm_callback_vector;
			if (m->feat_pirqs)
				fi.submap |= 1u << XENFEAT_hvm_pirqs;
		}
		return xm_copy_out(g, hc, 1, &fi, sizeof(fi), "get_features");
	}
	return -XEN_ENOSYS;
}

/* memory_op: only placing shared_info */

static s64 memop_add_to_physmap(struct pvirq_guest *g, struct pvirq_hc *hc)
{
	struct xm_model *m = xm_of(g);
	struct xen_add_to_physmap a;
	struct shared_info *old;
	u8 *dst;

	if (xm_copy_in(g, hc, 1, &a, sizeof(a), "add_to_physmap"))
		return -XEN_EFAULT;
	if (!xm_domid_self(m, a.domid))
		return -XEN_ESRCH;
	if (a.space != XENMAPSPACE_shared_info) {
		pvirq_glog(g, "xen: add_to_physmap: space %u not modelled",
			   a.space);
		return -XEN_ENOSYS;
	}
	if (a.idx != 0)
		return -XEN_EINVAL;
	dst = a.gpfn <= XM_MAX_GFN ?
	      xm_gpa_ptr(g, (u64)a.gpfn << XM_PAGE_SHIFT, XM_PAGE_SIZE) : NULL;
	if (!dst) {
		pvirq_glog(g, "xen: add_to_physmap: gpfn %#llx is not guest RAM",
			   (unsigned long long)a.gpfn);
		return -XEN_EINVAL;
	}
	/* the page moves with what Xen had written in it */
	old = xm_shinfo(g);
	if (old != (struct shared_info *)dst) {
		if (old)
			memmove(dst, old, sizeof(*old));
		else
			memset(dst, 0, sizeof(*old));
		memset(dst + sizeof(*old), 0, XM_PAGE_SIZE - sizeof(*old));
	}
	m->shinfo_set = true;
	m->shinfo_gpa = (u64)a.gpfn << XM_PAGE_SHIFT;
	return 0;
}

static s64 memory_op(struct pvirq_guest *g, u32 cmd, struct pvirq_hc *hc)
{
	if (cmd == XENMEM_add_to_physmap)
		return memop_add_to_physmap(g, hc);
	return -XEN_ENOSYS;
}

/* vcpu_op: only placing vcpu_info */

static s64 vcpuop_register_vcpu_info(struct pvirq_guest *g, u32 vcpu,
				     struct pvirq_hc *hc)
{
	struct xm_model *m = xm_of(g);
	struct vcpu_register_vcpu_info a;
	struct vcpu_info *old, *new;
	struct xm_vcpu *v = &m->vcpu[vcpu];
	u64 gpa;

	if (xm_copy_in(g, hc, 2, &a, sizeof(a), "register_vcpu_info"))
		return -XEN_EFAULT;
	if (a.offset > XM_PAGE_SIZE - sizeof(struct vcpu_info) ||
	    (m->pers == XM_XEN && (a.offset & 7))) {
		pvirq_glog(g, "xen: register_vcpu_info: offset %#x", a.offset);
		return m->pers == XM_QEMU ? -XEN_EINVAL : -XEN_ENXIO;
	}
	if (m->pers == XM_XEN && v->vcpu_info_set)
		return -XEN_EINVAL;
	gpa = a.mfn <= XM_MAX_GFN ? (a.mfn << XM_PAGE_SHIFT) + a.offset : 0;
	new = a.mfn <= XM_MAX_GFN ?
	      xm_gpa_ptr(g, gpa, sizeof(struct vcpu_info)) : NULL;
	if (!new) {
		pvirq_glog(g, "xen: register_vcpu_info: gfn %#llx is not guest RAM",
			   (unsigned long long)a.mfn);
		return -XEN_EINVAL;
	}
	if (m->pers == XM_QEMU) {
		v->vcpu_info_set = true;
		v->vcpu_info_gpa = gpa;
		return 0;
	}
	/* Xen carries the old contents over, then makes the guest rescan */
	old = xm_vcpu_info(g, vcpu);
	if (old) {
		memmove(new, old, sizeof(*new));
	} else {
		memset(new, 0, sizeof(*new));
		new->evtchn_upcall_mask = 1;
	}
	v->vcpu_info_set = true;
	v->vcpu_info_gpa = gpa;
	__atomic_store_n(&new->evtchn_pending_sel, ~(xen_ulong_t)0,
			 __ATOMIC_SEQ_CST);
	xm_upcall(g, vcpu);
	return 0;
}

static s64 vcpu_op(struct pvirq_guest *g, u32 cmd, struct pvirq_hc *hc)
{
	u64 vcpu = hc->args[1];

	if (vcpu >= xm_nr_vcpus(g))
		return -XEN_ENOENT;
	if (cmd == VCPUOP_register_vcpu_info)
		return vcpuop_register_vcpu_info(g, vcpu, hc);
	return -XEN_ENOSYS;
}

/* hvm_op */

static void set_callback(struct pvirq_guest *g, u64 value)
{
	struct xm_model *m = xm_of(g);
	u64 type = (value & HVM_PARAM_CALLBACK_IRQ_TYPE_MASK) >> 56;
	u32 i;

	if (type == HVM_PARAM_CALLBACK_TYPE_VECTOR && !m->feat_callback)
		pvirq_glog(g, "xen: callback vector %#x: not offered, ignored",
			   (u8)value);
	m->callback = value;
	m->params[HVM_PARAM_CALLBACK_IRQ] = value;
	/* Xen re-asserts on every vCPU: pending events reach the new via */
	if (m->pers == XM_XEN)
		for (i = 0; i < xm_nr_vcpus(g); i++)
			xm_assert_evtchn_irq(g, i);
}

static bool param_settable(u32 index)
{
	switch (index) {
	case HVM_PARAM_CALLBACK_IRQ:
	case HVM_PARAM_VM86_TSS:
	case HVM_PARAM_VM86_TSS_SIZED:
	case HVM_PARAM_ACPI_IOPORTS_LOCATION:
	case HVM_PARAM_VM_GENERATION_ID_ADDR:
	case HVM_PARAM_STORE_EVTCHN:
	case HVM_PARAM_CONSOLE_EVTCHN:
	case HVM_PARAM_X87_FIP_WIDTH:
		return true;
	}
	return false;
}

static bool param_readable(u32 index)
{
	switch (index) {
	case HVM_PARAM_STORE_PFN:
	case HVM_PARAM_CONSOLE_PFN:
	case HVM_PARAM_ALTP2M:
		return true;
	}
	return param_settable(index);
}

static bool param_deprecated(u32 index)
{
	switch (index) {
	case HVM_PARAM_PAE_ENABLED:
	case HVM_PARAM_DM_DOMAIN:
	case HVM_PARAM_MEMORY_EVENT_CR0:
	case HVM_PARAM_MEMORY_EVENT_CR3:
	case HVM_PARAM_MEMORY_EVENT_CR4:
	case HVM_PARAM_MEMORY_EVENT_INT3:
	case HVM_PARAM_NESTEDHVM:
	case HVM_PARAM_MEMORY_EVENT_SINGLE_STEP:
	case HVM_PARAM_BUFIOREQ_EVTCHN:
	case HVM_PARAM_MEMORY_EVENT_MSR:
		return true;
	}
	return false;
}

static s64 hvm_param(struct pvirq_guest *g, u32 cmd, struct pvirq_hc *hc)
{
	struct xm_model *m = xm_of(g);
	const char *what = cmd == HVMOP_set_param ? "set_param" : "get_param";
	struct xen_hvm_param a;

	if (xm_copy_in(g, hc, 1, &a, sizeof(a), what))
		return -XEN_EFAULT;
	if (a.index >= HVM_NR_PARAMS)
		return -XEN_EINVAL;
	if (!xm_domid_self(m, a.domid))
		return -XEN_ESRCH;
	if (param_deprecated(a.index))
		return -XEN_EINVAL;
	if (cmd == HVMOP_set_param) {
		if (a.index == HVM_PARAM_CALLBACK_IRQ) {
			set_callback(g, a.value);
			return 0;
		}
		if (m->pers == XM_QEMU)
			return -XEN_ENOSYS;
		if (!param_settable(a.index))
			return -XEN_EPERM;
		m->params[a.index] = a.value;
		return 0;
	}
	if (!param_readable(a.index))
		return -XEN_EPERM;
	a.value = m->params[a.index];
	return xm_copy_out(g, hc, 1, &a, sizeof(a), what);
}

static s64 set_upcall_vector(struct pvirq_guest *g, struct pvirq_hc *hc)
{
	struct xm_model *m = xm_of(g);
	struct xen_hvm_evtchn_upcall_vector a;

	if (!m->feat_upcall)
		return -XEN_ENOSYS;
	if (xm_copy_in(g, hc, 1, &a, sizeof(a), "set_evtchn_upcall_vector"))
		return -XEN_EFAULT;
	if (a.vector < 0x10)
		return -XEN_EINVAL;
	if (a.vcpu >= xm_nr_vcpus(g))
		return m->pers == XM_QEMU ? -XEN_EINVAL : -XEN_ENOENT;
	m->vcpu[a.vcpu].upcall_vector = a.vector;
	/* Xen sends it once at once; the guest must take a spurious one */
	if (m->pers == XM_XEN)
		xm_assert_evtchn_irq(g, a.vcpu);
	return 0;
}

static s64 hvm_op(struct pvirq_guest *g, u32 cmd, struct pvirq_hc *hc)
{
	switch (cmd) {
	case HVMOP_set_param:
	case HVMOP_get_param:
		return hvm_param(g, cmd, hc);
	case HVMOP_set_evtchn_upcall_vector:
		return set_upcall_vector(g, hc);
	}
	return -XEN_ENOSYS;
}

/* "fail" faults: the nth call of an op fails, with no effect */
static int take_fault(struct pvirq_guest *g, u32 nr, u32 cmd)
{
	struct xm_model *m = xm_of(g);
	int i, err;

	for (i = 0; i < XM_MAX_FAULTS; i++) {
		struct xm_fault *f = &m->fault[i];

		if (!f->nth || f->nr != nr || (f->cmd >= 0 && (u32)f->cmd != cmd))
			continue;
		if (--f->nth)
			continue;
		err = f->err;
		m->faults++;
		pvirq_glog(g, "xen: %s %s: injected fault %s", hc_name(nr),
			   xm_subop_name(nr, cmd), pvirq_errno_name(err));
		return -err;
	}
	return 0;
}

static s64 xm_hypercall(struct pvirq_guest *g, u32 vcpu, struct pvirq_hc *hc)
{
	struct xm_model *m = xm_of(g);
	u32 cmd = (u32)hc->args[0];
	s64 ret;

	if (hc->abi != PVIRQ_HC_ABI_XEN)
		return pvirq_hc_enosys(hc->abi);
	m->hypercalls++;
	if (m->pvi && hc->nr == m->pvi_hc_nr) {
		ret = xm_pvi_hypercall(g, hc);
		if (ret < 0)
			pvirq_glog(g, "xen: vcpu %u pvi directory op %llu -> %s",
				   vcpu, (unsigned long long)hc->args[0],
				   pvirq_errno_name(ret));
		return ret;
	}
	if (hc->nr == __HYPERVISOR_memory_op)
		cmd &= XM_MEMOP_CMD_MASK;
	ret = hc_name(hc->nr) ? take_fault(g, hc->nr, cmd) : 0;
	if (ret)
		goto out;
	switch (hc->nr) {
	case __HYPERVISOR_xen_version:
		ret = xen_version(g, cmd, hc);
		break;
	case __HYPERVISOR_memory_op:
		ret = memory_op(g, cmd, hc);
		break;
	case __HYPERVISOR_vcpu_op:
		ret = vcpu_op(g, cmd, hc);
		break;
	case __HYPERVISOR_hvm_op:
		ret = hvm_op(g, cmd, hc);
		break;
	case __HYPERVISOR_physdev_op:
		ret = xm_physdev_op(g, vcpu, cmd, hc);
		break;
	case __HYPERVISOR_event_channel_op:
		ret = xm_evtchn_op(g, vcpu, cmd, hc);
		break;
	default:
		ret = -PVIRQ_XEN_ENOSYS;
		break;
	}
out:
	if (ret < 0) {
		m->hc_errors++;
		if (hc_name(hc->nr))
			pvirq_glog(g, "xen: vcpu %u %s %s(%u) -> %s", vcpu,
				   hc_name(hc->nr), xm_subop_name(hc->nr, cmd),
				   cmd, pvirq_errno_name(ret));
		else
			pvirq_glog(g, "xen: vcpu %u hypercall %llu not modelled",
				   vcpu, (unsigned long long)hc->nr);
	}
	return ret;
}

/* Commands */

static int parse_u32(const char *s, u32 *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-' || v > 0xffffffffull)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_onoff(const char *s, bool *out)
{
	if (!strcmp(s, "on")) {
		*out = true;
		return 0;
	}
	if (!strcmp(s, "off")) {
		*out = false;
		return 0;
	}
	return -EINVAL;
}

static int bad(struct pvirq_sb *reply, int err, const char *usage)
{
	pvirq_sb_printf(reply, "%s", usage);
	return err;
}

static int cmd_fail(struct pvirq_guest *g, int argc, char **argv,
		    struct pvirq_sb *reply)
{
	static const char usage[] =
		"usage: fail OP[:SUBOP] N ERRNO | fail clear (OP e.g. physdev_op:map_pirq)";
	struct xm_model *m = xm_of(g);
	struct xm_fault f = { 0 };
	int i;

	if (argc == 2 && !strcmp(argv[1], "clear")) {
		memset(m->fault, 0, sizeof(m->fault));
		pvirq_sb_printf(reply, "faults cleared");
		return 0;
	}
	if (argc != 4 || parse_op(argv[1], &f.nr, &f.cmd) ||
	    parse_u32(argv[2], &f.nth) || !f.nth ||
	    pvirq_errno_parse(argv[3], &f.err))
		return bad(reply, -EINVAL, usage);
	for (i = 0; i < XM_MAX_FAULTS; i++) {
		if (m->fault[i].nth)
			continue;
		m->fault[i] = f;
		pvirq_sb_printf(reply, "fail call %u of %s with %s", f.nth,
				argv[1], pvirq_errno_name(f.err));
		return 0;
	}
	return bad(reply, -ENOSPC, "all fault slots armed: fail clear first");
}

static int set_limit(struct pvirq_guest *g, const char *what, const char *val,
		     struct pvirq_sb *reply)
{
	struct xm_model *m = xm_of(g);
	u32 v, i;

	if (parse_u32(val, &v))
		return bad(reply, -EINVAL, "not a number");
	if (!strcmp(what, "nr_pirqs")) {
		if (v <= m->nr_irqs_gsi || v > XM_MAX_PIRQS)
			return bad(reply, -EINVAL, "nr_pirqs: above nr_irqs_gsi, at most 4096");
		for (i = v; i < XM_MAX_PIRQS; i++)
			if (m->pirq[i].allocated || m->pirq[i].port ||
			    m->pirq[i].emu != XM_IRQ_UNBOUND)
				return bad(reply, -EBUSY, "a pirq above it is in use");
		m->nr_pirqs = v;
	} else if (!strcmp(what, "nr_irqs_gsi")) {
		if (v < XM_ISA_IRQS || v >= m->nr_pirqs || m->pers == XM_QEMU)
			return bad(reply, -EINVAL, "nr_irqs_gsi: 16..nr_pirqs-1, Xen personality only");
		if (xm_pirqs_busy(m))
			return bad(reply, -EBUSY, "pirqs in use");
		m->nr_irqs_gsi = v;
	} else {
		if (v < 2 || v > XM_MAX_PORTS)
			return bad(reply, -EINVAL, "max_ports: 2..4096");
		for (i = v; i < XM_MAX_PORTS; i++)
			if (m->port[i].state != EVTCHNSTAT_closed)
				return bad(reply, -EBUSY, "a port above it is in use");
		m->nr_ports = v;
	}
	pvirq_sb_printf(reply, "%s %u", what, v);
	return 0;
}

static int cmd_feature(struct pvirq_guest *g, int argc, char **argv,
		       struct pvirq_sb *reply)
{
	struct xm_model *m = xm_of(g);
	bool on, *f;

	if (argc != 3 || parse_onoff(argv[2], &on))
		return bad(reply, -EINVAL, "usage: feature pirqs|callback|upcall on|off");
	if (!strcmp(argv[1], "pirqs"))
		f = &m->feat_pirqs;
	else if (!strcmp(argv[1], "callback"))
		f = &m->feat_callback;
	else if (!strcmp(argv[1], "upcall"))
		f = &m->feat_upcall;
	else
		return bad(reply, -EINVAL, "usage: feature pirqs|callback|upcall on|off");
	*f = on;
	pvirq_sb_printf(reply, "feature %s %s", argv[1], argv[2]);
	return 0;
}

static const char help[] =
	"personality xen|qemu; op22 on|off; multimsi on|off; "
	"feature pirqs|callback|upcall on|off; hvm_features N; cpuid_base N; counts; "
	"version N; domid N; nr_pirqs N; nr_irqs_gsi N; max_ports N; "
	"send PORT; fail OP[:SUBOP] N ERRNO; fail clear; reset; "
	"pvi on|off; uuid [UUID]; pvi-gsis N; pvi-hcnr N; pvi-counts; pvi-clear-counts";

static int xm_command(struct pvirq_guest *g, int argc, char **argv,
		      struct pvirq_sb *reply)
{
	struct xm_model *m = xm_of(g);
	const char *c = argc ? argv[0] : "";
	bool on;
	u32 v;

	if (!strcmp(c, "help")) {
		pvirq_sb_printf(reply, "%s", help);
		return 0;
	}
	if (!strcmp(c, "fail"))
		return cmd_fail(g, argc, argv, reply);
	if (!strcmp(c, "counts") && argc == 1) {
		xm_physdev_counts(g, reply);
		return 0;
	}
	if (!strcmp(c, "feature"))
		return cmd_feature(g, argc, argv, reply);
	if (argc) {
		int ret = xm_pvi_command(g, argc, argv, reply);

		if (ret != -ENOENT)
			return ret;
	}
	if (!strcmp(c, "reset") && argc == 1) {
		xm_reset(g);
		pvirq_sb_printf(reply, "reset");
		return 0;
	}
	if (argc != 2)
		return bad(reply, -EINVAL, help);
	if (!strcmp(c, "personality")) {
		enum xm_personality p;

		if (!strcmp(argv[1], "xen"))
			p = XM_XEN;
		else if (!strcmp(argv[1], "qemu"))
			p = XM_QEMU;
		else
			return bad(reply, -EINVAL, "usage: personality xen|qemu");
		if (p != m->pers && (xm_pirqs_busy(m) || xm_ports_in_use(m)))
			return bad(reply, -EBUSY, "pirqs or ports in use");
		if (p != m->pers)
			set_defaults(m, p);
	} else if (!strcmp(c, "op22") || !strcmp(c, "multimsi")) {
		if (parse_onoff(argv[1], &on))
			return bad(reply, -EINVAL, "on or off");
		*(c[0] == 'o' ? &m->op22 : &m->multimsi) = on;
	} else if (!strcmp(c, "nr_pirqs") || !strcmp(c, "nr_irqs_gsi") ||
		   !strcmp(c, "max_ports")) {
		return set_limit(g, c, argv[1], reply);
	} else if (!strcmp(c, "send")) {
		if (parse_u32(argv[1], &v) || !xm_port_valid(m, v) || !v ||
		    m->port[v].state == EVTCHNSTAT_closed)
			return bad(reply, -EINVAL, "send: not a port in use");
		xm_port_raise(g, v);
	} else if (parse_u32(argv[1], &v)) {
		return bad(reply, -EINVAL, "not a number");
	} else if (!strcmp(c, "hvm_features")) {
		m->hvm_features = v;
	} else if (!strcmp(c, "cpuid_base")) {
		if (v < XM_CPUID_BASE || v > 0x4000ff00u || (v & 0xff))
			return bad(reply, -EINVAL, "cpuid_base: 0x40000000 + n * 0x100");
		m->cpuid_base = v;
	} else if (!strcmp(c, "version")) {
		m->version = v;
	} else if (!strcmp(c, "domid")) {
		if (!v || v >= DOMID_FIRST_RESERVED)
			return bad(reply, -EINVAL, "domid: 1..0x7fef");
		if (xm_domid_taken(g, v))
			return bad(reply, -EEXIST, "domid: another guest has it");
		m->domid = v;
	} else {
		return bad(reply, -EINVAL, help);
	}
	pvirq_sb_printf(reply, "%s %s", c, argv[1]);
	return 0;
}

static void xm_state_json(struct pvirq_guest *g, struct pvirq_sb *out)
{
	struct xm_model *m = xm_of(g);
	u64 type = (m->callback & HVM_PARAM_CALLBACK_IRQ_TYPE_MASK) >> 56;
	static const char *const cb_types[] = { "gsi", "pci_intx", "vector" };
	bool first = true;
	int i;

	pvirq_sb_printf(out, "{\"personality\":\"%s\"",
			m->pers == XM_QEMU ? "qemu" : "xen");
	xm_json_u64(out, "version", m->version);
	xm_json_u64(out, "cpuid_base", m->cpuid_base);
	xm_json_u64(out, "domid", m->domid);
	pvirq_sb_printf(out, ",");
	pvirq_sb_printf(out, "\"features\":{\"hvm\":%u", m->hvm_features);
	xm_json_bool(out, "pirqs", m->feat_pirqs);
	xm_json_bool(out, "callback_vector", m->feat_callback);
	xm_json_bool(out, "upcall_vector", m->feat_upcall);
	xm_json_bool(out, "op22", m->op22);
	xm_json_bool(out, "multimsi", m->multimsi);
	pvirq_sb_printf(out, "},");
	pvirq_sb_printf(out, "\"hypercall_page\":%llu,\"shared_info\":",
			(unsigned long long)m->hcall_page);
	if (m->shinfo_set)
		pvirq_sb_printf(out, "%llu", (unsigned long long)m->shinfo_gpa);
	else
		pvirq_sb_printf(out, "null");
	pvirq_sb_printf(out, ",\"callback\":{\"type\":\"%s\",\"vector\":%u,\"raw\":%llu},",
			!m->callback ? "none" :
			type < ARRAY_SIZE(cb_types) ? cb_types[type] : "?",
			(u8)m->callback, (unsigned long long)m->callback);
	xm_evtchn_state_json(g, out);
	pvirq_sb_printf(out, ",");
	xm_physdev_state_json(g, out);
	xm_json_u64(out, "counters\":{\"hypercalls", m->hypercalls);
	xm_json_u64(out, "errors", m->hc_errors);
	xm_json_u64(out, "faults", m->faults);
	xm_json_u64(out, "upcalls", m->upcalls);
	xm_json_u64(out, "inject_errors", m->inject_errors);
	xm_json_u64(out, "no_callback", m->no_callback);
	xm_json_u64(out, "map_conflicts", m->map_conflicts);
	xm_json_u64(out, "fifo_no_control", m->fifo_no_cb);
	pvirq_sb_printf(out, "},\"faults\":[");
	for (i = 0; i < XM_MAX_FAULTS; i++) {
		struct xm_fault *f = &m->fault[i];

		if (!f->nth)
			continue;
		pvirq_sb_printf(out, "%s{\"op\":\"%s%s%s\",\"nth\":%u,\"errno\":\"%s\"}",
				first ? "" : ",", hc_name(f->nr),
				f->cmd >= 0 ? ":" : "",
				f->cmd >= 0 ? xm_subop_name(f->nr, f->cmd) : "",
				f->nth, pvirq_errno_name(f->err));
		first = false;
	}
	pvirq_sb_printf(out, "]");
	/* last, and only when offered: guests' replies have a size limit */
	if (m->pvi) {
		pvirq_sb_printf(out, ",");
		xm_pvi_state_json(g, out);
	}
	pvirq_sb_printf(out, "}");
}

PVIRQ_MODEL_DEFINE(xen) = {
	.name = "xen",
	.init = xm_init_xen,
	.reset = xm_reset,
	.destroy = xm_destroy,
	.cpuid = xm_cpuid,
	.rdmsr = xm_rdmsr,
	.wrmsr = xm_wrmsr,
	.hypercall = xm_hypercall,
	.msi = xm_msi,
	.gsi = xm_gsi,
	.state_json = xm_state_json,
	.command = xm_command,
};

/* The same model, created with the "qemu" personality: model=xen-qemu */
PVIRQ_MODEL_DEFINE(xen_qemu) = {
	.name = "xen-qemu",
	.init = xm_init_qemu,
	.reset = xm_reset,
	.destroy = xm_destroy,
	.cpuid = xm_cpuid,
	.rdmsr = xm_rdmsr,
	.wrmsr = xm_wrmsr,
	.hypercall = xm_hypercall,
	.msi = xm_msi,
	.gsi = xm_gsi,
	.state_json = xm_state_json,
	.command = xm_command,
};
