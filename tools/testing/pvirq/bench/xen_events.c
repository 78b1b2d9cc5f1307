// SPDX-License-Identifier: GPL-2.0
/*
 * Xen events per second through pvirq-host's "xen" model: a fake guest
 * sets up as pvhvm_irq does -- shared_info placed in its RAM with
 * XENMEM_add_to_physmap, a per-vCPU upcall vector with
 * HVMOP_set_evtchn_upcall_vector, ports bound with EVTCHNOP_* -- over the
 * real wire, and takes each event the way the driver does: the injected
 * upcall vector, then pvhvm_irq's own 2-level scan (xen_events_guest.c
 * links drivers/xen/pvhvm-irq/evtchn_2l.c) and a handler that counts.
 *
 * Two paths, each one event at a time (raise, take, scan, handle) so that
 * no event can merge with another and every one is checked:
 *
 *   gsi   the host raises an edge GSI mapped to a pirq bound to a port
 *	   (control request "gsi self N pulse"), and the guest answers
 *	   PHYSDEVOP_eoi as the driver does for a pirq the host says needs
 *	   one (PHYSDEVOP_irq_status_query)
 *   ipi   the guest's EVTCHNOP_send on an IPI port bound to vCPU 0
 *
 * Baseline, same daemon, same guest, same vector, same run: the plain
 * injected interrupt (control request "inject self 0 VECTOR", take it),
 * host_roundtrip's injected figure.  The ratio is what the Xen path adds.
 * The three run in alternating slices (BENCH_ROUNDS of each), so a change
 * in the machine's load hits them alike.
 *
 *   xen_events PATH-TO-pvirq-host [SECONDS-PER-FIGURE]
 */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <xen/xen.h>
#include <xen/memory.h>
#include <xen/event_channel.h>
#include <xen/physdev.h>
#include <xen/hvm/hvm_op.h>

#include "bench_host.h"
#include "pvirq_model.h"
#include "xen_events_guest.h"

#define RAM_SIZE	(16u << 20)
#define SI_GPFN		0x100		/* shared_info at 1 MiB */
#define UPCALL_VECTOR	0xf3
#define BENCH_GSI	5		/* ISA: edge */

static struct pvirq_fake f;
static u8 *ram;

/* A Xen hypercall op(cmd, arg) as pvhvm_irq's hcall.c makes it. */
static int xen_call(u32 nr, u64 cmd, void *arg, u32 len, const char *what)
{
	u64 args[1] = { cmd };
	s64 ret = 0;
	int err;

	err = pvirq_fake_hypercall(&f, 0, PVIRQ_HC_ABI_XEN, nr, args, 1, arg,
				   len, 1, &ret);
	if (!err && !ret)
		return 0;
	fprintf(stderr, "xen_events: %s: transport %d, Xen %lld\n", what, err,
		(long long)ret);
	return err ? err : -EIO;
}

static int detect(void)
{
	struct pvirq_fake_call c = {
		.op = PVIRQ_OP_CPUID,
		.arg = { 0x40000000 },
		.buf_arg = { PVIRQ_WIRE_BUF_NONE, PVIRQ_WIRE_BUF_NONE },
	};
	char sig[13] = { 0 };
	u32 r;

	if (pvirq_fake_call(&f, 0, &c, 5000) || c.ret)
		return -EIO;
	r = c.out[1];
	memcpy(sig, &r, 4);
	r = c.out[2];
	memcpy(sig + 4, &r, 4);
	r = c.out[3];
	memcpy(sig + 8, &r, 4);
	if (strcmp(sig, "XenVMMXenVMM")) {
		fprintf(stderr, "xen_events: CPUID signature '%s', not Xen\n", sig);
		return -ENODEV;
	}
	return 0;
}

