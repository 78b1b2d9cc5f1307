// SPDX-License-Identifier: GPL-2.0
/*
 * pirq bookkeeping: what this guest holds and what the host allows; see
 * pirq_alloc.h.  Pure logic on a caller-allocated bitmap.
 */
#include <linux/types.h>
#include <linux/bits.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/string.h>

#include "pirq_alloc.h"

static void pvhvm_pirq_reset(struct pvhvm_pirq_alloc *pa, unsigned long *map,
			     u32 nbits)
{
	memset(pa, 0, sizeof(*pa));
	memset(map, 0, BITS_TO_LONGS(nbits) * sizeof(unsigned long));
	pa->map = map;
	pa->nbits = nbits;
}

/**
 * pvhvm_pirq_init() - set up ranged mode (the host told us its nr_pirqs)
 * @pa: the allocator
 * @map: bitmap of at least @nbits bits, owned by the caller
 * @nbits: pirqs @map can record; pirqs at or above it are refused
 * @lo: lowest pirq the guest may pick, at least 1
 * @hi: one past the highest it may pick, at most @nbits
 *
 * Return: 0, or -EINVAL if the range is empty or does not fit in @map, or
 * @nbits is above %PVHVM_PIRQ_MAX + 1.
 */
int pvhvm_pirq_init(struct pvhvm_pirq_alloc *pa, unsigned long *map,
		    u32 nbits, u32 lo, u32 hi)
{
	if (!lo || lo >= hi || hi > nbits || nbits - 1 > PVHVM_PIRQ_MAX)
		return -EINVAL;
	pvhvm_pirq_reset(pa, map, nbits);
	pa->lo = lo;
	pa->hi = hi;
	return 0;
}

/**
 * pvhvm_pirq_init_host_picks() - set up host-picks mode (no get_nr_pirqs)
 * @pa: the allocator
 * @map: bitmap of at least @nbits bits, owned by the caller
 * @nbits: pirqs @map can record, 2 to %PVHVM_PIRQ_MAX + 1
 *
 * Return: 0, or -EINVAL if @nbits is out of range.
 */
int pvhvm_pirq_init_host_picks(struct pvhvm_pirq_alloc *pa,
			       unsigned long *map, u32 nbits)
{
	if (nbits < 2 || nbits - 1 > PVHVM_PIRQ_MAX)
		return -EINVAL;
	pvhvm_pirq_reset(pa, map, nbits);
	pa->host_picks = true;
	pa->lo = 1;
	pa->hi = nbits;
	return 0;
}

/**
 * pvhvm_pirq_block_size() - pirqs a multi-MSI block of @nvec vectors takes
 * @nvec: vectors the device asks for, 1 to %PVHVM_PIRQ_BLOCK_MAX
 *
 * Return: @nvec rounded up to a power of two (the PCI multiple-message
 * granularity), or 0 if @nvec is out of range.
 */
unsigned int pvhvm_pirq_block_size(unsigned int nvec)
{
	if (!nvec || nvec > PVHVM_PIRQ_BLOCK_MAX)
		return 0;
	return 1U << fls(nvec - 1);
}

/* Bits at every multiple of @n in a word, @n a power of two up to 32. */
static unsigned long pvhvm_pirq_align_mask(unsigned int n)
{
	return ~0UL / (BIT(n) - 1);
}

/*
 * The highest base, a multiple of @n, with pirqs [base, base + @n) all free
 * and inside [lo, top); -1 if there is none.  A block never straddles two
 * words: @n divides BITS_PER_LONG.
 */
static long pvhvm_pirq_find(const struct pvhvm_pirq_alloc *pa, u32 lo,
			    u32 top, unsigned int n)
{
	unsigned long align = pvhvm_pirq_align_mask(n);
	u32 i, first;

	if (top <= lo || top - lo < n)
		return -1;
	first = lo / BITS_PER_LONG;
	for (i = (top - 1) / BITS_PER_LONG; ; i--) {
		u32 base = i * BITS_PER_LONG;
		unsigned long free = ~pa->map[i];
		unsigned int s;

		if (top - base < BITS_PER_LONG)
			free &= BIT(top - base) - 1;
		if (lo > base)
			free &= ~(BIT(lo - base) - 1);
		/* Bit k survives iff bits k .. k + n - 1 are all free. */
		for (s = 1; s < n; s <<= 1)
			free &= free >> s;
		free &= align;
		if (free)
			return base + __fls(free);
		if (i == first)
			return -1;
	}
}

static void pvhvm_pirq_take(struct pvhvm_pirq_alloc *pa, u32 base,
			    unsigned int n)
{
	unsigned int j;

	for (j = 0; j < n; j++)
		__set_bit(base + j, pa->map);
	pa->in_use += n;
	pa->nr_alloc += n;
	if (pa->in_use > pa->peak)
		pa->peak = pa->in_use;
}

static u32 pvhvm_pirq_top(const struct pvhvm_pirq_alloc *pa, u32 below)
{
	return below < pa->hi ? below : pa->hi;
}

/**
 * pvhvm_pirq_alloc() - pick one free pirq (ranged mode)
 * @pa: the allocator
 * @below: the pirq must be below this, e.g. 256 for a device with 32-bit
 *	MSI addresses; %PVHVM_PIRQ_ANY for no bound
 *
 * Return: the pirq, -EOPNOTSUPP in host-picks mode, -ENOSPC if none is
 * free.
 */
int pvhvm_pirq_alloc(struct pvhvm_pirq_alloc *pa, u32 below)
{
	return pvhvm_pirq_alloc_block(pa, 1, below);
}

