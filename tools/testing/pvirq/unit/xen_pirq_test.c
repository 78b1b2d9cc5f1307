// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of drivers/xen/pvhvm-irq/pirq_alloc.c: single pirqs and multi-MSI
 * blocks in ranged mode, recording and limits in host-picks mode, and
 * random alloc/free runs checked against a plain reference model.
 */
#include <stdlib.h>
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/string.h>

#include "pirq_alloc.h"
#include "msi_vec0.h"
#include "tap.h"

#define NBITS	1024

static unsigned long map[BITS_TO_LONGS(NBITS)];
static struct pvhvm_pirq_alloc pa;

static u64 rng = 0x2545f4914f6cdd1dULL;

static u64 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void test_init(void)
{
	tap_ok(pvhvm_pirq_init(&pa, map, NBITS, 0, 100) == -EINVAL &&
	       pvhvm_pirq_init(&pa, map, NBITS, 50, 50) == -EINVAL &&
	       pvhvm_pirq_init(&pa, map, NBITS, 60, 50) == -EINVAL &&
	       pvhvm_pirq_init(&pa, map, NBITS, 16, NBITS + 1) == -EINVAL &&
	       pvhvm_pirq_init_host_picks(&pa, map, 1) == -EINVAL,
	       "init refuses an empty range, pirq 0, or a range beyond the bitmap");
}

static void test_single(void)
{
	unsigned int lo = 24, hi = 300, i, bad = 0;
	int p, last = hi;

	pvhvm_pirq_init(&pa, map, NBITS, lo, hi);
	for (i = 0; i < hi - lo; i++) {
		p = pvhvm_pirq_alloc(&pa, PVHVM_PIRQ_ANY);
		/* Top down, each one below the last. */
		if (p < (int)lo || p >= last)
			bad++;
		last = p;
	}
	tap_ok(!bad && last == (int)lo,
	       "single pirqs come from the top of [24, 300) down, all distinct (%u bad)",
	       bad);
	tap_ok(pvhvm_pirq_alloc(&pa, PVHVM_PIRQ_ANY) == -ENOSPC &&
	       pa.in_use == hi - lo && !pvhvm_pirq_check(&pa),
	       "a full range says -ENOSPC; counters agree with the bitmap");
	tap_ok(pvhvm_pirq_free(&pa, 100) == 0 &&
	       pvhvm_pirq_alloc(&pa, PVHVM_PIRQ_ANY) == 100,
	       "a freed pirq is found again");
	for (p = lo; p < (int)hi; p++)
		pvhvm_pirq_free(&pa, p);
	tap_ok(pa.in_use == 0 && pa.nr_alloc == pa.nr_free &&
	       !pvhvm_pirq_check(&pa),
	       "after freeing all: nothing in use, allocs == frees (%llu)",
	       (unsigned long long)pa.nr_alloc);
}

static void test_below(void)
{
	struct pvhvm_msi_msg m;
	int p;

	pvhvm_pirq_init(&pa, map, NBITS, 16, NBITS);
	p = pvhvm_pirq_alloc(&pa, PVHVM_MSI_PIRQ_MAX_32BIT + 1);
	tap_ok(p == 255 && !pvhvm_msi_compose(p, false, &m),
	       "a pirq for a 32-bit MSI device is below 256 and composes (got %d)",
	       p);
	p = pvhvm_pirq_alloc(&pa, PVHVM_PIRQ_ANY);
	tap_ok(p == NBITS - 1 && pvhvm_msi_compose(p, false, &m) == -ERANGE,
	       "an unbounded pirq may be above 255 and is refused for a 32-bit device");
	tap_ok(pvhvm_pirq_alloc(&pa, 16) == -ENOSPC,
	       "no pirq below the range's start");
}

static bool block_free_in_model(const bool *used, u32 lo, u32 top, u32 n)
{
	u32 b, j;

	for (b = (lo + n - 1) & ~(n - 1); b + n <= top; b += n) {
		for (j = 0; j < n && !used[b + j]; j++)
			;
		if (j == n)
			return true;
	}
	return false;
}

