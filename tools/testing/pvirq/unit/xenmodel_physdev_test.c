// SPDX-License-Identifier: GPL-2.0
/*
 * The "xen" model's pirqs, per personality: PHYSDEVOP_* answers, level GSI
 * re-sends on EOI, the vector-0 MSI snoop (a first MSI before bind_pirq is
 * lost on Xen, held on QEMU), pirq exhaustion and the get_free_pirq leak,
 * the multi-MSI extension's block alignment, and per-op fault injection.
 */
#include "xenmodel_test.h"

static void xen_map_gsi(void)
{
	struct physdev_map_pirq m;
	struct xt t;
	int pirq;

	xt_start(&t, "xen", 2);
	xt_place_shinfo(&t, XT_SHINFO_GPA);
	pirq = -1;
	tap_ok(xt_map_gsi(&t, 20, &pirq) == -EINVAL &&
	       xt_logged(&t, "before the vector callback"),
	       "xen: map_pirq before the callback vector is set is EINVAL, logged");
	xt_set_callback(&t, XT_CALLBACK);
	pirq = -1;
	tap_ok(xt_map_gsi(&t, 20, &pirq) == 0 && pirq == 16 &&
	       t.m->pirq[16].emu == 20 && t.m->gsi[20].pirq == 16,
	       "xen: GSI 20 maps to the first GSI pirq, 16");
	pirq = -1;
	tap_ok(xt_map_gsi(&t, 5, &pirq) == 0 && pirq == 17,
	       "xen: ISA GSI 5 maps to pirq 17");
	pirq = -1;
	tap_ok(xt_map_gsi(&t, 30, &pirq) == 0 && pirq == 18,
	       "xen: GSI 30 (beyond the host's 24) still gets pirq 18");
	pirq = -1;
	tap_ok(xt_map_gsi(&t, 20, &pirq) == 0 && pirq == 19 &&
	       t.m->pirq[19].emu == XM_IRQ_UNBOUND && t.m->gsi[20].pirq == 16 &&
	       t.m->map_conflicts == 1 && xt_logged(&t, "already mapped"),
	       "xen: mapping GSI 20 again answers 0 and a pirq that maps nothing");
	pirq = 16;
	tap_ok(xt_map_gsi(&t, 20, &pirq) == 0 && pirq == 16 &&
	       t.m->map_conflicts == 1,
	       "xen: mapping GSI 20 to its own pirq again is a quiet 0");
	pirq = -1;
	tap_ok(xt_map_gsi(&t, 48, &pirq) == -EINVAL,
	       "xen: GSI 48 (beyond the vIOAPIC) is EINVAL");
	m = (struct physdev_map_pirq) { .domid = DOMID_SELF,
		.type = MAP_PIRQ_TYPE_MSI, .index = -1, .pirq = -1 };
	tap_ok(XT_PHYSDEV(&t, PHYSDEVOP_map_pirq, &m) == -EINVAL,
	       "xen: map_pirq of type MSI is EINVAL for HVM");
	m = (struct physdev_map_pirq) { .domid = DOMID_SELF,
		.type = MAP_PIRQ_TYPE_MULTI_MSI, .entry_nr = 4, .pirq = -1 };
	tap_ok(XT_PHYSDEV(&t, PHYSDEVOP_map_pirq, &m) == -EINVAL &&
	       m.pirq == -1,
	       "xen: MULTI_MSI without the extension is EINVAL, as Xen HVM");
	m = (struct physdev_map_pirq) { .domid = XM_DEFAULT_DOMID,
		.type = MAP_PIRQ_TYPE_GSI, .index = 21, .pirq = -1 };
	tap_ok(XT_PHYSDEV(&t, PHYSDEVOP_map_pirq, &m) == -EPERM,
	       "xen: map_pirq naming our own domid (privileged path) is EPERM");
	m.domid = 7;
	tap_ok(XT_PHYSDEV(&t, PHYSDEVOP_map_pirq, &m) == -ESRCH,
	       "xen: map_pirq for another domain is ESRCH");
	tap_ok(xt_cmd(&t, "feature pirqs off") == 0 &&
	       xt_map_gsi(&t, 21, &pirq) == -ENOSYS,
	       "xen: without XENFEAT_hvm_pirqs, map_pirq is ENOSYS");
	xt_cmd(&t, "feature pirqs on");
	tap_ok(xt_unmap(&t, 16) == 0 && t.m->pirq[16].emu == XM_IRQ_UNBOUND &&
	       t.m->gsi[20].pirq == XM_IRQ_UNBOUND,
	       "xen: unmap_pirq removes the GSI mapping");
	tap_ok(xt_unmap(&t, 16) == 0 && xt_unmap(&t, 5000) == 0,
	       "xen: unmapping an unmapped or out-of-range pirq answers 0");
	xt_stop(&t);
}

