// SPDX-License-Identifier: GPL-2.0
/*
 * The "pvi" model's router logic against reference models, with random
 * operations: allowlists (add/del/check with exact and "any" entries, a
 * size cap, growth from empty) against a plain table of every (sender,
 * GSI) pair, and token buckets against a floating-point bucket under a
 * random clock, including clocks that stall or go backwards.  The seed is
 * printed; PVI_SEED=N repeats a run.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tap.h"
#include "model_pvi.h"

#define NS	8	/* senders */
#define NG	40	/* GSIs; index NG stands for "any" */

static u32 rnd(u32 n)
{
	return (u32)random() % n;
}

static void uuid_tests(void)
{
	struct pvi_uuid a, b, c;
	char s[PVI_UUID_STR_LEN + 1];
	u64 lo, hi;
	int i, ok = 1;

	pvi_uuid_derive("g0", &a);
	pvi_uuid_derive("g0", &b);
	pvi_uuid_derive("g1", &c);
	tap_ok(pvi_uuid_eq(&a, &b) && !pvi_uuid_eq(&a, &c),
	       "uuid: derived from the name, stable, distinct per name");
	tap_ok((a.b[6] >> 4) == 8 && (a.b[8] >> 6) == 2,
	       "uuid: version 8, RFC variant");
	for (i = 0; i < 1000; i++) {
		int k;

		for (k = 0; k < 16; k++)
			a.b[k] = random();
		pvi_uuid_format(&a, s);
		if (pvi_uuid_parse(s, &b) || !pvi_uuid_eq(&a, &b))
			ok = 0;
		pvi_uuid_to_regs(&a, &lo, &hi);
		pvi_uuid_from_regs(lo, hi, &c);
		if (!pvi_uuid_eq(&a, &c) || (lo & 0xff) != a.b[0] ||
		    (hi >> 56) != a.b[15])
			ok = 0;
	}
	tap_ok(ok, "uuid: 1000 random UUIDs survive format/parse and %s",
	       "the register form (little-endian loads)");
	tap_ok(pvi_uuid_parse("0123456789abcdef0123456789abcdef0123", &a) == -EINVAL &&
	       pvi_uuid_parse("01234567-89ab-cdef-0123-456789abcdeg", &a) == -EINVAL &&
	       pvi_uuid_parse("01234567-89ab-cdef-0123-456789abcde", &a) == -EINVAL &&
	       pvi_uuid_parse("01234567-89AB-cdef-0123-456789abcdef", &a) == 0,
	       "uuid: bad strings refused, upper case hex taken");
}

/* reference: ref[s][g] for g < NG exact, ref[s][NG] the "any" entry */
static bool ref[NS][NG + 1];

static u32 ref_count(void)
{
	u32 n = 0, s, g;

	for (s = 0; s < NS; s++)
		for (g = 0; g <= NG; g++)
			n += ref[s][g];
	return n;
}

static void allowlist_random(u32 max, u32 ops)
{
	struct pvi_allowlist l = { .max = max };
	struct pvi_uuid who[NS];
	u32 i, s, g, gsi, bad = 0, full = 0, grew_to = 0;
	int ret;

	memset(ref, 0, sizeof(ref));
	for (s = 0; s < NS; s++) {
		memset(&who[s], 0, sizeof(who[s]));
		who[s].b[0] = s;
		who[s].b[15] = 0xa0 | s;	/* differ at both ends */
	}
	for (i = 0; i < ops; i++) {
		s = rnd(NS);
		g = rnd(NG + 1);
		gsi = g == NG ? PVI_GSI_ANY : g;
		switch (rnd(3)) {
		case 0:
			ret = pvi_allow_add(&l, &who[s], gsi);
			if (!ref[s][g] && ref_count() >= max) {
				full++;
				bad += ret != -ENOSPC;
			} else {
				bad += ret != 0;
				ref[s][g] = true;
			}
			break;
		case 1: {
			u32 want = 0, k;

			if (g == NG) {
				for (k = 0; k <= NG; k++) {
					want += ref[s][k];
					ref[s][k] = false;
				}
			} else {
				want = ref[s][g];
				ref[s][g] = false;
			}
			ret = pvi_allow_del(&l, &who[s], gsi);
			bad += want ? ret != (int)want : ret != -ENOENT;
			break;
		}
		default:
			/* a check of a real GSI: exact or "any" */
			g = rnd(NG);
			bad += pvi_allow_check(&l, &who[s], g) !=
			       (ref[s][g] || ref[s][NG]);
			break;
		}
		bad += l.n != ref_count();
		if (l.n > grew_to)
			grew_to = l.n;
	}
	tap_ok(!bad,
	       "allowlist (cap %u): %u random add/revoke/check %s: %u mismatches",
	       max, ops, "against the reference", bad);
	tap_diag("peak %u entries, %u adds refused as full", grew_to, full);
	pvi_allow_clear(&l);
	tap_ok(!l.n && !l.e && !pvi_allow_check(&l, &who[0], 0),
	       "allowlist (cap %u): cleared, it allows nothing", max);
}

