// SPDX-License-Identifier: GPL-2.0
/*
 * The "xen" model's pirqs: PHYSDEVOP_*, emulated GSIs and the vector-0 MSI.
 *
 * An HVM guest with the vector callback can have its emulated interrupts
 * delivered as event channels instead: it maps a GSI to a pirq
 * (PHYSDEVOP_map_pirq), or writes an MSI message whose vector is 0 and
 * whose address carries a pirq, and binds the pirq to a port
 * (EVTCHNOP_bind_pirq).  From then on the GSI or MSI raises the port.
 *
 * Each pirq records what it is mapped to (emu: a GSI, "MSI_EMU", or
 * unbound), whether it was handed out (allocated) and its port.  The two
 * personalities keep the same record but answer from different code:
 *
 *  Xen 4.17 (xen/arch/x86/physdev.c, irq.c, hvm/irq.c): nr_pirqs =
 *	nr_irqs_gsi + 32; get_free_pirq scans [16, nr_irqs_gsi) for GSIs and
 *	from the top down otherwise, and marks the pirq ALLOCATED for good
 *	(unmapping it does not give it back: the classic leak); map_pirq
 *	takes GSIs < 48 only and only once the vector callback is set, and
 *	answers 0 without mapping anything when the GSI or pirq is already
 *	mapped; a vector-0 MSI maps its pirq as MSI_EMU on first use and is
 *	lost if no port is bound yet; level GSIs (>= 16) still asserted are
 *	re-sent on every PHYSDEVOP_eoi.
 *  QEMU (hw/i386/kvm/xen_evtchn.c): 256 pirqs, GSIs < 24, GSI pirqs
 *	16..23 then from the top down to 24; -EPERM for another domain,
 *	-EBUSY for a pirq in use, -ENOENT for one not in use; MSI pirqs
 *	cannot be unmapped; a vector-0 MSI needs a pirq from get_free_pirq,
 *	and is held until its port is bound rather than lost.
 *
 * The pvirq host extensions, both off by default as on the real hosts:
 * PHYSDEVOP_get_nr_pirqs (op 22), and MAP_PIRQ_TYPE_MULTI_MSI for an HVM
 * guest, which hands out a naturally aligned power-of-two block whose
 * message i is the block's address with data vector i.
 */
#include <errno.h>
#include <string.h>

#include "model_xen.h"

static u32 gsi_pirq_end(struct xm_model *m)
{
	return m->pers == XM_QEMU ? XM_QEMU_NR_GSIS : m->nr_irqs_gsi;
}

static u32 nr_gsis(struct xm_model *m)
{
	return m->pers == XM_QEMU ? XM_QEMU_NR_GSIS : XM_NR_GSIS;
}

/* Xen's is_free_pirq() (a bound port does not count); QEMU's in-use bit */
static bool pirq_free(struct xm_model *m, u32 pirq)
{
	struct xm_pirq *p = &m->pirq[pirq];

	if (m->pers == XM_QEMU)
		return !p->allocated;
	return !p->allocated && p->emu == XM_IRQ_UNBOUND;
}

/* Xen: whether a struct pirq exists for it */
static bool pirq_known(struct xm_pirq *p)
{
	return p->allocated || p->emu != XM_IRQ_UNBOUND || p->port;
}

bool xm_pirqs_busy(struct xm_model *m)
{
	u32 i;

	for (i = 0; i < XM_MAX_PIRQS; i++)
		if (pirq_known(&m->pirq[i]))
			return true;
	return false;
}

void xm_physdev_reset(struct pvirq_guest *g)
{
	struct xm_model *m = xm_of(g);
	u32 i;

	for (i = 0; i < XM_MAX_PIRQS; i++) {
		memset(&m->pirq[i], 0, sizeof(m->pirq[i]));
		m->pirq[i].emu = XM_IRQ_UNBOUND;
	}
	for (i = 0; i < XM_NR_GSIS; i++) {
		memset(&m->gsi[i], 0, sizeof(m->gsi[i]));
		m->gsi[i].pirq = XM_IRQ_UNBOUND;
	}
}

