// SPDX-License-Identifier: GPL-2.0
/*
 * The "xen" model's PVI directory: the pvirq host extension of
 * include/pvirq/pvi_xen_abi.h, with which pvi's Xen backend finds a peer's
 * domid by its UUID and the receiver's port for (sender, GSI).
 *
 * Off by default, as real Xen has none of it ("model G pvi on").  Each
 * guest has a UUID -- its Xen domain handle, answered by
 * XENVER_guest_handle -- derived from its name as the pvi model derives
 * it (model_pvi_router.c) unless set with "model G uuid", and a domid the
 * host gives it (1 + its index, "model G domid" to change it; duplicates
 * refused).  The directory keeps nothing of its own but each guest's
 * receiving state: a published port is a flag on the port itself
 * (struct xm_port), so it goes when the port is closed, and Xen's own
 * checks (the port is unbound for that sender) are the allowlist.  The
 * caller of an op is the guest whose channel it came on.
 *
 * Everything runs on the host's event loop thread.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pvirq/pvi_xen_abi.h>

#include "model_xen.h"

#define XM_PVI_HC_NR		0x50560002u
#define XM_PVI_GSIS		64

static bool is_xen(struct pvirq_guest *g)
{
	return g && g->model_priv &&
	       (g->model == &pvirq_model_xen || g->model == &pvirq_model_xen_qemu);
}

/**
 * xm_guest_by_domid() - the attached guest of this model with @domid
 * @h: the host
 * @domid: a domid
 *
 * Return: the guest, or NULL (none, or its VM is not attached: a domain
 * that does not exist).
 */
struct pvirq_guest *xm_guest_by_domid(struct pvirq_host *h, u32 domid)
{
	u32 i;

	for (i = 0; i < h->nguests; i++) {
		struct pvirq_guest *g = h->guests[i];

		if (is_xen(g) && g->connected && xm_of(g)->domid == domid)
			return g;
	}
	return NULL;
}

/* Is @domid some other guest's (attached or not)? */
bool xm_domid_taken(struct pvirq_guest *g, u32 domid)
{
	struct pvirq_host *h = g->host;
	u32 i;

	for (i = 0; h && i < h->nguests; i++)
		if (h->guests[i] != g && is_xen(h->guests[i]) &&
		    xm_of(h->guests[i])->domid == domid)
			return true;
	return false;
}

static struct pvirq_guest *guest_by_uuid(struct pvirq_host *h,
					 const struct pvi_uuid *u)
{
	u32 i;

	for (i = 0; i < h->nguests; i++) {
		struct pvirq_guest *g = h->guests[i];

		if (is_xen(g) && pvi_uuid_eq(&xm_of(g)->uuid, u))
			return g;
	}
	return NULL;
}

bool xm_pvi_cpuid(struct pvirq_guest *g, u32 leaf, u32 regs[4])
{
	struct xm_model *m = xm_of(g);

	if (!m->pvi || leaf != m->cpuid_base + PVI_XEN_CPUID_LEAF_OFFSET)
		return false;
	regs[0] = PVI_XEN_CPUID_MAGIC;
	regs[1] = m->pvi_hc_nr;
	regs[2] = 0;
	regs[3] = m->pvi_gsis;
	return true;
}

static void stop_receiving(struct pvirq_guest *g)
{
	struct xm_model *m = xm_of(g);
	u32 i;

	m->pvi_up = false;
	for (i = 0; i < XM_MAX_PORTS; i++)
		m->port[i].published = false;
}

static s64 op_up(struct pvirq_guest *g, struct pvirq_hc *hc)
{
	struct xm_model *m = xm_of(g);
	struct pvi_xen_up a = { 0 };

	if (!m->pvi_gsis || m->pvi_gsis > PVI_MAX_GSIS) {
		pvirq_glog(g, "xen: pvi: UP refused: %u GSIs make no sense",
			   m->pvi_gsis);
		return -XEN_EINVAL;
	}
	stop_receiving(g);
	/* 0 is never an incarnation: a zeroed handle matches none */
	if (!++m->pvi_incarnation)
		m->pvi_incarnation = 1;
	m->pvi_up = true;
	a.incarnation = m->pvi_incarnation;
	return xm_copy_out(g, hc, 1, &a, sizeof(a), "pvi up");
}

static s64 op_resolve(struct pvirq_guest *g, struct pvirq_hc *hc)
{
	struct pvi_xen_resolve a;
	struct pvirq_guest *r;
	struct pvi_uuid u;

	if (xm_copy_in(g, hc, 1, &a, sizeof(a), "pvi resolve"))
		return -XEN_EFAULT;
	memcpy(u.b, a.uuid, sizeof(u.b));
	r = guest_by_uuid(g->host, &u);
	if (!r || !r->connected)
		return -XEN_ENOENT;
	a.domid = xm_of(r)->domid;
	a.pad = 0;
	a.incarnation = xm_of(r)->pvi_up ? xm_of(r)->pvi_incarnation : 0;
	return xm_copy_out(g, hc, 1, &a, sizeof(a), "pvi resolve");
}