static void test_blocks(void)
{
	unsigned int nvec, bad = 0, j;
	int base;

	pvhvm_pirq_init(&pa, map, NBITS, 17, 1000);
	for (nvec = 1; nvec <= 32; nvec++) {
		unsigned int n = pvhvm_pirq_block_size(nvec);

		base = pvhvm_pirq_alloc_block(&pa, nvec, PVHVM_PIRQ_ANY);
		if (base < 17 || (base & (n - 1)) || base + n > 1000 ||
		    n < nvec || (n & (n - 1)))
			bad++;
		for (j = 0; j < n; j++)
			if (!pvhvm_pirq_in_use(&pa, base + j))
				bad++;
	}
	tap_ok(!bad && !pvhvm_pirq_check(&pa),
	       "blocks of 1..32: power-of-two sized, naturally aligned, inside the range (%u bad)",
	       bad);
	tap_ok(pvhvm_pirq_alloc_block(&pa, 0, PVHVM_PIRQ_ANY) == -EINVAL &&
	       pvhvm_pirq_alloc_block(&pa, 33, PVHVM_PIRQ_ANY) == -EINVAL,
	       "blocks of 0 or more than 32 are refused with -EINVAL");

	/* Only one aligned block of 8 left, at 64, between busy pirqs. */
	pvhvm_pirq_init(&pa, map, NBITS, 16, 256);
	for (j = 16; j < 256; j++)
		if (j < 64 || j >= 72)
			pvhvm_pirq_claim(&pa, j);
	pvhvm_pirq_free(&pa, 60);
	pvhvm_pirq_free(&pa, 61);
	pvhvm_pirq_free(&pa, 62);
	pvhvm_pirq_free(&pa, 73);
	base = pvhvm_pirq_alloc_block(&pa, 5, PVHVM_PIRQ_ANY);
	tap_ok(base == 64 &&
	       pvhvm_pirq_alloc_block(&pa, 3, PVHVM_PIRQ_ANY) == -ENOSPC &&
	       pvhvm_pirq_alloc_block(&pa, 2, PVHVM_PIRQ_ANY) == 60,
	       "the only free aligned block is found; unaligned free runs are not used");
	tap_ok(pvhvm_pirq_free_block(&pa, 65, 5) == -EINVAL &&
	       pvhvm_pirq_free_block(&pa, 64, 16) == -EINVAL &&
	       pvhvm_pirq_in_use(&pa, 64) && !pvhvm_pirq_check(&pa),
	       "freeing a block misaligned or larger than held is refused and changes nothing");
	tap_ok(pvhvm_pirq_free_block(&pa, 64, 5) == 0 &&
	       !pvhvm_pirq_in_use(&pa, 71) &&
	       pvhvm_pirq_free(&pa, 64) == -EINVAL && !pvhvm_pirq_check(&pa),
	       "a block frees as a whole; a second free is refused");
}

static void test_random(void)
{
	static bool used[NBITS];
	static struct { int base; unsigned int nvec; } held[NBITS];
	unsigned int nheld = 0, i, bad = 0, false_full = 0, allocs = 0;
	u32 lo = 16, hi = 700;

	memset(used, 0, sizeof(used));
	pvhvm_pirq_init(&pa, map, NBITS, lo, hi);
	for (i = 0; i < 100000; i++) {
		if (nheld && (rnd() % 100 < 45 || nheld == NBITS)) {
			unsigned int k = rnd() % nheld, j;
			unsigned int n = pvhvm_pirq_block_size(held[k].nvec);

			if (pvhvm_pirq_free_block(&pa, held[k].base,
						  held[k].nvec))
				bad++;
			for (j = 0; j < n; j++)
				used[held[k].base + j] = false;
			held[k] = held[--nheld];
		} else {
			unsigned int nvec = rnd() % 4 ? 1 : 1 + rnd() % 32;
			u32 below = rnd() % 3 ? PVHVM_PIRQ_ANY :
				    lo + rnd() % (hi - lo);
			unsigned int n = pvhvm_pirq_block_size(nvec), j;
			u32 top = below < hi ? below : hi;
			int base = pvhvm_pirq_alloc_block(&pa, nvec, below);

			if (base == -ENOSPC) {
				if (block_free_in_model(used, lo, top, n))
					false_full++;
				continue;
			}
			if (base < (int)lo || base + n > top ||
			    (base & (n - 1))) {
				bad++;
				continue;
			}
			for (j = 0; j < n; j++) {
				if (used[base + j])
					bad++;
				used[base + j] = true;
			}
			held[nheld].base = base;
			held[nheld++].nvec = nvec;
			allocs++;
		}
		if (pvhvm_pirq_check(&pa))
			bad++;
	}
	tap_ok(!bad && !false_full,
	       "100000 random alloc/free of blocks and singles match the model (%u allocs, %u bad, %u false -ENOSPC)",
	       allocs, bad, false_full);
	while (nheld) {
		nheld--;
		pvhvm_pirq_free_block(&pa, held[nheld].base,
				      held[nheld].nvec);
	}
	tap_ok(pa.in_use == 0 && pa.nr_alloc == pa.nr_free &&
	       !pvhvm_pirq_check(&pa),
	       "no leak: all freed, allocs == frees == %llu, peak %u",
	       (unsigned long long)pa.nr_free, pa.peak);
}