static int find_free(struct xm_model *m, bool gsi)
{
	u32 end = gsi_pirq_end(m), i;

	if (gsi)
		for (i = XM_ISA_IRQS; i < end && i < m->nr_pirqs; i++)
			if (pirq_free(m, i))
				return i;
	for (i = m->nr_pirqs; i-- > end;)
		if (pirq_free(m, i))
			return i;
	return -XEN_ENOSPC;
}

/* Xen's map_domain_emuirq_pirq() */
static int xen_map_emuirq(struct pvirq_guest *g, int pirq, int emu)
{
	struct xm_model *m = xm_of(g);
	int old_emu, old_pirq;

	if (pirq < 0 || (u32)pirq >= m->nr_pirqs) {
		pvirq_glog(g, "xen: invalid pirq %d or emuirq %d", pirq, emu);
		return -XEN_EINVAL;
	}
	old_emu = m->pirq[pirq].emu;
	old_pirq = emu >= 0 ? m->gsi[emu].pirq : XM_IRQ_UNBOUND;
	if ((old_emu != XM_IRQ_UNBOUND && old_emu != emu) ||
	    (old_pirq != XM_IRQ_UNBOUND && old_pirq != pirq)) {
		m->map_conflicts++;
		pvirq_glog(g, "xen: pirq %d or emuirq %d already mapped: nothing mapped, 0 returned",
			   pirq, emu);
		return 0;
	}
	m->pirq[pirq].emu = emu;
	if (emu >= 0)
		m->gsi[emu].pirq = pirq;
	return 0;
}

static void pirq_unmap(struct xm_model *m, u32 pirq)
{
	struct xm_pirq *p = &m->pirq[pirq];

	if (p->emu >= 0 && (u32)p->emu < XM_NR_GSIS &&
	    m->gsi[p->emu].pirq == (int)pirq)
		m->gsi[p->emu].pirq = XM_IRQ_UNBOUND;
	p->emu = XM_IRQ_UNBOUND;
	p->held = false;
}

/* Multi-MSI extension */

static bool block_free(struct xm_model *m, u32 base, u32 size)
{
	u32 i;

	for (i = base; i < base + size; i++)
		if (pirq_known(&m->pirq[i]))
			return false;
	return true;
}

static int map_block(struct pvirq_guest *g, struct physdev_map_pirq *map)
{
	struct xm_model *m = xm_of(g);
	u32 size = 1, order = 0, base, i;

	if (map->entry_nr <= 0 || map->entry_nr > XM_MULTI_MSI_MAX)
		return -XEN_EDOM;
	while (size < (u32)map->entry_nr) {
		size <<= 1;
		order++;
	}
	if (map->pirq < 0) {
		if (m->nr_pirqs < size)
			return -XEN_ENOSPC;
		/* the highest aligned free block above the GSI pirqs */
		for (base = (m->nr_pirqs - size) & ~(size - 1);; base -= size) {
			if (base < gsi_pirq_end(m))
				return -XEN_ENOSPC;
			if (block_free(m, base, size))
				break;
			if (base < size)
				return -XEN_ENOSPC;
		}
	} else {
		base = map->pirq;
		if ((base & (size - 1)) || base < gsi_pirq_end(m) ||
		    base > m->nr_pirqs || m->nr_pirqs - base < size) {
			pvirq_glog(g, "xen: multi-MSI block of %u at pirq %u: not aligned or out of range",
				   size, base);
			return -XEN_EINVAL;
		}
		if (!block_free(m, base, size))
			return -XEN_EBUSY;
	}
	for (i = base; i < base + size; i++) {
		m->pirq[i].allocated = true;
		m->pirq[i].emu = XM_IRQ_MSI_EMU;
		m->pirq[i].block_member = true;
	}
	m->pirq[base].block_base = true;
	m->pirq[base].block_order = order;
	map->pirq = base;
	map->entry_nr = size;
	return 0;
}

/* 1: @pirq was a block's base and the block is gone; -EINVAL: a member */
static int unmap_block(struct xm_model *m, u32 pirq)
{
	struct xm_pirq *p = &m->pirq[pirq];
	u32 end, i;

	if (!p->block_member)
		return 0;
	if (!p->block_base)
		return -XEN_EINVAL;
	end = pirq + (1u << p->block_order);
	for (i = pirq; i < end && i < XM_MAX_PIRQS; i++) {
		pirq_unmap(m, i);
		m->pirq[i].allocated = false;
		m->pirq[i].block_member = false;
		m->pirq[i].block_base = false;
		m->pirq[i].block_order = 0;
	}
	return 1;
}

