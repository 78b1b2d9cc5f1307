// SPDX-License-Identifier: GPL-2.0
/*
 * The driver's event and pirq logic against the host's own "xen" model,
 * at random: drivers/xen/pvhvm-irq's 2-level and FIFO scans, pirq
 * allocator and vector-0 messages (xen_rand_guest.c) driven the way
 * events.c, irq.c and msi.c drive them, with every hypercall answered and
 * every event raised by libpvirqhost's model_xen*.c in guest RAM.
 *
 * Each run does XEN_RAND_OPS random operations (default 100000): map and
 * unmap GSIs and MSI pirqs, bind and close pirq and IPI ports, raise events
 * (GSI pulses, level GSIs held high and re-sent at each EOI, vector-0 MSIs,
 * EVTCHNOP_send), mask and unmask, move ports to other vCPUs, and take the
 * upcalls the model injects, with random budgets.  Checked all along:
 * every handler call is for an open port, on the vCPU it is bound to, not
 * masked; every 0 -> 1 of a port's pending bit (read in guest RAM around
 * each host action) is taken exactly once, or is still pending when the
 * port is closed.  At the end, with every port unmasked and the upcalls
 * drained, nothing is left pending, and once everything is closed and
 * unmapped neither side holds a port or pirq, but the MSI pirqs Xen never
 * frees, which the guest keeps for reuse.
 *
 * The seed is printed; XEN_RAND_SEED=N repeats a run.
 */
#include <stdio.h>
#include <time.h>

#include "xenmodel_test.h"
#include "xen_rand.h"

#define NCPU		4
#define NOBJ		48
#define NPORT		XM_XEN_PORTS

enum { O_FREE, O_GSI, O_MSI, O_IPI };

struct obj {
	int kind;
	u32 gsi;
	u32 pirq;
	u32 port;		/* 0: not bound */
	bool needs_eoi;
	bool held;		/* a level GSI left asserted */
};

struct pst {
	bool open;
	int obj;
	unsigned int cpu;
	bool gmasked;
	u64 expect;		/* 0 -> 1 edges of its pending bit */
	u64 taken;
	u32 was_on;		/* FIFO: vCPUs whose queue it was moved off */
};

static struct xt t;
static bool fifo;
static struct obj obj[NOBJ];
static struct pst ps[NPORT];
static bool reraise[NCPU];
static u32 idle[XM_MAX_PIRQS];
static unsigned int nr_idle, fifo_pages;
static u64 rng;

static struct {
	u64 ops, raised, taken, upcalls, spurious, misrouted, masked_taken;
	u64 mismatch, closed_pending, full, errors, eois, moves;
	u64 taken_after_move;
} st;

static u64 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

#define FAIL(...) do {							\
	if (st.errors++ < 10)						\
		tap_diag(__VA_ARGS__);					\
} while (0)

/* The host's view of the port's pending bit, in guest RAM. */
static bool pending(u32 port)
{
	u32 *w;

	if (!fifo)
		return __atomic_load_n(&xt_shinfo(&t)->evtchn_pending[port / 64],
				       __ATOMIC_SEQ_CST) & (1ul << (port % 64));
	if (port / XM_FIFO_WORDS_PER_PAGE >= fifo_pages)
		return false;
	/* the event array pages are consecutive in guest RAM */
	w = xt_ram(&t, XT_FIFO_ARR_GPA);
	return __atomic_load_n(&w[port], __ATOMIC_SEQ_CST) &
	       (1u << EVTCHN_FIFO_PENDING);
}

static bool linked(u32 port)
{
	u32 *w;

	if (!fifo || port / XM_FIFO_WORDS_PER_PAGE >= fifo_pages)
		return false;
	w = xt_ram(&t, XT_FIFO_ARR_GPA);
	return __atomic_load_n(&w[port], __ATOMIC_SEQ_CST) &
	       (1u << EVTCHN_FIFO_LINKED);
}

/* Around a host action that may raise @port: count a new event. */
#define HOST_RAISES(port, action) do {					\
	u32 _p = (port);						\
	bool _was = _p && pending(_p);					\
	action;								\
	if (_p && !_was && pending(_p)) {				\
		ps[_p].expect++;					\
		st.raised++;						\
	}								\
} while (0)

