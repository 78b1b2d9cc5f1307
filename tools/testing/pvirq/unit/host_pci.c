// SPDX-License-Identifier: GPL-2.0
/*
 * libpvirqhost virtual PCI device: config space behaves like a real
 * device's (IDs, RO bits, BAR sizing, capability list), MSI and MSI-X
 * messages are captured and fired as the device would (multi-message data,
 * per-vector masks -> pending bits, PBA in BAR0), and fired messages are
 * decoded into injected vectors.
 */
#include <linux/pci_regs.h>

#include "host_test.h"

#define MSI	PVIRQ_PCI_MSI_CAP
#define MSIX	PVIRQ_PCI_MSIX_CAP
/* BAR2 at 0xfe000000 (4 MiB aligned), BAR0 16 KiB into the window */
#define BAR2_GPA	0xfe000000ull
#define BAR0_ADDR	(BAR2_GPA + PVIRQ_WIRE_BAR_OFF + 0x4000)
#define BAR0_SHM	(PVIRQ_WIRE_BAR_OFF + 0x4000)

static u32 rd(struct pvirq_guest *g, u32 off, u32 size)
{
	u32 v = 0xdeadbeef;

	if (pvirq_pci_read(g, 0, off, size, &v))
		return 0xdeadbeef;
	return v;
}

static void wr(struct pvirq_guest *g, u32 off, u32 size, u32 v)
{
	pvirq_pci_write(g, 0, off, size, v);
}