/* PHYSDEVOP_* */

static int self_or(struct xm_model *m, u32 domid, int xen_own, int other)
{
	if (domid == DOMID_SELF)
		return 0;
	if (m->pers == XM_QEMU)
		return domid == m->domid ? 0 : -XEN_EPERM;
	/* Xen: not DOMID_SELF is the privileged path, refused to a domU */
	return domid == m->domid ? xen_own : other;
}

static bool pv_evtchn(struct xm_model *m)
{
	u64 type = (m->callback & HVM_PARAM_CALLBACK_IRQ_TYPE_MASK) >> 56;

	return (m->feat_callback && type == HVM_PARAM_CALLBACK_TYPE_VECTOR) ||
	       m->vcpu[0].upcall_vector;
}

static int xen_map_pirq(struct pvirq_guest *g, struct physdev_map_pirq *map)
{
	struct xm_model *m = xm_of(g);
	int ret;

	ret = self_or(m, map->domid, -XEN_EPERM, -XEN_ESRCH);
	if (ret)
		return ret;
	if (!pv_evtchn(m)) {
		pvirq_glog(g, "xen: map_pirq before the vector callback is set");
		return -XEN_EINVAL;
	}
	if (map->type == MAP_PIRQ_TYPE_MULTI_MSI && m->multimsi)
		return map_block(g, map);
	if (map->type != MAP_PIRQ_TYPE_GSI) {
		pvirq_glog(g, "xen: map_pirq: type %d not supported for HVM",
			   map->type);
		return -XEN_EINVAL;
	}
	if (map->index < 0 || map->index >= XM_NR_GSIS)
		return -XEN_EINVAL;
	/* no free pirq: -ENOSPC lands in the pirq field, then -EINVAL */
	if (map->pirq < 0)
		map->pirq = find_free(m, true);
	return xen_map_emuirq(g, map->pirq, map->index);
}

static int qemu_map_pirq(struct pvirq_guest *g, struct physdev_map_pirq *map)
{
	struct xm_model *m = xm_of(g);
	int gsi = map->index, pirq = map->pirq, ret;
	struct xm_pirq *p;

	ret = self_or(m, map->domid, 0, 0);
	if (ret)
		return ret;
	if (map->type == MAP_PIRQ_TYPE_MULTI_MSI && m->multimsi)
		return map_block(g, map);
	if (map->type != MAP_PIRQ_TYPE_GSI)
		return -XEN_EINVAL;
	if (gsi < 0 || gsi >= XM_QEMU_NR_GSIS)
		return -XEN_EINVAL;
	if (pirq < 0) {
		pirq = find_free(m, true);
		if (pirq < 0)
			return pirq;
	} else if ((u32)pirq >= m->nr_pirqs) {
		return -XEN_EINVAL;
	} else if (m->pirq[pirq].allocated &&
		   m->pirq[pirq].emu != XM_IRQ_UNBOUND) {
		return -XEN_EBUSY;
	}
	p = &m->pirq[pirq];
	p->allocated = true;
	p->emu = gsi;
	/* a GSI mapped again keeps its old pirq allocated, as QEMU does */
	m->gsi[gsi].pirq = pirq;
	map->pirq = pirq;
	return 0;
}

static s64 op_map_pirq(struct pvirq_guest *g, struct pvirq_hc *hc)
{
	struct xm_model *m = xm_of(g);
	struct physdev_map_pirq map;
	int ret, wret;

	if (xm_copy_in(g, hc, 1, &map, sizeof(map), "map_pirq"))
		return -XEN_EFAULT;
	if (map.type == MAP_PIRQ_TYPE_MULTI_MSI && map.table_base)
		return -XEN_EINVAL;
	if (m->pers == XM_QEMU) {
		ret = qemu_map_pirq(g, &map);
		/* QEMU writes the result back only on success */
		if (ret)
			return ret;
		return xm_copy_out(g, hc, 1, &map, sizeof(map), "map_pirq");
	}
	ret = xen_map_pirq(g, &map);
	wret = xm_copy_out(g, hc, 1, &map, sizeof(map), "map_pirq");
	return wret ? wret : ret;
}

