// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of drivers/xen/pvhvm-irq/evtchn_fifo.c, the FIFO event scan,
 * against a model of the host's side of the ABI written from Xen's
 * event_fifo.c semantics: per-(vCPU, priority) queues whose tails only the
 * host knows, tails linked with a cmpxchg under BUSY, HEAD written only
 * into an empty queue, READY set then, masked events left unlinked until
 * EVTCHNOP_unmask.  Run step by step and with the host in its own thread.
 *
 * Every handler call is checked as it happens: the event must come from a
 * queue of the vCPU that takes it and not be masked by the guest.  At the
 * end each port must have been taken exactly as many times as the host
 * turned PENDING from 0 to 1.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <xen/interface/xen.h>
#include <xen/interface/event_channel.h>

#include "evtchn_scan.h"
#include "tap.h"

#define NCPU		4
#define NPAGES		2
#define NPORTS		(NPAGES * PVHVM_FIFO_WORDS_PER_PAGE)
#define NQ		EVTCHN_FIFO_MAX_QUEUES

#define PENDING		(1U << EVTCHN_FIFO_PENDING)
#define MASKED		(1U << EVTCHN_FIFO_MASKED)
#define LINKED		(1U << EVTCHN_FIFO_LINKED)
#define BUSY		(1U << EVTCHN_FIFO_BUSY)
#define LINK_MASK	EVTCHN_FIFO_LINK_MASK

static event_word_t evpages[NPAGES][PVHVM_FIFO_WORDS_PER_PAGE]
	__attribute__((aligned(4096)));
static event_word_t *pages[PVHVM_FIFO_MAX_PAGES];
static struct evtchn_fifo_control_block cb[NCPU];
static struct pvhvm_evtchn ec;
static struct pvhvm_evtchn_cpu pcpu[NCPU];
static const struct pvhvm_evtchn_ops *ops;

/* Host model; the host's own state is under host_lock. */
static pthread_mutex_t host_lock = PTHREAD_MUTEX_INITIALIZER;
static u32 tail[NCPU][NQ];
static u32 notify_vcpu[NPORTS], prio[NPORTS];
static struct { int v, q; } last_q[NPORTS];
static int linked_on[NPORTS];
static u64 raised[NPORTS];
static unsigned int link_failures;

/* Guest side. */
static int bound_to[NPORTS];
static bool gmasked[NPORTS];
static u64 taken[NPORTS];
static u64 misrouted, masked_taken;
static bool check_routing;
static evtchn_port_t order[1 << 16];
static unsigned int norder;
static evtchn_port_t reraise_lo, reraise_hi;
/* Called after each take: a hostile host rewriting the queue. */
static void (*take_hook)(evtchn_port_t port);

static u64 rng = 0xda942042e4dd58b5ULL;

static u64 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static event_word_t *W(evtchn_port_t port)
{
	return &evpages[port / PVHVM_FIFO_WORDS_PER_PAGE]
		       [port % PVHVM_FIFO_WORDS_PER_PAGE];
}

static event_word_t ld(event_word_t *w)
{
	return __atomic_load_n(w, __ATOMIC_SEQ_CST);
}

