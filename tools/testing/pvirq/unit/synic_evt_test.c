// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of drivers/hv/synic/synic_evt.c, the event-flag scan, against a
 * plain reference scan and the host model in synic_hostmodel.c.
 */
#include <linux/compiler.h>
#include <linux/bitops.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>

#include "synic_evt.h"
#include "model_hyperv_synic.h"
#include "tap.h"

#define NFLAGS		HV_EVENT_FLAGS_COUNT
#define T_SINT		9

static struct pvirq_hv_event_page evpage;
static struct synic_evt_table tbl;

/* What the handlers saw, in order. */
static struct {
	unsigned int n;
	unsigned int flag[NFLAGS * 4];
	u64 count[NFLAGS];
	unsigned int wrong_data;
} seen;

static unsigned int tags[NFLAGS];

static void rec_fn(unsigned int flag, void *data)
{
	if (data != &tags[flag])
		seen.wrong_data++;
	if (seen.n < ARRAY_SIZE(seen.flag))
		seen.flag[seen.n++] = flag;
	seen.count[flag]++;
}

static void seen_reset(void)
{
	memset(&seen, 0, sizeof(seen));
}

static unsigned int rnd(unsigned int *s)
{
	*s = *s * 1103515245 + 12345;
	return (*s >> 8) & 0xffffff;
}

static union hv_synic_event_flags *area(void)
{
	return synic_evt_area(&evpage, T_SINT);
}

static void test_table(void)
{
	struct synic_evt_stats st = { 0 };

	synic_evt_table_init(&tbl);
	tap_ok(synic_evt_register(&tbl, NFLAGS, rec_fn, NULL) == -EINVAL &&
	       synic_evt_register(&tbl, 3, NULL, NULL) == -EINVAL,
	       "register rejects flag 2048 and a missing handler");
	tap_ok(synic_evt_register(&tbl, 3, rec_fn, &tags[3]) == 0 &&
	       synic_evt_register(&tbl, 3, rec_fn, &tags[3]) == -EEXIST,
	       "a flag takes one handler, the second is -EEXIST");
	tap_ok(synic_evt_unregister(&tbl, 4) == -ENOENT &&
	       synic_evt_unregister(&tbl, NFLAGS) == -EINVAL &&
	       synic_evt_unregister(&tbl, 3) == 0 &&
	       synic_evt_unregister(&tbl, 3) == -ENOENT,
	       "unregister: -ENOENT, -EINVAL, then once only");
	tap_ok(!tbl.groups && !tbl.mask[0],
	       "last handler gone: group summary empty again");
	tap_ok(synic_evt_area(&evpage, 15) == &evpage.sint_flags[15] &&
	       !synic_evt_area(&evpage, 16),
	       "flag area lookup is bounded by the SINT count");
	tap_ok(synic_evt_scan(&tbl, area(), &st) == 0,
	       "empty table scans nothing");
}

static void test_scan_basic(void)
{
	static const unsigned int reg[] = { 0, 63, 64, 1000, 2047 };
	struct synic_evt_stats st = { 0 };
	unsigned long *w = area()->flags;
	unsigned int i, n;
	bool order = true;

	synic_evt_table_init(&tbl);
	memset(&evpage, 0, sizeof(evpage));
	for (i = 0; i < ARRAY_SIZE(reg); i++)
		synic_evt_register(&tbl, reg[i], rec_fn, &tags[reg[i]]);
	for (i = 0; i < ARRAY_SIZE(reg); i++)
		set_bit(reg[i], w);
	set_bit(5, w);
	set_bit(1500, w);
	set_bit(70, evpage.sint_flags[T_SINT + 1].flags);

	seen_reset();
	n = synic_evt_scan(&tbl, area(), &st);
	for (i = 0; i < ARRAY_SIZE(reg) && i < seen.n; i++)
		order &= seen.flag[i] == reg[i];
	tap_ok(n == 5 && seen.n == 5 && order && !seen.wrong_data &&
	       st.dispatched == 5,
	       "scan dispatches each set flag with a handler once, in flag order, with its data");
	tap_ok(w[0] == BIT(5) && w[1] == 0 && w[15] == 0 && w[31] == 0 &&
	       test_bit(1500, w) && test_bit(70, evpage.sint_flags[T_SINT + 1].flags),
	       "taken flags cleared; flags without a handler and other SINTs untouched");
	seen_reset();
	tap_ok(synic_evt_scan(&tbl, area(), &st) == 0 && !seen.n,
	       "second scan finds nothing new");

	synic_evt_register(&tbl, 1500, rec_fn, &tags[1500]);
	n = synic_evt_scan(&tbl, area(), &st);
	tap_ok(n == 1 && seen.n == 1 && seen.flag[0] == 1500 && !test_bit(1500, w),
	       "a flag set before its handler existed is taken by the next scan");

	synic_evt_unregister(&tbl, 64);
	set_bit(64, w);
	seen_reset();
	tap_ok(synic_evt_scan(&tbl, area(), &st) == 0 && test_bit(64, w),
	       "unregistered flag is no longer taken");

	/* a scan racing with unregister: mask still set, handler gone */
	set_bit(63, w);
	tbl.ent[63].fn = NULL;
	tap_ok(synic_evt_scan(&tbl, area(), &st) == 0 && st.orphans == 1 &&
	       !test_bit(63, w),
	       "flag taken while its handler is going away is counted as orphan");
}