static void handler(void *ctx, uint32_t port)
{
	unsigned int cpu = (uintptr_t)ctx;
	struct obj *o;

	if (port >= NPORT || !ps[port].open) {
		st.spurious++;
		FAIL("event on port %u, which is not open", port);
		return;
	}
	if (ps[port].cpu != cpu && (ps[port].was_on & (1u << cpu))) {
		/* FIFO: linked on the old vCPU's queue before a move */
		ps[port].was_on &= ~(1u << cpu);
		st.taken_after_move++;
	} else if (ps[port].cpu != cpu) {
		st.misrouted++;
		FAIL("port %u bound to cpu %u taken on cpu %u", port,
		     ps[port].cpu, cpu);
	}
	if (ps[port].gmasked) {
		st.masked_taken++;
		FAIL("port %u taken while masked", port);
	}
	ps[port].taken++;
	st.taken++;
	o = &obj[ps[port].obj];
	/* the chips' ack/eoi: PHYSDEVOP_eoi where the host wants one */
	if (o->kind != O_IPI && o->needs_eoi) {
		s64 r;

		HOST_RAISES(port, r = xt_eoi(&t, o->pirq));
		st.eois++;
		if (r)
			FAIL("PHYSDEVOP_eoi(pirq %u): %lld", o->pirq, (long long)r);
	}
}

/* What pvhvm_upcall() does on @cpu. */
static void upcall(unsigned int cpu)
{
	unsigned int budget = rnd() % 4 ? rg_budget() : 1 + rnd() % 8;
	bool more;

	if (fifo)
		__atomic_store_n(&xt_shinfo(&t)->vcpu_info[cpu].evtchn_upcall_pending,
				 0, __ATOMIC_SEQ_CST);
	rg_scan(cpu, budget, handler, (void *)(uintptr_t)cpu, &more);
	reraise[cpu] = more;
	st.upcalls++;
}

/* Take the upcall if the model injected it or the last pass left work. */
static bool maybe_upcall(unsigned int cpu)
{
	bool took = xt_took(&t, cpu, XT_VECTOR);

	if (!took && !reraise[cpu])
		return false;
	upcall(cpu);
	return true;
}

static void guest_unmask(u32 port)
{
	ps[port].gmasked = false;
	if (rg_unmask(port) && xt_unmask(&t, port))
		FAIL("EVTCHNOP_unmask(%u) failed", port);
}

/* pvhvm_evtchn_move() */
static void guest_move(u32 port, unsigned int cpu)
{
	struct evtchn_bind_vcpu bv = { .port = port, .vcpu = cpu };
	s64 r;

	if (ps[port].cpu == cpu)
		return;
	rg_mask(port);
	/*
	 * FIFO: an event already linked stays on the old vCPU's queue and is
	 * taken there, once (Linux's FIFO code does the same).
	 */
	if (linked(port))
		ps[port].was_on |= 1u << ps[port].cpu;
	r = XT_EVTCHN(&t, EVTCHNOP_bind_vcpu, &bv);
	if (r) {
		FAIL("EVTCHNOP_bind_vcpu(%u, %u): %lld", port, cpu, (long long)r);
	} else {
		if (rg_bind_to_cpu(port, cpu, ps[port].cpu))
			FAIL("bind_to_cpu(%u, %u) refused", port, cpu);
		ps[port].cpu = cpu;
		st.moves++;
	}
	if (!ps[port].gmasked)
		guest_unmask(port);
}

static int expand(void)
{
	struct evtchn_expand_array e;
	u64 gpa = XT_FIFO_ARR_GPA + (u64)fifo_pages * XM_PAGE_SIZE;
	s64 r;

	e.array_gfn = gpa >> XM_PAGE_SHIFT;
	r = XT_EVTCHN(&t, EVTCHNOP_expand_array, &e);
	if (r)
		return r;
	fifo_pages++;
	return rg_fifo_add_page(xt_ram(&t, gpa));
}