/**
 * pvhvm_pirq_alloc_block() - pick a block of pirqs for multi-MSI (ranged)
 * @pa: the allocator
 * @nvec: vectors wanted, 1 to %PVHVM_PIRQ_BLOCK_MAX; the block has
 *	pvhvm_pirq_block_size(@nvec) pirqs, its base aligned to that size
 * @below: every pirq of the block must be below this
 *
 * Return: the first pirq of the block, -EINVAL if @nvec is out of range,
 * -EOPNOTSUPP in host-picks mode, -ENOSPC if no such block is free.
 */
int pvhvm_pirq_alloc_block(struct pvhvm_pirq_alloc *pa, unsigned int nvec,
			   u32 below)
{
	unsigned int n = pvhvm_pirq_block_size(nvec);
	long base;

	if (!n) {
		pa->nr_fail++;
		return -EINVAL;
	}
	if (pa->host_picks) {
		pa->nr_fail++;
		return -EOPNOTSUPP;
	}
	base = pvhvm_pirq_find(pa, pa->lo, pvhvm_pirq_top(pa, below), n);
	if (base < 0) {
		pa->nr_fail++;
		return -ENOSPC;
	}
	pvhvm_pirq_take(pa, base, n);
	return base;
}

/**
 * pvhvm_pirq_free() - give back one pirq
 * @pa: the allocator
 * @pirq: a pirq from pvhvm_pirq_alloc() or pvhvm_pirq_claim()
 *
 * Return: 0, or -EINVAL (and nothing changes) if @pirq is not in use.
 */
int pvhvm_pirq_free(struct pvhvm_pirq_alloc *pa, u32 pirq)
{
	return pvhvm_pirq_free_block(pa, pirq, 1);
}

/**
 * pvhvm_pirq_free_block() - give back a block from pvhvm_pirq_alloc_block()
 * @pa: the allocator
 * @base: the block's first pirq
 * @nvec: the @nvec it was allocated with
 *
 * Return: 0, or -EINVAL (and nothing changes) if @nvec is out of range,
 * @base is not aligned to the block, or any pirq of it is not in use.
 */
int pvhvm_pirq_free_block(struct pvhvm_pirq_alloc *pa, u32 base,
			  unsigned int nvec)
{
	unsigned int n = pvhvm_pirq_block_size(nvec);
	unsigned int j;

	if (!n || (base & (n - 1)) || base >= pa->nbits ||
	    pa->nbits - base < n)
		goto refuse;
	for (j = 0; j < n; j++)
		if (!test_bit(base + j, pa->map))
			goto refuse;
	for (j = 0; j < n; j++)
		__clear_bit(base + j, pa->map);
	pa->in_use -= n;
	pa->nr_free += n;
	pa->host_full = false;
	return 0;

refuse:
	pa->nr_fail++;
	return -EINVAL;
}

/**
 * pvhvm_pirq_claim() - record a pirq the host chose
 * @pa: the allocator
 * @pirq: from PHYSDEVOP_get_free_pirq or PHYSDEVOP_map_pirq
 *
 * The value comes from the host: it is checked, not trusted.
 *
 * Return: 0, -ERANGE if @pirq is 0 or beyond what @pa can record, -EEXIST
 * if the guest already holds @pirq.
 */
int pvhvm_pirq_claim(struct pvhvm_pirq_alloc *pa, u32 pirq)
{
	if (!pirq || pirq >= pa->nbits) {
		pa->nr_fail++;
		return -ERANGE;
	}
	if (test_bit(pirq, pa->map)) {
		pa->nr_fail++;
		return -EEXIST;
	}
	pvhvm_pirq_take(pa, pirq, 1);
	return 0;
}

/**
 * pvhvm_pirq_host_refused() - learn from a host refusal
 * @pa: the allocator
 * @pirq: the pirq the host refused, 0 if the call named none
 * @err: the host's error
 *
 * -ENOSPC (get_free_pirq): the host is full; pvhvm_pirq_alloc() is not
 * affected, but @pa->host_full stays set until a pirq is freed, so the
 * driver need not ask again in vain.  -EINVAL for a named @pirq the guest
 * picked (bind_pirq, map_pirq of a guest pirq): @pirq is beyond the host's
 * limit, which becomes the new top of the range.  Only pass -EINVAL when
 * that is what it means.  Other errors teach nothing.
 */
void pvhvm_pirq_host_refused(struct pvhvm_pirq_alloc *pa, u32 pirq, int err)
{
	pa->nr_fail++;
	if (err == -ENOSPC)
		pa->host_full = true;
	else if (err == -EINVAL && pirq && pirq < pa->hi)
		pa->hi = pirq;
}

/**
 * pvhvm_pirq_in_use() - does the guest hold @pirq?
 * @pa: the allocator
 * @pirq: any value
 *
 * Return: true if @pirq is recorded as in use.
 */
bool pvhvm_pirq_in_use(const struct pvhvm_pirq_alloc *pa, u32 pirq)
{
	return pirq < pa->nbits && test_bit(pirq, pa->map);
}

/**
 * pvhvm_pirq_check() - check the bitmap agrees with the counters
 * @pa: the allocator
 *
 * For tests and for the driver's debugfs: a leak or a double count shows
 * as a mismatch.
 *
 * Return: 0 if @in_use equals the bits set, nr_alloc - nr_free equals
 * @in_use and pirq 0 is free; -EIO otherwise.
 */
int pvhvm_pirq_check(const struct pvhvm_pirq_alloc *pa)
{
	u32 i, set = 0;

	for (i = 0; i < BITS_TO_LONGS(pa->nbits); i++)
		set += hweight_long(pa->map[i]);
	if (set != pa->in_use || pa->nr_alloc - pa->nr_free != pa->in_use ||
	    test_bit(0, pa->map))
		return -EIO;
	return 0;
}
