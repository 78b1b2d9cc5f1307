// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of drivers/xen/pvhvm-irq/evtchn_2l.c, the 2-level event scan,
 * against a model of the host's side of the ABI (Xen's event_2l.c
 * semantics: set pending, then flag the bound vCPU's selector unless
 * masked; EVTCHNOP_unmask re-flags a pending port), both interleaved step
 * by step and with the host raising events from its own thread.
 *
 * Every handler call is checked as it happens: the port must be bound to
 * the vCPU that takes it and not masked by the guest.  At the end each
 * port must have been taken exactly as many times as the host turned its
 * pending bit from 0 to 1: fewer is a lost event, more a duplicate.
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
#define NPORTS		EVTCHN_2L_NR_CHANNELS
#define WBITS		PVHVM_2L_WORD_BITS

static struct shared_info si __attribute__((aligned(4096)));
static unsigned long bound[NCPU][BITS_TO_LONGS(NPORTS)];
static struct pvhvm_evtchn ec;
static struct pvhvm_evtchn_cpu pcpu[NCPU];
static const struct pvhvm_evtchn_ops *ops;

/* Host model. */
static u32 notify_vcpu[NPORTS];
static u64 raised[NPORTS];

/* Guest side: what the glue knows, and what the handlers saw. */
static int bound_to[NPORTS];
static bool gmasked[NPORTS];
static u64 taken[NPORTS];
static u64 misrouted, masked_taken;
static bool check_routing;

/* Dispatch order of the last scans, for the fairness tests. */
static evtchn_port_t order[1 << 16];
static unsigned int norder;
/* Port the handler raises again as soon as it takes it; 0 for none. */
static evtchn_port_t reraise_lo, reraise_hi;

static u64 rng = 0x853c49e6748fea9bULL;

static u64 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void host_raise(evtchn_port_t port)
{
	unsigned long bit = BIT(port % WBITS);
	unsigned int w = port / WBITS, v;

	if (__atomic_fetch_or(&si.evtchn_pending[w], bit, __ATOMIC_SEQ_CST) &
	    bit)
		return;
	__atomic_fetch_add(&raised[port], 1, __ATOMIC_RELAXED);
	if (__atomic_load_n(&si.evtchn_mask[w], __ATOMIC_SEQ_CST) & bit)
		return;
	v = __atomic_load_n(&notify_vcpu[port], __ATOMIC_SEQ_CST);
	if (!(__atomic_fetch_or(&si.vcpu_info[v].evtchn_pending_sel,
				BIT(w), __ATOMIC_SEQ_CST) & BIT(w)))
		__atomic_store_n(&si.vcpu_info[v].evtchn_upcall_pending, 1,
				 __ATOMIC_SEQ_CST);
}

/* EVTCHNOP_unmask. */
static void host_unmask(evtchn_port_t port)
{
	unsigned long bit = BIT(port % WBITS);
	unsigned int w = port / WBITS, v;

	if (!(__atomic_fetch_and(&si.evtchn_mask[w], ~bit, __ATOMIC_SEQ_CST) &
	      bit))
		return;
	if (!(__atomic_load_n(&si.evtchn_pending[w], __ATOMIC_SEQ_CST) & bit))
		return;
	v = __atomic_load_n(&notify_vcpu[port], __ATOMIC_SEQ_CST);
	if (!(__atomic_fetch_or(&si.vcpu_info[v].evtchn_pending_sel,
				BIT(w), __ATOMIC_SEQ_CST) & BIT(w)))
		__atomic_store_n(&si.vcpu_info[v].evtchn_upcall_pending, 1,
				 __ATOMIC_SEQ_CST);
}

static void handler(void *ctx, evtchn_port_t port)
{
	unsigned int cpu = (unsigned long)ctx;

	__atomic_fetch_add(&taken[port], 1, __ATOMIC_RELAXED);
	if (check_routing) {
		if (bound_to[port] != (int)cpu)
			misrouted++;
		if (gmasked[port])
			masked_taken++;
		if (norder < ARRAY_SIZE(order))
			order[norder++] = port;
	}
	if (port >= reraise_lo && port < reraise_hi)
		host_raise(port);
}

static unsigned int scan(unsigned int cpu, unsigned int budget)
{
	return ops->handle_events(&pcpu[cpu], budget, handler,
				  (void *)(unsigned long)cpu);
}

/* Guest: unmask, asking the host when the event is pending. */
static void guest_unmask(evtchn_port_t port)
{
	gmasked[port] = false;
	if (ops->unmask(&ec, port))
		host_unmask(port);
}

static void guest_mask(evtchn_port_t port)
{
	gmasked[port] = true;
	ops->mask(&ec, port);
}