static s64 op_publish(struct pvirq_guest *g, struct pvirq_hc *hc)
{
	struct xm_model *m = xm_of(g);
	struct pvi_xen_publish a;
	struct xm_port *p;
	u32 i;

	if (xm_copy_in(g, hc, 1, &a, sizeof(a), "pvi publish"))
		return -XEN_EFAULT;
	if (!m->pvi_up)
		return -PVI_XEN_ESHUTDOWN;
	if (a.pad || a.gsi >= m->pvi_gsis || !a.port ||
	    !xm_port_valid(m, a.port)) {
		pvirq_glog(g, "xen: pvi: publish of port %u GSI %u: out of range",
			   a.port, a.gsi);
		return -XEN_EINVAL;
	}
	p = &m->port[a.port];
	if (p->state != EVTCHNSTAT_unbound || p->remote_dom != a.remote ||
	    p->published) {
		pvirq_glog(g, "xen: pvi: publish of port %u: not a fresh port unbound for dom %u",
			   a.port, a.remote);
		return -XEN_EINVAL;
	}
	for (i = 1; i < m->nr_ports; i++)
		if (m->port[i].published && m->port[i].pvi_gsi == a.gsi &&
		    m->port[i].remote_dom == a.remote)
			return -XEN_EEXIST;
	p->published = true;
	p->pvi_gsi = a.gsi;
	return 0;
}

static s64 op_lookup(struct pvirq_guest *g, struct pvirq_hc *hc)
{
	struct xm_model *m = xm_of(g), *rm;
	struct pvi_xen_lookup a;
	struct pvirq_guest *r;
	struct xm_port *p;
	u32 i;

	if (xm_copy_in(g, hc, 1, &a, sizeof(a), "pvi lookup"))
		return -XEN_EFAULT;
	r = xm_guest_by_domid(g->host, a.dom);
	if (!r)
		return -XEN_ENOENT;
	rm = xm_of(r);
	if (!rm->pvi_up || a.incarnation != rm->pvi_incarnation)
		return -PVI_XEN_ESHUTDOWN;
	if (a.gsi >= rm->pvi_gsis)
		return -XEN_EINVAL;
	for (i = 1; i < rm->nr_ports; i++) {
		p = &rm->port[i];
		if (!p->published || p->pvi_gsi != a.gsi ||
		    p->remote_dom != m->domid)
			continue;
		if (p->state != EVTCHNSTAT_unbound &&
		    p->state != EVTCHNSTAT_interdomain)
			continue;
		a.port = i;
		return xm_copy_out(g, hc, 1, &a, sizeof(a), "pvi lookup");
	}
	return -XEN_EPERM;
}

/**
 * xm_pvi_hypercall() - the directory's hypercall
 * @g: the caller
 * @hc: a Xen-ABI hypercall of the number CPUID advertises
 *
 * Return: 0 or -XEN_E*; -ENOSYS while the extension is off.
 */
s64 xm_pvi_hypercall(struct pvirq_guest *g, struct pvirq_hc *hc)
{
	struct xm_model *m = xm_of(g);
	s64 ret;

	if (!m->pvi)
		return -PVIRQ_XEN_ENOSYS;
	m->pvi_calls++;
	switch (hc->args[0]) {
	case PVI_XEN_OP_UP:
		ret = op_up(g, hc);
		break;
	case PVI_XEN_OP_DOWN:
		stop_receiving(g);
		ret = 0;
		break;
	case PVI_XEN_OP_RESOLVE:
		ret = op_resolve(g, hc);
		break;
	case PVI_XEN_OP_PUBLISH:
		ret = op_publish(g, hc);
		break;
	case PVI_XEN_OP_LOOKUP:
		ret = op_lookup(g, hc);
		break;
	default:
		ret = -PVIRQ_XEN_ENOSYS;
		break;
	}
	if (ret)
		m->pvi_refused++;
	return ret;
}

static int parse_uuid_arg(struct pvirq_guest *g, const char *s,
			  struct pvirq_sb *reply)
{
	struct xm_model *m = xm_of(g);
	struct pvirq_guest *o;
	struct pvi_uuid u;

	if (pvi_uuid_parse(s, &u)) {
		pvirq_sb_printf(reply, "uuid: xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx");
		return -EINVAL;
	}
	o = guest_by_uuid(g->host, &u);
	if (o && o != g) {
		pvirq_sb_printf(reply, "uuid: guest %s has it", o->name);
		return -EEXIST;
	}
	m->uuid = u;
	return 0;
}