static void xen_exhaustion_and_leak(void)
{
	struct physdev_map_pirq m;
	u32 pirq, first = 0, n = 0;
	struct xt t;
	s64 ret;

	xt_start(&t, "xen", 1);
	xt_setup(&t);
	while ((ret = xt_get_free(&t, MAP_PIRQ_TYPE_MSI, &pirq)) == 0) {
		if (!n++)
			first = pirq;
	}
	tap_ok(first == 55 && n == 32 && ret == -ENOSPC,
	       "xen: get_free_pirq(MSI) hands out 55 down to 24, then ENOSPC (got %u from %u, %lld)",
	       n, first, (long long)ret);
	tap_ok(xt_get_free(&t, MAP_PIRQ_TYPE_GSI, &pirq) == 0 && pirq == 16,
	       "xen: get_free_pirq(GSI) still has 16..23");
	m = (struct physdev_map_pirq) { .domid = DOMID_SELF,
		.type = MAP_PIRQ_TYPE_GSI, .index = 40, .pirq = -1 };
	for (n = 0; n < 8 && !XT_PHYSDEV(&t, PHYSDEVOP_map_pirq, &m); n++)
		m.pirq = -1, m.index = 30 + n;
	tap_ok(XT_PHYSDEV(&t, PHYSDEVOP_map_pirq, &m) == -EINVAL &&
	       m.pirq == -ENOSPC,
	       "xen: map_pirq with no free pirq is EINVAL with -ENOSPC in the pirq field");
	xt_stop(&t);

	xt_start(&t, "xen", 1);
	xt_setup(&t);
	for (n = 0; n < 32; n++) {
		if (xt_get_free(&t, MAP_PIRQ_TYPE_MSI, &pirq) ||
		    xt_unmap(&t, pirq))
			break;
	}
	tap_ok(n == 32 && xt_get_free(&t, MAP_PIRQ_TYPE_MSI, &pirq) == -ENOSPC &&
	       xt_state_has(&t, "\"allocated\":32,"),
	       "xen: get_free_pirq + self-unmap leaks every pirq (ALLOCATED stays)");
	xt_stop(&t);

	xt_start(&t, "xen-qemu", 1);
	xt_setup(&t);
	tap_ok(xt_get_free(&t, MAP_PIRQ_TYPE_MSI, &pirq) == 0 && pirq == 255 &&
	       xt_unmap(&t, pirq) == -EINVAL &&
	       xt_get_free(&t, MAP_PIRQ_TYPE_MSI, &pirq) == 0 && pirq == 254,
	       "qemu: an MSI pirq cannot be unmapped (EINVAL) and stays allocated");
	for (n = 2; !xt_get_free(&t, MAP_PIRQ_TYPE_MSI, &pirq); n++)
		;
	tap_ok(n == 256 - 24, "qemu: 232 MSI pirqs (255 down to 24), then ENOSPC (%u)",
	       n);
	xt_stop(&t);
}