static s64 op_unmap_pirq(struct pvirq_guest *g, struct pvirq_hc *hc)
{
	struct xm_model *m = xm_of(g);
	struct physdev_unmap_pirq a;
	int ret;

	if (xm_copy_in(g, hc, 1, &a, sizeof(a), "unmap_pirq"))
		return -XEN_EFAULT;
	ret = self_or(m, a.domid, -XEN_EPERM, -XEN_ESRCH);
	if (ret)
		return ret;
	if (a.pirq < 0 || (u32)a.pirq >= m->nr_pirqs)
		/* Xen finds no mapping there and says 0 */
		return m->pers == XM_QEMU ? -XEN_EINVAL : 0;
	if (m->pers == XM_QEMU && !m->pirq[a.pirq].allocated)
		return -XEN_ENOENT;
	ret = unmap_block(m, a.pirq);
	if (ret)
		return ret < 0 ? ret : 0;
	if (m->pers == XM_QEMU) {
		/* QEMU can only unmap GSI pirqs; it frees them */
		if (m->pirq[a.pirq].emu < 0)
			return -XEN_EINVAL;
		pirq_unmap(m, a.pirq);
		m->pirq[a.pirq].allocated = false;
		return 0;
	}
	/* Xen: the mapping goes, an ALLOCATED mark stays */
	pirq_unmap(m, a.pirq);
	return 0;
}

/* Xen's send_guest_pirq(): nothing happens while no port is bound. */
void xm_pirq_send(struct pvirq_guest *g, u32 pirq)
{
	struct xm_pirq *p = &xm_of(g)->pirq[pirq];

	if (!p->port)
		return;
	p->sent++;
	xm_port_raise(g, p->port);
}

static s64 op_eoi(struct pvirq_guest *g, struct pvirq_hc *hc)
{
	struct xm_model *m = xm_of(g);
	struct physdev_eoi a;
	struct xm_pirq *p;
	int gsi;

	if (xm_copy_in(g, hc, 1, &a, sizeof(a), "eoi"))
		return -XEN_EFAULT;
	if (a.irq >= m->nr_pirqs)
		return m->pers == XM_QEMU ? -XEN_ENOENT : -XEN_EINVAL;
	p = &m->pirq[a.irq];
	if (m->pers == XM_QEMU) {
		if (!p->allocated)
			return -XEN_ENOENT;
		if (p->emu < 0)
			return -XEN_EINVAL;
	} else if (!pirq_known(p)) {
		return -XEN_EINVAL;
	}
	p->eois++;
	gsi = p->emu;
	if (gsi < 0 || (u32)gsi >= XM_NR_GSIS)
		return 0;
	m->gsi[gsi].eois++;
	/* a level GSI still asserted fires again (Xen: ISA IRQs are edge) */
	if (m->gsi[gsi].asserted &&
	    (m->pers == XM_QEMU || gsi >= XM_ISA_IRQS) && p->port) {
		m->gsi[gsi].resent++;
		xm_pirq_send(g, a.irq);
	}
	return 0;
}

static s64 op_irq_status_query(struct pvirq_guest *g, struct pvirq_hc *hc)
{
	struct xm_model *m = xm_of(g);
	struct physdev_irq_status_query a;
	struct xm_pirq *p;

	if (xm_copy_in(g, hc, 1, &a, sizeof(a), "irq_status_query"))
		return -XEN_EFAULT;
	if (a.irq >= m->nr_pirqs)
		return m->pers == XM_QEMU ? -XEN_ENOENT : -XEN_EINVAL;
	p = &m->pirq[a.irq];
	if (m->pers == XM_QEMU) {
		if (!p->allocated)
			return -XEN_ENOENT;
		/* only GSI pirqs need an EOI under QEMU */
		a.flags = p->emu >= 0 ? XENIRQSTAT_needs_eoi : 0;
	} else {
		if (p->emu == XM_IRQ_UNBOUND)
			return -XEN_EINVAL;
		a.flags = XENIRQSTAT_needs_eoi;
	}
	return xm_copy_out(g, hc, 1, &a, sizeof(a), "irq_status_query");
}

