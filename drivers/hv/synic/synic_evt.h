/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SynIC event flags: the scan of one SINT's 2048-flag area and a
 * flag -> handler table.  Pure logic, also built in user space by
 * tools/testing/pvirq/unit.
 *
 * The host sets a flag with an atomic OR and raises the SINT only when the
 * flag goes 0 -> 1; the guest clears flags atomically as it takes them.
 * Hyper-V keeps no summary of which words are set, so the scan keeps its
 * own, guest-private one instead: a mask of the flags that have a handler
 * and a mask of the 64-byte lines of the area that have any.  Lines
 * without a handler are never read; flags without a handler are left set:
 * no handler would take them.
 *
 * Kernel glue, per SINT with events, from the SINT interrupt:
 *
 *	synic_evt_scan(tbl[sint], synic_evt_area(page, sint), &pcpu->stats);
 */
#ifndef _PVIRQ_SYNIC_EVT_H
#define _PVIRQ_SYNIC_EVT_H

#include <linux/types.h>
#include <linux/bits.h>
#include <pvirq/hv_abi.h>

#define SYNIC_EVT_WORDS		(HV_EVENT_FLAGS_COUNT / BITS_PER_LONG)
/* The scan reads the flags a 64-byte cache line at a time. */
#define SYNIC_EVT_GROUP_WORDS	8
#define SYNIC_EVT_GROUPS	(SYNIC_EVT_WORDS / SYNIC_EVT_GROUP_WORDS)
#define SYNIC_EVT_GROUP(w)	((w) / SYNIC_EVT_GROUP_WORDS)

/* An event handler; runs in the SINT interrupt. */
typedef void (*synic_evt_fn)(unsigned int flag, void *data);

/**
 * struct synic_evt_entry - the handler of one flag
 * @fn: handler, %NULL if none.  Published with release semantics after
 *	@data.
 * @data: passed to @fn
 */
struct synic_evt_entry {
	synic_evt_fn fn;
	void *data;
};

/**
 * struct synic_evt_table - handlers of one SINT's flags
 * @groups: bit g set iff a word of group g (words 8g..8g+7) has a
 *	handler
 * @full: bit g set iff every flag of group g has a handler
 * @mask: bit f set iff flag f has a handler
 * @ent: the handlers, indexed by flag
 *
 * About 33 KiB: allocate one per SINT that uses events.  Writers
 * (synic_evt_register(), synic_evt_unregister()) are serialized by the
 * caller.  synic_evt_scan() takes no lock and may run on any CPU at the
 * same time.  After synic_evt_unregister() the caller waits for handlers
 * in flight (in the kernel synchronize_rcu()) before it frees the data or
 * registers the flag again.
 */
struct synic_evt_table {
	unsigned long groups;
	unsigned long full;
	unsigned long mask[SYNIC_EVT_WORDS];
	struct synic_evt_entry ent[HV_EVENT_FLAGS_COUNT];
};

/**
 * struct synic_evt_stats - what one CPU's scans did
 * @dispatched: flags given to a handler
 * @orphans: flags taken while their handler was being removed
 *
 * Written only by the owning CPU.
 */
struct synic_evt_stats {
	u64 dispatched;
	u64 orphans;
};

void synic_evt_table_init(struct synic_evt_table *t);
int synic_evt_register(struct synic_evt_table *t, unsigned int flag,
		       synic_evt_fn fn, void *data);
int synic_evt_unregister(struct synic_evt_table *t, unsigned int flag);
union hv_synic_event_flags *synic_evt_area(struct pvirq_hv_event_page *page,
					   unsigned int sint);
unsigned int synic_evt_scan(const struct synic_evt_table *t,
			    union hv_synic_event_flags *area,
			    struct synic_evt_stats *st);

#endif /* _PVIRQ_SYNIC_EVT_H */