static void qemu_map_gsi(void)
{
	struct physdev_map_pirq m;
	struct xt t;
	int pirq;
	u32 p;

	xt_start(&t, "xen-qemu", 1);
	xt_setup(&t);
	pirq = -1;
	tap_ok(xt_map_gsi(&t, 20, &pirq) == 0 && pirq == 16,
	       "qemu: GSI 20 maps to pirq 16");
	pirq = -1;
	tap_ok(xt_map_gsi(&t, 24, &pirq) == -EINVAL && pirq == -1,
	       "qemu: GSI 24 is EINVAL and nothing is written back");
	pirq = 16;
	tap_ok(xt_map_gsi(&t, 21, &pirq) == -EBUSY,
	       "qemu: mapping a pirq in use is EBUSY");
	m = (struct physdev_map_pirq) { .domid = 7, .type = MAP_PIRQ_TYPE_GSI,
		.index = 21, .pirq = -1 };
	tap_ok(XT_PHYSDEV(&t, PHYSDEVOP_map_pirq, &m) == -EPERM,
	       "qemu: map_pirq for another domain is EPERM");
	m = (struct physdev_map_pirq) { .domid = DOMID_SELF,
		.type = MAP_PIRQ_TYPE_MSI, .index = 21, .pirq = -1 };
	tap_ok(XT_PHYSDEV(&t, PHYSDEVOP_map_pirq, &m) == -EINVAL,
	       "qemu: map_pirq of type MSI is EINVAL");
	tap_ok(xt_unmap(&t, 100) == -ENOENT && xt_unmap(&t, 300) == -EINVAL,
	       "qemu: unmap of a free pirq is ENOENT, beyond nr_pirqs EINVAL");
	tap_ok(xt_unmap(&t, 16) == 0 && !t.m->pirq[16].allocated &&
	       xt_get_free(&t, MAP_PIRQ_TYPE_GSI, &p) == 0 && p == 16,
	       "qemu: unmapping a GSI pirq frees it for reuse");
	xt_stop(&t);
}

static void status_query_and_bind(void)
{
	struct physdev_irq_status_query q;
	struct xt t;
	u32 pirq, port, port2;
	int gp = -1;

	xt_start(&t, "xen", 1);
	xt_setup(&t);
	xt_get_free(&t, MAP_PIRQ_TYPE_MSI, &pirq);
	q = (struct physdev_irq_status_query) { .irq = pirq };
	tap_ok(XT_PHYSDEV(&t, PHYSDEVOP_irq_status_query, &q) == -EINVAL,
	       "xen: irq_status_query of an allocated, unmapped pirq is EINVAL");
	xt_map_gsi(&t, 20, &gp);
	q = (struct physdev_irq_status_query) { .irq = gp };
	tap_ok(XT_PHYSDEV(&t, PHYSDEVOP_irq_status_query, &q) == 0 &&
	       q.flags == XENIRQSTAT_needs_eoi,
	       "xen: a mapped GSI pirq needs EOI");
	q.irq = 1000;
	tap_ok(XT_PHYSDEV(&t, PHYSDEVOP_irq_status_query, &q) == -EINVAL,
	       "xen: irq_status_query beyond nr_pirqs is EINVAL");
	tap_ok(xt_bind_pirq(&t, pirq, &port) == 0 && port == 1 &&
	       xt_bind_pirq(&t, pirq, &port2) == -EEXIST &&
	       xt_bind_pirq(&t, 56, &port2) == -EINVAL,
	       "xen: bind_pirq binds any pirq in range once (EEXIST, EINVAL)");
	tap_ok(xt_eoi(&t, 3) == -EINVAL && xt_eoi(&t, pirq) == 0,
	       "xen: EOI of an unknown pirq is EINVAL, of a bound one 0");
	xt_stop(&t);

	xt_start(&t, "xen-qemu", 1);
	xt_setup(&t);
	xt_get_free(&t, MAP_PIRQ_TYPE_MSI, &pirq);
	q = (struct physdev_irq_status_query) { .irq = pirq };
	tap_ok(XT_PHYSDEV(&t, PHYSDEVOP_irq_status_query, &q) == 0 && q.flags == 0,
	       "qemu: an MSI pirq needs no EOI");
	q.irq = 40;
	tap_ok(XT_PHYSDEV(&t, PHYSDEVOP_irq_status_query, &q) == -ENOENT,
	       "qemu: irq_status_query of a free pirq is ENOENT");
	tap_ok(xt_eoi(&t, pirq) == -EINVAL && xt_eoi(&t, 40) == -ENOENT,
	       "qemu: EOI of an MSI pirq is EINVAL, of a free one ENOENT");
	tap_ok(xt_bind_pirq(&t, pirq, &port) == 0 &&
	       xt_bind_pirq(&t, pirq, &port2) == -EBUSY,
	       "qemu: binding a bound pirq is EBUSY");
	xt_stop(&t);
}

