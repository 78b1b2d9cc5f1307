// SPDX-License-Identifier: GPL-2.0
/*
 * The virtual PCI device each guest sees at devfn 0 of its transport's bus.
 *
 * 1234:5056, class ff0000 (unassigned: no driver binds to it by class or
 * ID), INTA, one 64-bit memory BAR0 of 16 KiB holding the MSI-X table (32
 * entries at 0x0000) and PBA (0x2000), an MSI capability (64-bit, per-vector
 * masking, 32 vectors) at 0x40 and an MSI-X capability (32 entries) at 0x60.
 * Config space is served here, register by register as a real device does:
 * only the bits listed in writable[] can change, BAR0 reads back its size
 * mask after an all-ones write, RO fields ignore writes.
 *
 * The guest's PCI core places BAR0 inside BAR2's MMIO window, so the
 * table and PBA are plain shared memory: the guest's writes land there and
 * we read them when we need a message.  We cannot trap an MSI-X unmask: a
 * vector fired while masked stays pending (PBA bit set) and is sent when we
 * next look -- at the next fire, doorbell, or the poll that runs while any
 * bit is pending.  MSI masks live in config space, so an MSI unmask is seen
 * at once.
 */
#include <errno.h>
#include <string.h>
#include <linux/pci_regs.h>

#include "pvirq_model.h"

#define MSI		PVIRQ_PCI_MSI_CAP
#define MSIX		PVIRQ_PCI_MSIX_CAP
#define CMD_WMASK	(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | \
			 PCI_COMMAND_PARITY | PCI_COMMAND_SERR | \
			 PCI_COMMAND_INTX_DISABLE)
#define MSI_LOG2_NVEC	5		/* 32 vectors */

BUILD_BUG_ON(1 << MSI_LOG2_NVEC != PVIRQ_PCI_NVEC);
BUILD_BUG_ON(PVIRQ_PCI_MSIX_PBA < PVIRQ_PCI_NVEC * PCI_MSIX_ENTRY_SIZE);

/* The bits of config space the guest can change; all others are RO. */
static const struct {
	u16 off;
	u8 len;
	u32 mask;
} writable[] = {
	{ PCI_COMMAND, 2, CMD_WMASK },
	{ PCI_CACHE_LINE_SIZE, 1, 0xff },
	{ PCI_LATENCY_TIMER, 1, 0xff },
	{ PCI_BASE_ADDRESS_0, 4, ~(u32)(PVIRQ_PCI_BAR0_SIZE - 1) },
	{ PCI_BASE_ADDRESS_1, 4, 0xffffffff },
	{ PCI_INTERRUPT_LINE, 1, 0xff },
	{ MSI + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE },
	{ MSI + PCI_MSI_ADDRESS_LO, 4, 0xfffffffc },
	{ MSI + PCI_MSI_ADDRESS_HI, 4, 0xffffffff },
	{ MSI + PCI_MSI_DATA_64, 2, 0xffff },
	{ MSI + PCI_MSI_MASK_64, 4, 0xffffffff },
	{ MSIX + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL },
};

static u8 wmask_at(u32 off)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(writable); i++)
		if (off >= writable[i].off && off < writable[i].off + writable[i].len)
			return writable[i].mask >> (8 * (off - writable[i].off));
	return 0;
}

static u32 rd(const struct pvirq_pcidev *p, u32 off, u32 size)
{
	u32 v = 0, i;

	for (i = 0; i < size; i++)
		v |= (u32)p->cfg[off + i] << (8 * i);
	return v;
}

static void wr(struct pvirq_pcidev *p, u32 off, u32 size, u32 v)
{
	u32 i;

	for (i = 0; i < size; i++)
		p->cfg[off + i] = v >> (8 * i);
}

