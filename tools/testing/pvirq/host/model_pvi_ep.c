// SPDX-License-Identifier: GPL-2.0
/*
 * A guest's side of the PVI router, for every model that routes PVIs
 * between the guests of one pvirq-host: the "pvi" model (KVM hypercall,
 * model_pvi.c) and the "hyperv" model's PVI extension (HvSignalEvent,
 * model_hyperv_pvi.c).  The models differ in how a send reaches them and
 * how a GSI is made pending; who may send, the rate limit, the refusal log,
 * the counts and the control commands are this file's, the pure parts of
 * them model_pvi_router.c's.
 *
 * A model finds another guest's endpoint with its own pvi_ep_of_fn, which
 * says NULL for guests of other models: guests of two models never see
 * each other.  Everything runs on the event loop's thread.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model_pvi.h"

static const char *const ref_names[PVI_REF_NR] = {
	"eperm", "enoent", "eshutdown", "ebusy", "einval",
};

void pvi_ep_init(struct pvi_ep *e, struct pvirq_guest *g, u32 nr_gsis,
		 pvi_ep_of_fn of)
{
	memset(e, 0, sizeof(*e));
	e->of = of;
	pvi_uuid_derive(g->name, &e->uuid);
	e->nr_gsis = nr_gsis;
	e->incarnation = 1;
}

void pvi_ep_stop(struct pvi_ep *e)
{
	e->up = false;
	e->incarnation++;
	pvi_allow_clear(&e->allow);
}

struct pvirq_guest *pvi_ep_find_uuid(struct pvirq_host *h, pvi_ep_of_fn of,
				     const struct pvi_uuid *u)
{
	struct pvi_ep *e;
	u32 i;

	for (i = 0; i < h->nguests; i++) {
		e = h->guests[i] ? of(h->guests[i]) : NULL;
		if (e && pvi_uuid_eq(&e->uuid, u))
			return h->guests[i];
	}
	return NULL;
}

enum pvi_refuse pvi_ep_admit(struct pvi_ep *s, struct pvi_ep *r, u32 gsi)
{
	if (!pvi_bucket_take(&s->bucket, pvi_model_clock()))
		return PVI_REF_EBUSY;
	if (!pvi_allow_check(&r->allow, &s->uuid, gsi))
		return PVI_REF_EPERM;
	return PVI_REF_NR;
}

void pvi_ep_delivered(struct pvi_ep *s, struct pvi_ep *r, bool merged)
{
	if (merged) {
		s->c.merged++;
		r->c.rx_merged++;
	} else {
		s->c.delivered++;
		r->c.rx_delivered++;
	}
}

void pvi_ep_refuse(struct pvirq_guest *s, struct pvi_ep *sp,
		   struct pvirq_guest *r, u64 handle, u32 gsi,
		   enum pvi_refuse why, int err)
{
	struct pvi_refusal *e = &sp->refused[sp->nrefused++ % PVI_EP_REFUSED_LOG];
	struct pvi_ep *rp = r ? sp->of(r) : NULL;

	sp->c.refused[why]++;
	if (rp)
		rp->c.rx_refused++;
	e->t_ns = pvi_model_clock();
	e->handle = handle;
	e->gsi = gsi;
	e->err = err;
	strcpy(e->to, r ? r->name : "-");
	pvirq_glog(s, "pvi: send to %s (handle %#llx) GSI %u refused: %s",
		   e->to, (unsigned long long)handle, gsi, ref_names[why]);
}

void pvi_ep_counts(struct pvi_ep *p, struct pvirq_sb *out, bool json)
{
	const char *fmt = json ? "%s\"%s\":%llu" : "%s%s %llu";
	u64 refused = 0;
	int i;

	for (i = 0; i < PVI_REF_NR; i++)
		refused += p->c.refused[i];
#define C(first, name, v) pvirq_sb_printf(out, fmt, first ? "" : (json ? "," : " "), \
					 name, (unsigned long long)(v))
	C(1, "sent", p->c.sent);
	C(0, "delivered", p->c.delivered);
	C(0, "merged", p->c.merged);
	C(0, "refused", refused);
	for (i = 0; i < PVI_REF_NR; i++)
		C(0, ref_names[i], p->c.refused[i]);
	C(0, "rx_delivered", p->c.rx_delivered);
	C(0, "rx_merged", p->c.rx_merged);
	C(0, "rx_refused", p->c.rx_refused);
	C(0, "injected", p->c.injected);
	C(0, "no_vector", p->c.no_vector);
	C(0, "calls", p->c.calls);
#undef C
}

void pvi_ep_state_json(struct pvi_ep *p, struct pvirq_sb *out)
{
	char u[PVI_UUID_STR_LEN + 1];
	u32 i;

	pvi_uuid_format(&p->uuid, u);
	pvirq_sb_printf(out, "\"uuid\":\"%s\",\"up\":%s,\"incarnation\":%u,",
			u, p->up ? "true" : "false", p->incarnation);
	pvirq_sb_printf(out, "\"gsis\":%u,\"rate\":%llu,\"burst\":%llu,",
			p->nr_gsis, (unsigned long long)p->bucket.rate,
			(unsigned long long)p->bucket.burst);
	pvirq_sb_printf(out, "\"allow\":[");
	for (i = 0; i < p->allow.n; i++) {
		pvi_uuid_format(&p->allow.e[i].sender, u);
		if (p->allow.e[i].gsi == PVI_GSI_ANY)
			pvirq_sb_printf(out, "%s[\"%s\",\"any\"]", i ? "," : "", u);
		else
			pvirq_sb_printf(out, "%s[\"%s\",%u]", i ? "," : "", u,
					p->allow.e[i].gsi);
	}
	pvirq_sb_printf(out, "],\"counts\":{");
	pvi_ep_counts(p, out, true);
	pvirq_sb_printf(out, "}");
}

static int parse_u64(const char *s, u64 max, u64 *v)
{
	char *end;

	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end || *v > max ? -EINVAL : 0;
}

/* A UUID, or the name of a guest of the same model (its UUID). */
static int parse_who(struct pvirq_guest *g, struct pvi_ep *p, const char *s,
		     struct pvi_uuid *u)
{
	struct pvirq_guest *o;
	struct pvi_ep *oe;