static void level_gsi(const char *model)
{
	bool qemu = !strcmp(model, "xen-qemu");
	u32 port, eport;
	int pirq = -1, epirq = -1;
	struct xt t;

	xt_start(&t, model, 1);
	xt_setup(&t);
	xt_map_gsi(&t, 20, &pirq);
	xt_bind_pirq(&t, pirq, &port);
	xt_map_gsi(&t, 5, &epirq);
	xt_bind_pirq(&t, epirq, &eport);
	tap_ok(xm_gsi(t.g, 20, true) == 0 && xt_test_pending(&t, port) &&
	       xt_took(&t, 0, XT_VECTOR),
	       "%s: raising level GSI 20 sets its port pending and sends the upcall",
	       model);
	/* the guest handles it: clears pending, selector and upcall flag */
	xt_shinfo(&t)->evtchn_pending[0] = 0;
	xt_shinfo(&t)->vcpu_info[0].evtchn_pending_sel = 0;
	xt_shinfo(&t)->vcpu_info[0].evtchn_upcall_pending = 0;
	tap_ok(xm_gsi(t.g, 20, true) == 0 && !xt_test_pending(&t, port),
	       "%s: raising an asserted GSI again sends nothing", model);
	tap_ok(xt_eoi(&t, pirq) == 0 && xt_test_pending(&t, port) &&
	       xt_took(&t, 0, XT_VECTOR) && t.m->gsi[20].resent == 1,
	       "%s: EOI while GSI 20 is still asserted re-sends it", model);
	xt_shinfo(&t)->evtchn_pending[0] = 0;
	xt_shinfo(&t)->vcpu_info[0].evtchn_pending_sel = 0;
	xt_shinfo(&t)->vcpu_info[0].evtchn_upcall_pending = 0;
	xm_gsi(t.g, 20, false);
	tap_ok(xt_eoi(&t, pirq) == 0 && !xt_test_pending(&t, port) &&
	       t.m->gsi[20].resent == 1,
	       "%s: EOI after the line went low re-sends nothing", model);
	xm_gsi(t.g, 5, true);
	xt_shinfo(&t)->evtchn_pending[0] = 0;
	xt_eoi(&t, epirq);
	tap_ok(xt_test_pending(&t, eport) == qemu,
	       "%s: EOI of asserted ISA GSI 5 %s", model,
	       qemu ? "re-sends it (QEMU does not tell edge from level)" :
	       "re-sends nothing (ISA IRQs are edge)");
	tap_ok(xm_gsi(t.g, 9, true) == 0 && t.m->gsi[9].ioapic == 1,
	       "%s: an unmapped GSI is counted as going to the emulated IOAPIC",
	       model);
	tap_ok(xm_gsi(t.g, qemu ? 24 : 48, true) == -EINVAL,
	       "%s: a GSI beyond the IOAPIC's pins is refused", model);
	xt_stop(&t);
}