/* The guest's side of a new port: pvhvm_evtchn_bind(), then startup. */
static void guest_bind(u32 port, int oi, unsigned int cpu, unsigned int to)
{
	struct obj *o = &obj[oi];
	int r = rg_setup(port);

	while (r == -ENOSPC && fifo && !expand())
		r = rg_setup(port);
	if (r) {
		FAIL("port %u: setup %d", port, r);
		return;
	}
	rg_mask(port);
	if (o->kind != O_IPI) {
		struct physdev_irq_status_query q = { .irq = o->pirq };

		r = XT_PHYSDEV(&t, PHYSDEVOP_irq_status_query, &q);
		/* Xen maps an MSI pirq at its first message: -EINVAL before */
		if (r && o->kind == O_GSI)
			FAIL("irq_status_query(pirq %u): %d", o->pirq, r);
		o->needs_eoi = !r && (q.flags & XENIRQSTAT_needs_eoi);
	}
	if (rg_bind_to_cpu(port, cpu, RG_NO_CPU))
		FAIL("bind_to_cpu(%u, %u) refused", port, cpu);
	ps[port] = (struct pst) {
		.open = true, .obj = oi, .cpu = cpu, .gmasked = true,
		.expect = pending(port),
	};
	o->port = port;
	if (o->kind != O_IPI)
		guest_move(port, to);
	guest_unmask(port);
}

/* pvhvm_evtchn_close() */
static void guest_close(int oi)
{
	struct obj *o = &obj[oi];
	u32 port = o->port;
	struct pst *p = &ps[port];
	bool pend;
	unsigned int cpu;
	int r, i;

	rg_mask(port);
	p->gmasked = true;
	pend = pending(port);
	st.closed_pending += pend;
	if (p->taken + pend != p->expect) {
		st.mismatch++;
		FAIL("port %u closed: %llu events, %llu taken, %d pending",
		     port, (unsigned long long)p->expect,
		     (unsigned long long)p->taken, pend);
	}
	p->open = false;
	if (xt_close(&t, port))
		FAIL("EVTCHNOP_close(%u) failed", port);
	rg_clear_pending(port);
	for (i = 0; i < 100; i++) {
		r = rg_remove(port, p->cpu);
		if (r != -EBUSY)
			break;
		/* still on a queue, maybe an old vCPU's: let them run */
		for (cpu = 0; cpu < NCPU; cpu++)
			upcall(cpu);
	}
	if (r)
		FAIL("remove(%u) gave %d", port, r);
	o->port = 0;
	if (o->kind == O_IPI)
		o->kind = O_FREE;
}

static int free_obj(void)
{
	int i = rnd() % NOBJ, n;

	for (n = 0; n < NOBJ; n++, i = (i + 1) % NOBJ)
		if (obj[i].kind == O_FREE)
			return i;
	return -1;
}

/* A random object of @kind (-1: any but free) matching @bound (-1: any) */
static int pick(int kind, int bound)
{
	int i = rnd() % NOBJ, n;

	for (n = 0; n < NOBJ; n++, i = (i + 1) % NOBJ) {
		if (obj[i].kind == O_FREE || (kind >= 0 && obj[i].kind != kind))
			continue;
		if (bound >= 0 && !!obj[i].port != bound)
			continue;
		return i;
	}
	return -1;
}

static bool gsi_used(u32 gsi)
{
	int i;

	for (i = 0; i < NOBJ; i++)
		if (obj[i].kind == O_GSI && obj[i].gsi == gsi)
			return true;
	return false;
}