/* Affinity change the way the glue does it. */
static void guest_move(evtchn_port_t port, unsigned int cpu)
{
	bool was_masked = gmasked[port];

	guest_mask(port);
	__atomic_store_n(&notify_vcpu[port], cpu, __ATOMIC_SEQ_CST);
	ops->bind_to_cpu(&ec, port, cpu, bound_to[port]);
	bound_to[port] = cpu;
	if (!was_masked)
		guest_unmask(port);
}

static void reset(void)
{
	unsigned int c;
	evtchn_port_t p;

	memset(&si, 0, sizeof(si));
	memset(raised, 0, sizeof(raised));
	memset(taken, 0, sizeof(taken));
	memset(gmasked, 0, sizeof(gmasked));
	misrouted = masked_taken = 0;
	norder = 0;
	reraise_lo = reraise_hi = 0;
	check_routing = true;
	pvhvm_evtchn_2l_init(&ec, &si, pcpu, NCPU);
	ops = ec.ops;
	for (c = 0; c < NCPU; c++)
		pvhvm_evtchn_2l_cpu_init(&ec, c, &si.vcpu_info[c], bound[c]);
	/* Every port but 0 bound, round robin over the vCPUs. */
	for (p = 1; p < NPORTS; p++) {
		notify_vcpu[p] = p % NCPU;
		bound_to[p] = p % NCPU;
		ops->bind_to_cpu(&ec, p, p % NCPU, PVHVM_EVTCHN_NO_CPU);
	}
}

/* Run passes on every vCPU until none has work left; false if stuck. */
static bool drain(unsigned int budget)
{
	unsigned int rounds, c;
	bool busy = true;

	for (rounds = 0; busy && rounds < 100000; rounds++) {
		busy = false;
		for (c = 0; c < NCPU; c++) {
			if (!si.vcpu_info[c].evtchn_upcall_pending &&
			    !pcpu[c].more)
				continue;
			scan(c, budget);
			busy = true;
		}
	}
	return !busy;
}

/* Ports whose taken count differs from the host's 0 -> 1 count. */
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
	unsigned int n, other;

	reset();
	host_raise(5);
	tap_ok(si.vcpu_info[1].evtchn_upcall_pending &&
	       si.vcpu_info[1].evtchn_pending_sel == BIT(0),
	       "raising port 5 flags word 0 on vCPU 1 only");
	other = scan(2, 64);
	n = scan(1, 64);
	tap_ok(other == 0 && n == 1 && taken[5] == 1 && !misrouted &&
	       !si.evtchn_pending[0] && !si.vcpu_info[1].evtchn_pending_sel &&
	       !si.vcpu_info[1].evtchn_upcall_pending && !pcpu[1].more,
	       "vCPU 2 takes nothing; vCPU 1 takes port 5 once and leaves nothing pending");
	tap_ok(scan(1, 64) == 0 && taken[5] == 1,
	       "a second pass takes nothing");

	ops->clear_pending(&ec, 9);
	tap_ok(ops->setup(&ec, 0) == -EINVAL &&
	       ops->setup(&ec, NPORTS) == -EINVAL && !ops->setup(&ec, 4095) &&
	       ops->bind_to_cpu(&ec, 3, NCPU, 3) == -EINVAL &&
	       ops->bind_to_cpu(&ec, NPORTS, 0, 0) == -EINVAL,
	       "setup and bind refuse ports and vCPUs out of range");
	tap_ok(!strcmp(ops->name, "2-level"), "ops name is \"2-level\"");
}

static void test_masking(void)
{
	reset();
	guest_mask(10);
	host_raise(10);
	tap_ok(!si.vcpu_info[2].evtchn_upcall_pending &&
	       ops->is_pending(&ec, 10) && ops->is_masked(&ec, 10) &&
	       scan(2, 64) == 0,
	       "a masked port is pending but flags nothing and is not taken");
	gmasked[10] = false;
	tap_ok(ops->unmask(&ec, 10) && ops->is_masked(&ec, 10),
	       "unmasking a pending port leaves it masked and asks for EVTCHNOP_unmask");
	host_unmask(10);
	tap_ok(scan(2, 64) == 1 && taken[10] == 1,
	       "after EVTCHNOP_unmask it is taken once");

	host_raise(14);
	guest_mask(14);
	tap_ok(scan(2, 64) == 0 && taken[14] == 0 && ops->is_pending(&ec, 14),
	       "masked after the host flagged it: not taken, still pending");
	guest_unmask(14);
	tap_ok(scan(2, 64) == 1 && taken[14] == 1 && !masked_taken,
	       "taken once unmasked; no masked port was ever taken");
	tap_ok(!ops->unmask(&ec, 14) && !ops->is_masked(&ec, 14),
	       "unmasking a port that is not pending needs no hypercall");
}