static void allowlist_unbounded(void)
{
	struct pvi_allowlist l = { 0 };
	struct pvi_uuid u = { { 0 } };
	u32 i, bad = 0;

	for (i = 0; i < 5000; i++) {
		u.b[0] = i;
		u.b[1] = i >> 8;
		bad += pvi_allow_add(&l, &u, i % 7) != 0;
	}
	bad += l.n != 5000;
	for (i = 0; i < 5000; i += 2) {
		u.b[0] = i;
		u.b[1] = i >> 8;
		bad += pvi_allow_del(&l, &u, PVI_GSI_ANY) != 1;
	}
	for (i = 0; i < 5000; i++) {
		u.b[0] = i;
		u.b[1] = i >> 8;
		bad += pvi_allow_check(&l, &u, i % 7) != (i % 2 == 1);
		bad += pvi_allow_check(&l, &u, (i + 1) % 7);
	}
	tap_ok(!bad && l.n == 2500,
	       "allowlist: no fixed size: 5000 senders added, every other revoked, the rest still allowed (%u mismatches)",
	       bad);
	pvi_allow_clear(&l);
}

/* The same bucket in floating point; differences below 1e-6 token. */
static void bucket_random(u32 rounds)
{
	u32 r, i, bad = 0, takes = 0, refused = 0;

	for (r = 0; r < rounds; r++) {
		struct pvi_bucket b = { 0 };
		u64 rate = 1 + rnd(20000), burst = 1 + rnd(20), now = rnd(1u << 30);
		double level = burst, last = now;

		if (pvi_bucket_set(&b, rate, burst, now))
			bad++;
		for (i = 0; i < 2000; i++) {
			u32 kind = rnd(10);
			bool got, want;

			if (kind < 6)
				now += rnd(100000);		/* fast sends */
			else if (kind < 8)
				now += rnd(1u << 26);		/* pauses */
			else if (kind == 8 && now > 1000)
				now -= rnd(1000);		/* clock going back */
			if (now > last) {
				level += (double)(now - last) / 1000000000.0 * rate;
				if (level > burst)
					level = burst;
				last = now;
			}
			got = pvi_bucket_take(&b, now);
			/* right at the edge, rounding may differ: skip those */
			if (fabs(level - 1.0) < 0.000001) {
				if (got)
					level -= 1.0;
				continue;
			}
			want = level >= 1.0;
			if (want)
				level -= 1.0;
			bad += got != want;
			takes++;
			refused += !got;
		}
	}
	/* both answers must have been exercised for this to mean anything */
	tap_ok(!bad && refused > takes / 20 && refused < takes - takes / 20,
	       "token bucket: %u random buckets, %u sends against the reference: %u mismatches (%u refused)",
	       rounds, takes, bad, refused);
}

static void bucket_edges(void)
{
	struct pvi_bucket b = { 0 };
	u32 i, n = 0;

	tap_ok(pvi_bucket_set(&b, 10, 0, 0) == -EINVAL &&
	       pvi_bucket_set(&b, PVI_BUCKET_RATE_MAX + 1, 1, 0) == -EINVAL &&
	       pvi_bucket_set(&b, 1, PVI_BUCKET_BURST_MAX + 1, 0) == -EINVAL,
	       "token bucket: burst 0 with a rate, rate or burst too large: EINVAL");
	pvi_bucket_set(&b, 0, 0, 0);
	for (i = 0; i < 100000; i++)
		n += pvi_bucket_take(&b, 0);
	tap_ok(n == 100000, "token bucket: rate 0 is unlimited");
	pvi_bucket_set(&b, 100, 10, 0);
	for (n = 0, i = 0; i < 50; i++)
		n += pvi_bucket_take(&b, 0);
	tap_ok(n == 10, "token bucket: a full bucket gives its burst (10) at once, then refuses");
	for (n = 0, i = 0; i < 50; i++)
		n += pvi_bucket_take(&b, 100000000ull);
	tap_ok(n == 10, "token bucket: 100 ms at 100/s refill 10");
	for (n = 0, i = 0; i < 50; i++)
		n += pvi_bucket_take(&b, 1ull << 62);
	tap_ok(n == 10, "token bucket: a huge gap refills to the burst, no overflow");
	pvi_bucket_set(&b, PVI_BUCKET_RATE_MAX, PVI_BUCKET_BURST_MAX, 0);
	for (n = 0, i = 0; i < 2000000; i++)
		n += pvi_bucket_take(&b, 0);
	tap_ok(n == PVI_BUCKET_BURST_MAX,
	       "token bucket: the largest rate and burst, no overflow (%u)", n);
}

int main(void)
{
	const char *env = getenv("PVI_SEED");
	unsigned int seed = env ? strtoul(env, NULL, 0) : (unsigned int)time(NULL);

	tap_diag("seed %u (PVI_SEED=%u repeats this run)", seed, seed);
	srandom(seed);
	uuid_tests();
	allowlist_random(PVI_ALLOW_MAX_DEFAULT, 20000);
	allowlist_random(12, 20000);
	allowlist_unbounded();
	bucket_random(200);
	bucket_edges();
	return tap_done();
}
