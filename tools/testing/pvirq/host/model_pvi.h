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

/*
 * One guest's side of the router, shared by every model that routes PVIs
 * (model_pvi.c over the KVM hypercall, model_hyperv_pvi.c over
 * HvSignalEvent): its UUID, whether and as which incarnation it receives,
 * its allowlist as a receiver, its token bucket and refusal log as a
 * sender, and the counts.  model_pvi_ep.c; the control commands common to
 * those models are pvi_ep_command()'s.
 */
enum pvi_refuse {
	PVI_REF_EPERM,
	PVI_REF_ENOENT,
	PVI_REF_ESHUTDOWN,
	PVI_REF_EBUSY,
	PVI_REF_EINVAL,
	PVI_REF_NR,
};

#define PVI_EP_REFUSED_LOG	64

struct pvi_refusal {
	u64 t_ns;
	u64 handle;
	u32 gsi;
	s32 err;
	char to[PVIRQ_HOST_NAME_MAX + 1];
};

struct pvi_counts {
	/* as a sender */
	u64 sent;			/* send calls */
	u64 delivered;			/* made a GSI pending */
	u64 merged;			/* found it pending already */
	u64 refused[PVI_REF_NR];
	/* as a receiver */
	u64 rx_delivered;
	u64 rx_merged;
	u64 rx_refused;
	u64 injected;
	u64 no_vector;			/* pending, no vCPU had a vector */
	u64 calls;
};

struct pvi_ep;
/* A model's endpoint of @g, or NULL when @g is not one of its guests. */
typedef struct pvi_ep *(*pvi_ep_of_fn)(struct pvirq_guest *g);

struct pvi_ep {
	pvi_ep_of_fn of;
	struct pvi_uuid uuid;
	u32 nr_gsis;
	bool up;
	u32 incarnation;
	struct pvi_allowlist allow;
	struct pvi_bucket bucket;
	struct pvi_counts c;
	struct pvi_refusal refused[PVI_EP_REFUSED_LOG];
	u64 nrefused;			/* ever logged; ring index */
};

/* UUID from the guest's name, not receiving, incarnation 1. */
void pvi_ep_init(struct pvi_ep *e, struct pvirq_guest *g, u32 nr_gsis,
		 pvi_ep_of_fn of);
/* Receiving stops: a new incarnation, the allowlist forgotten. */
void pvi_ep_stop(struct pvi_ep *e);
/* The guest of @of's model with UUID @u, or NULL. */
struct pvirq_guest *pvi_ep_find_uuid(struct pvirq_host *h, pvi_ep_of_fn of,
				     const struct pvi_uuid *u);
/*
 * Whether @s may raise @gsi in @r now: its token bucket, then @r's
 * allowlist.  PVI_REF_NR when it may (a token is taken), else the refusal.
 */
enum pvi_refuse pvi_ep_admit(struct pvi_ep *s, struct pvi_ep *r, u32 gsi);
/* Count a send from @s that set @gsi in @r, or merged with a pending one. */
void pvi_ep_delivered(struct pvi_ep *s, struct pvi_ep *r, bool merged);
/*
 * Count, log and remember a refused send of guest @s, endpoint @sp, to @r
 * (NULL: no such receiver); @err is the errno the sender's driver sees.
 */
void pvi_ep_refuse(struct pvirq_guest *s, struct pvi_ep *sp,
		   struct pvirq_guest *r, u64 handle, u32 gsi,
		   enum pvi_refuse why, int err);
/* "sent N delivered N ..." (or the JSON members, without braces). */
void pvi_ep_counts(struct pvi_ep *e, struct pvirq_sb *out, bool json);
/* "uuid":..,"up":..,...,"allow":[..],"counts":{..} -- no braces. */
void pvi_ep_state_json(struct pvi_ep *e, struct pvirq_sb *out);
/*
 * The commands every routing model takes: uuid, allow, revoke, allowlist,
 * counts, clear-counts, rate, max-allow, refused, gsis.  -ENOTTY when
 * argv[0] is not one of them (nothing written to @reply).
 */
int pvi_ep_command(struct pvirq_guest *g, struct pvi_ep *e, int argc,
		   char **argv, struct pvirq_sb *reply);
#define PVI_EP_COMMANDS	"uuid [UUID], allow|revoke UUID|GUEST GSI|any, allowlist, " \
			"rate PER_SECOND BURST, max-allow N, refused [clear], " \
			"counts, clear-counts, gsis N"

/* The model itself, to tell its guests from others'. */
extern PVIRQ_MODEL_DEFINE(pvi);

/* The model's clock; the unit tests replace it. */
extern u64 (*pvi_model_clock)(void);

#endif /* _MODEL_PVI_H */