static void op_map(void)
{
	int oi = free_obj(), pirq = -1, r;
	struct obj *o;
	u32 p;

	if (oi < 0)
		return;
	o = &obj[oi];
	if (rnd() % 2) {
		u32 gsi = rnd() % XM_NR_GSIS;

		if (gsi_used(gsi))
			return;
		r = xt_map_gsi(&t, gsi, &pirq);
		/* Xen: no free pirq is -EINVAL, -ENOSPC in the pirq field */
		if (r == -EINVAL && pirq == -ENOSPC) {
			st.full++;
			return;
		}
		if (r || pirq <= 0) {
			FAIL("map_pirq(GSI %u): %d, pirq %d", gsi, r, pirq);
			return;
		}
		*o = (struct obj) { .kind = O_GSI, .gsi = gsi, .pirq = pirq };
	} else {
		if (nr_idle) {
			p = idle[--nr_idle];
		} else {
			r = xt_get_free(&t, MAP_PIRQ_TYPE_MSI, &p);
			if (r == -ENOSPC) {
				st.full++;
				return;
			}
			if (r) {
				FAIL("get_free_pirq(MSI): %d", r);
				return;
			}
		}
		*o = (struct obj) { .kind = O_MSI, .pirq = p };
	}
	r = rg_pirq_claim(o->pirq);
	if (r)
		FAIL("host gave pirq %u, which the guest refused: %d", o->pirq, r);
}

static void gsi_level(struct obj *o, bool level)
{
	HOST_RAISES(o->port, t.g->model->gsi(t.g, o->gsi, level));
}

static void op_unmap(void)
{
	int oi = pick(rnd() % 2 ? O_GSI : O_MSI, 0);
	struct obj *o;

	if (oi < 0)
		return;
	o = &obj[oi];
	if (rg_pirq_free(o->pirq))
		FAIL("pirq %u: free refused", o->pirq);
	if (o->kind == O_GSI) {
		if (o->held)
			gsi_level(o, false);
		if (xt_unmap(&t, o->pirq))
			FAIL("unmap_pirq(%u) failed", o->pirq);
	} else {
		/* msi.c: Xen never frees it, keep it for the next vector */
		idle[nr_idle++] = o->pirq;
	}
	o->kind = O_FREE;
}

static void op_bind(void)
{
	int oi = pick(-1, 0);
	u32 port;
	s64 r;

	if (oi < 0 || obj[oi].kind == O_IPI)
		return;
	r = xt_bind_pirq(&t, obj[oi].pirq, &port);
	if (r == -ENOSPC) {
		st.full++;
		return;
	}
	if (r || !port || port >= NPORT || ps[port].open) {
		FAIL("bind_pirq(%u): %lld, port %u", obj[oi].pirq, (long long)r, port);
		return;
	}
	guest_bind(port, oi, 0, rnd() % NCPU);
}

static void op_bind_ipi(void)
{
	int oi = free_obj();
	struct evtchn_bind_ipi b;
	s64 r;

	if (oi < 0)
		return;
	b.vcpu = rnd() % NCPU;
	r = XT_EVTCHN(&t, EVTCHNOP_bind_ipi, &b);
	if (r == -ENOSPC) {
		st.full++;
		return;
	}
	if (r || !b.port || b.port >= NPORT || ps[b.port].open) {
		FAIL("bind_ipi: %lld, port %u", (long long)r, b.port);
		return;
	}
	obj[oi] = (struct obj) { .kind = O_IPI };
	guest_bind(b.port, oi, b.vcpu, b.vcpu);
}

static void op_close(void)
{
	int oi = pick(-1, 1);

	if (oi >= 0)
		guest_close(oi);
}

static void op_raise(void)
{
	int oi = pick(-1, -1);
	struct obj *o;
	uint64_t addr;
	uint32_t data;

	if (oi < 0)
		return;
	o = &obj[oi];
	switch (o->kind) {
	case O_GSI:
		if (o->held)
			return;
		gsi_level(o, true);
		/* sometimes a level GSI stays high: re-sent at each EOI */
		if (o->gsi >= XM_ISA_IRQS && !(rnd() % 8))
			o->held = true;
		else
			gsi_level(o, false);
		break;
	case O_MSI:
		if (rg_msi_compose(o->pirq, &addr, &data)) {
			FAIL("no message for pirq %u", o->pirq);
			return;
		}
		{
			bool took;

			HOST_RAISES(o->port, took = t.g->model->msi(t.g, addr, data));
			if (!took)
				FAIL("the model left pirq %u's message to the core", o->pirq);
		}
		break;
	case O_IPI: {
		struct evtchn_send s = { .port = o->port };
		s64 r;

		HOST_RAISES(o->port, r = XT_EVTCHN(&t, EVTCHNOP_send, &s));
		if (r)
			FAIL("send(%u): %lld", o->port, (long long)r);
		break;
	}
	}
}