void pvirq_pci_reset(struct pvirq_guest *g)
{
	struct pvirq_pcidev *p = &g->pci;

	memset(p, 0, sizeof(*p));
	wr(p, PCI_VENDOR_ID, 2, PVIRQ_PCI_VENDOR);
	wr(p, PCI_DEVICE_ID, 2, PVIRQ_PCI_DEVICE);
	wr(p, PCI_STATUS, 2, PCI_STATUS_CAP_LIST);
	wr(p, PCI_REVISION_ID, 1, 1);
	wr(p, PCI_CLASS_PROG, 1, PVIRQ_PCI_CLASS & 0xff);
	wr(p, PCI_CLASS_DEVICE, 2, PVIRQ_PCI_CLASS >> 8);
	wr(p, PCI_HEADER_TYPE, 1, PCI_HEADER_TYPE_NORMAL);
	wr(p, PCI_BASE_ADDRESS_0, 4, PCI_BASE_ADDRESS_MEM_TYPE_64);
	wr(p, PCI_SUBSYSTEM_VENDOR_ID, 2, PVIRQ_PCI_VENDOR);
	wr(p, PCI_SUBSYSTEM_ID, 2, PVIRQ_PCI_DEVICE);
	wr(p, PCI_CAPABILITY_LIST, 1, MSI);
	wr(p, PCI_INTERRUPT_PIN, 1, 1);

	wr(p, MSI + PCI_CAP_LIST_ID, 1, PCI_CAP_ID_MSI);
	wr(p, MSI + PCI_CAP_LIST_NEXT, 1, MSIX);
	wr(p, MSI + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_MASKBIT |
	   (MSI_LOG2_NVEC << 1));

	wr(p, MSIX + PCI_CAP_LIST_ID, 1, PCI_CAP_ID_MSIX);
	wr(p, MSIX + PCI_CAP_LIST_NEXT, 1, 0);
	wr(p, MSIX + PCI_MSIX_FLAGS, 2, PVIRQ_PCI_NVEC - 1);
	wr(p, MSIX + PCI_MSIX_TABLE, 4, PVIRQ_PCI_MSIX_TABLE);	/* BIR 0 */
	wr(p, MSIX + PCI_MSIX_PBA, 4, PVIRQ_PCI_MSIX_PBA);	/* BIR 0 */
}

static int check_access(u32 off, u32 size)
{
	if ((size != 1 && size != 2 && size != 4) || off >= 4096 || off % size)
		return -EINVAL;
	return 0;
}

/**
 * pvirq_pci_read() - config space read
 * @g: the guest
 * @devfn: device/function on the transport bus; only 0 exists
 * @off: register offset, aligned to @size
 * @size: 1, 2 or 4
 * @val: result; all ones for a missing function, 0 past the header
 *
 * Return: 0 or -EINVAL for a malformed access.
 */
int pvirq_pci_read(struct pvirq_guest *g, u32 devfn, u32 off, u32 size, u32 *val)
{
	int ret = check_access(off, size);

	if (ret)
		return ret;
	if (devfn)
		*val = size == 4 ? ~0u : (1u << (8 * size)) - 1;
	else if (off >= sizeof(g->pci.cfg))
		*val = 0;
	else
		*val = rd(&g->pci, off, size);
	return 0;
}

static void record(struct pvirq_pcidev *p, bool msix, u32 vec, u64 addr,
		   u32 data, enum pvirq_msi_why why)
{
	struct pvirq_msi_rec *r = &p->log[p->nlog++ % PVIRQ_PCI_MSI_LOG];

	r->addr = addr;
	r->data = data;
	r->msix = msix;
	r->vec = vec;
	r->why = why;
}

