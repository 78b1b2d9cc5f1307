// SPDX-License-Identifier: GPL-2.0
/*
 * The "xen" model between guests: interdomain event channels across three
 * guests of one host (domids the host gives, Xen's errnos of
 * event_channel.c), a peer whose VM goes away, and the PVI directory
 * extension (pvi_xen_abi.h): CPUID, UP/DOWN, RESOLVE, PUBLISH, LOOKUP and
 * XENVER_guest_handle.  Then a random mix of sends, guest-side takes of
 * the pending bit and closes against a reference count: for the receiver,
 * pending + merged == sends that reached it, and a send on a closed
 * channel never reaches it.
 */
#include <pvirq/pvi_xen_abi.h>

#include "xenmodel_test.h"

#define NG	3

struct trio {
	struct pvirq_host *h;
	struct pvirq_guest *g[NG];
	char *logbuf;
	size_t loglen;
};

static void trio_start(struct trio *t)
{
	char name[16];
	int i, fd;

	memset(t, 0, sizeof(*t));
	t->h = pvirq_host_new(NULL);
	if (!t->h)
		abort();
	t->h->log = open_memstream(&t->logbuf, &t->loglen);
	if (!t->h->log)
		abort();
	for (i = 0; i < NG; i++) {
		char path[] = "/tmp/xenmodel-idc-XXXXXX";
		struct pvirq_guest_cfg cfg = {
			.name = name, .model = "xen", .ram_path = path,
			.max_vcpus = 1,
		};

		snprintf(name, sizeof(name), "g%d", i);
		fd = mkstemp(path);
		if (fd < 0 || ftruncate(fd, XT_RAM_SIZE))
			abort();
		close(fd);
		t->g[i] = pvirq_guest_new(t->h, &cfg);
		if (!t->g[i] || pvirq_guest_map_ram(t->g[i]))
			abort();
		unlink(path);
		t->g[i]->irq_fd[0] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (t->g[i]->irq_fd[0] < 0)
			abort();
		t->g[i]->connected = true;
		t->g[i]->ready = true;
		t->g[i]->nr_cpus = 1;
	}
}

static void trio_stop(struct trio *t)
{
	FILE *f = t->h->log;

	pvirq_host_free(t->h);
	fclose(f);
	free(t->logbuf);
}

static s64 hc(struct pvirq_guest *g, u32 nr, u64 cmd, void *arg, u32 len)
{
	struct pvirq_hc c = {
		.abi = PVIRQ_HC_ABI_XEN, .nr = nr, .args = { cmd },
	};
	u64 buf[PVIRQ_WIRE_BUF_MAX / 8];
	s64 ret;

	if (arg) {
		memset(buf, 0, sizeof(buf));
		memcpy(buf, arg, len);
		c.nbufs = 1;
		c.buf[0] = (struct pvirq_hc_buf) {
			.data = (u8 *)buf, .len = len, .arg = 1,
			.dir = PVIRQ_HC_BUF_IN | PVIRQ_HC_BUF_OUT,
		};
	}
	ret = g->model->hypercall(g, 0, &c);
	if (arg)
		memcpy(arg, buf, len);
	return ret;
}

#define EVT(g, cmd, a)	hc(g, __HYPERVISOR_event_channel_op, cmd, a, sizeof(*(a)))
#define DIR(g, op, a)	hc(g, XM(g)->pvi_hc_nr, op, a, sizeof(*(a)))

static struct xm_model *XM(struct pvirq_guest *g)
{
	return g->model_priv;
}

static int cmd(struct pvirq_guest *g, const char *line)
{
	char buf[256], *argv[16], *save = NULL, *tok;
	struct pvirq_sb reply = { 0 };
	int argc = 0, ret;

	snprintf(buf, sizeof(buf), "%s", line);
	for (tok = strtok_r(buf, " ", &save); tok && argc < 16;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	ret = g->model->command(g, argc, argv, &reply);
	pvirq_sb_free(&reply);
	return ret;
}

static s64 alloc_unbound(struct pvirq_guest *g, u32 remote, u32 *port)
{
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = remote };
	s64 ret = EVT(g, EVTCHNOP_alloc_unbound, &a);

	*port = a.port;
	return ret;
}