	if (!pvi_uuid_parse(s, u))
		return 0;
	o = pvirq_host_find(g->host, s);
	oe = o ? p->of(o) : NULL;
	if (!oe)
		return -EINVAL;
	*u = oe->uuid;
	return 0;
}

static int parse_gsi(struct pvi_ep *p, const char *s, u32 *gsi)
{
	u64 v;

	if (!strcmp(s, "any")) {
		*gsi = PVI_GSI_ANY;
		return 0;
	}
	if (!p->nr_gsis || parse_u64(s, p->nr_gsis - 1, &v))
		return -EINVAL;
	*gsi = v;
	return 0;
}

static int cmd_uuid(struct pvirq_guest *g, struct pvi_ep *p, int argc,
		    char **argv, struct pvirq_sb *reply)
{
	char s[PVI_UUID_STR_LEN + 1];
	struct pvirq_guest *o;
	struct pvi_uuid u;

	if (argc == 2) {
		if (pvi_uuid_parse(argv[1], &u)) {
			pvirq_sb_printf(reply, "not a UUID: %s", argv[1]);
			return -EINVAL;
		}
		o = pvi_ep_find_uuid(g->host, p->of, &u);
		if (o && o != g) {
			pvirq_sb_printf(reply, "%s has that UUID already", o->name);
			return -EEXIST;
		}
		p->uuid = u;
	}
	pvi_uuid_format(&p->uuid, s);
	pvirq_sb_printf(reply, "%s", s);
	return 0;
}

static int cmd_allow(struct pvirq_guest *g, struct pvi_ep *p, int argc,
		     char **argv, struct pvirq_sb *reply)
{
	bool allow = !strcmp(argv[0], "allow");
	struct pvi_uuid u;
	u32 gsi;
	int ret;

	if (argc != 3 || parse_who(g, p, argv[1], &u) ||
	    parse_gsi(p, argv[2], &gsi)) {
		pvirq_sb_printf(reply, "usage: %s UUID|GUEST GSI|any (GSI < %u)",
				argv[0], p->nr_gsis);
		return -EINVAL;
	}
	if (!p->up) {
		pvirq_sb_printf(reply, "%s is not receiving (no SETUP)", g->name);
		return -ESHUTDOWN;
	}
	ret = allow ? pvi_allow_add(&p->allow, &u, gsi) :
		      pvi_allow_del(&p->allow, &u, gsi);
	if (ret < 0) {
		pvirq_sb_printf(reply, "%s", allow ? "allowlist full" : "no such entry");
		return ret;
	}
	pvirq_sb_printf(reply, "%u entries", p->allow.n);
	return 0;
}