static void op_lower(void)
{
	int oi = pick(O_GSI, -1);

	if (oi >= 0 && obj[oi].held) {
		obj[oi].held = false;
		gsi_level(&obj[oi], false);
	}
}

static void op_mask(void)
{
	int oi = pick(-1, 1);
	u32 port;

	if (oi < 0)
		return;
	port = obj[oi].port;
	if (ps[port].gmasked) {
		guest_unmask(port);
	} else {
		rg_mask(port);
		ps[port].gmasked = true;
	}
}

static void op_move(void)
{
	int oi = pick(rnd() % 2 ? O_GSI : O_MSI, 1);

	if (oi >= 0)
		guest_move(obj[oi].port, rnd() % NCPU);
}

static void drain(void)
{
	bool progress = true;
	unsigned int cpu, rounds = 0;

	while (progress && rounds++ < 100000) {
		progress = false;
		for (cpu = 0; cpu < NCPU; cpu++)
			progress |= maybe_upcall(cpu);
	}
}

/* "model g counts": the model's own totals */
static char *counts(void)
{
	char arg0[] = "counts", *argv[] = { arg0 };
	struct pvirq_sb sb = { 0 };
	char *s;

	t.g->model->command(t.g, 1, argv, &sb);
	s = strdup(pvirq_sb_str(&sb));
	pvirq_sb_free(&sb);
	return s;
}