static bool cas(event_word_t *w, event_word_t *old, event_word_t new)
{
	return __atomic_compare_exchange_n(w, old, new, false,
					   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

/* Link @port behind the tail word iff that is still LINKED. */
static bool host_set_link(event_word_t *tw, evtchn_port_t port)
{
	event_word_t w = ld(tw);
	unsigned int try;

	if (!(w & LINKED))
		return false;
	if (cas(tw, &w, (w & ~(BUSY | LINK_MASK)) | port))
		return true;
	/* The guest may only mask, unmask, clear PENDING or unlink. */
	__atomic_fetch_or(tw, BUSY, __ATOMIC_SEQ_CST);
	for (try = 0; try < 4; try++) {
		w = ld(tw);
		if (!(w & LINKED)) {
			__atomic_fetch_and(tw, ~BUSY, __ATOMIC_SEQ_CST);
			return false;
		}
		if (cas(tw, &w, (w & ~(BUSY | LINK_MASK)) | port))
			return true;
	}
	__atomic_fetch_and(tw, ~BUSY, __ATOMIC_SEQ_CST);
	link_failures++;
	return true;
}

/* Under host_lock. */
static void host_link(evtchn_port_t port)
{
	event_word_t *w = W(port);
	unsigned int v = notify_vcpu[port], q = prio[port];
	bool linked = false;

	if (ld(w) & (MASKED | LINKED))
		return;
	if (__atomic_fetch_or(w, LINKED, __ATOMIC_SEQ_CST) & LINKED)
		return;
	/* A tail that left its queue must not be linked to again. */
	if (last_q[port].v >= 0 && tail[last_q[port].v][last_q[port].q] == port)
		tail[last_q[port].v][last_q[port].q] = 0;
	last_q[port].v = v;
	last_q[port].q = q;
	__atomic_store_n(&linked_on[port], v, __ATOMIC_SEQ_CST);
	if (tail[v][q])
		linked = host_set_link(W(tail[v][q]), port);
	if (!linked)
		__atomic_store_n(&cb[v].head[q], port, __ATOMIC_SEQ_CST);
	tail[v][q] = port;
	if (!linked)
		__atomic_fetch_or(&cb[v].ready, BIT(q), __ATOMIC_SEQ_CST);
}

static void host_raise(evtchn_port_t port)
{
	pthread_mutex_lock(&host_lock);
	if (!(__atomic_fetch_or(W(port), PENDING, __ATOMIC_SEQ_CST) & PENDING))
		raised[port]++;
	host_link(port);
	pthread_mutex_unlock(&host_lock);
}

/* EVTCHNOP_unmask. */
static void host_unmask(evtchn_port_t port)
{
	pthread_mutex_lock(&host_lock);
	__atomic_fetch_and(W(port), ~MASKED, __ATOMIC_SEQ_CST);
	if (ld(W(port)) & PENDING)
		host_link(port);
	pthread_mutex_unlock(&host_lock);
}

/*
 * EVTCHNOP_close (Xen's evtchn_free()): PENDING is cleared, the event
 * dropped, the port back on vCPU 0.  The word is not unlinked, and the
 * queue it was last linked on (last_q) is kept: the port may still be
 * that queue's tail.
 */
static void host_close(evtchn_port_t port)
{
	pthread_mutex_lock(&host_lock);
	if (__atomic_fetch_and(W(port), ~PENDING, __ATOMIC_SEQ_CST) & PENDING)
		raised[port]--;
	notify_vcpu[port] = 0;
	pthread_mutex_unlock(&host_lock);
}

/* Binding a closed port again: refused while its word is still LINKED. */
static bool host_bind(evtchn_port_t port)
{
	bool ok;

	pthread_mutex_lock(&host_lock);
	ok = !(ld(W(port)) & LINKED);
	if (ok) {
		notify_vcpu[port] = 0;
		prio[port] = EVTCHN_FIFO_PRIORITY_DEFAULT;
	}
	pthread_mutex_unlock(&host_lock);
	return ok;
}

static void host_bind_vcpu(evtchn_port_t port, unsigned int v)
{
	pthread_mutex_lock(&host_lock);
	notify_vcpu[port] = v;
	pthread_mutex_unlock(&host_lock);
}

static void host_set_priority(evtchn_port_t port, unsigned int q)
{
	pthread_mutex_lock(&host_lock);
	prio[port] = q;
	pthread_mutex_unlock(&host_lock);
}

static void handler(void *ctx, evtchn_port_t port)
{
	unsigned int cpu = (unsigned long)ctx;

	__atomic_fetch_add(&taken[port], 1, __ATOMIC_RELAXED);
	if (check_routing) {
		if (linked_on[port] != (int)cpu)
			misrouted++;
		if (gmasked[port])
			masked_taken++;
		if (norder < ARRAY_SIZE(order))
			order[norder++] = port;
	}
	if (port >= reraise_lo && port < reraise_hi)
		host_raise(port);
	if (take_hook)
		take_hook(port);
}

static unsigned int scan(unsigned int cpu, unsigned int budget)
{
	return ops->handle_events(&pcpu[cpu], budget, handler,
				  (void *)(unsigned long)cpu);
}

static void guest_mask(evtchn_port_t port)
{
	gmasked[port] = true;
	ops->mask(&ec, port);
}

static void guest_unmask(evtchn_port_t port)
{
	gmasked[port] = false;
	if (ops->unmask(&ec, port))
		host_unmask(port);
}

static void guest_move(evtchn_port_t port, unsigned int cpu)
{
	bool was_masked = gmasked[port];

	guest_mask(port);
	host_bind_vcpu(port, cpu);
	ops->bind_to_cpu(&ec, port, cpu, bound_to[port]);
	bound_to[port] = cpu;
	if (!was_masked)
		guest_unmask(port);
}

/*
 * pvhvm_evtchn_close(): mask, EVTCHNOP_close, clear_pending, then remove
 * until no queue holds the word, a pass of each vCPU in between.
 */
static bool guest_close(evtchn_port_t port)
{
	unsigned int tries, c;

	guest_mask(port);
	host_close(port);
	ops->clear_pending(&ec, port);
	for (tries = 0; tries < 1000; tries++) {
		if (ops->remove(&ec, port, bound_to[port]) != -EBUSY)
			return true;
		for (c = 0; c < NCPU; c++)
			scan(c, 64);
	}
	return false;
}

/*
 * pvhvm_evtchn_bind() on a port number the host hands out again: bound on
 * vCPU 0, set up, unmasked at startup, then moved to @cpu.
 */
static bool guest_bind(evtchn_port_t port, unsigned int cpu)
{
	if (!host_bind(port) || ops->setup(&ec, port))
		return false;
	ops->bind_to_cpu(&ec, port, 0, PVHVM_EVTCHN_NO_CPU);
	bound_to[port] = 0;
	guest_unmask(port);
	if (cpu)
		guest_move(port, cpu);
	return true;
}

static void reset(void)
{
	unsigned int c, i;
	evtchn_port_t p;

	memset(evpages, 0, sizeof(evpages));
	memset(cb, 0, sizeof(cb));
	memset(tail, 0, sizeof(tail));
	memset(raised, 0, sizeof(raised));
	memset(taken, 0, sizeof(taken));
	memset(gmasked, 0, sizeof(gmasked));
	misrouted = masked_taken = 0;
	link_failures = 0;
	norder = 0;
	reraise_lo = reraise_hi = 0;
	take_hook = NULL;
	check_routing = true;
	pvhvm_evtchn_fifo_init(&ec, pages, pcpu, NCPU);
	ops = ec.ops;
	for (c = 0; c < NCPU; c++)
		pvhvm_evtchn_fifo_cpu_init(&ec, c, &cb[c]);
	for (i = 0; i < NPAGES; i++)
		pvhvm_evtchn_fifo_add_page(&ec, evpages[i]);
	for (p = 0; p < NPORTS; p++) {
		notify_vcpu[p] = p % NCPU;
		bound_to[p] = p % NCPU;
		prio[p] = EVTCHN_FIFO_PRIORITY_DEFAULT;
		last_q[p].v = -1;
		linked_on[p] = -1;
	}
}

static bool drain(unsigned int budget)
{
	unsigned int rounds, c;
	bool busy = true;

	for (rounds = 0; busy && rounds < 100000; rounds++) {
		busy = false;
		for (c = 0; c < NCPU; c++) {
			if (!ld(&cb[c].ready) && !pcpu[c].more)
				continue;
			scan(c, budget);
			busy = true;
		}
	}
	return !busy;
}

static unsigned int count_mismatch(u64 *lost, u64 *dup)
{
	unsigned int bad = 0;
	evtchn_port_t p;

	*lost = *dup = 0;
	for (p = 0; p < NPORTS; p++) {
		if (taken[p] < raised[p])
			*lost += raised[p] - taken[p];
		if (taken[p] > raised[p])
			*dup += taken[p] - raised[p];
		bad += taken[p] != raised[p];
	}
	return bad;
}

static void test_basic(void)
{
	reset();
	host_raise(5);
	tap_ok(cb[1].ready == BIT(EVTCHN_FIFO_PRIORITY_DEFAULT) &&
	       cb[1].head[EVTCHN_FIFO_PRIORITY_DEFAULT] == 5 &&
	       *W(5) == (PENDING | LINKED),
	       "raising port 5 links it at the head of vCPU 1's default queue");
	tap_ok(scan(2, 64) == 0 && scan(1, 64) == 1 && taken[5] == 1 &&
	       *W(5) == 0 && !cb[1].ready && !pcpu[1].more && !misrouted,
	       "vCPU 1 takes it once; PENDING and LINKED are clear after");
	tap_ok(!strcmp(ops->name, "FIFO"), "ops name is \"FIFO\"");
}

static void test_order(void)
{
	static const evtchn_port_t seq[] = { 300, 12, 200, 8, 1000 };
	unsigned int i, bad = 0;

	reset();
	for (i = 0; i < ARRAY_SIZE(seq); i++)
		host_raise(seq[i]);
	scan(0, 64);
	for (i = 0; i < ARRAY_SIZE(seq); i++)
		if (norder != ARRAY_SIZE(seq) || order[i] != seq[i])
			bad++;
	tap_ok(!bad, "events of one queue are taken in the order raised");

	reset();
	host_set_priority(44, 12);
	host_set_priority(40, 2);
	host_raise(44);
	host_raise(48);
	host_raise(40);
	scan(0, 64);
	tap_ok(norder == 3 && order[0] == 40 && order[1] == 48 &&
	       order[2] == 44,
	       "higher priorities first: 40 (prio 2), 48 (7), 44 (12)");
}

static void test_masking(void)
{
	reset();
	guest_mask(10);
	host_raise(10);
	tap_ok(!cb[2].ready && scan(2, 64) == 0 && ops->is_pending(&ec, 10),
	       "a masked event is pending but not linked nor taken");
	gmasked[10] = false;
	tap_ok(ops->unmask(&ec, 10) && ops->is_masked(&ec, 10),
	       "unmasking a pending event leaves MASKED and asks for EVTCHNOP_unmask");
	host_unmask(10);
	tap_ok(scan(2, 64) == 1 && taken[10] == 1, "then it is taken once");

	host_raise(14);
	guest_mask(14);
	tap_ok(scan(2, 64) == 0 && (*W(14) & (PENDING | LINKED)) == PENDING,
	       "masked while linked: unlinked but not taken, still pending");
	guest_unmask(14);
	tap_ok(scan(2, 64) == 1 && taken[14] == 1 && !masked_taken,
	       "taken once after unmask; no masked event was ever taken");

	/* A host that keeps BUSY on the word: unmask gives up to it. */
	*W(18) = MASKED | BUSY;
	tap_ok(ops->unmask(&ec, 18) && (*W(18) & MASKED),
	       "unmask of a word the host holds BUSY leaves it to EVTCHNOP_unmask");
	*W(18) = MASKED;
	tap_ok(!ops->unmask(&ec, 18) && *W(18) == 0,
	       "unmask of an idle masked word clears MASKED itself");
}

static void test_budget(void)
{
	unsigned int calls = 0, total = 0;
	evtchn_port_t p;

	reset();
	for (p = 4; p < 4 * 101; p += 4)
		host_raise(p);
	do {
		total += scan(0, 10);
		calls++;
	} while (pcpu[0].more && calls < 100);
	tap_ok(calls == 10 && total == 100 && !count_mismatch(&(u64){0},
							    &(u64){0}),
	       "100 events with budget 10: 10 passes, all taken once (%u passes)",
	       calls);
	tap_ok(!cb[0].ready && !pcpu[0].more,
	       "after the last pass nothing is ready");

	reset();
	reraise_lo = 8;
	reraise_hi = 9;
	host_raise(8);
	tap_ok(scan(0, 10) == 10 && taken[8] == 10 && pcpu[0].more &&
	       pcpu[0].budget_stops == 1,
	       "events raised during a call are taken by it, up to the budget");
}

static void test_fairness(void)
{
	static const unsigned int budgets[] = { 1, 3, 16, 1000 };
	unsigned int b, i, bad = 0, wait, worst = 0;
	evtchn_port_t p;

	/* In a queue: a port raised again at once goes to the back. */
	for (b = 0; b < ARRAY_SIZE(budgets); b++) {
		unsigned int first = ~0U, second = ~0U, others = 0;

		reset();
		reraise_lo = 404;
		reraise_hi = 405;
		host_raise(404);
		for (p = 4; p < NPORTS; p += 4 * 9) {
			host_raise(p);
			others++;
		}
		for (i = 0; i < 10000 && norder < 3 * others; i++)
			scan(0, budgets[b]);
		for (i = 0; i < norder; i++) {
			if (order[i] != 404)
				continue;
			if (first == ~0U)
				first = i;
			else if (second == ~0U)
				second = i;
		}
		if (second == ~0U || second - first - 1 != others)
			bad++;
	}
	tap_ok(!bad, "a port raised again at once waits for all others of its queue (budgets 1..1000; %u bad)",
	       bad);

	/*
	 * Across queues priority is strict, but a pass that runs out of
	 * budget lets every queue it left ready go first next time.
	 */
	bad = 0;
	for (b = 0; b < ARRAY_SIZE(budgets) - 1; b++) {
		reset();
		reraise_lo = 100;
		reraise_hi = 400;
		for (p = 100; p < 100 + 4 * 8; p += 4) {
			host_set_priority(p, 0);
			host_raise(p);
			host_raise(p + 200);
		}
		host_set_priority(1000, EVTCHN_FIFO_PRIORITY_MIN);
		host_raise(1000);
		for (i = 0; i < 100 && !taken[1000]; i++)
			scan(0, budgets[b]);
		for (wait = 0; wait < norder && order[wait] != 1000; wait++)
			;
		if (!taken[1000] || i > 3)
			bad++;
		if (wait > worst)
			worst = wait;
	}
	tap_ok(!bad, "a lowest-priority event is taken within 3 passes while priorities 0 and 7 are raised continuously (worst: after %u events)",
	       worst);
}

/* Link 8 -> 12 -> 8 again, both pending: an endless queue. */
static void relink_cycle(evtchn_port_t port)
{
	*W(8) = PENDING | LINKED | 12;
	*W(12) = PENDING | LINKED | 8;
}

static void test_hostile(void)
{
	unsigned int n;

	reset();
	cb[0].head[3] = NPORTS + 5;
	cb[0].ready = BIT(3);
	n = scan(0, 64);
	tap_ok(n == 0 && pcpu[0].bad_ports == 1 && !cb[0].ready &&
	       !pcpu[0].more,
	       "a HEAD beyond the event array is counted and ends the queue");

	reset();
	*W(8) = PENDING | LINKED | 12;
	*W(12) = PENDING | LINKED | (NPORTS + 100);
	cb[0].head[7] = 8;
	cb[0].ready = BIT(7) | 0xffff0000U;
	n = scan(0, 64);
	tap_ok(n == 2 && pcpu[0].bad_ports == 1 && !pcpu[0].more,
	       "a LINK beyond the event array: the valid events are taken, the bad link counted; bogus READY bits ignored");

	reset();
	take_hook = relink_cycle;
	relink_cycle(0);
	cb[0].head[7] = 8;
	cb[0].ready = BIT(7);
	n = scan(0, 20);
	tap_ok(n == 20 && pcpu[0].more && taken[8] == 10 && taken[12] == 10,
	       "a host that keeps re-linking a cycle gets exactly the budget per pass");
	take_hook = NULL;
	*W(8) = LINKED | 12;
	*W(12) = PENDING | LINKED | 8;
	cb[0].head[7] = 8;
	cb[0].ready = BIT(7);
	pcpu[0].fifo.head[7] = 0;
	memset(taken, 0, sizeof(taken));
	n = scan(0, 20);
	tap_ok(n == 1 && taken[12] == 1 && !pcpu[0].more,
	       "a static link cycle ends once its events are unlinked");
}

static void test_setup(void)
{
	event_word_t *save[1];

	reset();
	tap_ok(ops->setup(&ec, 0) == -EINVAL &&
	       ops->setup(&ec, EVTCHN_FIFO_NR_CHANNELS) == -EINVAL &&
	       ops->setup(&ec, NPORTS - 1) == 0 &&
	       ops->setup(&ec, NPORTS) == -ENOSPC,
	       "setup: port 0 and beyond 2^17 invalid, beyond the pages -ENOSPC");
	tap_ok(scan(0, 8) == 0 && !ops->is_pending(&ec, NPORTS + 3) &&
	       (ops->mask(&ec, NPORTS + 3), true) &&
	       !ops->unmask(&ec, NPORTS + 3),
	       "per-port operations beyond the event array do nothing");

	host_raise(20);
	tap_ok(ops->remove(&ec, 20, 0) == -EBUSY,
	       "remove of a linked event says -EBUSY");
	scan(0, 8);
	tap_ok(ops->remove(&ec, 20, 0) == 0, "and 0 once a pass unlinked it");

	save[0] = evpages[0];
	pvhvm_evtchn_fifo_init(&ec, pages, pcpu, NCPU);
	while (ec.fifo.nr_pages < PVHVM_FIFO_MAX_PAGES)
		pvhvm_evtchn_fifo_add_page(&ec, save[0]);
	tap_ok(pvhvm_evtchn_fifo_add_page(&ec, save[0]) == -ENOSPC &&
	       ec.nr_ports == EVTCHN_FIFO_NR_CHANNELS,
	       "the event array stops at 2^17 ports");
}

/*
 * A port closed and bound again keeps its event word, which may still be
 * the host's tail of the queue it was last linked on.  Its next event
 * must be taken like any other, on the vCPU it is bound to now.
 */
static void test_close_rebind(void)
{
	unsigned int i;
	u64 lost, dup;
	bool ok;

	reset();
	host_raise(5);
	scan(1, 64);
	ok = guest_close(5) && *W(5) == MASKED && guest_bind(5, 1);
	host_raise(5);
	tap_ok(ok && cb[1].head[EVTCHN_FIFO_PRIORITY_DEFAULT] == 5 &&
	       *W(5) == (PENDING | LINKED) && scan(1, 64) == 1 &&
	       taken[5] == 2 && !count_mismatch(&lost, &dup),
	       "a taken port closed and bound again: its next event starts the queue again and is taken");

	host_raise(9);
	host_raise(13);
	ok = ops->remove(&ec, 9, 1) == -EBUSY && guest_close(9) &&
	     taken[9] == 0 && taken[13] == 1 && !(*W(9) & (PENDING | LINKED));
	ok = ok && guest_bind(9, 1);
	host_raise(9);
	tap_ok(ok && scan(1, 64) == 1 && taken[9] == 1 &&
	       !count_mismatch(&lost, &dup) && !misrouted && !masked_taken,
	       "closed while pending and linked: a pass drops it, the port bound again gets its next event");

	host_raise(17);
	scan(1, 64);
	ok = guest_close(17) && guest_bind(17, 2);
	host_raise(17);
	host_raise(21);
	tap_ok(ok && cb[2].head[EVTCHN_FIFO_PRIORITY_DEFAULT] == 17 &&
	       cb[1].head[EVTCHN_FIFO_PRIORITY_DEFAULT] == 21 &&
	       scan(2, 64) == 1 && scan(1, 64) == 1 &&
	       !count_mismatch(&lost, &dup) && !misrouted,
	       "bound again to another vCPU: it goes there, and its old queue starts afresh");

	/* Many times over, the same port, the queue never drained between. */
	for (ok = true, i = 0; i < 200 && ok; i++) {
		host_raise(25);
		host_raise(29);
		ok = guest_close(25) && guest_bind(25, rnd() % NCPU);
		scan(1, 1);
	}
	host_raise(25);
	ok = ok && drain(7);
	tap_ok(ok && !count_mismatch(&lost, &dup) &&
	       !misrouted && !masked_taken && !link_failures,
	       "200 close and rebind cycles with other events queued: none lost (%llu) or duplicated (%llu)",
	       (unsigned long long)lost, (unsigned long long)dup);
}

static void test_random_interleaved(void)
{
	unsigned int i, bad, rebind_failures = 0;
	u64 lost, dup;

	reset();
	for (i = 0; i < 100000; i++) {
		unsigned int r = rnd() % 100;
		evtchn_port_t p = 1 + rnd() % (NPORTS - 1);

		if (rnd() % 2)
			p = 1 + rnd() % 100;
		if (r < 55)
			host_raise(p);
		else if (r < 75)
			scan(rnd() % NCPU, 1 + rnd() % 40);
		else if (r < 82)
			guest_mask(p);
		else if (r < 89)
			guest_unmask(p);
		else if (r < 95)
			guest_move(p, rnd() % NCPU);
		else if (r < 98)
			host_set_priority(p, rnd() % NQ);
		else if (!guest_close(p) || !guest_bind(p, rnd() % NCPU))
			rebind_failures++;
	}
	for (i = 1; i < NPORTS; i++)
		if (gmasked[i])
			guest_unmask(i);
	tap_ok(drain(37), "interleaved run drains");
	bad = count_mismatch(&lost, &dup);
	tap_ok(!bad && !misrouted && !masked_taken && !link_failures &&
	       !rebind_failures,
	       "100000 interleaved steps, ports closed and bound again among them: no lost (%llu), duplicated (%llu), misrouted (%llu) or masked (%llu) event",
	       (unsigned long long)lost, (unsigned long long)dup,
	       (unsigned long long)misrouted,
	       (unsigned long long)masked_taken);
}

#define CONC_CPUS	2
#define CONC_PORTS	128
#define CONC_RAISES	200000

static int host_done;
static pthread_mutex_t move_lock = PTHREAD_MUTEX_INITIALIZER;

static void *host_thread(void *arg)
{
	unsigned int i;
	u64 r = 0x7654321;

	for (i = 0; i < CONC_RAISES; i++) {
		r ^= r << 13;
		r ^= r >> 7;
		r ^= r << 17;
		host_raise(1 + r % (CONC_PORTS - 1));
		if (!(i % 64))
			sched_yield();
		if (!(i % 256))
			host_set_priority(1 + r / 7 % (CONC_PORTS - 1),
					  r / 1000 % NQ);
	}
	__atomic_store_n(&host_done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void *vcpu_thread(void *arg)
{
	unsigned int cpu = (unsigned long)arg, i = 0;
	u64 r = 0x5555 + cpu;

	while (!__atomic_load_n(&host_done, __ATOMIC_SEQ_CST)) {
		if (ld(&cb[cpu].ready) || pcpu[cpu].more)
			scan(cpu, 1 + i % 50);
		if (!(++i % 8)) {
			evtchn_port_t p;

			r ^= r << 13;
			r ^= r >> 7;
			r ^= r << 17;
			p = 1 + r % (CONC_PORTS - 1);
			pthread_mutex_lock(&move_lock);
			guest_move(p, r / CONC_PORTS % CONC_CPUS);
			pthread_mutex_unlock(&move_lock);
		}
	}
	return NULL;
}

static void test_concurrent(void)
{
	pthread_t host, vcpu[CONC_CPUS];
	unsigned long c;
	evtchn_port_t p;
	unsigned int bad;
	u64 lost, dup;

	reset();
	check_routing = false;
	host_done = 0;
	for (p = 1; p < CONC_PORTS; p++)
		guest_move(p, p % CONC_CPUS);
	for (c = 0; c < CONC_CPUS; c++)
		pthread_create(&vcpu[c], NULL, vcpu_thread, (void *)c);
	pthread_create(&host, NULL, host_thread, NULL);
	pthread_join(host, NULL);
	for (c = 0; c < CONC_CPUS; c++)
		pthread_join(vcpu[c], NULL);
	tap_ok(drain(64), "concurrent run drains");
	bad = count_mismatch(&lost, &dup);
	tap_diag("concurrent: %llu + %llu events taken",
		 (unsigned long long)pcpu[0].handled,
		 (unsigned long long)pcpu[1].handled);
	tap_ok(!bad && !link_failures,
	       "host thread raising %d times while %d vCPU threads take and move: none lost (%llu) or duplicated (%llu)",
	       CONC_RAISES, CONC_CPUS, (unsigned long long)lost,
	       (unsigned long long)dup);
}

int main(void)
{
	test_basic();
	test_order();
	test_masking();
	test_budget();
	test_fairness();
	test_hostile();
	test_setup();
	test_close_rebind();
	test_random_interleaved();
	test_concurrent();
	return tap_done();
}
