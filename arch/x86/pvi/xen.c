// SPDX-License-Identifier: GPL-2.0
/*
 * The Xen backend of pvi: PVIs over interdomain event channels.
 *
 * A receiver that allows sender S to raise GSI g allocates a port only S's
 * domain may bind (EVTCHNOP_alloc_unbound, remote_dom = S), so Xen itself
 * enforces the allowlist, and publishes it for (S, g) in the pvirq PVI
 * directory (include/pvirq/pvi_xen_abi.h), which a domU cannot keep for
 * itself on plain Xen.  An event on that port is pvi_deliver(g).  Revoking
 * closes the port.  The sender looks the port up in the directory, binds
 * it once (EVTCHNOP_bind_interdomain) and raises it (EVTCHNOP_send).  This
 * guest's UUID is its Xen domain handle (XENVER_guest_handle).
 *
 * Xen drops a send on a port whose other end was closed, and says 0: the
 * sender's port has become unbound.  So each send is followed by
 * EVTCHNOP_status of the sender's port; if it is no longer interdomain the
 * binding is dropped and the directory says why: -EPERM (revoked),
 * -ESHUTDOWN (the receiver stopped or reloaded pvi), -ENOENT (its domain
 * is gone).  A send that raced the receiver's close may have been
 * delivered and still be reported so.  Xen has no rate limit on sends: -EBUSY only means "the
 * binding is being made, retry" (below).
 *
 * pvhvm_irq owns the event channels (the upcall, the scan, each port's
 * dispatch); its API is reached with symbol_get(), so pvi.ko loads on KVM
 * without it.  Binding needs process context (pvhvm_irq sleeps to set a
 * port up); pvi_send() may run in any context, so a send that finds no
 * binding in atomic context queues the bind and answers -EBUSY.  Resolving
 * a peer in process context binds every port it published for us, so
 * sends that follow need no bind.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <xen/interface/xen.h>
#include <xen/interface/version.h>
#include <xen/interface/event_channel.h>
#include <pvirq/seam.h>
#include <pvirq/detect.h>
#include <pvirq/pvhvm_evtchn.h>
#include <pvirq/pvi_xen_abi.h>

#include "pvi_int.h"

#define PVI_XEN_SIGNATURE	"XenVMMXenVMM"

/**
 * struct pvi_xen_rx - a port this guest receives one GSI from one sender on
 * @node: on pvi_xen.rx
 * @sender: the sender's UUID, as allowed
 * @dom: its domid when allowed: the only domain Xen lets bind the port
 * @gsi: the GSI its events stand for
 * @port: the port, from pvhvm_irq
 */
struct pvi_xen_rx {
	struct list_head node;
	uuid_t sender;
	domid_t dom;
	u32 gsi;
	struct pvhvm_port *port;
};

/**
 * struct pvi_xen_peer - what this guest knows of a receiver it sends to
 * @dom: its domid
 * @lock: guards the arrays; taken with interrupts off (sends run anywhere)
 * @port: per GSI, our bound end of its port, or %NULL
 * @inc: per GSI, the receiver's incarnation @port was bound in
 * @stale: per GSI, a port found unbound, to close in process context
 * @want: GSIs a send found unbound in atomic context: bind them
 * @want_inc: the incarnation they were wanted for
 *
 * Made by the first pvi_resolve() of the receiver, freed at exit.
 */
struct pvi_xen_peer {
	domid_t dom;
	spinlock_t lock;	/* see above */
	struct pvhvm_port **port;
	u32 *inc;
	struct pvhvm_port **stale;
	unsigned long *want;
	u32 want_inc;
};