static void run(bool use_fifo, u64 seed, unsigned long nops)
{
	const char *abi = use_fifo ? "fifo" : "2l";
	unsigned long i;
	unsigned int cpu, stuck = 0, cnt_mismatch = 0;
	u32 port;
	char want[160], *c;
	int oi;

	memset(&st, 0, sizeof(st));
	memset(obj, 0, sizeof(obj));
	memset(ps, 0, sizeof(ps));
	memset(reraise, 0, sizeof(reraise));
	nr_idle = 0;
	fifo_pages = 0;
	fifo = use_fifo;
	rng = seed ? seed : 1;

	xt_start(&t, "xen", NCPU);
	xt_setup(&t);
	if (rg_init(fifo, xt_shinfo(&t), NCPU) || rg_pirq_init())
		abort();
	for (cpu = 0; cpu < NCPU; cpu++) {
		void *p = &xt_shinfo(&t)->vcpu_info[cpu];

		if (fifo) {
			struct evtchn_init_control c = {
				.control_gfn = (XT_FIFO_CB_GPA >> XM_PAGE_SHIFT) + cpu,
				.vcpu = cpu,
			};

			if (XT_EVTCHN(&t, EVTCHNOP_init_control, &c))
				abort();
			p = xt_ram(&t, XT_FIFO_CB_GPA + cpu * XM_PAGE_SIZE);
		}
		if (rg_cpu_init(cpu, p))
			abort();
	}

	for (i = 0; i < nops; i++) {
		st.ops++;
		switch (rnd() % 16) {
		case 0: case 1:
			op_map();
			break;
		case 2:
			op_unmap();
			break;
		case 3: case 4:
			op_bind();
			break;
		case 5:
			op_bind_ipi();
			break;
		case 6:
			op_close();
			break;
		case 7: case 8: case 9:
			op_raise();
			break;
		case 10:
			op_lower();
			break;
		case 11:
			op_mask();
			break;
		case 12:
			op_move();
			break;
		case 13:
			/* an upcall nothing asked for: must find nothing wrong */
			upcall(rnd() % NCPU);
			break;
		default:
			maybe_upcall(rnd() % NCPU);
			break;
		}
	}

	/* Quiesce: lines low, everything unmasked, every upcall taken. */
	for (oi = 0; oi < NOBJ; oi++)
		if (obj[oi].kind == O_GSI && obj[oi].held) {
			obj[oi].held = false;
			gsi_level(&obj[oi], false);
		}
	for (port = 0; port < NPORT; port++)
		if (ps[port].open && ps[port].gmasked)
			guest_unmask(port);
	drain();
	for (port = 0; port < NPORT; port++) {
		if (!ps[port].open)
			continue;
		if (pending(port)) {
			stuck++;
			FAIL("port %u still pending after the upcalls drained", port);
		}
		if (ps[port].taken != ps[port].expect) {
			cnt_mismatch++;
			FAIL("port %u: %llu events, %llu taken", port,
			     (unsigned long long)ps[port].expect,
			     (unsigned long long)ps[port].taken);
		}
	}
	tap_diag("%s: %llu ops %llu events %llu taken %llu upcalls %llu EOIs %llu moves",
		 abi, (unsigned long long)st.ops, (unsigned long long)st.raised,
		 (unsigned long long)st.taken, (unsigned long long)st.upcalls,
		 (unsigned long long)st.eois, (unsigned long long)st.moves);
	tap_diag("%s: %llu taken on a vCPU the port left, %llu refused (full), %llu closed pending",
		 abi, (unsigned long long)st.taken_after_move,
		 (unsigned long long)st.full,
		 (unsigned long long)st.closed_pending);
	tap_ok(st.raised > nops / 20 && st.taken + st.closed_pending == st.raised &&
	       !st.mismatch && !cnt_mismatch && !stuck,
	       "%s, seed %llu: every event taken exactly once or pending at close, none lost after the drain",
	       abi, (unsigned long long)seed);
	tap_ok(!st.misrouted && !st.masked_taken && !st.spurious,
	       "%s: no event on the wrong vCPU (%llu), while masked (%llu) or on a closed port (%llu)",
	       abi, (unsigned long long)st.misrouted,
	       (unsigned long long)st.masked_taken,
	       (unsigned long long)st.spurious);
	tap_ok(st.moves > nops / 100 && rg_bad_ports() == 0,
	       "%s: %llu moves between vCPUs, no bad queue link", abi,
	       (unsigned long long)st.moves);

	/* Tear down as the driver does: close, unmap GSIs, keep MSI pirqs. */
	for (oi = 0; oi < NOBJ; oi++)
		if (obj[oi].kind != O_FREE && obj[oi].port)
			guest_close(oi);
	for (oi = 0; oi < NOBJ; oi++) {
		if (obj[oi].kind == O_FREE)
			continue;
		rg_pirq_free(obj[oi].pirq);
		if (obj[oi].kind == O_GSI)
			xt_unmap(&t, obj[oi].pirq);
		else
			idle[nr_idle++] = obj[oi].pirq;
		obj[oi].kind = O_FREE;
	}
	drain();
	c = counts();
	snprintf(want, sizeof(want), "ports_in_use 0 pirqs_allocated %u ",
		 nr_idle);
	tap_ok(strstr(c, want) && strstr(c, " pirqs_bound 0 ") &&
	       strstr(c, " msi_dropped 0 "),
	       "%s: the model holds no port, binds no pirq, and has allocated just the %u MSI pirqs the guest keeps (%s)",
	       abi, nr_idle, c);
	tap_ok(rg_pirq_in_use() == 0 && rg_pirq_check() == 0 && !st.errors &&
	       !t.m->no_callback && !t.m->fifo_no_cb,
	       "%s: the guest's pirq allocator is empty and consistent, no call failed (%llu)",
	       abi, (unsigned long long)st.errors);
	free(c);
	rg_exit();
	xt_stop(&t);
}

int main(int argc, char **argv)
{
	const char *s = getenv("XEN_RAND_SEED"), *n = getenv("XEN_RAND_OPS");
	u64 seed = s ? strtoull(s, NULL, 0) : (u64)time(NULL) ^ ((u64)getpid() << 32);
	unsigned long nops = n ? strtoul(n, NULL, 0) : 100000;

	tap_diag("seed %llu (XEN_RAND_SEED=%llu repeats this run)",
		 (unsigned long long)seed, (unsigned long long)seed);
	run(false, seed, nops);
	run(true, seed, nops);
	return tap_done();
}