/* As pvhvm_irq's events.c: shared_info, then the upcall vector. */
static int setup_events(void)
{
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF,
		.space = XENMAPSPACE_shared_info,
		.idx = 0,
		.gpfn = SI_GPFN,
	};
	struct xen_hvm_evtchn_upcall_vector uv = {
		.vcpu = 0,
		.vector = UPCALL_VECTOR,
	};

	if (xen_call(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, &xatp,
		     sizeof(xatp), "XENMEM_add_to_physmap"))
		return -EIO;
	if (xeg_init(ram + ((u64)SI_GPFN << 12)))
		return -EINVAL;
	if (xen_call(__HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector, &uv,
		     sizeof(uv), "HVMOP_set_evtchn_upcall_vector"))
		return -EIO;
	/* Xen sends the vector once at once: take it, scan nothing */
	if (!bench_take_vector(&f, UPCALL_VECTOR, 200))
		xeg_upcall();
	return 0;
}

/* GSI -> pirq -> port, as the driver maps and binds a legacy IRQ. */
static int bind_gsi(u32 gsi, u32 *port, int *needs_eoi, u32 *pirq)
{
	struct physdev_map_pirq map = {
		.domid = DOMID_SELF,
		.type = MAP_PIRQ_TYPE_GSI,
		.index = gsi,
		.pirq = gsi,
	};
	struct evtchn_bind_pirq bp = { 0 };
	struct physdev_irq_status_query sq = { 0 };

	if (xen_call(__HYPERVISOR_physdev_op, PHYSDEVOP_map_pirq, &map,
		     sizeof(map), "PHYSDEVOP_map_pirq"))
		return -EIO;
	bp.pirq = map.pirq;
	if (xen_call(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_pirq, &bp,
		     sizeof(bp), "EVTCHNOP_bind_pirq"))
		return -EIO;
	sq.irq = map.pirq;
	if (xen_call(__HYPERVISOR_physdev_op, PHYSDEVOP_irq_status_query, &sq,
		     sizeof(sq), "PHYSDEVOP_irq_status_query"))
		return -EIO;
	*port = bp.port;
	*pirq = map.pirq;
	*needs_eoi = !!(sq.flags & XENIRQSTAT_needs_eoi);
	return xeg_bind(bp.port);
}

static int bind_ipi(u32 *port)
{
	struct evtchn_bind_ipi bi = { .vcpu = 0 };

	if (xen_call(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_ipi, &bi,
		     sizeof(bi), "EVTCHNOP_bind_ipi"))
		return -EIO;
	*port = bi.port;
	return xeg_bind(bi.port);
}

/* Takes the upcall and scans; 0 if exactly one event came, on @port. */
static int take_event(u32 port)
{
	unsigned long long before = xeg_count(port);

	if (bench_take_vector(&f, UPCALL_VECTOR, 5000))
		return -ETIMEDOUT;
	if (xeg_upcall() != 1 || xeg_count(port) != before + 1)
		return -EPROTO;
	return 0;
}

static int run_gsi(u32 gsi, u32 port, u32 pirq, int needs_eoi,
		   double secs, struct bench_acc *a)
{
	u64 n = 0, t0 = pvirq_now_ns(), end = t0 + (u64)(secs * 1e9);
	struct physdev_eoi eoi = { .irq = pirq };
	char cmd[64], buf[128];

	snprintf(cmd, sizeof(cmd), "gsi self %u pulse", gsi);
	while (pvirq_now_ns() < end) {
		if (pvirq_fake_control(&f, 0, cmd, buf, sizeof(buf)) ||
		    take_event(port))
			return -EIO;
		if (needs_eoi &&
		    xen_call(__HYPERVISOR_physdev_op, PHYSDEVOP_eoi, &eoi,
			     sizeof(eoi), "PHYSDEVOP_eoi"))
			return -EIO;
		n++;
	}
	a->n += n;
	a->ns += pvirq_now_ns() - t0;
	return 0;
}