static s64 bind(struct pvirq_guest *g, u32 dom, u32 rport, u32 *port)
{
	struct evtchn_bind_interdomain a = { .remote_dom = dom, .remote_port = rport };
	s64 ret = EVT(g, EVTCHNOP_bind_interdomain, &a);

	*port = a.local_port;
	return ret;
}

static s64 send(struct pvirq_guest *g, u32 port)
{
	struct evtchn_send a = { .port = port };

	return EVT(g, EVTCHNOP_send, &a);
}

static s64 evclose(struct pvirq_guest *g, u32 port)
{
	struct evtchn_close a = { .port = port };

	return EVT(g, EVTCHNOP_close, &a);
}

static struct evtchn_status status(struct pvirq_guest *g, u32 port)
{
	struct evtchn_status a = { .dom = DOMID_SELF, .port = port };

	EVT(g, EVTCHNOP_status, &a);
	return a;
}

/* The guest's scan: take the port's pending bit (2-level, shadow page). */
static bool take(struct pvirq_guest *g, u32 port)
{
	xen_ulong_t *w = &xm_shinfo(g)->evtchn_pending[port / 64];

	return __atomic_fetch_and(w, ~(1ull << (port % 64)),
				  __ATOMIC_SEQ_CST) & (1ull << (port % 64));
}

static void channels(void)
{
	struct evtchn_status st;
	struct trio t;
	u32 p, l, x;

	trio_start(&t);
	tap_ok(XM(t.g[0])->domid == 1 && XM(t.g[1])->domid == 2 &&
	       XM(t.g[2])->domid == 3, "the host gives each guest its own domid");
	tap_ok(cmd(t.g[0], "domid 2") == -EEXIST && cmd(t.g[0], "domid 7") == 0 &&
	       cmd(t.g[0], "domid 1") == 0,
	       "domid: another guest's is refused");
	tap_ok(alloc_unbound(t.g[1], 1, &p) == 0 &&
	       status(t.g[1], p).status == EVTCHNSTAT_unbound &&
	       status(t.g[1], p).u.unbound.dom == 1,
	       "B allocates a port unbound for A's domain");
	tap_ok(alloc_unbound(t.g[1], 77, &x) == 0 && evclose(t.g[1], x) == 0,
	       "alloc_unbound takes a domid no guest has, as Xen does");
	tap_ok(bind(t.g[2], 2, p, &x) == -EINVAL,
	       "C binding to B's port for A: EINVAL");
	tap_ok(bind(t.g[0], 9, p, &x) == -ESRCH, "binding in a domain that does not exist: ESRCH");
	tap_ok(bind(t.g[0], 2, 4000, &x) == -EINVAL, "binding to a port out of range: EINVAL");
	tap_ok(bind(t.g[0], 2, p, &l) == 0 && take(t.g[0], l),
	       "A binds to it; Xen raises A's new end once");
	st = status(t.g[0], l);
	tap_ok(st.status == EVTCHNSTAT_interdomain && st.u.interdomain.dom == 2 &&
	       st.u.interdomain.port == p, "A's status: interdomain with B's port");
	st = status(t.g[1], p);
	tap_ok(st.status == EVTCHNSTAT_interdomain && st.u.interdomain.dom == 1 &&
	       st.u.interdomain.port == l, "B's status: interdomain with A's port");
	tap_ok(bind(t.g[0], 2, p, &x) == -EINVAL, "binding a bound port again: EINVAL");
	tap_ok(send(t.g[0], l) == 0 && send(t.g[0], l) == 0 &&
	       XM(t.g[1])->idc_rx_delivered == 1 && XM(t.g[1])->idc_rx_merged == 1 &&
	       XM(t.g[0])->idc_sent == 2 && take(t.g[1], p),
	       "A's sends make B's port pending; the second merges");
	tap_ok(send(t.g[1], p) == 0 && take(t.g[0], l) &&
	       XM(t.g[0])->idc_rx_delivered == 1,
	       "a channel works both ways");
	tap_ok(evclose(t.g[1], p) == 0, "B closes its end");
	st = status(t.g[0], l);
	tap_ok(st.status == EVTCHNSTAT_unbound && st.u.unbound.dom == 2,
	       "A's end is unbound for B's domain");
	tap_ok(send(t.g[0], l) == 0 && XM(t.g[0])->idc_dropped == 1 &&
	       XM(t.g[1])->idc_rx_delivered == 1,
	       "a send on it is dropped with 0, as Xen does");
	tap_ok(alloc_unbound(t.g[1], 1, &p) == 0 && bind(t.g[1], 1, l, &x) == 0,
	       "B can bind to A's now unbound end");
	pvirq_guest_reset(t.g[0]);
	tap_ok(status(t.g[1], x).status == EVTCHNSTAT_unbound,
	       "A's VM goes: B's end is unbound");
	tap_ok(bind(t.g[0], 2, p, &l) == 0, "A's new VM binds again");
	t.g[1]->connected = false;
	tap_ok(status(t.g[0], l).status == EVTCHNSTAT_unbound &&
	       bind(t.g[2], 2, 1, &x) == -ESRCH,
	       "B detached: A's end reads unbound, B's domain is gone");
	t.g[1]->connected = true;
	trio_stop(&t);

	trio_start(&t);
	cmd(t.g[1], "personality qemu");
	tap_ok(alloc_unbound(t.g[1], 1, &p) == -EPERM,
	       "qemu personality: no channels to other domains");
	trio_stop(&t);
}