/**
 * struct pvi_xen - the Xen backend's state
 * @api: pvhvm_irq's event channel calls
 * @base: Xen's CPUID base leaf
 * @hc_nr: the directory's hypercall number
 * @incarnation: ours as a receiver, from PVI_XEN_OP_UP
 * @rx_mutex: serializes allow, revoke and exit, the writers of @rx
 * @rx_lock: guards @rx and @route_cpu for route(), which runs in atomic
 *	context; writers hold @rx_mutex too
 * @rx: every &struct pvi_xen_rx
 * @route_cpu: per GSI, the CPU its ports deliver to
 * @tx_mutex: serializes binds and closes of the senders' ports
 * @peers: domid -> &struct pvi_xen_peer; entries stay until exit
 * @work: binds what atomic sends wanted, closes what they found stale
 */
struct pvi_xen {
	const struct pvhvm_evtchn_api *api;
	u32 base;
	u32 hc_nr;
	u32 incarnation;
	struct mutex rx_mutex;	/* see above */
	spinlock_t rx_lock;	/* see above */
	struct list_head rx;
	unsigned int *route_cpu;
	struct mutex tx_mutex;	/* see above */
	struct xarray peers;
	struct work_struct work;
};

static struct pvi_xen xen;

static const char *const pvi_xen_op_names[] = {
	[PVI_XEN_OP_UP] = "UP",
	[PVI_XEN_OP_DOWN] = "DOWN",
	[PVI_XEN_OP_RESOLVE] = "RESOLVE",
	[PVI_XEN_OP_PUBLISH] = "PUBLISH",
	[PVI_XEN_OP_LOOKUP] = "LOOKUP",
};

/* A directory call; its answer as an errno, anything undefined logged. */
static int pvi_xen_dir(unsigned int op, void *arg, u32 len)
{
	struct pvirq_hcall hc = {
		.abi = PVIRQ_ABI_XEN,
		.nr = xen.hc_nr,
		.args = { op },
	};
	long ret;

	if (arg) {
		hc.nbufs = 1;
		hc.buf[0] = (struct pvirq_hc_buf) {
			.ptr = arg, .len = len, .arg = 1,
			.dir = PVIRQ_BUF_IN | PVIRQ_BUF_OUT,
		};
	}
	ret = pvirq_hypercall(&hc);
	switch (ret) {
	case 0:
	case -EPERM:
	case -ENOENT:
	case -EINVAL:
	case -EEXIST:
		return ret;
	case -PVI_XEN_ESHUTDOWN:
		return -ESHUTDOWN;
	}
	pr_err_ratelimited("PVI_XEN_OP_%s: the host answered %ld, which the directory does not define\n",
			   pvi_xen_op_names[op], ret);
	return -EPROTO;
}

static int pvi_xen_detect(void)
{
	u32 base, max_leaf, leaf, regs[4] = {};

	base = pvirq_find_cpuid_base(PVI_XEN_SIGNATURE, 2, &max_leaf);
	if (!base)
		return -ENODEV;	/* not Xen: another backend's host */
	leaf = base + PVI_XEN_CPUID_LEAF_OFFSET;
	if (max_leaf >= leaf)
		pvirq_cpuid(leaf, 0, regs);
	if (max_leaf < leaf || regs[0] != PVI_XEN_CPUID_MAGIC) {
		pr_err("Xen at CPUID 0x%08x has no pvirq PVI directory (leaf 0x%08x), which PVIs between Xen guests need; no Xen backend\n",
		       base, leaf);
		return -ENODEV;
	}
	if (regs[1] < PVI_XEN_HC_MIN) {
		pr_err("the host gives the PVI directory hypercall %u, one of Xen's own (below %u); no Xen backend\n",
		       regs[1], PVI_XEN_HC_MIN);
		return -ENODEV;
	}
	if (!regs[3] || regs[3] > PVI_MAX_GSIS) {
		pr_err("the host offers %u GSIs; 1..%u make sense; no Xen backend\n",
		       regs[3], PVI_MAX_GSIS);
		return -ENODEV;
	}
	xen.base = base;
	xen.hc_nr = regs[1];
	pvi.nr_gsis = regs[3];
	/* Xen checks who binds each port: that is the allowlist. */
	pvi.features = PVI_F_ALLOWLIST;
	return 0;
}