static int run_ipi(u32 port, double secs, struct bench_acc *a)
{
	u64 n = 0, t0 = pvirq_now_ns(), end = t0 + (u64)(secs * 1e9);
	struct evtchn_send s = { .port = port };

	while (pvirq_now_ns() < end) {
		if (xen_call(__HYPERVISOR_event_channel_op, EVTCHNOP_send, &s,
			     sizeof(s), "EVTCHNOP_send") || take_event(port))
			return -EIO;
		n++;
	}
	a->n += n;
	a->ns += pvirq_now_ns() - t0;
	return 0;
}

int main(int argc, char **argv)
{
	double secs = bench_secs(argc, argv, 1.0), slice, base, gsi_rate, ipi_rate;
	struct bench_acc a_base = { 0 }, a_gsi = { 0 }, a_ipi = { 0 };
	u32 gsi_port, ipi_port, pirq;
	struct bench_host h;
	char spec[160];
	const char *specs[1] = { spec }, *rampath;
	int needs_eoi, i, ok = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: xen_events PVIRQ-HOST [SECONDS]\n");
		return 2;
	}
	if (bench_host_init(&h))
		return 1;
	rampath = bench_host_ram(&h, "g0", RAM_SIZE);
	if (!rampath)
		goto out;
	snprintf(spec, sizeof(spec), "g0,model=xen,ram=%s,vcpus=1", rampath);
	ram = bench_map_ram(rampath, RAM_SIZE);
	if (!ram || bench_host_start(&h, argv[1], specs, 1) ||
	    bench_host_guest(&h, "g0", &f)) {
		fprintf(stderr, "xen_events: cannot start pvirq-host with a xen guest\n");
		goto out;
	}
	if (detect() || setup_events() ||
	    bind_gsi(BENCH_GSI, &gsi_port, &needs_eoi, &pirq) ||
	    bind_ipi(&ipi_port)) {
		fprintf(stderr, "xen_events: guest setup failed\n");
		goto close;
	}
	/* binding may leave events pending (Xen raises some): take them */
	bench_drain(&f, 20);
	while (xeg_upcall())
		;

	slice = secs / BENCH_ROUNDS;
	for (i = 0; i < BENCH_ROUNDS; i++) {
		if (bench_inject(&f, UPCALL_VECTOR, slice, &a_base) ||
		    run_gsi(BENCH_GSI, gsi_port, pirq, needs_eoi, slice, &a_gsi) ||
		    run_ipi(ipi_port, slice, &a_ipi)) {
			fprintf(stderr, "xen_events: round %d failed\n", i);
			goto close;
		}
	}
	base = bench_rate(&a_base);
	gsi_rate = bench_rate(&a_gsi);
	ipi_rate = bench_rate(&a_ipi);
	if (base <= 0 || gsi_rate <= 0 || ipi_rate <= 0 || xeg_spurious()) {
		fprintf(stderr, "xen_events: no figures (spurious events %llu)\n",
			xeg_spurious());
		goto close;
	}
	printf("xen events/s, GSI %u -> pirq %u -> port %u (pulse request, upcall 0x%x, 2-level scan, handler%s): %.0f (%.1f us/event, %llu checked); baseline injected interrupts/s %.0f (%.1f us); events/baseline %.2f\n",
	       BENCH_GSI, pirq, gsi_port, UPCALL_VECTOR,
	       needs_eoi ? ", PHYSDEVOP_eoi" : "", gsi_rate, 1e6 / gsi_rate,
	       (unsigned long long)a_gsi.n, base, 1e6 / base, gsi_rate / base);
	printf("xen events/s, EVTCHNOP_send on IPI port %u (hypercall, upcall, 2-level scan, handler): %.0f (%.1f us/event, %llu checked); baseline injected interrupts/s %.0f (%.1f us); events/baseline %.2f\n",
	       ipi_port, ipi_rate, 1e6 / ipi_rate, (unsigned long long)a_ipi.n,
	       base, 1e6 / base, ipi_rate / base);
	ok = 1;
close:
	pvirq_fake_close(&f);
out:
	bench_host_stop(&h);
	return ok ? 0 : 1;
}
