// SPDX-License-Identifier: GPL-2.0
/*
 * The "pvi" model's pure logic: UUIDs, receivers' allowlists and senders'
 * token buckets.  Nothing here knows about guests or the core; the unit
 * tests (unit/pvi_router_test.c) drive it against reference models.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_pvi.h"

#define NS_PER_SEC	1000000000ull

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int pvi_uuid_parse(const char *s, struct pvi_uuid *u)
{
	struct pvi_uuid t;
	int i, n = 0, hi, lo;

	if (strlen(s) != PVI_UUID_STR_LEN)
		return -EINVAL;
	for (i = 0; i < PVI_UUID_STR_LEN;) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i++] != '-')
				return -EINVAL;
			continue;
		}
		hi = hexval(s[i]);
		lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		t.b[n++] = hi << 4 | lo;
		i += 2;
	}
	*u = t;
	return 0;
}

void pvi_uuid_format(const struct pvi_uuid *u, char out[PVI_UUID_STR_LEN + 1])
{
	const u8 *b = u->b;

	snprintf(out, PVI_UUID_STR_LEN + 1,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
		 b[10], b[11], b[12], b[13], b[14], b[15]);
}

/* FNV-1a over the name, twice with different offsets, for 128 bits. */
void pvi_uuid_derive(const char *name, struct pvi_uuid *u)
{
	u64 h[2] = { 0xcbf29ce484222325ull, 0x84222325cbf29ce4ull };
	const unsigned char *p;
	int i, k;

	for (k = 0; k < 2; k++)
		for (p = (const unsigned char *)name; *p; p++) {
			h[k] ^= *p;
			h[k] *= 0x100000001b3ull;
		}
	for (k = 0; k < 2; k++)
		for (i = 0; i < 8; i++)
			u->b[k * 8 + i] = h[k] >> (56 - 8 * i);
	u->b[6] = (u->b[6] & 0x0f) | 0x80;	/* version 8: custom */
	u->b[8] = (u->b[8] & 0x3f) | 0x80;	/* variant 10 */
}

void pvi_uuid_from_regs(u64 lo, u64 hi, struct pvi_uuid *u)
{
	int i;

	for (i = 0; i < 8; i++) {
		u->b[i] = lo >> (8 * i);
		u->b[8 + i] = hi >> (8 * i);
	}
}

void pvi_uuid_to_regs(const struct pvi_uuid *u, u64 *lo, u64 *hi)
{
	int i;

	*lo = 0;
	*hi = 0;
	for (i = 0; i < 8; i++) {
		*lo |= (u64)u->b[i] << (8 * i);
		*hi |= (u64)u->b[8 + i] << (8 * i);
	}
}

bool pvi_uuid_eq(const struct pvi_uuid *a, const struct pvi_uuid *b)
{
	return !memcmp(a->b, b->b, sizeof(a->b));
}

static bool ent_is(const struct pvi_allow_ent *e, const struct pvi_uuid *s,
		   u32 gsi)
{
	return e->gsi == gsi && pvi_uuid_eq(&e->sender, s);
}

int pvi_allow_add(struct pvi_allowlist *l, const struct pvi_uuid *s, u32 gsi)
{
	u32 max = l->max ? l->max : PVI_ALLOW_MAX_DEFAULT, i, cap;
	struct pvi_allow_ent *e;

	for (i = 0; i < l->n; i++)
		if (ent_is(&l->e[i], s, gsi))
			return 0;
	if (l->n >= max)
		return -ENOSPC;
	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : 8;
		if (cap > max)
			cap = max;
		e = realloc(l->e, (size_t)cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		l->e = e;
		l->cap = cap;
	}
	l->e[l->n].sender = *s;
	l->e[l->n].gsi = gsi;
	l->n++;
	return 0;
}

int pvi_allow_del(struct pvi_allowlist *l, const struct pvi_uuid *s, u32 gsi)
{
	u32 i = 0;
	int gone = 0;

	while (i < l->n) {
		struct pvi_allow_ent *e = &l->e[i];

		if (pvi_uuid_eq(&e->sender, s) &&
		    (gsi == PVI_GSI_ANY || e->gsi == gsi)) {
			/* order does not matter: fill the hole with the last */
			*e = l->e[--l->n];
			gone++;
			continue;
		}
		i++;
	}
	return gone ? gone : -ENOENT;
}

bool pvi_allow_check(const struct pvi_allowlist *l, const struct pvi_uuid *s,
		     u32 gsi)
{
	u32 i;

	for (i = 0; i < l->n; i++)
		if (pvi_uuid_eq(&l->e[i].sender, s) &&
		    (l->e[i].gsi == gsi || l->e[i].gsi == PVI_GSI_ANY))
			return true;
	return false;
}

void pvi_allow_clear(struct pvi_allowlist *l)
{
	free(l->e);
	l->e = NULL;
	l->n = 0;
	l->cap = 0;
}

int pvi_bucket_set(struct pvi_bucket *b, u64 rate, u64 burst, u64 now_ns)
{
	if (rate > PVI_BUCKET_RATE_MAX || burst > PVI_BUCKET_BURST_MAX ||
	    (rate && !burst))
		return -EINVAL;
	b->rate = rate;
	b->burst = burst;
	b->level = burst * NS_PER_SEC;
	b->last_ns = now_ns;
	return 0;
}

static void refill(struct pvi_bucket *b, u64 now_ns)
{
	u64 full = b->burst * NS_PER_SEC, dt;

	/* a clock that went backwards refills nothing */
	if (now_ns <= b->last_ns)
		return;
	dt = now_ns - b->last_ns;
	b->last_ns = now_ns;
	/* beyond this the bucket is full anyway; keeps dt * rate in range */
	if (dt >= full / b->rate + 1) {
		b->level = full;
		return;
	}
	b->level += dt * b->rate;
	if (b->level > full)
		b->level = full;
}

bool pvi_bucket_take(struct pvi_bucket *b, u64 now_ns)
{
	if (!b->rate)
		return true;
	refill(b, now_ns);
	if (b->level < NS_PER_SEC)
		return false;
	b->level -= NS_PER_SEC;
	return true;
}

u64 pvi_bucket_tokens(struct pvi_bucket *b, u64 now_ns)
{
	if (!b->rate)
		return 0;
	refill(b, now_ns);
	return b->level / NS_PER_SEC;
}