static void test_config(struct pvirq_guest *g)
{
	u32 v, pos, caps[4], n = 0;

	tap_ok(rd(g, PCI_VENDOR_ID, 4) == 0x50561234, "IDs read 1234:5056");
	tap_ok(rd(g, PCI_CLASS_REVISION, 4) >> 8 == 0xff0000, "class is ff0000");
	wr(g, PCI_VENDOR_ID, 4, 0);
	tap_ok(rd(g, PCI_VENDOR_ID, 4) == 0x50561234, "vendor/device ignore writes");
	v = 0;
	tap_ok(pvirq_pci_read(g, 8, PCI_VENDOR_ID, 4, &v) == 0 && v == 0xffffffff,
	       "devfn 8 (no device) reads all ones");
	tap_ok(pvirq_pci_read(g, 0, 0x100, 4, &v) == 0 && v == 0,
	       "extended config space reads zero");
	tap_ok(pvirq_pci_read(g, 0, 1, 2, &v) == -EINVAL,
	       "an unaligned access is refused by the library too");

	wr(g, PCI_COMMAND, 2, 0xffff);
	tap_ok(rd(g, PCI_COMMAND, 2) == (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
					 PCI_COMMAND_PARITY | PCI_COMMAND_SERR |
					 PCI_COMMAND_INTX_DISABLE),
	       "command keeps only implemented bits (no I/O space) (%#x)",
	       rd(g, PCI_COMMAND, 2));
	wr(g, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	tap_ok(rd(g, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST,
	       "status says there is a capability list");
	wr(g, PCI_STATUS, 2, 0);
	tap_ok(rd(g, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST, "status is read-only");

	tap_ok(rd(g, PCI_BASE_ADDRESS_0, 4) == PCI_BASE_ADDRESS_MEM_TYPE_64,
	       "BAR0 is a 64-bit memory BAR");
	wr(g, PCI_BASE_ADDRESS_0, 4, 0xffffffff);
	wr(g, PCI_BASE_ADDRESS_1, 4, 0xffffffff);
	v = rd(g, PCI_BASE_ADDRESS_0, 4);
	tap_ok(v == 0xffffc004 && rd(g, PCI_BASE_ADDRESS_1, 4) == 0xffffffff,
	       "BAR sizing: all ones read back as a 16 KiB mask (%#x)", v);
	tap_ok((u32)(~(v & (u32)PCI_BASE_ADDRESS_MEM_MASK) + 1) == PVIRQ_PCI_BAR0_SIZE,
	       "size computed the way the PCI core does is 16 KiB");
	for (pos = 2; pos <= 5; pos++)
		wr(g, PCI_BASE_ADDRESS_0 + 4 * pos, 4, 0xffffffff);
	tap_ok(!rd(g, PCI_BASE_ADDRESS_2, 4) && !rd(g, PCI_BASE_ADDRESS_5, 4),
	       "BAR2..BAR5 are not implemented");
	wr(g, PCI_BASE_ADDRESS_0, 4, (u32)BAR0_ADDR | 0x7);
	wr(g, PCI_BASE_ADDRESS_1, 4, BAR0_ADDR >> 32);
	tap_ok(rd(g, PCI_BASE_ADDRESS_0, 4) == ((u32)BAR0_ADDR | 4),
	       "BAR0 keeps the address, its type bits stay");
	tap_ok(rd(g, PCI_INTERRUPT_PIN, 1) == 1, "interrupt pin is INTA");
	wr(g, PCI_INTERRUPT_PIN, 1, 3);
	wr(g, PCI_INTERRUPT_LINE, 1, 11);
	tap_ok(rd(g, PCI_INTERRUPT_PIN, 1) == 1 && rd(g, PCI_INTERRUPT_LINE, 1) == 11,
	       "pin is RO, line is RW");

	for (pos = rd(g, PCI_CAPABILITY_LIST, 1); pos && n < 4;
	     pos = rd(g, pos + PCI_CAP_LIST_NEXT, 1))
		caps[n++] = rd(g, pos, 1) | pos << 8;
	tap_ok(n == 2 && caps[0] == (PCI_CAP_ID_MSI | MSI << 8) &&
	       caps[1] == (PCI_CAP_ID_MSIX | MSIX << 8),
	       "capability list: MSI at 0x40, MSI-X at 0x60, then the end");
	v = rd(g, MSI + PCI_MSI_FLAGS, 2);
	tap_ok(v == (PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_MASKBIT | (5 << 1)),
	       "MSI: 64-bit, per-vector mask, 32 vectors capable (%#x)", v);
	wr(g, MSI + PCI_MSI_FLAGS, 2, 0xffff & ~PCI_MSI_FLAGS_ENABLE);
	v = rd(g, MSI + PCI_MSI_FLAGS, 2);
	tap_ok((v & ~PCI_MSI_FLAGS_QSIZE) ==
	       (PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_MASKBIT | (5 << 1)) &&
	       (v & PCI_MSI_FLAGS_QSIZE) == 5 << 4,
	       "MSI: capability bits RO, MME above MMC is clamped to 32");
	wr(g, MSI + PCI_MSI_FLAGS, 2, 0);
	v = rd(g, MSIX + PCI_MSIX_FLAGS, 2);
	tap_ok(v == PVIRQ_PCI_NVEC - 1 &&
	       rd(g, MSIX + PCI_MSIX_TABLE, 4) == PVIRQ_PCI_MSIX_TABLE &&
	       rd(g, MSIX + PCI_MSIX_PBA, 4) == PVIRQ_PCI_MSIX_PBA,
	       "MSI-X: 32 entries, table and PBA in BAR0");
	wr(g, MSIX + PCI_MSIX_FLAGS, 2, 0x3fff);
	tap_ok(rd(g, MSIX + PCI_MSIX_FLAGS, 2) == PVIRQ_PCI_NVEC - 1,
	       "MSI-X table size is RO");
}

static void test_msi(struct pvirq_host *h, struct pvirq_guest *g,
		     struct pvirq_fake *f)
{
	struct pvirq_sb what = { 0 };
	struct pvirq_msi_rec *r;

	tap_ok(pvirq_pci_fire(g, 0, &what) == -EOPNOTSUPP,
	       "fire with MSI and MSI-X off is refused");
	/* multi-message: 8 vectors, data 0x40 -> vectors 0x40..0x47 on APIC 0 */
	wr(g, MSI + PCI_MSI_ADDRESS_LO, 4, 0xfee00000);
	wr(g, MSI + PCI_MSI_ADDRESS_HI, 4, 0);
	wr(g, MSI + PCI_MSI_DATA_64, 2, 0x40);
	wr(g, MSI + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE | (3 << 4));
	r = &g->pci.log[(g->pci.nlog - 1) % PVIRQ_PCI_MSI_LOG];
	tap_ok(g->pci.nlog == 1 && !r->msix && r->why == PVIRQ_MSI_ENABLE &&
	       r->addr == 0xfee00000 && r->data == 0x40,
	       "MSI enable records the programmed message");
	tap_ok(pvirq_pci_fire(g, 5, &what) == 0 &&
	       pvirq_fake_take_pending(f, 0, 1) == 1ull << (0x45 - 64),
	       "fire MSI 5 of 8 sends data 0x40|5: vector 0x45");
	tap_ok(pvirq_pci_fire(g, 8, &what) == -EINVAL,
	       "fire MSI 8 with 8 enabled is refused");
	wr(g, MSI + PCI_MSI_MASK_64, 4, 1u << 3);
	tap_ok(pvirq_pci_fire(g, 3, &what) == 0 &&
	       pvirq_fake_take_pending(f, 0, 1) == 0 &&
	       rd(g, MSI + PCI_MSI_PENDING_64, 4) == 1u << 3,
	       "fire of a masked MSI vector sets its pending bit only");
	wr(g, MSI + PCI_MSI_PENDING_64, 4, 0);
	tap_ok(rd(g, MSI + PCI_MSI_PENDING_64, 4) == 1u << 3,
	       "pending bits are read-only");
	wr(g, MSI + PCI_MSI_MASK_64, 4, 0);
	tap_ok(pvirq_fake_take_pending(f, 0, 1) == 1ull << (0x43 - 64) &&
	       rd(g, MSI + PCI_MSI_PENDING_64, 4) == 0,
	       "unmasking delivers the pending vector 0x43");
	wr(g, MSI + PCI_MSI_ADDRESS_LO, 4, 0xfee02000);
	r = &g->pci.log[(g->pci.nlog - 1) % PVIRQ_PCI_MSI_LOG];
	tap_ok(r->why == PVIRQ_MSI_PROGRAM && r->addr == 0xfee02000,
	       "re-programming the address while enabled is recorded");
	tap_ok(pvirq_pci_fire(g, 0, &what) == 0 &&
	       pvirq_fake_take_pending(f, 1, 1) == 1,
	       "fire goes to APIC ID 2, which is vcpu 1");
	wr(g, MSI + PCI_MSI_FLAGS, 2, 0);
	pvirq_sb_free(&what);
	(void)h;
}

static void test_msix(struct pvirq_host *h, struct pvirq_guest *g,
		      struct pvirq_fake *f)
{
	u32 *table = (u32 *)(g->shm + BAR0_SHM + PVIRQ_PCI_MSIX_TABLE);
	u64 *pba = (u64 *)(g->shm + BAR0_SHM + PVIRQ_PCI_MSIX_PBA);
	struct pvirq_sb what = { 0 };
	u64 off = 0, nlog;
	int k;

	tap_ok(pvirq_pci_msix_off(g, &off) == 0 && off == BAR0_SHM,
	       "BAR0 is found in BAR2 from the BAR's address alone");
	for (k = 0; k < 4; k++) {
		table[k * 4 + 0] = 0xfee00000;
		table[k * 4 + 1] = 0;
		table[k * 4 + 2] = 0x60 + k;
		table[k * 4 + 3] = 1;		/* masked, as Linux leaves them */
	}
	nlog = g->pci.nlog;
	wr(g, MSIX + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	tap_ok(g->pci.nlog == nlog, "enable with function mask records nothing yet");
	tap_ok(pvirq_pci_fire(g, 1, &what) == 0 && g->pci.msix_pending == 2 &&
	       *pba == 2 && !pvirq_fake_take_pending(f, 0, 1),
	       "fire under the function mask sets PBA bit 1, sends nothing");
	table[1 * 4 + 3] = 0;
	wr(g, MSIX + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
	tap_ok(g->pci.nlog >= nlog + 4 + 2 &&
	       pvirq_fake_take_pending(f, 0, 1) == 1ull << (0x61 - 64) &&
	       *pba == 0 && !g->pci.msix_pending,
	       "clearing the function mask records the table, sends pending 0x61");
	tap_ok(pvirq_pci_fire(g, 2, &what) == 0 && *pba == 4,
	       "fire of a masked entry sets its PBA bit");
	tap_ok(pvirq_pci_has_pending(g), "the host now polls for the unmask");
	table[2 * 4 + 3] = 0;			/* unmask: a plain memory write */
	pvirq_run_timers(h, pvirq_now_ns());
	tap_ok(pvirq_fake_take_pending(f, 0, 1) == 1ull << (0x62 - 64) &&
	       *pba == 0 && !pvirq_pci_has_pending(g),
	       "the poll sees the unmask and sends 0x62");
	table[3 * 4 + 3] = 0;
	table[3 * 4 + 0] = 0xfee01004;		/* logical flat, CPU 0 */
	pvirq_sb_reset(&what);
	tap_ok(pvirq_pci_fire(g, 3, &what) == 0 &&
	       pvirq_fake_take_pending(f, 0, 1) == 1ull << (0x63 - 64) &&
	       strstr(pvirq_sb_str(&what), "msix 3 addr=0xfee01004 data=0x63"),
	       "fire MSI-X 3 sends its entry: %s", pvirq_sb_str(&what));
	tap_ok(pvirq_pci_fire(g, 32, &what) == -EINVAL, "MSI-X vector 32 is refused");
	wr(g, MSI + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE);
	tap_ok(pvirq_pci_fire(g, 3, &what) == 0 &&
	       pvirq_fake_take_pending(f, 0, 1) == 1ull << (0x63 - 64),
	       "with both enabled, MSI-X wins");
	wr(g, MSI + PCI_MSI_FLAGS, 2, 0);

	table[0] = 0xfed00000;
	table[3] = 0;
	tap_ok(pvirq_pci_fire(g, 0, &what) == -EINVAL,
	       "an entry that is no interrupt message is not delivered");
	wr(g, PCI_BASE_ADDRESS_0, 4, 0x4000 | 4);
	wr(g, PCI_BASE_ADDRESS_1, 4, 0);
	tap_ok(pvirq_pci_fire(g, 0, &what) == -EFAULT,
	       "BAR0 outside the BAR2 window: fire fails, nothing read");
	g->window_known = true;
	g->window_bus = 0;
	tap_ok(pvirq_pci_msix_off(g, &off) == 0 && off == PVIRQ_WIRE_BAR_OFF + 0x4000,
	       "with the window from HELLO, bus 0x4000 is window offset 0x4000");
	wr(g, PCI_BASE_ADDRESS_0, 4, PVIRQ_WIRE_BAR_SIZE | 4);
	tap_ok(pvirq_pci_msix_off(g, &off) == -EFAULT,
	       "a BAR past the window end is refused");
	g->window_known = false;
	pvirq_sb_reset(&what);
	pvirq_pci_state_json(g, &what);
	tap_ok(strstr(pvirq_sb_str(&what), "\"why\":\"pending\"") &&
	       strstr(pvirq_sb_str(&what), "\"kind\":\"msix\"") && !what.err,
	       "msi-state JSON carries the message log");
	pvirq_sb_free(&what);
}

int main(void)
{
	struct pvirq_host *h = t_host();
	struct pvirq_guest *g = t_guest(h, "g0", 4);
	struct pvirq_wire_slot *s;
	struct pvirq_fake f;

	test_config(g);
	if (!tap_ok(t_attach(g, &f) == 0, "fake client attached"))
		return tap_done();
	pvirq_hdr(g)->apic_id[1] = 2;
	s = t_req(PVIRQ_OP_HELLO, 0);
	s->arg[0] = 2;
	t_run(g, 0);
	/* the attach reset the device: place BAR0 again */
	wr(g, PCI_BASE_ADDRESS_0, 4, (u32)BAR0_ADDR);
	wr(g, PCI_BASE_ADDRESS_1, 4, BAR0_ADDR >> 32);
	test_msi(h, g, &f);
	test_msix(h, g, &f);
	pvirq_fake_close(&f);
	t_host_free(h);
	return tap_done();
}