static void cpuid(struct pvirq_guest *g, u32 leaf, u32 r[4])
{
	memset(r, 0, 4 * sizeof(u32));
	g->model->cpuid(g, 0, leaf, 0, r);
}

static void directory(void)
{
	struct pvi_xen_resolve rs = { 0 };
	struct pvi_xen_publish pb;
	struct pvi_xen_lookup lk;
	struct pvi_xen_up up = { 0 };
	u8 handle[16];
	struct trio t;
	u32 p, q, l, inc, r[4];

	trio_start(&t);
	cpuid(t.g[0], 0x40000000, r);
	tap_ok(r[0] == 0x40000005 &&
	       !t.g[0]->model->cpuid(t.g[0], 0, 0x40000080, 0, r),
	       "directory off: Xen's leaves only");
	tap_ok(hc(t.g[0], XM(t.g[0])->pvi_hc_nr, PVI_XEN_OP_UP, &up, sizeof(up)) ==
	       -ENOSYS, "directory off: its hypercall is ENOSYS");
	for (l = 0; l < NG; l++)
		cmd(t.g[l], "pvi on");
	cpuid(t.g[0], 0x40000000, r);
	tap_ok(r[0] == 0x40000080, "directory on: the base leaf reaches base+0x80");
	cpuid(t.g[0], 0x40000080, r);
	tap_ok(r[0] == PVI_XEN_CPUID_MAGIC && r[1] >= PVI_XEN_HC_MIN &&
	       r[2] == 0 && r[3] == 64,
	       "leaf base+0x80: PVX1, a hypercall beyond Xen's, 64 GSIs");
	tap_ok(hc(t.g[0], __HYPERVISOR_xen_version, XENVER_guest_handle, handle,
		  sizeof(handle)) == 0 &&
	       !memcmp(handle, XM(t.g[0])->uuid.b, 16),
	       "XENVER_guest_handle is the host-given UUID");
	tap_ok(cmd(t.g[0], "uuid 00000000-0000-8000-8000-000000000001") == 0 &&
	       cmd(t.g[1], "uuid 00000000-0000-8000-8000-000000000001") == -EEXIST,
	       "uuid: another guest's is refused");

	memcpy(rs.uuid, XM(t.g[0])->uuid.b, 16);
	tap_ok(DIR(t.g[1], PVI_XEN_OP_RESOLVE, &rs) == 0 && rs.domid == 1 &&
	       rs.incarnation == 0,
	       "RESOLVE of a guest that does not receive: its domid, incarnation 0");
	rs.uuid[0] ^= 0xff;
	tap_ok(DIR(t.g[1], PVI_XEN_OP_RESOLVE, &rs) == -ENOENT, "RESOLVE of nobody: ENOENT");
	tap_ok(alloc_unbound(t.g[1], 1, &p) == 0, "B allocates a port for A");
	pb = (struct pvi_xen_publish) { .remote = 1, .gsi = 5, .port = p };
	tap_ok(DIR(t.g[1], PVI_XEN_OP_PUBLISH, &pb) == -PVI_XEN_ESHUTDOWN,
	       "PUBLISH before UP: ESHUTDOWN");
	tap_ok(DIR(t.g[1], PVI_XEN_OP_UP, &up) == 0 && up.incarnation == 1,
	       "UP: incarnation 1");
	inc = up.incarnation;
	tap_ok(DIR(t.g[1], PVI_XEN_OP_PUBLISH, &pb) == 0, "B publishes it for (A, GSI 5)");
	tap_ok(DIR(t.g[1], PVI_XEN_OP_PUBLISH, &pb) == -EINVAL,
	       "publishing it again: EINVAL");
	alloc_unbound(t.g[1], 1, &q);
	pb.port = q;
	tap_ok(DIR(t.g[1], PVI_XEN_OP_PUBLISH, &pb) == -EEXIST,
	       "a second port for (A, GSI 5): EEXIST");
	pb.gsi = 64;
	tap_ok(DIR(t.g[1], PVI_XEN_OP_PUBLISH, &pb) == -EINVAL, "GSI 64 of 64: EINVAL");
	pb = (struct pvi_xen_publish) { .remote = 3, .gsi = 6, .port = q };
	tap_ok(DIR(t.g[1], PVI_XEN_OP_PUBLISH, &pb) == -EINVAL,
	       "a port not unbound for the named domain: EINVAL");
	pb = (struct pvi_xen_publish) { .remote = 1, .gsi = 6, .port = 4095 };
	tap_ok(DIR(t.g[1], PVI_XEN_OP_PUBLISH, &pb) == -EINVAL,
	       "a port beyond the guest's ports: EINVAL");

	lk = (struct pvi_xen_lookup) { .dom = 2, .incarnation = inc, .gsi = 5 };
	tap_ok(DIR(t.g[0], PVI_XEN_OP_LOOKUP, &lk) == 0 && lk.port == p,
	       "A looks up (B, GSI 5): B's port");
	lk.port = 0;
	tap_ok(DIR(t.g[2], PVI_XEN_OP_LOOKUP, &lk) == -EPERM && !lk.port,
	       "C looks it up: EPERM, nothing answered");
	lk.gsi = 6;
	tap_ok(DIR(t.g[0], PVI_XEN_OP_LOOKUP, &lk) == -EPERM, "A, GSI 6: EPERM");
	lk.gsi = 100;
	tap_ok(DIR(t.g[0], PVI_XEN_OP_LOOKUP, &lk) == -EINVAL, "GSI out of range: EINVAL");
	lk = (struct pvi_xen_lookup) { .dom = 2, .incarnation = inc + 1, .gsi = 5 };
	tap_ok(DIR(t.g[0], PVI_XEN_OP_LOOKUP, &lk) == -PVI_XEN_ESHUTDOWN,
	       "another incarnation: ESHUTDOWN");
	lk = (struct pvi_xen_lookup) { .dom = 9, .incarnation = inc, .gsi = 5 };
	tap_ok(DIR(t.g[0], PVI_XEN_OP_LOOKUP, &lk) == -ENOENT, "no such domain: ENOENT");
	lk = (struct pvi_xen_lookup) { .dom = 2, .incarnation = inc, .gsi = 5 };
	tap_ok(bind(t.g[0], 2, p, &l) == 0 && DIR(t.g[0], PVI_XEN_OP_LOOKUP, &lk) == 0 &&
	       lk.port == p, "bound, the entry stays");
	tap_ok(evclose(t.g[1], p) == 0 && DIR(t.g[0], PVI_XEN_OP_LOOKUP, &lk) == -EPERM,
	       "B closes the port (revoke): the entry goes, EPERM");
	memcpy(rs.uuid, XM(t.g[1])->uuid.b, 16);
	tap_ok(DIR(t.g[0], PVI_XEN_OP_RESOLVE, &rs) == 0 && rs.domid == 2 &&
	       rs.incarnation == inc, "RESOLVE of B: domid 2, its incarnation");
	tap_ok(hc(t.g[1], XM(t.g[1])->pvi_hc_nr, PVI_XEN_OP_DOWN, NULL, 0) == 0 &&
	       DIR(t.g[0], PVI_XEN_OP_RESOLVE, &rs) == 0 && rs.incarnation == 0,
	       "DOWN: B resolves with incarnation 0");
	lk.gsi = 5;
	tap_ok(DIR(t.g[0], PVI_XEN_OP_LOOKUP, &lk) == -PVI_XEN_ESHUTDOWN,
	       "... and lookups of B are ESHUTDOWN");
	tap_ok(hc(t.g[1], XM(t.g[1])->pvi_hc_nr, 99, NULL, 0) == -ENOSYS,
	       "an unknown directory op: ENOSYS");
	tap_ok(DIR(t.g[1], PVI_XEN_OP_UP, &up) == 0 && up.incarnation == inc + 1,
	       "UP again: a new incarnation");
	trio_stop(&t);
}