/* Plain per-bit scan, the reference the fast one must agree with. */
static unsigned int ref_scan(const unsigned long *mask, unsigned long *flags,
			     unsigned int *out)
{
	unsigned int f, n = 0;

	for (f = 0; f < NFLAGS; f++)
		if (test_bit(f, mask) && test_and_clear_bit(f, flags))
			out[n++] = f;
	return n;
}

static void test_vs_reference(void)
{
	static unsigned long mask[SYNIC_EVT_WORDS], ref[SYNIC_EVT_WORDS];
	static unsigned int expect[NFLAGS];
	struct synic_evt_stats st = { 0 };
	unsigned int rng = 42, iter, bad = 0, total = 0;

	for (iter = 0; iter < 2000; iter++) {
		unsigned int dens_r = rnd(&rng) % 5, dens_s = rnd(&rng) % 5;
		unsigned int f, n;

		synic_evt_table_init(&tbl);
		memset(mask, 0, sizeof(mask));
		for (f = 0; f < NFLAGS; f++) {
			/* densities from none to all, words often empty */
			bool r = dens_r == 4 || (rnd(&rng) % 64) < dens_r * dens_r * 4;
			bool s = dens_s == 4 || (rnd(&rng) % 64) < dens_s * dens_s * 4;

			if (r) {
				synic_evt_register(&tbl, f, rec_fn, &tags[f]);
				set_bit(f, mask);
			}
			if (s)
				set_bit(f, area()->flags);
			else
				clear_bit(f, area()->flags);
		}
		memcpy(ref, area()->flags, sizeof(ref));
		n = ref_scan(mask, ref, expect);
		seen_reset();
		synic_evt_scan(&tbl, area(), &st);
		total += n;
		if (seen.n != n || memcmp(seen.flag, expect, n * sizeof(*expect)) ||
		    memcmp(ref, area()->flags, sizeof(ref)) || seen.wrong_data)
			bad++;
	}
	tap_ok(!bad && total > 100000,
	       "2000 random tables and patterns: same flags taken and left as a plain scan (%u events, %u mismatches)",
	       total, bad);
}