static s64 op_get_free_pirq(struct pvirq_guest *g, struct pvirq_hc *hc)
{
	struct xm_model *m = xm_of(g);
	struct physdev_get_free_pirq a;
	int pirq;

	if (xm_copy_in(g, hc, 1, &a, sizeof(a), "get_free_pirq"))
		return -XEN_EFAULT;
	pirq = find_free(m, a.type == MAP_PIRQ_TYPE_GSI);
	if (pirq < 0)
		return pirq;
	m->pirq[pirq].allocated = true;
	a.pirq = pirq;
	return xm_copy_out(g, hc, 1, &a, sizeof(a), "get_free_pirq");
}

static s64 op_get_nr_pirqs(struct pvirq_guest *g, struct pvirq_hc *hc)
{
	struct xm_model *m = xm_of(g);
	struct physdev_nr_pirqs a;

	if (!m->op22)
		return -XEN_ENOSYS;
	if (xm_copy_in(g, hc, 1, &a, sizeof(a), "get_nr_pirqs"))
		return -XEN_EFAULT;
	a.nr_pirqs = m->nr_pirqs;
	return xm_copy_out(g, hc, 1, &a, sizeof(a), "get_nr_pirqs");
}

s64 xm_physdev_op(struct pvirq_guest *g, u32 vcpu, u32 cmd, struct pvirq_hc *hc)
{
	struct xm_model *m = xm_of(g);

	switch (cmd) {
	case PHYSDEVOP_get_nr_pirqs:
		return op_get_nr_pirqs(g, hc);
	case PHYSDEVOP_map_pirq:
	case PHYSDEVOP_unmap_pirq:
	case PHYSDEVOP_eoi:
	case PHYSDEVOP_irq_status_query:
	case PHYSDEVOP_get_free_pirq:
		/* the only ones an HVM guest has, and only with pirqs */
		if (!m->feat_pirqs)
			return -XEN_ENOSYS;
		break;
	default:
		/* setup_gsi, pirq_eoi_gmfn, ...: -ENOSYS to an HVM domU */
		return -XEN_ENOSYS;
	}
	switch (cmd) {
	case PHYSDEVOP_map_pirq:
		return op_map_pirq(g, hc);
	case PHYSDEVOP_unmap_pirq:
		return op_unmap_pirq(g, hc);
	case PHYSDEVOP_eoi:
		return op_eoi(g, hc);
	case PHYSDEVOP_irq_status_query:
		return op_irq_status_query(g, hc);
	default:
		return op_get_free_pirq(g, hc);
	}
}

/* EVTCHNOP_bind_pirq / close tell us, for QEMU's held MSIs. */
void xm_pirq_bound(struct pvirq_guest *g, u32 pirq)
{
	struct xm_pirq *p = &xm_of(g)->pirq[pirq];

	if (!p->held)
		return;
	p->held = false;
	xm_pirq_send(g, pirq);
}

void xm_pirq_unbound(struct pvirq_guest *g, u32 pirq)
{
	if (pirq < XM_MAX_PIRQS)
		xm_of(g)->pirq[pirq].port = 0;
}

/**
 * xm_gsi() - an emulated device's interrupt line changes
 * @g: the guest
 * @gsi: the GSI
 * @level: true: the line goes high (asserted), false: low
 *
 * Only a rising line sends anything; a mapped GSI sends its pirq's port,
 * an unmapped one would go to the emulated IOAPIC, which this model does
 * not have (counted).  Xen drops a mapped GSI whose pirq has no port.
 *
 * Return: 0, or -EINVAL for a GSI the emulated IOAPIC does not have.
 */