static int cmd_refused(struct pvi_ep *p, int argc, char **argv,
		       struct pvirq_sb *reply)
{
	u64 i, first;

	if (argc == 2 && !strcmp(argv[1], "clear")) {
		p->nrefused = 0;
		return 0;
	}
	first = p->nrefused > PVI_EP_REFUSED_LOG ?
		p->nrefused - PVI_EP_REFUSED_LOG : 0;
	pvirq_sb_printf(reply, "%llu", (unsigned long long)p->nrefused);
	for (i = first; i < p->nrefused; i++) {
		struct pvi_refusal *e = &p->refused[i % PVI_EP_REFUSED_LOG];

		pvirq_sb_printf(reply, " %s:%u:%s", e->to, e->gsi,
				pvirq_errno_name(e->err));
	}
	return 0;
}

int pvi_ep_command(struct pvirq_guest *g, struct pvi_ep *p, int argc,
		   char **argv, struct pvirq_sb *reply)
{
	u64 a, b;
	u32 i;

	if (!strcmp(argv[0], "uuid") && argc <= 2)
		return cmd_uuid(g, p, argc, argv, reply);
	if (!strcmp(argv[0], "allow") || !strcmp(argv[0], "revoke"))
		return cmd_allow(g, p, argc, argv, reply);
	if (!strcmp(argv[0], "refused") && argc <= 2)
		return cmd_refused(p, argc, argv, reply);
	if (!strcmp(argv[0], "allowlist") && argc == 1) {
		char u[PVI_UUID_STR_LEN + 1];

		pvirq_sb_printf(reply, "%u", p->allow.n);
		for (i = 0; i < p->allow.n; i++) {
			pvi_uuid_format(&p->allow.e[i].sender, u);
			if (p->allow.e[i].gsi == PVI_GSI_ANY)
				pvirq_sb_printf(reply, " %s:any", u);
			else
				pvirq_sb_printf(reply, " %s:%u", u, p->allow.e[i].gsi);
		}
		return 0;
	}
	if (!strcmp(argv[0], "counts") && argc == 1) {
		pvi_ep_counts(p, reply, false);
		return 0;
	}
	if (!strcmp(argv[0], "clear-counts") && argc == 1) {
		memset(&p->c, 0, sizeof(p->c));
		return 0;
	}
	if (!strcmp(argv[0], "rate") && argc == 3) {
		if (parse_u64(argv[1], PVI_BUCKET_RATE_MAX, &a) ||
		    parse_u64(argv[2], PVI_BUCKET_BURST_MAX, &b) ||
		    pvi_bucket_set(&p->bucket, a, b, pvi_model_clock())) {
			pvirq_sb_printf(reply, "usage: rate PER_SECOND BURST%s",
					" (0 0: unlimited; BURST >= 1 with a rate)");
			return -EINVAL;
		}
		return 0;
	}
	if (!strcmp(argv[0], "max-allow") && argc == 2) {
		if (parse_u64(argv[1], 1u << 24, &a) || !a) {
			pvirq_sb_printf(reply, "usage: max-allow N (1..%u)", 1u << 24);
			return -EINVAL;
		}
		p->allow.max = a;
		return 0;
	}
	if (!strcmp(argv[0], "gsis") && argc == 2) {
		if (parse_u64(argv[1], 0xffffffffull, &a)) {
			pvirq_sb_printf(reply, "usage: gsis N");
			return -EINVAL;
		}
		if (p->up) {
			pvirq_sb_printf(reply, "%s is receiving: change it before SETUP",
					g->name);
			return -EBUSY;
		}
		/* any value, even a wrong one: the driver must refuse those */
		p->nr_gsis = a;
		return 0;
	}
	return -ENOTTY;
}