/* Where BAR0 lies in BAR2, from the BAR and the window the guest told us. */
int pvirq_pci_msix_off(struct pvirq_guest *g, u64 *off)
{
	const struct pvirq_pcidev *p = &g->pci;
	u64 bar, rel;

	bar = (rd(p, PCI_BASE_ADDRESS_0, 4) & PCI_BASE_ADDRESS_MEM_MASK) |
	      (u64)rd(p, PCI_BASE_ADDRESS_1, 4) << 32;
	if (!bar)
		return -EFAULT;
	if (g->window_known) {
		if (bar < g->window_bus)
			return -EFAULT;
		rel = bar - g->window_bus;
	} else {
		/* BAR2 is aligned to its own size: the offset is in the BAR */
		rel = bar & (PVIRQ_WIRE_SHM_SIZE - 1);
		if (rel < PVIRQ_WIRE_BAR_OFF)
			return -EFAULT;
		rel -= PVIRQ_WIRE_BAR_OFF;
	}
	if (rel > PVIRQ_WIRE_BAR_SIZE - PVIRQ_PCI_BAR0_SIZE)
		return -EFAULT;
	*off = PVIRQ_WIRE_BAR_OFF + rel;
	return 0;
}

struct msix_entry {
	u32 addr_lo;
	u32 addr_hi;
	u32 data;
	u32 ctrl;
};

static int read_entry(struct pvirq_guest *g, u32 k, struct msix_entry *e)
{
	u64 off;
	int ret = pvirq_pci_msix_off(g, &off);

	if (ret)
		return ret;
	/* one copy: the guest may be rewriting the entry */
	memcpy(e, g->shm + off + PVIRQ_PCI_MSIX_TABLE + k * PCI_MSIX_ENTRY_SIZE,
	       sizeof(*e));
	return 0;
}

static void pba_sync(struct pvirq_guest *g)
{
	u64 off;

	if (!pvirq_pci_msix_off(g, &off))
		__atomic_store_n((u64 *)(g->shm + off + PVIRQ_PCI_MSIX_PBA),
				 (u64)g->pci.msix_pending, __ATOMIC_RELAXED);
}

static int send_msg(struct pvirq_guest *g, bool msix, u32 k, u64 addr, u32 data)
{
	int ret = pvirq_deliver_msi(g, addr, data);

	if (ret)
		pvirq_glog(g, "%s vector %u: message %#llx/%#x not delivered: %s",
			   msix ? "MSI-X" : "MSI", k, (unsigned long long)addr,
			   data, pvirq_errno_name(ret));
	else
		g->pci.delivered++;
	return ret;
}

static void msi_msg(const struct pvirq_pcidev *p, u32 k, u64 *addr, u32 *data)
{
	u32 flags = rd(p, MSI + PCI_MSI_FLAGS, 2);
	u32 nvec = 1u << ((flags & PCI_MSI_FLAGS_QSIZE) >> 4);

	*addr = rd(p, MSI + PCI_MSI_ADDRESS_LO, 4) |
		(u64)rd(p, MSI + PCI_MSI_ADDRESS_HI, 4) << 32;
	/* multiple message: the device puts the vector in the low bits */
	*data = (rd(p, MSI + PCI_MSI_DATA_64, 2) & ~(nvec - 1)) | k;
}

static void msix_snapshot(struct pvirq_guest *g)
{
	struct msix_entry e;
	u32 k;

	for (k = 0; k < PVIRQ_PCI_NVEC; k++) {
		if (read_entry(g, k, &e))
			return;
		if (e.addr_lo || e.addr_hi || e.data)
			record(&g->pci, true, k,
			       e.addr_lo | (u64)e.addr_hi << 32, e.data,
			       PVIRQ_MSI_ENABLE);
	}
}