/* Random sends, takes and re-binds against a reference count. */
static void random_mix(unsigned int seed)
{
	u64 sent = 0, dropped = 0, pending_ref = 0;
	bool bound = true, pend = false;
	struct trio t;
	u32 p, l, i;

	srandom(seed);
	trio_start(&t);
	alloc_unbound(t.g[1], 1, &p);
	bind(t.g[0], 2, p, &l);
	for (i = 0; i < 20000; i++) {
		switch (random() % 8) {
		case 0:
			if (take(t.g[1], p) != pend)
				break;
			pend = false;
			continue;
		case 1:
			if (!(random() % 16)) {
				if (bound) {
					evclose(t.g[1], p);
					bound = false;
					pend = false;	/* close drops it */
				} else {
					alloc_unbound(t.g[1], 1, &p);
					evclose(t.g[0], l);
					if (bind(t.g[0], 2, p, &l))
						break;
					/* Xen raises the binder's own end: take it */
					take(t.g[0], l);
					bound = true;
					pend = false;
				}
			}
			continue;
		default:
			send(t.g[0], l);
			if (!bound) {
				dropped++;
			} else {
				sent++;
				pending_ref += !pend;
				pend = true;
			}
			continue;
		}
		break;
	}
	tap_ok(i == 20000, "random mix (seed %u): the pending bit is as the reference says",
	       seed);
	tap_ok(XM(t.g[1])->idc_rx_delivered == pending_ref &&
	       XM(t.g[1])->idc_rx_delivered + XM(t.g[1])->idc_rx_merged == sent &&
	       XM(t.g[0])->idc_dropped == dropped,
	       "... pending %llu + merged %llu == %llu sent; %llu dropped while closed",
	       (unsigned long long)XM(t.g[1])->idc_rx_delivered,
	       (unsigned long long)XM(t.g[1])->idc_rx_merged,
	       (unsigned long long)sent, (unsigned long long)dropped);
	trio_stop(&t);
}

int main(void)
{
	const char *s = getenv("PVI_SEED");

	channels();
	directory();
	random_mix(s ? strtoul(s, NULL, 0) : (unsigned int)getpid());
	return tap_done();
}