int xm_gsi(struct pvirq_guest *g, u32 gsi, bool level)
{
	struct xm_model *m = xm_of(g);
	struct xm_gsi *s;

	if (gsi >= nr_gsis(m)) {
		pvirq_glog(g, "xen: gsi %u: the IOAPIC has %u pins", gsi,
			   nr_gsis(m));
		return -EINVAL;
	}
	s = &m->gsi[gsi];
	if (!level) {
		s->asserted = false;
		return 0;
	}
	if (s->asserted)
		return 0;
	s->asserted = true;
	s->raised++;
	if (s->pirq == XM_IRQ_UNBOUND) {
		s->ioapic++;
		return 0;
	}
	if (!m->pirq[s->pirq].port) {
		s->unbound++;
		return 0;
	}
	xm_pirq_send(g, s->pirq);
	return 0;
}

static void msi_drop(struct pvirq_guest *g, u32 pirq, const char *why)
{
	xm_of(g)->msi_dropped++;
	pvirq_glog(g, "xen: vector-0 MSI for pirq %u dropped: %s", pirq, why);
}

/* Xen's hvm_inject_msi() for vector 0 */
static void xen_msi(struct pvirq_guest *g, u32 pirq)
{
	struct xm_model *m = xm_of(g);
	struct xm_pirq *p;

	if ((s32)pirq <= 0) {
		msi_drop(g, pirq, "pirq 0 (ERANGE)");
		return;
	}
	if (pirq >= m->nr_pirqs) {
		msi_drop(g, pirq, "beyond nr_pirqs (EINVAL)");
		return;
	}
	p = &m->pirq[pirq];
	if (p->emu == XM_IRQ_UNBOUND)
		p->emu = XM_IRQ_MSI_EMU;	/* first use maps it */
	else if (p->emu != XM_IRQ_MSI_EMU) {
		msi_drop(g, pirq, "mapped to a GSI (EINVAL)");
		return;
	}
	p->msis++;
	if (!p->port) {
		m->msi_lost++;
		pvirq_glog(g, "xen: MSI for pirq %u lost: no port bound yet",
			   pirq);
		return;
	}
	xm_pirq_send(g, pirq);
}

/* QEMU's xen_evtchn_snoop_msi() and deliver_pirq_msi() */
static void qemu_msi(struct pvirq_guest *g, u32 pirq)
{
	struct xm_model *m = xm_of(g);
	struct xm_pirq *p;

	if (!pirq || pirq >= m->nr_pirqs) {
		msi_drop(g, pirq, "not a pirq");
		return;
	}
	p = &m->pirq[pirq];
	if (!p->allocated) {
		msi_drop(g, pirq, "not allocated");
		return;
	}
	if (p->emu != XM_IRQ_UNBOUND && p->emu != XM_IRQ_MSI_EMU) {
		msi_drop(g, pirq, "mapped to a GSI");
		return;
	}
	p->emu = XM_IRQ_MSI_EMU;
	p->msis++;
	if (!p->port) {
		/* kept masked at the device until bind_pirq unmasks it */
		if (!p->held)
			m->msi_held++;
		p->held = true;
		return;
	}
	xm_pirq_send(g, pirq);
}

/**
 * xm_msi() - the model's look at an MSI the virtual device sends
 * @g: the guest
 * @addr: message address
 * @data: message data
 *
 * Return: true if it named a pirq (vector 0, or with the multi-MSI
 * extension on, vector i < 32 of an aligned block) and was handled here;
 * false for an ordinary message the core delivers natively.
 */
bool xm_msi(struct pvirq_guest *g, u64 addr, u32 data)
{
	struct xm_model *m = xm_of(g);
	u32 vec = data & 0xff, size = 1;
	u32 pirq = ((addr >> 32) & 0xffffff00u) | ((addr >> 12) & 0xff);

	if (vec) {
		if (!m->multimsi || vec >= XM_MULTI_MSI_MAX)
			return false;
		while (size <= vec)
			size <<= 1;
		/* message i of a block: the base must be aligned to it */
		if (!pirq || (pirq & (size - 1)))
			return false;
		pirq += vec;
	}
	m->msi_snooped++;
	if (m->pers == XM_QEMU)
		qemu_msi(g, pirq);
	else
		xen_msi(g, pirq);
	return true;
}

static const char *emu_name(int emu)
{
	if (emu == XM_IRQ_MSI_EMU)
		return "msi";
	if (emu >= 0)
		return "gsi";
	return "none";
}

/* pirqs allocated, mapped, bound to a port, and in any use */
struct xm_pirq_totals {
	u32 allocated, mapped, bound, known;
};

