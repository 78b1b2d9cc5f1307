// SPDX-License-Identifier: GPL-2.0
/*
 * SynIC event flags: the scan of one SINT's flag area and its handler
 * table.  See synic_evt.h for the locking rules.
 *
 * Cost model (the scan is the hot path of every event): the area is read
 * a cache line (eight words) at a time; lines with no handler are skipped
 * through the guest-private group mask without touching host memory; a
 * line with handlers costs eight plain reads (ANDed with the handler masks
 * unless every flag of the line has one) and one branch; only a line with
 * a wanted flag set is walked word by word, and a word costs one atomic
 * only if one of its wanted flags is set: flags are taken a word at a time
 * with one xchg or cmpxchg, not one locked operation per flag.
 *
 * The host only ever sets bits, and the guest clears exactly the wanted
 * bits the atomic returned as set, so a flag the host sets at any moment
 * is either taken now or left for the next interrupt: never lost, never
 * taken twice.
 */
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/barrier.h>

#include "synic_evt.h"

static_assert(SYNIC_EVT_WORDS == HV_EVENT_FLAGS_LONG_COUNT, "flag words");
static_assert(SYNIC_EVT_GROUPS * SYNIC_EVT_GROUP_WORDS == SYNIC_EVT_WORDS,
	      "whole groups");
static_assert(SYNIC_EVT_GROUP_WORDS == 8, "synic_evt_group_hit() reads 8");

/**
 * synic_evt_table_init() - empty a handler table
 * @t: the table
 */
void synic_evt_table_init(struct synic_evt_table *t)
{
	memset(t, 0, sizeof(*t));
}

/*
 * Recompute whether every flag of group @g has a handler, which lets the
 * scan's first look at the group skip the masks.  Only that look uses it:
 * taking flags always goes by the masks, so a stale bit costs a wasted
 * look at most, never a flag.
 */
static void synic_evt_update_full(struct synic_evt_table *t, unsigned int g)
{
	unsigned int i;

	for (i = 0; i < SYNIC_EVT_GROUP_WORDS; i++)
		if (~t->mask[g * SYNIC_EVT_GROUP_WORDS + i])
			break;
	if (i == SYNIC_EVT_GROUP_WORDS)
		/* Pairs with the scan's acquire of groups, read first. */
		smp_store_release(&t->full, t->full | BIT(g));
	else
		WRITE_ONCE(t->full, t->full & ~BIT(g));
}

/**
 * synic_evt_register() - give @flag a handler
 * @t: the SINT's table
 * @flag: flag number, below %HV_EVENT_FLAGS_COUNT
 * @fn: handler
 * @data: passed to @fn
 *
 * Caller serializes writers.  A flag the host set before this call is
 * taken by the next scan.  Returns 0, -EINVAL or -EEXIST.
 */
int synic_evt_register(struct synic_evt_table *t, unsigned int flag,
		       synic_evt_fn fn, void *data)
{
	unsigned int w = BIT_WORD(flag);

	if (flag >= HV_EVENT_FLAGS_COUNT || !fn)
		return -EINVAL;
	if (t->ent[flag].fn)
		return -EEXIST;

	WRITE_ONCE(t->ent[flag].data, data);
	/* Pairs with the scan's acquire of fn: data is visible with fn. */
	smp_store_release(&t->ent[flag].fn, fn);
	/* Pairs with the scan's acquire of mask: fn is set once the bit is. */
	smp_store_release(&t->mask[w], t->mask[w] | BIT_MASK(flag));
	/* Pairs with the scan's acquire of groups: mask[w] is set with it. */
	smp_store_release(&t->groups, t->groups | BIT(SYNIC_EVT_GROUP(w)));
	synic_evt_update_full(t, SYNIC_EVT_GROUP(w));
	return 0;
}

/**
 * synic_evt_unregister() - take @flag's handler away
 * @t: the SINT's table
 * @flag: flag number
 *
 * Caller serializes writers, then waits for scans in flight before it
 * frees the handler's data.  Returns 0, -EINVAL or -ENOENT.
 */
int synic_evt_unregister(struct synic_evt_table *t, unsigned int flag)
{
	unsigned int w = BIT_WORD(flag);
	unsigned int g = SYNIC_EVT_GROUP(w);
	unsigned int i;

	if (flag >= HV_EVENT_FLAGS_COUNT)
		return -EINVAL;
	if (!t->ent[flag].fn)
		return -ENOENT;

	WRITE_ONCE(t->mask[w], t->mask[w] & ~BIT_MASK(flag));
	synic_evt_update_full(t, g);
	for (i = 0; i < SYNIC_EVT_GROUP_WORDS; i++)
		if (t->mask[g * SYNIC_EVT_GROUP_WORDS + i])
			break;
	if (i == SYNIC_EVT_GROUP_WORDS)
		WRITE_ONCE(t->groups, t->groups & ~BIT(g));
	/* A scan that read the old mask sees NULL and counts an orphan. */
	WRITE_ONCE(t->ent[flag].fn, NULL);
	return 0;
}