/* This guest's UUID: its Xen domain handle. */
static int pvi_xen_self_uuid(void)
{
	xen_domain_handle_t h;
	struct pvirq_hcall hc = {
		.abi = PVIRQ_ABI_XEN,
		.nr = __HYPERVISOR_xen_version,
		.args = { XENVER_guest_handle },
		.nbufs = 1,
		.buf[0] = { .ptr = h, .len = sizeof(h), .arg = 1,
			    .dir = PVIRQ_BUF_OUT },
	};
	long ret;

	ret = pvirq_hypercall(&hc);
	if (ret) {
		pr_err("XENVER_guest_handle failed: %ld\n", ret);
		return ret;
	}
	import_uuid(&pvi.uuid, h);
	return 0;
}

/* Receiving */

static void pvi_xen_rx_event(evtchn_port_t port, void *data)
{
	struct pvi_xen_rx *rx = data;

	pvi_deliver(rx->gsi);
}

/* RESOLVE: a guest's domid and incarnation (0: not receiving). */
static int pvi_xen_resolve_dom(const uuid_t *uuid, domid_t *dom, u32 *inc)
{
	struct pvi_xen_resolve r = {};
	int ret;

	export_uuid(r.uuid, uuid);
	ret = pvi_xen_dir(PVI_XEN_OP_RESOLVE, &r, sizeof(r));
	if (ret == -ENOENT || ret == -EPROTO)
		return ret;
	if (ret) {
		pr_err_ratelimited("PVI_XEN_OP_RESOLVE answered %d, which it never should\n",
				   ret);
		return -EPROTO;
	}
	if (r.domid >= DOMID_FIRST_RESERVED) {
		pr_err_ratelimited("PVI_XEN_OP_RESOLVE answered domid %u, a reserved one\n",
				   r.domid);
		return -EPROTO;
	}
	*dom = r.domid;
	*inc = r.incarnation;
	return 0;
}

static bool pvi_xen_rx_has(domid_t dom, const uuid_t *sender, u32 gsi)
{
	struct pvi_xen_rx *rx;

	list_for_each_entry(rx, &xen.rx, node)
		if (rx->dom == dom && rx->gsi == gsi && uuid_equal(&rx->sender, sender))
			return true;
	return false;
}

/* A port for (sender, gsi), published; under rx_mutex. */
static int pvi_xen_rx_add(const uuid_t *sender, domid_t dom, u32 gsi)
{
	struct pvi_xen_publish pub = { .remote = dom, .gsi = gsi };
	struct pvi_xen_rx *rx;
	unsigned long flags;
	unsigned int cpu;
	int ret;

	lockdep_assert_held(&xen.rx_mutex);
	rx = kzalloc(sizeof(*rx), GFP_KERNEL);
	if (!rx)
		return -ENOMEM;
	uuid_copy(&rx->sender, sender);
	rx->dom = dom;
	rx->gsi = gsi;
	ret = xen.api->alloc_unbound(dom, pvi_xen_rx_event, rx, &rx->port);
	if (ret)
		goto out_free;
	pub.port = xen.api->port(rx->port);
	ret = pvi_xen_dir(PVI_XEN_OP_PUBLISH, &pub, sizeof(pub));
	if (ret) {
		pr_err("PVI_XEN_OP_PUBLISH(port %u for dom %u, GSI %u) failed: %d\n",
		       pub.port, dom, gsi, ret);
		ret = -EPROTO;
		goto out_close;
	}
	/* On the list and on the GSI's CPU at once: route() sees both. */
	spin_lock_irqsave(&xen.rx_lock, flags);
	list_add(&rx->node, &xen.rx);
	cpu = xen.route_cpu[gsi];
	if (cpu && xen.api->bind_vcpu(rx->port, cpu))
		pr_warn("GSI %u: port %u stays on CPU 0, not %u\n", gsi,
			pub.port, cpu);
	spin_unlock_irqrestore(&xen.rx_lock, flags);
	return 0;

out_close:
	xen.api->close(rx->port);
out_free:
	kfree(rx);
	return ret;
}