static void test_budget(void)
{
	unsigned int calls = 0, total = 0, n;
	evtchn_port_t p;

	reset();
	for (p = 4; p < 4 * 100 + 4; p += 4)
		host_raise(p);
	do {
		n = scan(0, 10);
		total += n;
		calls++;
		if (n > 10)
			break;
	} while (pcpu[0].more && calls < 100);
	tap_ok(calls == 10 && total == 100 && count_mismatch(&(u64){0},
							       &(u64){0}) == 0,
	       "100 events with budget 10: 10 passes of 10, each flagged more but the last (%u passes)",
	       calls);
	tap_ok(!pcpu[0].more && !si.vcpu_info[0].evtchn_upcall_pending &&
	       pcpu[0].budget_stops == 9,
	       "after the last pass nothing is flagged (budget stops %llu)",
	       (unsigned long long)pcpu[0].budget_stops);

	reset();
	for (p = 1; p < 200; p++)
		host_raise(p * 4 % NPORTS);
	tap_ok(scan(0, 1) == 1 && pcpu[0].more &&
	       si.vcpu_info[0].evtchn_upcall_pending,
	       "budget 1: one event, the rest flagged again in the shared memory");
	tap_ok(scan(0, 0) == 0 && pcpu[0].more,
	       "budget 0 takes nothing and reports the work left");

	reset();
	reraise_lo = 8;
	reraise_hi = 9;
	host_raise(8);
	tap_ok(scan(0, 10) == 10 && taken[8] == 10 && pcpu[0].more &&
	       pcpu[0].budget_stops == 1,
	       "events raised during a call are taken by it, up to the budget");
}

/* Ports in order[] are strictly circular: each after the one before. */
static bool circular(unsigned int from, unsigned int n)
{
	unsigned int i, wraps = 0;

	for (i = from + 1; i < from + n; i++)
		if (order[i] <= order[i - 1])
			wraps++;
	return wraps <= 1;
}

static void test_resume(void)
{
	unsigned int i, bad = 0;
	evtchn_port_t p;

	reset();
	for (p = 8; p < NPORTS; p += 8 * 7)
		host_raise(p);
	/* Resume in the middle of a word with ports on both sides. */
	pcpu[0].l2.next = 8 * 7 * 20 + 4;
	while (norder < 73 && scan(0, 1) == 1)
		;
	for (i = 1; i < norder; i++) {
		evtchn_port_t want = order[i - 1] + 8 * 7;

		if (want >= NPORTS)
			want = 8;
		if (order[i] != want)
			bad++;
	}
	tap_ok(norder == 73 && !bad && order[0] == 8 + 8 * 7 * 20,
	       "budget 1 passes take ports in circular order from the resume point (%u out of order)",
	       bad);
}

/*
 * A port raised again the moment it is taken (or a whole word of them)
 * must not keep the others waiting: everything else pending is taken
 * before the port comes round again.
 */
static void test_fairness(void)
{
	static const unsigned int budgets[] = { 1, 3, 16, 64, 1000 };
	static const evtchn_port_t hogs[] = { 4, 64 * 20, 4092, 64 * 33 + 36 };
	unsigned int b, h, i, bad = 0, worst = 0, wait;
	evtchn_port_t p;

	for (b = 0; b < ARRAY_SIZE(budgets); b++) {
		for (h = 0; h < ARRAY_SIZE(hogs); h++) {
			unsigned int others = 0, first = ~0U, second = ~0U;

			reset();
			reraise_lo = hogs[h];
			reraise_hi = hogs[h] + 1;
			for (p = 4; p < NPORTS; p += 4 * 9) {
				host_raise(p);
				others += p != hogs[h];
			}
			host_raise(hogs[h]);
			pcpu[0].l2.next = hogs[h];
			for (i = 0; i < 10000 && norder < 3 * others; i++)
				scan(0, budgets[b]);
			for (i = 0; i < norder; i++) {
				if (order[i] != hogs[h])
					continue;
				if (first == ~0U)
					first = i;
				else if (second == ~0U)
					second = i;
			}
			/* Between two takes of the hog: all the others. */
			if (second == ~0U || second - first - 1 != others) {
				bad++;
				tap_diag("budget %u hog %u: first %u second %u others %u norder %u",
					 budgets[b], hogs[h], first, second,
					 others, norder);
			}
		}
	}
	tap_ok(!bad, "a port raised again at once waits for all %s others (budgets 1..1000, 4 positions; %u bad)",
	       "pending", bad);

	/* A whole word raised continuously, one port elsewhere. */
	bad = 0;
	for (b = 0; b < ARRAY_SIZE(budgets); b++) {
		reset();
		check_routing = false;
		reraise_lo = 64 * 7;
		reraise_hi = 64 * 8;
		for (p = reraise_lo; p < reraise_hi; p++) {
			notify_vcpu[p] = 0;
			ops->bind_to_cpu(&ec, p, 0, bound_to[p]);
			bound_to[p] = 0;
			host_raise(p);
		}
		host_raise(64 * 40);
		pcpu[0].l2.next = 64 * 7;
		check_routing = true;
		for (i = 0; i < 1000 && !taken[64 * 40]; i++)
			scan(0, budgets[b]);
		for (wait = 0; wait < norder && order[wait] != 64 * 40; wait++)
			;
		if (!taken[64 * 40] || wait > 64)
			bad++;
		if (wait > worst)
			worst = wait;
	}
	tap_ok(!bad, "a word of 64 ports raised continuously delays another port by at most 64 events (worst %u)",
	       worst);
	tap_ok(circular(0, norder > 64 ? 64 : norder),
	       "and the ports are taken in circular order");
}