/**
 * synic_evt_area() - the flag area of @sint in an event flags page
 * @page: the CPU's SIEF page
 * @sint: SINT
 *
 * Returns %NULL if @sint is out of range.
 */
union hv_synic_event_flags *synic_evt_area(struct pvirq_hv_event_page *page,
					   unsigned int sint)
{
	if (sint >= HV_SYNIC_SINT_COUNT)
		return NULL;
	return &page->sint_flags[sint];
}

/*
 * Atomically clear the @want bits set in *@word, @old being a recent read
 * of it with one of them set; return the bits cleared.
 */
static __always_inline unsigned long synic_evt_take(unsigned long *word,
						    unsigned long old,
						    unsigned long want)
{
	unsigned long prev;

	/* Every flag of the word wanted: one xchg takes them all. */
	if (want == ~0UL)
		return xchg(word, 0);
	while (old & want) {
		prev = cmpxchg(word, old, old & ~want);
		if (likely(prev == old))
			return old & want;
		old = prev;
	}
	return 0;
}

/* Any flag set in a group of eight fully handled words (one cache line)? */
static __always_inline unsigned long synic_evt_any8(const unsigned long *f)
{
	return READ_ONCE(f[0]) | READ_ONCE(f[1]) | READ_ONCE(f[2]) |
	       READ_ONCE(f[3]) | READ_ONCE(f[4]) | READ_ONCE(f[5]) |
	       READ_ONCE(f[6]) | READ_ONCE(f[7]);
}

/* Any wanted flag set in a group of eight partly handled words? */
static __always_inline unsigned long synic_evt_want8(const unsigned long *f,
						     const unsigned long *m)
{
	unsigned long hit;

	hit = READ_ONCE(f[0]) & READ_ONCE(m[0]);
	hit |= READ_ONCE(f[1]) & READ_ONCE(m[1]);
	hit |= READ_ONCE(f[2]) & READ_ONCE(m[2]);
	hit |= READ_ONCE(f[3]) & READ_ONCE(m[3]);
	hit |= READ_ONCE(f[4]) & READ_ONCE(m[4]);
	hit |= READ_ONCE(f[5]) & READ_ONCE(m[5]);
	hit |= READ_ONCE(f[6]) & READ_ONCE(m[6]);
	hit |= READ_ONCE(f[7]) & READ_ONCE(m[7]);
	return hit;
}

/* Take and dispatch the @want flags of word @w; returns handlers run. */
static __always_inline unsigned int
synic_evt_word(const struct synic_evt_table *t, unsigned long *word,
	       unsigned long old, unsigned int w, unsigned long want,
	       struct synic_evt_stats *st)
{
	const struct synic_evt_entry *ents = &t->ent[w * BITS_PER_LONG];
	unsigned long got = synic_evt_take(word, old, want);
	unsigned int n = 0;

	while (got) {
		unsigned int b = __ffs(got);
		/* acquire: data is as new as fn */
		synic_evt_fn fn = smp_load_acquire(&ents[b].fn);
		void *data = READ_ONCE(ents[b].data);

		got &= got - 1;
		if (unlikely(!fn)) {
			st->orphans++;
			continue;
		}
		fn(w * BITS_PER_LONG + b, data);
		n++;
	}
	return n;
}

/**
 * synic_evt_scan() - take and dispatch the set flags of one SINT
 * @t: the SINT's handler table
 * @area: the SINT's flag area in this CPU's SIEF page
 * @st: this CPU's counters
 *
 * Every flag with a handler that is set when its word is read is cleared
 * and dispatched exactly once, in flag order.  Returns the number of
 * handlers run.
 */
unsigned int synic_evt_scan(const struct synic_evt_table *t,
			    union hv_synic_event_flags *area,
			    struct synic_evt_stats *st)
{
	/* Pairs with the releases of synic_evt_register(). */
	unsigned long groups = smp_load_acquire(&t->groups);
	unsigned long full = READ_ONCE(t->full);
	unsigned int n = 0;

	while (groups) {
		unsigned int g = __ffs(groups);
		unsigned int w = g * SYNIC_EVT_GROUP_WORDS;
		unsigned int end = w + SYNIC_EVT_GROUP_WORDS;
		unsigned long *f = &area->flags[w];
		unsigned long hit;

		groups &= groups - 1;
		if (full & BIT(g))
			hit = synic_evt_any8(f);
		else
			hit = synic_evt_want8(f, &t->mask[w]);
		if (!hit)
			continue;

		for (; w < end; w++) {
			/* acquire: the handlers of the bits seen are visible */
			unsigned long want = smp_load_acquire(&t->mask[w]);
			unsigned long old = READ_ONCE(area->flags[w]);

			if (old & want)
				n += synic_evt_word(t, &area->flags[w], old, w,
						    want, st);
		}
	}
	st->dispatched += n;
	return n;
}