static void pvi_xen_rx_del(struct pvi_xen_rx *rx)
{
	unsigned long flags;

	lockdep_assert_held(&xen.rx_mutex);
	spin_lock_irqsave(&xen.rx_lock, flags);
	list_del(&rx->node);
	spin_unlock_irqrestore(&xen.rx_lock, flags);
	/* The directory entry goes with the port; a bound sender is unbound. */
	xen.api->close(rx->port);
	kfree(rx);
}

static int pvi_xen_allow(const uuid_t *sender, u32 gsi)
{
	u32 first = gsi, last = gsi, g, inc, added = 0;
	domid_t dom;
	int ret;

	/* Xen names the only domain that may bind a port by its domid. */
	ret = pvi_xen_resolve_dom(sender, &dom, &inc);
	if (ret)
		return ret;
	if (gsi == PVI_GSI_ANY) {
		first = 0;
		last = pvi.nr_gsis - 1;
	}
	mutex_lock(&xen.rx_mutex);
	for (g = first; g <= last; g++) {
		if (pvi_xen_rx_has(dom, sender, g))
			continue;
		ret = pvi_xen_rx_add(sender, dom, g);
		if (ret)
			goto out_undo;
		added++;
	}
	mutex_unlock(&xen.rx_mutex);
	return 0;

out_undo:
	/* All or nothing: this call's ports are the newest on the list. */
	while (added--)
		pvi_xen_rx_del(list_first_entry(&xen.rx, struct pvi_xen_rx, node));
	mutex_unlock(&xen.rx_mutex);
	return ret;
}

static int pvi_xen_revoke(const uuid_t *sender, u32 gsi)
{
	struct pvi_xen_rx *rx, *tmp;
	int ret = -ENOENT;

	mutex_lock(&xen.rx_mutex);
	list_for_each_entry_safe(rx, tmp, &xen.rx, node) {
		if (!uuid_equal(&rx->sender, sender) ||
		    (gsi != PVI_GSI_ANY && rx->gsi != gsi))
			continue;
		pvi_xen_rx_del(rx);
		ret = 0;
	}
	mutex_unlock(&xen.rx_mutex);
	return ret;
}

static int pvi_xen_route(u32 gsi, unsigned int cpu)
{
	struct pvi_xen_rx *rx;
	unsigned long flags;
	int ret = 0, err;

	spin_lock_irqsave(&xen.rx_lock, flags);
	WRITE_ONCE(xen.route_cpu[gsi], cpu);
	list_for_each_entry(rx, &xen.rx, node) {
		if (rx->gsi != gsi)
			continue;
		err = xen.api->bind_vcpu(rx->port, cpu);
		if (err && !ret)
			ret = err;
	}
	spin_unlock_irqrestore(&xen.rx_lock, flags);
	return ret;
}

/* Sending */

/* Events on our end of a channel: the bind notification; nothing to do. */
static void pvi_xen_tx_event(evtchn_port_t port, void *data)
{
}

/* The peer a handle names: domid in bits 15:0, incarnation above. */
static struct pvi_xen_peer *pvi_xen_peer_of(pvi_peer_t handle, u32 *inc)
{
	if (handle >> 48)
		return NULL;
	*inc = handle >> 16;
	return xa_load(&xen.peers, handle & 0xffff);
}

static void pvi_xen_peer_free(struct pvi_xen_peer *peer)
{
	if (!peer)
		return;
	kfree(peer->port);
	kfree(peer->inc);
	kfree(peer->stale);
	bitmap_free(peer->want);
	kfree(peer);
}

static struct pvi_xen_peer *pvi_xen_peer_get(domid_t dom, gfp_t gfp)
{
	struct pvi_xen_peer *peer = xa_load(&xen.peers, dom), *old;