static void pirq_totals(struct xm_model *m, struct xm_pirq_totals *t)
{
	u32 i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < XM_MAX_PIRQS; i++) {
		struct xm_pirq *p = &m->pirq[i];

		t->allocated += p->allocated;
		t->mapped += p->emu != XM_IRQ_UNBOUND;
		t->bound += !!p->port;
		t->known += pirq_known(p);
	}
}

/* One short line of the counters tests compare ("model GUEST counts"). */
void xm_physdev_counts(struct pvirq_guest *g, struct pvirq_sb *out)
{
	struct xm_model *m = xm_of(g);
	struct xm_pirq_totals t;

	pirq_totals(m, &t);
	pvirq_sb_printf(out, "ports_in_use %u pirqs_allocated %u pirqs_mapped %u pirqs_bound %u pirqs_in_use %u",
			xm_ports_in_use(m), t.allocated, t.mapped, t.bound, t.known);
	pvirq_sb_printf(out, " msi_snooped %llu msi_dropped %llu msi_held %llu msi_lost %llu",
			(unsigned long long)m->msi_snooped,
			(unsigned long long)m->msi_dropped,
			(unsigned long long)m->msi_held,
			(unsigned long long)m->msi_lost);
}

void xm_physdev_state_json(struct pvirq_guest *g, struct pvirq_sb *out)
{
	struct xm_model *m = xm_of(g);
	struct xm_pirq_totals t;
	bool first = true;
	u32 i;

	pirq_totals(m, &t);
	pvirq_sb_printf(out, "\"pirqs\":{\"nr\":%u", m->nr_pirqs);
	xm_json_u64(out, "nr_irqs_gsi", gsi_pirq_end(m));
	xm_json_u64(out, "allocated", t.allocated);
	xm_json_u64(out, "mapped", t.mapped);
	xm_json_u64(out, "bound", t.bound);
	xm_json_u64(out, "in_use", t.known);
	pvirq_sb_printf(out, ",\"list\":[");
	for (i = 0; i < XM_MAX_PIRQS; i++) {
		struct xm_pirq *p = &m->pirq[i];

		if (!pirq_known(p))
			continue;
		pvirq_sb_printf(out, "%s{\"pirq\":%u,\"type\":\"%s\"", first ? "" : ",",
				i, emu_name(p->emu));
		if (p->emu >= 0)
			pvirq_sb_printf(out, ",\"gsi\":%d", p->emu);
		if (p->block_base)
			pvirq_sb_printf(out, ",\"block\":%u", 1u << p->block_order);
		xm_json_bool(out, "allocated", p->allocated);
		xm_json_u64(out, "port", p->port);
		xm_json_bool(out, "held", p->held);
		xm_json_u64(out, "msis", p->msis);
		xm_json_u64(out, "sent", p->sent);
		xm_json_u64(out, "eois", p->eois);
		pvirq_sb_printf(out, "}");
		first = false;
	}
	pvirq_sb_printf(out, "]},\"gsis\":[");
	first = true;
	for (i = 0; i < XM_NR_GSIS; i++) {
		struct xm_gsi *s = &m->gsi[i];

		if (s->pirq == XM_IRQ_UNBOUND && !s->raised && !s->eois)
			continue;
		pvirq_sb_printf(out, "%s{\"gsi\":%u,\"pirq\":%d", first ? "" : ",",
				i, s->pirq);
		xm_json_bool(out, "asserted", s->asserted);
		xm_json_u64(out, "raised", s->raised);
		xm_json_u64(out, "eois", s->eois);
		xm_json_u64(out, "resent", s->resent);
		xm_json_u64(out, "ioapic", s->ioapic);
		xm_json_u64(out, "unbound", s->unbound);
		pvirq_sb_printf(out, "}");
		first = false;
	}
	pvirq_sb_printf(out, "]");
	xm_json_u64(out, "msi\":{\"snooped", m->msi_snooped);
	xm_json_u64(out, "dropped", m->msi_dropped);
	xm_json_u64(out, "held", m->msi_held);
	xm_json_u64(out, "lost", m->msi_lost);
	pvirq_sb_printf(out, "}");
}