static void xen_msi_snoop(void)
{
	struct physdev_irq_status_query q;
	u32 pirq, late, port, lport;
	int gp = -1;
	struct xt t;

	xt_start(&t, "xen", 1);
	xt_setup(&t);
	tap_ok(xm_msi(t.g, xt_msi_addr(0), 0x700) && t.m->msi_dropped == 1 &&
	       xt_logged(&t, "pirq 0"),
	       "xen: a vector-0 MSI for pirq 0 is consumed, dropped and logged");
	tap_ok(!xm_msi(t.g, 0xfee00000, 0x41),
	       "xen: an ordinary MSI (vector 0x41) is left to the core");
	xt_get_free(&t, MAP_PIRQ_TYPE_MSI, &pirq);
	xt_bind_pirq(&t, pirq, &port);
	tap_ok(xm_msi(t.g, xt_msi_addr(pirq), 0x700) &&
	       t.m->pirq[pirq].emu == XM_IRQ_MSI_EMU && xt_test_pending(&t, port) &&
	       xt_took(&t, 0, XT_VECTOR),
	       "xen: the first vector-0 MSI maps pirq %u as MSI_EMU and raises its port",
	       pirq);
	q = (struct physdev_irq_status_query) { .irq = pirq };
	tap_ok(XT_PHYSDEV(&t, PHYSDEVOP_irq_status_query, &q) == 0 &&
	       q.flags == XENIRQSTAT_needs_eoi,
	       "xen: once MSI_EMU it answers irq_status_query, needs_eoi");
	xt_get_free(&t, MAP_PIRQ_TYPE_MSI, &late);
	tap_ok(xm_msi(t.g, xt_msi_addr(late), 0) && t.m->msi_lost == 1,
	       "xen: an MSI before bind_pirq is lost");
	xt_bind_pirq(&t, late, &lport);
	tap_ok(!xt_test_pending(&t, lport),
	       "xen: ... and binding afterwards does not bring it back");
	xt_map_gsi(&t, 20, &gp);
	tap_ok(xm_msi(t.g, xt_msi_addr(gp), 0) && t.m->msi_dropped == 2 &&
	       t.m->pirq[gp].emu == 20,
	       "xen: a vector-0 MSI for a GSI pirq is dropped");
	tap_ok(xm_msi(t.g, xt_msi_addr(200), 0) && t.m->msi_dropped == 3,
	       "xen: a vector-0 MSI beyond nr_pirqs is dropped");
	xt_cmd(&t, "nr_pirqs 1024");
	xt_get_free(&t, MAP_PIRQ_TYPE_MSI, &pirq);
	xt_bind_pirq(&t, pirq, &port);
	tap_ok(pirq == 1023 && xt_msi_addr(pirq) >> 32 == 0x300 &&
	       xm_msi(t.g, xt_msi_addr(pirq), 0) && xt_test_pending(&t, port),
	       "xen: pirq 1023 travels in the upper address bits and is delivered");
	xt_stop(&t);
}

static void qemu_msi_snoop(void)
{
	u32 pirq, port;
	struct xt t;

	xt_start(&t, "xen-qemu", 1);
	xt_setup(&t);
	tap_ok(xm_msi(t.g, xt_msi_addr(100), 0) && t.m->msi_dropped == 1 &&
	       xt_logged(&t, "not allocated"),
	       "qemu: a vector-0 MSI for a pirq never allocated is dropped, logged");
	xt_get_free(&t, MAP_PIRQ_TYPE_MSI, &pirq);
	tap_ok(xm_msi(t.g, xt_msi_addr(pirq), 0x700) && t.m->msi_held == 1 &&
	       t.m->pirq[pirq].held && t.m->pirq[pirq].emu == XM_IRQ_MSI_EMU,
	       "qemu: a first MSI before bind_pirq is held (masked), not lost");
	tap_ok(xm_msi(t.g, xt_msi_addr(pirq), 0x700) && t.m->msi_held == 1,
	       "qemu: a second one while held is the same pending interrupt");
	tap_ok(xt_bind_pirq(&t, pirq, &port) == 0 && xt_test_pending(&t, port) &&
	       xt_took(&t, 0, XT_VECTOR) && !t.m->pirq[pirq].held,
	       "qemu: bind_pirq delivers the held MSI");
	xt_stop(&t);
}