static void msi_write_hooks(struct pvirq_guest *g, u32 off, u32 size,
			    u32 old_flags, u32 old_mask)
{
	struct pvirq_pcidev *p = &g->pci;
	u32 flags = rd(p, MSI + PCI_MSI_FLAGS, 2);
	u32 mmc = (flags & PCI_MSI_FLAGS_QMASK) >> 1;
	u32 mme = (flags & PCI_MSI_FLAGS_QSIZE) >> 4;
	u32 mask, pend, unmasked, k, data;
	u64 addr;

	if (mme > mmc) {		/* more than we can: we give what we have */
		flags = (flags & ~PCI_MSI_FLAGS_QSIZE) | (mmc << 4);
		wr(p, MSI + PCI_MSI_FLAGS, 2, flags);
	}
	if (!(flags & PCI_MSI_FLAGS_ENABLE)) {
		wr(p, MSI + PCI_MSI_PENDING_64, 4, 0);
		return;
	}
	if (!(old_flags & PCI_MSI_FLAGS_ENABLE)) {
		msi_msg(p, 0, &addr, &data);
		record(p, false, 0, addr, data, PVIRQ_MSI_ENABLE);
	} else if (off < MSI + PCI_MSI_MASK_64 &&
		   off + size > MSI + PCI_MSI_ADDRESS_LO) {
		msi_msg(p, 0, &addr, &data);
		record(p, false, 0, addr, data, PVIRQ_MSI_PROGRAM);
	}
	mask = rd(p, MSI + PCI_MSI_MASK_64, 4);
	pend = rd(p, MSI + PCI_MSI_PENDING_64, 4);
	unmasked = old_mask & ~mask & pend;
	wr(p, MSI + PCI_MSI_PENDING_64, 4, pend & ~unmasked);
	for (k = 0; unmasked; k++, unmasked >>= 1) {
		if (!(unmasked & 1))
			continue;
		msi_msg(p, k, &addr, &data);
		record(p, false, k, addr, data, PVIRQ_MSI_FIRE);
		send_msg(g, false, k, addr, data);
	}
}

static void msix_write_hooks(struct pvirq_guest *g, u32 old_flags)
{
	struct pvirq_pcidev *p = &g->pci;
	u32 flags = rd(p, MSIX + PCI_MSIX_FLAGS, 2);
	bool was = (old_flags & PCI_MSIX_FLAGS_ENABLE) &&
		   !(old_flags & PCI_MSIX_FLAGS_MASKALL);
	bool now = (flags & PCI_MSIX_FLAGS_ENABLE) &&
		   !(flags & PCI_MSIX_FLAGS_MASKALL);

	if (!(flags & PCI_MSIX_FLAGS_ENABLE)) {
		if (p->msix_pending) {
			p->msix_pending = 0;
			pba_sync(g);
		}
		return;
	}
	if (now && !was) {
		msix_snapshot(g);
		pvirq_pci_poll(g);
	}
}

/**
 * pvirq_pci_write() - config space write
 * @g: the guest
 * @devfn: device/function; writes to a missing one go nowhere
 * @off: register offset, aligned to @size
 * @size: 1, 2 or 4
 * @val: value
 *
 * Return: 0 or -EINVAL for a malformed access.
 */
int pvirq_pci_write(struct pvirq_guest *g, u32 devfn, u32 off, u32 size, u32 val)
{
	struct pvirq_pcidev *p = &g->pci;
	u32 old_msi, old_mask, old_msix, i;
	int ret = check_access(off, size);

	if (ret)
		return ret;
	if (devfn || off >= sizeof(p->cfg))
		return 0;
	old_msi = rd(p, MSI + PCI_MSI_FLAGS, 2);
	old_mask = rd(p, MSI + PCI_MSI_MASK_64, 4);
	old_msix = rd(p, MSIX + PCI_MSIX_FLAGS, 2);
	for (i = 0; i < size; i++) {
		u8 m = wmask_at(off + i);

		p->cfg[off + i] = (p->cfg[off + i] & ~m) | ((val >> (8 * i)) & m);
	}
	if (off < MSI + 24 && off + size > MSI)
		msi_write_hooks(g, off, size, old_msi, old_mask);
	if (off < MSIX + 4 && off + size > MSIX)
		msix_write_hooks(g, old_msix);
	return 0;
}

/**
 * pvirq_pci_fire() - the device raises its interrupt vector @k
 * @g: the guest
 * @k: vector number within the enabled MSI or MSI-X vectors
 * @what: what happened, for the control reply
 *
 * MSI-X wins if both are (wrongly) enabled.  A masked vector sets its
 * pending bit instead.  The message goes to the model first, then to the
 * native x86 decoder (pvirq_deliver_msi()).
 *
 * Return: 0 (sent or left pending), or -errno.
 */