	if (peer)
		return peer;
	peer = kzalloc(sizeof(*peer), gfp);
	if (!peer)
		return NULL;
	peer->dom = dom;
	spin_lock_init(&peer->lock);
	peer->port = kcalloc(pvi.nr_gsis, sizeof(*peer->port), gfp);
	peer->inc = kcalloc(pvi.nr_gsis, sizeof(*peer->inc), gfp);
	peer->stale = kcalloc(pvi.nr_gsis, sizeof(*peer->stale), gfp);
	peer->want = bitmap_zalloc(pvi.nr_gsis, gfp);
	if (!peer->port || !peer->inc || !peer->stale || !peer->want) {
		pvi_xen_peer_free(peer);
		return NULL;
	}
	old = xa_cmpxchg(&xen.peers, dom, NULL, peer, gfp);
	if (old) {
		/* Another resolve made it first, or the store failed. */
		pvi_xen_peer_free(peer);
		return xa_is_err(old) ? NULL : old;
	}
	return peer;
}

/* Close what sends found unbound; process context, under tx_mutex. */
static void pvi_xen_close_stale(struct pvi_xen_peer *peer, u32 gsi)
{
	struct pvhvm_port *p;
	unsigned long flags;

	lockdep_assert_held(&xen.tx_mutex);
	spin_lock_irqsave(&peer->lock, flags);
	p = peer->stale[gsi];
	peer->stale[gsi] = NULL;
	spin_unlock_irqrestore(&peer->lock, flags);
	if (p)
		xen.api->close(p);
}

/*
 * Bind to the port @peer published for us and @gsi in incarnation @inc,
 * unless we have it.  Process context, under tx_mutex.  Returns 0 or the
 * directory's refusal.
 */
static int pvi_xen_bind(struct pvi_xen_peer *peer, u32 inc, u32 gsi)
{
	struct pvi_xen_lookup lk = {
		.dom = peer->dom, .incarnation = inc, .gsi = gsi,
	};
	struct pvhvm_port *p, *old;
	unsigned long flags;
	int ret;

	lockdep_assert_held(&xen.tx_mutex);
	pvi_xen_close_stale(peer, gsi);
	spin_lock_irqsave(&peer->lock, flags);
	old = peer->port[gsi];
	if (old && peer->inc[gsi] == inc) {
		spin_unlock_irqrestore(&peer->lock, flags);
		return 0;
	}
	/* Bound in an older incarnation: that port is unbound now. */
	peer->port[gsi] = NULL;
	spin_unlock_irqrestore(&peer->lock, flags);
	if (old)
		xen.api->close(old);

	ret = pvi_xen_dir(PVI_XEN_OP_LOOKUP, &lk, sizeof(lk));
	if (ret)
		return ret;
	ret = xen.api->bind_interdomain(peer->dom, lk.port, pvi_xen_tx_event,
					NULL, &p);
	if (ret) {
		/* -EINVAL: revoked (or bound by an earlier load of ours) meanwhile */
		pr_debug("dom %u GSI %u: binding port %u failed: %d\n", peer->dom,
			 gsi, lk.port, ret);
		return ret == -EINVAL ? -EPERM : ret == -ESRCH ? -ENOENT : ret;
	}
	spin_lock_irqsave(&peer->lock, flags);
	peer->port[gsi] = p;
	peer->inc[gsi] = inc;
	spin_unlock_irqrestore(&peer->lock, flags);
	return 0;
}

static void pvi_xen_work_fn(struct work_struct *work)
{
	struct pvi_xen_peer *peer;
	unsigned long dom, flags;
	u32 gsi, inc;

	mutex_lock(&xen.tx_mutex);
	xa_for_each(&xen.peers, dom, peer) {
		for (gsi = 0; gsi < pvi.nr_gsis; gsi++) {
			pvi_xen_close_stale(peer, gsi);
			spin_lock_irqsave(&peer->lock, flags);
			if (!test_and_clear_bit(gsi, peer->want)) {
				spin_unlock_irqrestore(&peer->lock, flags);
				continue;
			}
			inc = peer->want_inc;
			spin_unlock_irqrestore(&peer->lock, flags);
			pvi_xen_bind(peer, inc, gsi);
		}
	}
	mutex_unlock(&xen.tx_mutex);
}