static void multi_msi(void)
{
	struct physdev_map_pirq m;
	u32 port;
	struct xt t;
	int i;

	xt_start(&t, "xen", 1);
	xt_setup(&t);
	xt_cmd(&t, "multimsi on");
	m = (struct physdev_map_pirq) { .domid = DOMID_SELF,
		.type = MAP_PIRQ_TYPE_MULTI_MSI, .entry_nr = 3, .pirq = -1 };
	tap_ok(XT_PHYSDEV(&t, PHYSDEVOP_map_pirq, &m) == 0 && m.pirq == 52 &&
	       m.entry_nr == 4,
	       "multi-MSI: 3 vectors get an aligned block of 4 at 52 (%d, %d)",
	       m.pirq, m.entry_nr);
	for (i = 52; i < 56; i++)
		if (!t.m->pirq[i].allocated || t.m->pirq[i].emu != XM_IRQ_MSI_EMU)
			break;
	tap_ok(i == 56, "multi-MSI: every pirq of the block is allocated, MSI_EMU");
	m = (struct physdev_map_pirq) { .domid = DOMID_SELF,
		.type = MAP_PIRQ_TYPE_MULTI_MSI, .entry_nr = 8, .pirq = -1 };
	tap_ok(XT_PHYSDEV(&t, PHYSDEVOP_map_pirq, &m) == 0 && m.pirq == 40 &&
	       m.pirq % 8 == 0,
	       "multi-MSI: the next block of 8 is below, aligned to 8 (%d)", m.pirq);
	m = (struct physdev_map_pirq) { .domid = DOMID_SELF,
		.type = MAP_PIRQ_TYPE_MULTI_MSI, .entry_nr = 32, .pirq = -1 };
	tap_ok(XT_PHYSDEV(&t, PHYSDEVOP_map_pirq, &m) == -ENOSPC,
	       "multi-MSI: no aligned block of 32 above the GSI pirqs: ENOSPC");
	m.entry_nr = 33;
	tap_ok(XT_PHYSDEV(&t, PHYSDEVOP_map_pirq, &m) == -EDOM,
	       "multi-MSI: 33 vectors is EDOM");
	m = (struct physdev_map_pirq) { .domid = DOMID_SELF,
		.type = MAP_PIRQ_TYPE_MULTI_MSI, .entry_nr = 4, .pirq = 26 };
	tap_ok(XT_PHYSDEV(&t, PHYSDEVOP_map_pirq, &m) == -EINVAL,
	       "multi-MSI: a chosen base not aligned to the block is EINVAL");
	m.pirq = 52;
	tap_ok(XT_PHYSDEV(&t, PHYSDEVOP_map_pirq, &m) == -EBUSY,
	       "multi-MSI: a chosen block in use is EBUSY");
	m = (struct physdev_map_pirq) { .domid = DOMID_SELF,
		.type = MAP_PIRQ_TYPE_MULTI_MSI, .entry_nr = 2, .pirq = -1,
		.table_base = 0x1000 };
	tap_ok(XT_PHYSDEV(&t, PHYSDEVOP_map_pirq, &m) == -EINVAL,
	       "multi-MSI: a table_base is EINVAL");
	xt_bind_pirq(&t, 54, &port);
	tap_ok(xm_msi(t.g, xt_msi_addr(52), 2) && xt_test_pending(&t, port),
	       "multi-MSI: message 2 of the block at 52 (vector 2) raises pirq 54");
	tap_ok(!xm_msi(t.g, xt_msi_addr(53), 2),
	       "multi-MSI: vector 2 from an unaligned address is not a pirq message");
	tap_ok(xt_unmap(&t, 53) == -EINVAL,
	       "multi-MSI: unmapping a block member that is not the base is EINVAL");
	tap_ok(xt_unmap(&t, 52) == 0 && !t.m->pirq[52].allocated &&
	       !t.m->pirq[55].allocated,
	       "multi-MSI: unmapping the base frees the whole block");
	xt_cmd(&t, "multimsi off");
	tap_ok(!xm_msi(t.g, xt_msi_addr(40), 2),
	       "multi-MSI off: a non-zero vector is never a pirq message");
	xt_stop(&t);

	/* nr_pirqs not a multiple of the block: the top block is not at the top */
	xt_start(&t, "xen-qemu", 1);
	xt_setup(&t);
	xt_cmd(&t, "multimsi on");
	xt_cmd(&t, "nr_pirqs 91");
	for (i = 0; i < 4; i++) {
		m = (struct physdev_map_pirq) { .domid = DOMID_SELF,
			.type = MAP_PIRQ_TYPE_MULTI_MSI, .entry_nr = 1 << i,
			.pirq = -1 };
		if (XT_PHYSDEV(&t, PHYSDEVOP_map_pirq, &m) ||
		    m.pirq % (1 << i) || m.pirq + (1 << i) > 91)
			break;
		tap_diag("block of %d at %d", 1 << i, m.pirq);
	}
	tap_ok(i == 4, "multi-MSI: with 91 pirqs, blocks of 1, 2, 4, 8 are all aligned");
	xt_stop(&t);
}