int pvirq_pci_fire(struct pvirq_guest *g, u32 k, struct pvirq_sb *what)
{
	struct pvirq_pcidev *p = &g->pci;
	u32 msixf = rd(p, MSIX + PCI_MSIX_FLAGS, 2);
	u32 msif = rd(p, MSI + PCI_MSI_FLAGS, 2);
	struct msix_entry e;
	u32 data, nvec;
	u64 addr;
	int ret;

	if (msixf & PCI_MSIX_FLAGS_ENABLE) {
		if (k >= PVIRQ_PCI_NVEC) {
			pvirq_sb_printf(what, "MSI-X has %u vectors", PVIRQ_PCI_NVEC);
			return -EINVAL;
		}
		ret = read_entry(g, k, &e);
		if (ret) {
			pvirq_sb_printf(what, "BAR0 is not inside the BAR2 window");
			return ret;
		}
		addr = e.addr_lo | (u64)e.addr_hi << 32;
		record(p, true, k, addr, e.data, PVIRQ_MSI_FIRE);
		if ((msixf & PCI_MSIX_FLAGS_MASKALL) ||
		    (e.ctrl & PCI_MSIX_ENTRY_CTRL_MASKBIT)) {
			p->msix_pending |= 1u << k;
			pba_sync(g);
			record(p, true, k, addr, e.data, PVIRQ_MSI_PENDING);
			pvirq_sb_printf(what, "msix %u pending", k);
			return 0;
		}
		pvirq_sb_printf(what, "msix %u addr=%#llx data=%#x", k,
				(unsigned long long)addr, e.data);
		return send_msg(g, true, k, addr, e.data);
	}
	if (msif & PCI_MSI_FLAGS_ENABLE) {
		nvec = 1u << ((msif & PCI_MSI_FLAGS_QSIZE) >> 4);
		if (k >= nvec) {
			pvirq_sb_printf(what, "%u MSI vectors enabled", nvec);
			return -EINVAL;
		}
		msi_msg(p, k, &addr, &data);
		record(p, false, k, addr, data, PVIRQ_MSI_FIRE);
		if (rd(p, MSI + PCI_MSI_MASK_64, 4) & (1u << k)) {
			wr(p, MSI + PCI_MSI_PENDING_64, 4,
			   rd(p, MSI + PCI_MSI_PENDING_64, 4) | 1u << k);
			record(p, false, k, addr, data, PVIRQ_MSI_PENDING);
			pvirq_sb_printf(what, "msi %u pending", k);
			return 0;
		}
		pvirq_sb_printf(what, "msi %u addr=%#llx data=%#x", k,
				(unsigned long long)addr, data);
		return send_msg(g, false, k, addr, data);
	}
	pvirq_sb_printf(what, "neither MSI nor MSI-X is enabled");
	return -EOPNOTSUPP;
}

bool pvirq_pci_has_pending(struct pvirq_guest *g)
{
	return g->pci.msix_pending;
}

/* Sends the MSI-X vectors whose pending bit waited for an unmask. */
void pvirq_pci_poll(struct pvirq_guest *g)
{
	struct pvirq_pcidev *p = &g->pci;
	u32 flags = rd(p, MSIX + PCI_MSIX_FLAGS, 2), k;
	struct msix_entry e;
	u64 addr;

	if (!p->msix_pending || !(flags & PCI_MSIX_FLAGS_ENABLE) ||
	    (flags & PCI_MSIX_FLAGS_MASKALL))
		return;
	for (k = 0; k < PVIRQ_PCI_NVEC; k++) {
		if (!(p->msix_pending & (1u << k)))
			continue;
		if (read_entry(g, k, &e))
			return;
		if (e.ctrl & PCI_MSIX_ENTRY_CTRL_MASKBIT)
			continue;
		p->msix_pending &= ~(1u << k);
		pba_sync(g);
		addr = e.addr_lo | (u64)e.addr_hi << 32;
		record(p, true, k, addr, e.data, PVIRQ_MSI_FIRE);
		send_msg(g, true, k, addr, e.data);
	}
}

