/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "pvi" model's router: what the host keeps to decide whether one guest
 * may raise a GSI in another.  The pure parts -- UUIDs, allowlists, token
 * buckets -- are in model_pvi_router.c with no tie to the core, so the unit
 * tests drive them directly; model_pvi.c is the model that uses them.
 */
#ifndef _MODEL_PVI_H
#define _MODEL_PVI_H

#include <stdbool.h>
#include "pvirq_model.h"
#include <pvirq/pvi_abi.h>

#define PVI_UUID_STR_LEN	36

struct pvi_uuid {
	u8 b[16];
};

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", hex either case: 0 or -EINVAL */
int pvi_uuid_parse(const char *s, struct pvi_uuid *u);
/* Lower case, NUL terminated. */
void pvi_uuid_format(const struct pvi_uuid *u, char out[PVI_UUID_STR_LEN + 1]);
/* A stable UUID for a guest name (version 8, RFC 9562 variant). */
void pvi_uuid_derive(const char *name, struct pvi_uuid *u);
/* As the ABI passes a UUID: bytes 0..7 and 8..15, little-endian loads. */
void pvi_uuid_from_regs(u64 lo, u64 hi, struct pvi_uuid *u);
void pvi_uuid_to_regs(const struct pvi_uuid *u, u64 *lo, u64 *hi);
bool pvi_uuid_eq(const struct pvi_uuid *a, const struct pvi_uuid *b);

/*
 * A receiver's allowlist: (sender, GSI) pairs, GSI PVI_GSI_ANY meaning
 * every GSI.  No fixed size: it grows as ALLOW calls fill it, up to @max
 * entries (then -ENOSPC).  Entries are unique.
 */
struct pvi_allow_ent {
	struct pvi_uuid sender;
	u32 gsi;
};

struct pvi_allowlist {
	struct pvi_allow_ent *e;
	u32 n;
	u32 cap;
	u32 max;
};

#define PVI_ALLOW_MAX_DEFAULT	65536

/* 0 (also when present already), -ENOSPC or -ENOMEM */
int pvi_allow_add(struct pvi_allowlist *l, const struct pvi_uuid *s, u32 gsi);
/*
 * Removes (s, gsi); gsi PVI_GSI_ANY removes every entry of @s.  A specific
 * GSI does not remove an "any" entry.  Returns how many went, or -ENOENT.
 */
int pvi_allow_del(struct pvi_allowlist *l, const struct pvi_uuid *s, u32 gsi);
/* May @s raise @gsi: an exact entry or an "any" entry of @s. */
bool pvi_allow_check(const struct pvi_allowlist *l, const struct pvi_uuid *s,
		     u32 gsi);
void pvi_allow_clear(struct pvi_allowlist *l);

/*
 * A token bucket: @rate tokens per second, at most @burst saved up; a send
 * takes one.  @rate 0: unlimited.  The level is kept in billionths of a
 * token so that nanosecond clocks refill exactly.
 */
struct pvi_bucket {
	u64 rate;
	u64 burst;
	u64 level;
	u64 last_ns;
};

#define PVI_BUCKET_RATE_MAX	1000000000ull
#define PVI_BUCKET_BURST_MAX	1000000ull

/* 0 or -EINVAL (rate or burst too large, burst 0 with a rate); full bucket */
int pvi_bucket_set(struct pvi_bucket *b, u64 rate, u64 burst, u64 now_ns);
bool pvi_bucket_take(struct pvi_bucket *b, u64 now_ns);
/* Whole tokens available at @now_ns, for the state. */
u64 pvi_bucket_tokens(struct pvi_bucket *b, u64 now_ns);

/* The model itself, to tell its guests from others'. */
extern PVIRQ_MODEL_DEFINE(pvi);

/* The model's clock; the unit tests replace it. */
extern u64 (*pvi_model_clock)(void);

#endif /* _MODEL_PVI_H */