/*
 * "pvi on|off", "uuid [UUID]", "pvi-gsis N", "pvi-hcnr N", "pvi-counts":
 * 0 and the reply, -ENOENT if @argv[0] is not one of these, or -errno.
 */
int xm_pvi_command(struct pvirq_guest *g, int argc, char **argv,
		   struct pvirq_sb *reply)
{
	struct xm_model *m = xm_of(g);
	char s[PVI_UUID_STR_LEN + 1];
	unsigned long v;
	char *end;
	int ret;

	if (!strcmp(argv[0], "uuid") && argc <= 2) {
		if (argc == 2) {
			ret = parse_uuid_arg(g, argv[1], reply);
			if (ret)
				return ret;
		}
		pvi_uuid_format(&m->uuid, s);
		pvirq_sb_printf(reply, "%s", s);
		return 0;
	}
	if (!strcmp(argv[0], "pvi-counts") && argc == 1) {
		pvirq_sb_printf(reply,
				"sent %llu dropped %llu rx_delivered %llu rx_merged %llu calls %llu refused %llu",
				(unsigned long long)m->idc_sent,
				(unsigned long long)m->idc_dropped,
				(unsigned long long)m->idc_rx_delivered,
				(unsigned long long)m->idc_rx_merged,
				(unsigned long long)m->pvi_calls,
				(unsigned long long)m->pvi_refused);
		return 0;
	}
	if (!strcmp(argv[0], "pvi-clear-counts") && argc == 1) {
		m->idc_sent = 0;
		m->idc_dropped = 0;
		m->idc_rx_delivered = 0;
		m->idc_rx_merged = 0;
		m->pvi_calls = 0;
		m->pvi_refused = 0;
		pvirq_sb_printf(reply, "cleared");
		return 0;
	}
	if (argc != 2)
		return -ENOENT;
	if (!strcmp(argv[0], "pvi")) {
		if (!strcmp(argv[1], "on") || !strcmp(argv[1], "off")) {
			m->pvi = argv[1][1] == 'n';
			pvirq_sb_printf(reply, "pvi %s", argv[1]);
			return 0;
		}
		pvirq_sb_printf(reply, "usage: pvi on|off");
		return -EINVAL;
	}
	if (strcmp(argv[0], "pvi-gsis") && strcmp(argv[0], "pvi-hcnr"))
		return -ENOENT;
	errno = 0;
	v = strtoul(argv[1], &end, 0);
	if (errno || end == argv[1] || *end || v > 0xffffffffUL) {
		pvirq_sb_printf(reply, "not a number");
		return -EINVAL;
	}
	if (argv[0][4] == 'g')
		m->pvi_gsis = v;	/* checked at UP: tests of bad hosts */
	else
		m->pvi_hc_nr = v;
	pvirq_sb_printf(reply, "%s %lu", argv[0], v);
	return 0;
}

/* Default configuration of a new guest of the model. */
void xm_pvi_init(struct pvirq_guest *g)
{
	struct xm_model *m = xm_of(g);

	pvi_uuid_derive(g->name, &m->uuid);
	m->pvi_hc_nr = XM_PVI_HC_NR;
	m->pvi_gsis = XM_PVI_GSIS;
}

/* A new VM: not receiving; published ports went with the ports. */
void xm_pvi_reset(struct pvirq_guest *g)
{
	xm_of(g)->pvi_up = false;
}

void xm_pvi_state_json(struct pvirq_guest *g, struct pvirq_sb *out)
{
	struct xm_model *m = xm_of(g);
	char s[PVI_UUID_STR_LEN + 1];

	pvi_uuid_format(&m->uuid, s);
	pvirq_sb_printf(out, "\"pvi\":{\"uuid\":\"%s\"", s);
	xm_json_bool(out, "on", m->pvi);
	xm_json_bool(out, "up", m->pvi_up);
	xm_json_u64(out, "incarnation", m->pvi_incarnation);
	xm_json_u64(out, "gsis", m->pvi_gsis);
	xm_json_u64(out, "hcnr", m->pvi_hc_nr);
	xm_json_u64(out, "sent", m->idc_sent);
	xm_json_u64(out, "dropped", m->idc_dropped);
	xm_json_u64(out, "rx_delivered", m->idc_rx_delivered);
	xm_json_u64(out, "rx_merged", m->idc_rx_merged);
	xm_json_u64(out, "calls", m->pvi_calls);
	xm_json_u64(out, "refused", m->pvi_refused);
	pvirq_sb_printf(out, "}");
}