static const char *const why_names[] = {
	[PVIRQ_MSI_ENABLE] = "enable",
	[PVIRQ_MSI_PROGRAM] = "program",
	[PVIRQ_MSI_FIRE] = "fire",
	[PVIRQ_MSI_PENDING] = "pending",
};

/* The "msi-state" reply: capabilities, programmed entries, message log. */
void pvirq_pci_state_json(struct pvirq_guest *g, struct pvirq_sb *out)
{
	struct pvirq_pcidev *p = &g->pci;
	u32 msif = rd(p, MSI + PCI_MSI_FLAGS, 2);
	u32 msixf = rd(p, MSIX + PCI_MSIX_FLAGS, 2);
	struct msix_entry e;
	u64 off, first, i;
	u32 k, data;
	bool comma = false;

	msi_msg(p, 0, &off, &data);
	pvirq_sb_printf(out, "{\"command\":%u,\"bar0\":%llu,",
			rd(p, PCI_COMMAND, 2),
			(unsigned long long)((rd(p, PCI_BASE_ADDRESS_0, 4) &
					      PCI_BASE_ADDRESS_MEM_MASK) |
					     (u64)rd(p, PCI_BASE_ADDRESS_1, 4) << 32));
	pvirq_sb_printf(out, "\"msi\":{\"enabled\":%s,\"vectors\":%u,\"addr\":%llu,"
			"\"data\":%u,\"mask\":%u,\"pending\":%u},",
			msif & PCI_MSI_FLAGS_ENABLE ? "true" : "false",
			1u << ((msif & PCI_MSI_FLAGS_QSIZE) >> 4),
			(unsigned long long)off, data,
			rd(p, MSI + PCI_MSI_MASK_64, 4),
			rd(p, MSI + PCI_MSI_PENDING_64, 4));
	pvirq_sb_printf(out, "\"msix\":{\"enabled\":%s,\"masked\":%s,\"pending\":%u,"
			"\"table\":%s,\"entries\":[",
			msixf & PCI_MSIX_FLAGS_ENABLE ? "true" : "false",
			msixf & PCI_MSIX_FLAGS_MASKALL ? "true" : "false",
			p->msix_pending,
			pvirq_pci_msix_off(g, &off) ? "false" : "true");
	for (k = 0; k < PVIRQ_PCI_NVEC && !read_entry(g, k, &e); k++) {
		if (!e.addr_lo && !e.addr_hi && !e.data)
			continue;
		pvirq_sb_printf(out, "%s{\"vec\":%u,\"addr\":%llu,\"data\":%u,\"masked\":%s}",
				comma ? "," : "", k,
				(unsigned long long)(e.addr_lo | (u64)e.addr_hi << 32),
				e.data,
				e.ctrl & PCI_MSIX_ENTRY_CTRL_MASKBIT ? "true" : "false");
		comma = true;
	}
	pvirq_sb_printf(out, "]},\"delivered\":%llu,\"records\":%llu,\"log\":[",
			(unsigned long long)p->delivered,
			(unsigned long long)p->nlog);
	first = p->nlog > PVIRQ_PCI_MSI_LOG ? p->nlog - PVIRQ_PCI_MSI_LOG : 0;
	for (i = first; i < p->nlog; i++) {
		const struct pvirq_msi_rec *r = &p->log[i % PVIRQ_PCI_MSI_LOG];

		pvirq_sb_printf(out, "%s{\"n\":%llu,\"kind\":\"%s\",\"why\":\"%s\","
				"\"vec\":%u,\"addr\":%llu,\"data\":%u}",
				i > first ? "," : "", (unsigned long long)i,
				r->msix ? "msix" : "msi", why_names[r->why],
				r->vec, (unsigned long long)r->addr, r->data);
	}
	pvirq_sb_printf(out, "]}");
}