static int pvi_xen_resolve(const uuid_t *uuid, pvi_peer_t *handle)
{
	struct pvi_xen_peer *peer;
	bool can_sleep = preemptible();
	domid_t dom;
	u32 inc, gsi;
	int ret;

	ret = pvi_xen_resolve_dom(uuid, &dom, &inc);
	if (ret)
		return ret;
	if (!inc)
		return -ESHUTDOWN;
	peer = pvi_xen_peer_get(dom, can_sleep ? GFP_KERNEL : GFP_ATOMIC);
	if (!peer)
		return -ENOMEM;
	*handle = (u64)inc << 16 | dom;
	if (!can_sleep)
		return 0;
	/* Bind now what the receiver published for us: sends need no bind. */
	mutex_lock(&xen.tx_mutex);
	for (gsi = 0; gsi < pvi.nr_gsis; gsi++)
		pvi_xen_bind(peer, inc, gsi);
	mutex_unlock(&xen.tx_mutex);
	return 0;
}

/*
 * Raise our bound port for @gsi; false if it is not bound in @inc or the
 * receiver's end turned out closed (then it is moved to stale).
 */
static bool pvi_xen_try_send(struct pvi_xen_peer *peer, u32 inc, u32 gsi,
			     int *err)
{
	struct evtchn_status st;
	struct pvhvm_port *p;
	unsigned long flags;
	bool sent = false;

	spin_lock_irqsave(&peer->lock, flags);
	p = peer->port[gsi];
	if (!p || peer->inc[gsi] != inc)
		goto out_unlock;
	*err = xen.api->send(p);
	if (*err) {
		sent = true;	/* Xen refused the port itself: say so */
		goto out_unlock;
	}
	/* Xen drops a send on an unbound port with 0: was it still bound? */
	*err = xen.api->status(p, &st);
	if (!*err && st.status == EVTCHNSTAT_interdomain &&
	    st.u.interdomain.dom == peer->dom) {
		sent = true;
		goto out_unlock;
	}
	peer->port[gsi] = NULL;
	if (!peer->stale[gsi]) {
		peer->stale[gsi] = p;
	} else {
		/* Only process context rebinds, after closing the stale one. */
		WARN_ON_ONCE(1);
	}
	schedule_work(&xen.work);
out_unlock:
	spin_unlock_irqrestore(&peer->lock, flags);
	return sent;
}

static int pvi_xen_send(pvi_peer_t handle, u32 gsi)
{
	struct pvi_xen_lookup lk = { .gsi = gsi };
	struct pvi_xen_peer *peer;
	bool can_sleep = preemptible();
	unsigned long flags;
	int ret = 0;
	u32 inc;

	peer = pvi_xen_peer_of(handle, &inc);
	if (!peer)
		return -ENOENT;	/* never resolved: no such guest to us */
	if (pvi_xen_try_send(peer, inc, gsi, &ret))
		return ret;
	if (can_sleep) {
		mutex_lock(&xen.tx_mutex);
		ret = pvi_xen_bind(peer, inc, gsi);
		mutex_unlock(&xen.tx_mutex);
		if (ret)
			return ret;
		if (pvi_xen_try_send(peer, inc, gsi, &ret))
			return ret;
		/* Closed again at once: the directory says why. */
	}
	lk.dom = peer->dom;
	lk.incarnation = inc;
	ret = pvi_xen_dir(PVI_XEN_OP_LOOKUP, &lk, sizeof(lk));
	if (ret)
		return ret;
	if (can_sleep)
		return -EPERM;	/* published, but it would not bind */
	/* Published for us: bind in process context; retry then. */
	spin_lock_irqsave(&peer->lock, flags);
	set_bit(gsi, peer->want);
	peer->want_inc = inc;
	spin_unlock_irqrestore(&peer->lock, flags);
	schedule_work(&xen.work);
	return -EBUSY;
}