static void test_move(void)
{
	reset();
	host_raise(40);		/* bound to vCPU 0 */
	guest_move(40, 3);
	tap_ok(scan(0, 64) == 0 && scan(3, 64) == 1 && taken[40] == 1 &&
	       !misrouted,
	       "an event pending across a move is taken once, by the new vCPU");
	host_raise(40);
	tap_ok(!si.vcpu_info[0].evtchn_upcall_pending &&
	       scan(3, 64) == 1 && taken[40] == 2,
	       "after the move the host flags the new vCPU only");
	tap_ok(ops->remove(&ec, 40, 3) == 0 && (host_raise(40), scan(3, 64)) == 0 &&
	       ops->is_pending(&ec, 40),
	       "a removed port is no longer taken by its old vCPU");
}

/*
 * 100000 random steps: host raises, masks, unmasks, moves between
 * vCPUs, passes with random budgets on random vCPUs; then unmask all and
 * drain.  Each port taken exactly as often as it was raised.
 */
static void test_random_interleaved(void)
{
	unsigned int i, bad;
	u64 lost, dup;

	reset();
	for (i = 0; i < 100000; i++) {
		unsigned int r = rnd() % 100;
		evtchn_port_t p = 1 + rnd() % (NPORTS - 1);

		/* Cluster some of the traffic, to share words. */
		if (rnd() % 2)
			p = 1 + rnd() % 200;
		if (r < 55)
			host_raise(p);
		else if (r < 75)
			scan(rnd() % NCPU, 1 + rnd() % 40);
		else if (r < 83)
			guest_mask(p);
		else if (r < 91)
			guest_unmask(p);
		else
			guest_move(p, rnd() % NCPU);
	}
	for (i = 1; i < NPORTS; i++)
		if (gmasked[i])
			guest_unmask(i);
	tap_ok(drain(37), "interleaved run drains");
	bad = count_mismatch(&lost, &dup);
	tap_ok(!bad && !misrouted && !masked_taken,
	       "100000 interleaved steps: no lost (%llu), duplicated (%llu), misrouted (%llu) or masked (%llu) event",
	       (unsigned long long)lost, (unsigned long long)dup,
	       (unsigned long long)misrouted,
	       (unsigned long long)masked_taken);
}

/*
 * The concurrent run: a host thread and CONC_CPUS vCPU threads on the
 * ports of two words, so that host and guests keep hitting the same words.
 */
#define CONC_CPUS	2
#define CONC_PORTS	128
#define CONC_RAISES	400000

static int host_done;

static void *host_thread(void *arg)
{
	unsigned int i;
	u64 r = 0x1234567;

	for (i = 0; i < CONC_RAISES; i++) {
		r ^= r << 13;
		r ^= r >> 7;
		r ^= r << 17;
		host_raise(1 + r % (CONC_PORTS - 1));
		if (!(i % 4096))
			sched_yield();
	}
	__atomic_store_n(&host_done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static pthread_mutex_t move_lock = PTHREAD_MUTEX_INITIALIZER;

static void *vcpu_thread(void *arg)
{
	unsigned int cpu = (unsigned long)arg, i = 0;
	u64 r = 0x9999 + cpu;

	while (!__atomic_load_n(&host_done, __ATOMIC_SEQ_CST)) {
		if (__atomic_load_n(&si.vcpu_info[cpu].evtchn_upcall_pending,
				    __ATOMIC_SEQ_CST) || pcpu[cpu].more)
			scan(cpu, 1 + i % 50);
		/* Each vCPU also moves ports around, as the glue would. */
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
	tap_ok(!bad, "host thread raising %d times while %d vCPU threads take and move: none lost (%llu) or duplicated (%llu)",
	       CONC_RAISES, CONC_CPUS, (unsigned long long)lost,
	       (unsigned long long)dup);
}

int main(void)
{
	test_basic();
	test_masking();
	test_budget();
	test_resume();
	test_fairness();
	test_move();
	test_random_interleaved();
	test_concurrent();
	return tap_done();
}