static void op22_extension(void)
{
	struct physdev_nr_pirqs n = { 0 };
	struct xt t;

	xt_start(&t, "xen", 1);
	tap_ok(XT_PHYSDEV(&t, PHYSDEVOP_get_nr_pirqs, &n) == -ENOSYS,
	       "xen: PHYSDEVOP_get_nr_pirqs is ENOSYS by default, as real Xen");
	tap_ok(xt_cmd(&t, "op22 on") == 0 &&
	       XT_PHYSDEV(&t, PHYSDEVOP_get_nr_pirqs, &n) == 0 && n.nr_pirqs == 56,
	       "xen: with op22 on it answers nr_pirqs (56)");
	xt_cmd(&t, "nr_pirqs 300");
	XT_PHYSDEV(&t, PHYSDEVOP_get_nr_pirqs, &n);
	tap_ok(n.nr_pirqs == 300, "xen: ... and follows nr_pirqs");
	tap_ok(xt_hc(&t, __HYPERVISOR_physdev_op, PHYSDEVOP_setup_gsi, &n,
		     sizeof(n)) == -ENOSYS,
	       "xen: setup_gsi is ENOSYS to an HVM domU");
	xt_stop(&t);
}

static void bad_buffers_and_faults(void)
{
	struct physdev_map_pirq m = { .domid = DOMID_SELF,
		.type = MAP_PIRQ_TYPE_GSI, .index = 20, .pirq = -1 };
	struct xt t;
	int pirq;

	xt_start(&t, "xen", 1);
	xt_setup(&t);
	xt_log(&t);
	tap_ok(xt_hc(&t, __HYPERVISOR_physdev_op, PHYSDEVOP_map_pirq, &m, 8) ==
	       -EFAULT && xt_logged(&t, "map_pirq: argument 1 needs 40 bytes"),
	       "a map_pirq buffer of 8 bytes is EFAULT, logged");
	tap_ok(xt_hc(&t, __HYPERVISOR_physdev_op, PHYSDEVOP_map_pirq, NULL, 0) ==
	       -EFAULT, "map_pirq without a buffer is EFAULT");
	tap_ok(xt_hc_dir(&t, 0, __HYPERVISOR_physdev_op, PHYSDEVOP_map_pirq, 0,
			 1, &m, sizeof(m), PVIRQ_HC_BUF_IN) == -EFAULT &&
	       xt_logged(&t, "not OUT"),
	       "map_pirq with an IN-only buffer cannot answer: EFAULT");
	tap_ok(xt_cmd(&t, "fail physdev_op:map_pirq 2 ENOSPC") == 0,
	       "fault armed for the 2nd map_pirq");
	pirq = -1;
	tap_ok(xt_map_gsi(&t, 21, &pirq) == 0, "the 1st map_pirq succeeds");
	pirq = -1;
	tap_ok(xt_map_gsi(&t, 22, &pirq) == -ENOSPC && t.m->gsi[22].pirq == -1 &&
	       xt_logged(&t, "injected fault ENOSPC"),
	       "the 2nd fails with ENOSPC, maps nothing, logged");
	pirq = -1;
	tap_ok(xt_map_gsi(&t, 22, &pirq) == 0, "the 3rd succeeds again");
	tap_ok(xt_cmd(&t, "fail physdev_op:nosuchop 1 EIO") == -EINVAL &&
	       xt_cmd(&t, "fail physdev_op 0 EIO") == -EINVAL,
	       "fail: unknown op or N = 0 is refused");
	xt_stop(&t);
}

int main(void)
{
	xen_map_gsi();
	xen_exhaustion_and_leak();
	qemu_map_gsi();
	status_query_and_bind();
	level_gsi("xen");
	level_gsi("xen-qemu");
	xen_msi_snoop();
	qemu_msi_snoop();
	multi_msi();
	op22_extension();
	bad_buffers_and_faults();
	return tap_done();
}
