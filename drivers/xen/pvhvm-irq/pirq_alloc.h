/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bookkeeping of the pirqs this guest uses.  Pure logic, also built in user
 * space by tools/testing/pvirq/unit.
 *
 * Two modes, chosen at init from what the host offers:
 *
 * - ranged: PHYSDEVOP_get_nr_pirqs told us how many pirqs the host has, so
 *   the guest picks MSI pirqs itself, from [lo, hi): single pirqs, or
 *   naturally aligned power-of-two blocks of up to 32 for multi-MSI (message
 *   i of a block is then pirq base | i).  It picks from the top down, away
 *   from the GSI pirqs hosts hand out from 16 up.
 * - host-picks: the host has no get_nr_pirqs (real Xen, QEMU), so it
 *   chooses every pirq (PHYSDEVOP_get_free_pirq, map_pirq with pirq -1) and
 *   the guest only records them.  The host's limit is learnt from its
 *   refusals: -ENOSPC says it is full, -EINVAL for a pirq says that pirq is
 *   beyond it.
 *
 * In both modes pirqs the host chose (GSIs) are recorded with
 * pvhvm_pirq_claim(), so the guest never picks one of them.
 *
 * Locking: none inside.  The caller serializes every call on one allocator
 * (in the driver: its mapping mutex).
 */
#ifndef _PVHVM_PIRQ_ALLOC_H
#define _PVHVM_PIRQ_ALLOC_H

#include <linux/types.h>

/* pirqs are ints in the Xen ABI. */
#define PVHVM_PIRQ_MAX		0x7fffffffU

/* The largest block, in pirqs, for one multi-MSI function (PCI: 32). */
#define PVHVM_PIRQ_BLOCK_MAX	32

/* No upper bound for pvhvm_pirq_alloc()'s @below. */
#define PVHVM_PIRQ_ANY		0xffffffffU

/**
 * struct pvhvm_pirq_alloc - the pirqs in use, and what the host allows
 * @map: bit p set iff pirq p is in use; @nbits bits, caller-allocated
 * @nbits: pirqs @map covers: [0, @nbits)
 * @lo: lowest pirq the guest may pick (ranged mode)
 * @hi: one past the highest pirq the guest may pick or the host accepts;
 *	lowered when the host refuses a pirq
 * @host_picks: true in host-picks mode
 * @host_full: the host said -ENOSPC and no pirq was freed since
 * @in_use: pirqs set in @map
 * @peak: the largest @in_use seen
 * @nr_alloc: pirqs handed out by alloc/alloc_block, or claimed
 * @nr_free: pirqs given back
 * @nr_fail: calls refused (range, exhaustion, double free, bad claim)
 */
struct pvhvm_pirq_alloc {
	unsigned long *map;
	u32 nbits;
	u32 lo;
	u32 hi;
	bool host_picks;
	bool host_full;
	u32 in_use;
	u32 peak;
	u64 nr_alloc;
	u64 nr_free;
	u64 nr_fail;
};

int pvhvm_pirq_init(struct pvhvm_pirq_alloc *pa, unsigned long *map,
		    u32 nbits, u32 lo, u32 hi);
int pvhvm_pirq_init_host_picks(struct pvhvm_pirq_alloc *pa,
			       unsigned long *map, u32 nbits);
int pvhvm_pirq_alloc(struct pvhvm_pirq_alloc *pa, u32 below);
int pvhvm_pirq_alloc_block(struct pvhvm_pirq_alloc *pa, unsigned int nvec,
			   u32 below);
int pvhvm_pirq_free(struct pvhvm_pirq_alloc *pa, u32 pirq);
int pvhvm_pirq_free_block(struct pvhvm_pirq_alloc *pa, u32 base,
			  unsigned int nvec);
int pvhvm_pirq_claim(struct pvhvm_pirq_alloc *pa, u32 pirq);
void pvhvm_pirq_host_refused(struct pvhvm_pirq_alloc *pa, u32 pirq, int err);
bool pvhvm_pirq_in_use(const struct pvhvm_pirq_alloc *pa, u32 pirq);
unsigned int pvhvm_pirq_block_size(unsigned int nvec);
int pvhvm_pirq_check(const struct pvhvm_pirq_alloc *pa);

#endif /* _PVHVM_PIRQ_ALLOC_H */