static void test_host_picks(void)
{
	u64 fails;

	pvhvm_pirq_init_host_picks(&pa, map, 512);
	tap_ok(pvhvm_pirq_alloc(&pa, PVHVM_PIRQ_ANY) == -EOPNOTSUPP &&
	       pvhvm_pirq_alloc_block(&pa, 4, PVHVM_PIRQ_ANY) == -EOPNOTSUPP,
	       "host-picks mode: the guest does not pick pirqs (-EOPNOTSUPP)");
	tap_ok(pvhvm_pirq_claim(&pa, 255) == 0 &&
	       pvhvm_pirq_claim(&pa, 16) == 0 &&
	       pvhvm_pirq_claim(&pa, 255) == -EEXIST,
	       "host-chosen pirqs are recorded; one handed out twice is refused with -EEXIST");
	fails = pa.nr_fail;
	tap_ok(pvhvm_pirq_claim(&pa, 0) == -ERANGE &&
	       pvhvm_pirq_claim(&pa, 512) == -ERANGE &&
	       pvhvm_pirq_claim(&pa, 0xffffffffU) == -ERANGE &&
	       pa.nr_fail == fails + 3 && pa.in_use == 2,
	       "host pirqs 0 or beyond the bitmap are refused with -ERANGE and counted");

	pvhvm_pirq_host_refused(&pa, 0, -ENOSPC);
	tap_ok(pa.host_full, "-ENOSPC from get_free_pirq marks the host full");
	pvhvm_pirq_free(&pa, 16);
	tap_ok(!pa.host_full && pa.in_use == 1,
	       "freeing a pirq clears host_full");
	pvhvm_pirq_host_refused(&pa, 300, -EINVAL);
	pvhvm_pirq_host_refused(&pa, 400, -EINVAL);
	pvhvm_pirq_host_refused(&pa, 200, -EPERM);
	tap_ok(pa.hi == 300,
	       "-EINVAL for pirq 300 makes 300 the limit; a higher one or another error does not (hi %u)",
	       pa.hi);
	pvhvm_pirq_free(&pa, 255);
	tap_ok(pa.in_use == 0 && pa.nr_alloc == pa.nr_free &&
	       !pvhvm_pirq_check(&pa), "host-picks mode leaks nothing");

	/* Ranged mode: a refused pirq lowers the top the guest picks from. */
	pvhvm_pirq_init(&pa, map, NBITS, 16, 1024);
	pvhvm_pirq_host_refused(&pa, 1023, -EINVAL);
	tap_ok(pvhvm_pirq_alloc(&pa, PVHVM_PIRQ_ANY) == 1022,
	       "ranged mode: after the host refuses pirq 1023 the next pick is 1022");
	pvhvm_pirq_claim(&pa, 1021);
	tap_ok(pvhvm_pirq_alloc(&pa, PVHVM_PIRQ_ANY) == 1020,
	       "a claimed host pirq inside the range is never picked");
}

int main(void)
{
	test_init();
	test_single();
	test_below();
	test_blocks();
	test_random();
	test_host_picks();
	return tap_done();
}