static void pvi_xen_tx_exit(void)
{
	struct pvi_xen_peer *peer;
	unsigned long dom;
	u32 gsi;

	cancel_work_sync(&xen.work);
	xa_for_each(&xen.peers, dom, peer) {
		for (gsi = 0; gsi < pvi.nr_gsis; gsi++) {
			if (peer->port[gsi])
				xen.api->close(peer->port[gsi]);
			if (peer->stale[gsi])
				xen.api->close(peer->stale[gsi]);
		}
		pvi_xen_peer_free(peer);
	}
	xa_destroy(&xen.peers);
}

static void pvi_xen_rx_exit(void)
{
	struct pvi_xen_rx *rx, *tmp;

	mutex_lock(&xen.rx_mutex);
	list_for_each_entry_safe(rx, tmp, &xen.rx, node)
		pvi_xen_rx_del(rx);
	mutex_unlock(&xen.rx_mutex);
}

static int pvi_xen_init(void)
{
	struct pvi_xen_up up = {};
	int ret;

	ret = pvi_xen_detect();
	if (ret)
		return ret;
	xen.api = pvhvm_evtchn_api_get();
	if (!xen.api) {
		pr_err("Xen with the PVI directory found, but pvhvm_irq (which owns the event channels) is not loaded; no Xen backend\n");
		return -ENODEV;
	}
	ret = pvi_xen_self_uuid();
	if (ret)
		goto out_put_api;
	mutex_init(&xen.rx_mutex);
	spin_lock_init(&xen.rx_lock);
	INIT_LIST_HEAD(&xen.rx);
	mutex_init(&xen.tx_mutex);
	xa_init(&xen.peers);
	INIT_WORK(&xen.work, pvi_xen_work_fn);
	xen.route_cpu = kcalloc(pvi.nr_gsis, sizeof(*xen.route_cpu), GFP_KERNEL);
	if (!xen.route_cpu) {
		ret = -ENOMEM;
		goto out_put_api;
	}
	ret = pvi_xen_dir(PVI_XEN_OP_UP, &up, sizeof(up));
	if (ret || !up.incarnation) {
		pr_err("PVI_XEN_OP_UP failed: %d (incarnation %u)\n", ret,
		       up.incarnation);
		ret = ret ?: -EPROTO;
		goto out_free_route;
	}
	xen.incarnation = up.incarnation;
	pr_info("Xen PVI directory at CPUID 0x%08x: hypercall %u, incarnation %u\n",
		xen.base, xen.hc_nr, xen.incarnation);
	return 0;

out_free_route:
	kfree(xen.route_cpu);
	xen.route_cpu = NULL;
out_put_api:
	pvhvm_evtchn_api_put();
	xen.api = NULL;
	return ret;
}

static void pvi_xen_exit(void)
{
	int ret;

	/* Senders see -ESHUTDOWN from now on, whatever they had bound. */
	ret = pvi_xen_dir(PVI_XEN_OP_DOWN, NULL, 0);
	if (ret)
		pr_err("PVI_XEN_OP_DOWN failed: %d\n", ret);
	pvi_xen_rx_exit();
	pvi_xen_tx_exit();
	kfree(xen.route_cpu);
	xen.route_cpu = NULL;
	pvhvm_evtchn_api_put();
	xen.api = NULL;
}

const struct pvi_backend_ops pvi_xen_ops = {
	.name		= "xen",
	.init		= pvi_xen_init,
	.exit		= pvi_xen_exit,
	.route		= pvi_xen_route,
	.allow		= pvi_xen_allow,
	.revoke		= pvi_xen_revoke,
	.resolve	= pvi_xen_resolve,
	.send		= pvi_xen_send,
};