static void test_model(void)
{
	static struct synic_hm_vcpu v;
	static u64 raised[NFLAGS];
	struct synic_evt_stats st = { 0 };
	unsigned int rng = 7, i, f, bad = 0, pending = 0;
	unsigned long irqs;

	synic_hm_init(&v);
	tap_ok(synic_hm_signal(&v, T_SINT, 1) == -ENXIO,
	       "signal with the event page off is -ENXIO");
	synic_hm_set_siefp(&v, &evpage);
	synic_hm_set_scontrol(&v, true);
	synic_hm_set_sint(&v, T_SINT, 0x90);
	tap_ok(synic_hm_signal(&v, T_SINT, NFLAGS) == -EINVAL &&
	       synic_hm_signal(&v, 16, 0) == -EINVAL,
	       "signal of flag 2048 or SINT 16 is -EINVAL");

	synic_evt_table_init(&tbl);
	synic_evt_register(&tbl, 77, rec_fn, &tags[77]);
	seen_reset();
	tap_ok(synic_hm_signal(&v, T_SINT, 77) == 1 &&
	       synic_hm_take_irqs(&v) == BIT(T_SINT),
	       "flag 0 -> 1 raises the SINT");
	tap_ok(synic_hm_signal(&v, T_SINT, 77) == 0 && !synic_hm_take_irqs(&v),
	       "flag already set: no interrupt");
	tap_ok(synic_evt_scan(&tbl, area(), &st) == 1 && seen.count[77] == 1 &&
	       synic_hm_signal(&v, T_SINT, 77) == 1 &&
	       synic_hm_take_irqs(&v) == BIT(T_SINT),
	       "after the guest takes it, the next signal raises again");
	synic_evt_scan(&tbl, area(), &st);
	synic_hm_set_sint(&v, T_SINT, 0x90 | HV_SYNIC_SINT_MASKED);
	tap_ok(synic_hm_signal(&v, T_SINT, 77) == 1 && !synic_hm_take_irqs(&v) &&
	       v.lost_masked[T_SINT] == 1 && test_bit(77, area()->flags),
	       "masked SINT: flag set, interrupt lost");
	synic_hm_set_sint(&v, T_SINT, 0x90);
	synic_evt_scan(&tbl, area(), &st);

	/* random signals, scans on interrupts, handlers coming and going */
	memset(&evpage, 0, sizeof(evpage));
	synic_evt_table_init(&tbl);
	seen_reset();
	for (i = 0; i < 200000; i++) {
		unsigned int r = rnd(&rng) % 100;

		f = rnd(&rng) % 256 * 8 + rnd(&rng) % 8;
		if (r < 70) {
			if (synic_hm_signal(&v, T_SINT, f) == 1)
				raised[f]++;
		} else if (r < 90) {
			irqs = synic_hm_take_irqs(&v);
			if (irqs & BIT(T_SINT))
				synic_evt_scan(&tbl, area(), &st);
		} else if (r < 97) {
			synic_evt_register(&tbl, f, rec_fn, &tags[f]);
		} else {
			synic_evt_unregister(&tbl, f);
		}
	}
	/* every flag gets a handler, then one more interrupt */
	for (f = 0; f < NFLAGS; f++)
		synic_evt_register(&tbl, f, rec_fn, &tags[f]);
	synic_evt_scan(&tbl, area(), &st);
	for (f = 0; f < NFLAGS; f++) {
		pending += test_bit(f, area()->flags);
		if (raised[f] != seen.count[f])
			bad++;
	}
	tap_diag("model run: %llu dispatched", (unsigned long long)st.dispatched);
	tap_ok(!bad && !pending && st.dispatched > 50000 && !seen.wrong_data,
	       "random run against the model: each 0 -> 1 dispatched exactly once (%u flags differ)",
	       bad);
	synic_hm_destroy(&v);
}

/* ---- the host setting flags from another thread during scans ---- */

#define THR_SIGNALS	400000

struct ev_thr {
	struct synic_hm_vcpu v;
	u64 raised[NFLAGS];
	bool done;
};

static void *signal_thread(void *arg)
{
	struct ev_thr *th = arg;
	unsigned int rng = 1234, i;

	for (i = 0; i < THR_SIGNALS; i++) {
		/* a few hot words and a spread: contention on shared words */
		unsigned int f = rnd(&rng) % 2 ? rnd(&rng) % 128 :
			rnd(&rng) % NFLAGS;

		if (synic_hm_signal(&th->v, T_SINT, f) == 1)
			th->raised[f]++;
	}
	__atomic_store_n(&th->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static void test_threads(void)
{
	static struct ev_thr th;
	struct synic_evt_stats st = { 0 };
	unsigned int f, bad = 0;
	pthread_t host;

	synic_hm_init(&th.v);
	synic_hm_set_siefp(&th.v, &evpage);
	synic_hm_set_scontrol(&th.v, true);
	synic_hm_set_sint(&th.v, T_SINT, 0x90);
	synic_evt_table_init(&tbl);
	for (f = 0; f < NFLAGS; f++)
		synic_evt_register(&tbl, f, rec_fn, &tags[f]);
	seen_reset();

	pthread_create(&host, NULL, signal_thread, &th);
	for (;;) {
		bool done = __atomic_load_n(&th.done, __ATOMIC_ACQUIRE);

		if (synic_hm_take_irqs(&th.v)) {
			synic_evt_scan(&tbl, area(), &st);
			continue;
		}
		if (done)
			break;
		sched_yield();
	}
	pthread_join(host, NULL);
	for (f = 0; f < NFLAGS; f++)
		if (th.raised[f] != seen.count[f])
			bad++;
	tap_diag("threads: %llu events dispatched", (unsigned long long)st.dispatched);
	tap_ok(!bad && st.dispatched > 1000,
	       "host setting flags during scans: none lost, none taken twice (%u flags differ)",
	       bad);
	synic_hm_destroy(&th.v);
}

int main(void)
{
	test_table();
	test_scan_basic();
	test_vs_reference();
	test_model();
	test_threads();
	return tap_done();
}
