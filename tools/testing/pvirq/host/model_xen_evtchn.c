// SPDX-License-Identifier: GPL-2.0
/*
 * The "xen" model's event channels: EVTCHNOP_*, and delivery into guest RAM.
 *
 * An event channel (a port) is raised by the host -- a pirq's GSI or MSI, a
 * send on an interdomain or IPI port, the "send" command -- and Xen then
 * makes it visible to the guest in memory the guest owns:
 *
 *  2-level ABI: the port's bit in shared_info's evtchn_pending; unless its
 *	evtchn_mask bit is set, the bit of its word in the notify vCPU's
 *	evtchn_pending_sel and that vCPU's evtchn_upcall_pending.
 *  FIFO ABI: PENDING in the port's event word; unless MASKED, LINKED and a
 *	link from the tail of the vCPU's queue for the port's priority (or
 *	the queue's head in the control block), and the priority's ready bit.
 *
 * When evtchn_upcall_pending goes from 0 to 1 the vCPU gets its upcall:
 * the per-vCPU vector of HVMOP_set_evtchn_upcall_vector if it has one, else
 * the global HVM_PARAM_CALLBACK_IRQ vector, through the core's
 * pvirq_inject().  A masked port is left pending and gets no upcall; its
 * unmask (EVTCHNOP_unmask) delivers it then, as Xen's does.
 *
 * The guest changes the same words concurrently (it clears pending bits,
 * xchg()es the selector, sets and clears MASKED, unlinks events), so each
 * update here is one atomic operation on guest RAM, in Xen's order, and the
 * FIFO tail link is made with the cmpxchg/BUSY protocol of the ABI.  The
 * host's own record of a port (state, vCPU, queue tails) never comes from
 * guest memory.
 *
 * Interdomain channels join the guests of one pvirq-host, each known by
 * the domid the host gave it (Xen personality; QEMU's emulation binds only
 * with itself), with the semantics of Xen's event_channel.c: alloc_unbound
 * takes any remote domid, bind_interdomain needs a port unbound for the
 * caller (-EINVAL) of a domain that exists (-ESRCH), send on an unbound
 * port is dropped with 0, closing one end leaves the other unbound.  A
 * peer whose VM is gone (detached, or a new VM since) counts as closed.
 *
 * Before the guest places shared_info (XENMEM_add_to_physmap), it lives in
 * a host buffer, as it lives in Xen's heap; placing it copies it to the
 * guest's page.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model_xen.h"

#define BITS_PER_XEN_ULONG	(sizeof(xen_ulong_t) * 8)

static bool test_and_set_ul(xen_ulong_t *w, unsigned int bit)
{
	xen_ulong_t m = (xen_ulong_t)1 << bit;

	return __atomic_fetch_or(w, m, __ATOMIC_SEQ_CST) & m;
}

static bool test_and_clear_ul(xen_ulong_t *w, unsigned int bit)
{
	xen_ulong_t m = (xen_ulong_t)1 << bit;

	return __atomic_fetch_and(w, ~m, __ATOMIC_SEQ_CST) & m;
}

static bool test_ul(xen_ulong_t *w, unsigned int bit)
{
	return __atomic_load_n(w, __ATOMIC_SEQ_CST) & ((xen_ulong_t)1 << bit);
}

static bool test_and_set_32(u32 *w, unsigned int bit)
{
	return __atomic_fetch_or(w, 1u << bit, __ATOMIC_SEQ_CST) & (1u << bit);
}

static void clear_32(u32 *w, unsigned int bit)
{
	__atomic_fetch_and(w, ~(1u << bit), __ATOMIC_SEQ_CST);
}

static bool test_32(u32 *w, unsigned int bit)
{
	return __atomic_load_n(w, __ATOMIC_SEQ_CST) & (1u << bit);
}

bool xm_port_valid(struct xm_model *m, u32 port)
{
	/* Xen's port 0 exists (reserved); QEMU does not know it */
	if (!port && m->pers == XM_QEMU)
		return false;
	return port < m->nr_ports;
}

static bool port_free(struct xm_model *m, u32 port)
{
	return m->port[port].state == EVTCHNSTAT_closed &&
	       !m->port[port].reserved;
}

u32 xm_ports_in_use(struct xm_model *m)
{
	u32 i, n = 0;

	for (i = 1; i < m->nr_ports; i++)
		n += !port_free(m, i);
	return n;
}

struct shared_info *xm_shinfo(struct pvirq_guest *g)
{
	struct xm_model *m = xm_of(g);

	if (!m->shinfo_set)
		return m->shadow;
	return xm_gpa_ptr(g, m->shinfo_gpa, XM_PAGE_SIZE);
}

/* Where @vcpu's vcpu_info is, or NULL if it has none (Xen: dummy). */
struct vcpu_info *xm_vcpu_info(struct pvirq_guest *g, u32 vcpu)
{
	struct xm_model *m = xm_of(g);
	struct shared_info *s;

	if (vcpu >= xm_nr_vcpus(g))
		return NULL;
	if (m->vcpu[vcpu].vcpu_info_set)
		return xm_gpa_ptr(g, m->vcpu[vcpu].vcpu_info_gpa,
				  sizeof(struct vcpu_info));
	if (vcpu >= XEN_LEGACY_MAX_VCPUS)
		return NULL;
	s = xm_shinfo(g);
	return s ? &s->vcpu_info[vcpu] : NULL;
}

static void event_lost(struct pvirq_guest *g, u32 vcpu, const char *why)
{
	struct xm_model *m = xm_of(g);

	if (vcpu < PVIRQ_WIRE_MAX_VCPUS)
		m->vcpu[vcpu].lost++;
	pvirq_glog(g, "xen: event for vcpu %u lost: %s", vcpu, why);
}

static void inject(struct pvirq_guest *g, u32 vcpu, u32 vector)
{
	struct xm_model *m = xm_of(g);
	int ret = pvirq_inject(g, vcpu, vector);

	if (ret) {
		m->inject_errors++;
		pvirq_glog(g, "xen: upcall vector %#x to vcpu %u: %s", vector,
			   vcpu, pvirq_errno_name(ret));
		return;
	}
	m->vcpu[vcpu].upcalls++;
	m->upcalls++;
}

static u8 global_vector(struct xm_model *m)
{
	u64 type = (m->callback & HVM_PARAM_CALLBACK_IRQ_TYPE_MASK) >> 56;

	if (!m->feat_callback || type != HVM_PARAM_CALLBACK_TYPE_VECTOR)
		return 0;
	return (u8)m->callback;
}

/*
 * Xen's hvm_assert_evtchn_irq(): a per-vCPU vector is sent as is; the
 * global callback vector is what Xen delivers on VM entry while the vCPU's
 * evtchn_upcall_pending is set.  GSI and PCI INTx callbacks are recorded
 * but not modelled: the upcall is counted as having no callback.
 */
void xm_assert_evtchn_irq(struct pvirq_guest *g, u32 vcpu)
{
	struct xm_model *m = xm_of(g);
	struct vcpu_info *vi;
	u8 vector;

	if (vcpu >= xm_nr_vcpus(g))
		return;
	if (m->vcpu[vcpu].upcall_vector) {
		inject(g, vcpu, m->vcpu[vcpu].upcall_vector);
		return;
	}
	vector = global_vector(m);
	vi = xm_vcpu_info(g, vcpu);
	if (!vi || !__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST))
		return;
	if (vector)
		inject(g, vcpu, vector);
	else
		m->no_callback++;
}

/* Xen's vcpu_mark_events_pending(): an upcall on the 0 -> 1 edge only. */
void xm_upcall(struct pvirq_guest *g, u32 vcpu)
{
	struct vcpu_info *vi = xm_vcpu_info(g, vcpu);

	if (!vi) {
		event_lost(g, vcpu, "no vcpu_info");
		return;
	}
	if (__atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST))
		return;
	xm_assert_evtchn_irq(g, vcpu);
}

/* 2-level */

static void set_pending_2l(struct pvirq_guest *g, u32 port)
{
	struct xm_port *p = &xm_of(g)->port[port];
	struct shared_info *s = xm_shinfo(g);
	unsigned int word = port / BITS_PER_XEN_ULONG;
	unsigned int bit = port % BITS_PER_XEN_ULONG;
	struct vcpu_info *vi;

	if (!s) {
		event_lost(g, p->vcpu, "shared_info is not in guest RAM");
		return;
	}
	if (test_and_set_ul(&s->evtchn_pending[word], bit)) {
		p->merged++;
		return;
	}
	if (test_ul(&s->evtchn_mask[word], bit)) {
		p->masked++;
		return;
	}
	p->delivered++;
	vi = xm_vcpu_info(g, p->vcpu);
	if (!vi) {
		event_lost(g, p->vcpu, "no vcpu_info");
		return;
	}
	if (!test_and_set_ul(&vi->evtchn_pending_sel, word))
		xm_upcall(g, p->vcpu);
}

static void unmask_2l(struct pvirq_guest *g, u32 port)
{
	struct xm_port *p = &xm_of(g)->port[port];
	struct shared_info *s = xm_shinfo(g);
	unsigned int word = port / BITS_PER_XEN_ULONG;
	unsigned int bit = port % BITS_PER_XEN_ULONG;
	struct vcpu_info *vi;

	if (!s)
		return;
	if (!test_and_clear_ul(&s->evtchn_mask[word], bit) ||
	    !test_ul(&s->evtchn_pending[word], bit))
		return;
	vi = xm_vcpu_info(g, p->vcpu);
	if (vi && !test_and_set_ul(&vi->evtchn_pending_sel, word))
		xm_upcall(g, p->vcpu);
}

static void clear_pending_2l(struct pvirq_guest *g, u32 port)
{
	struct shared_info *s = xm_shinfo(g);

	if (s)
		test_and_clear_ul(&s->evtchn_pending[port / BITS_PER_XEN_ULONG],
				  port % BITS_PER_XEN_ULONG);
}

/* FIFO */

static u32 *fifo_word(struct pvirq_guest *g, u32 port)
{
	struct xm_model *m = xm_of(g);
	u32 page = port / XM_FIFO_WORDS_PER_PAGE;

	if (page >= m->fifo_pages)
		return NULL;
	return xm_gpa_ptr(g, m->fifo_page_gpa[page] +
			  (port % XM_FIFO_WORDS_PER_PAGE) * sizeof(event_word_t),
			  sizeof(event_word_t));
}

static struct evtchn_fifo_control_block *fifo_cb(struct pvirq_guest *g,
						 u32 vcpu)
{
	struct xm_model *m = xm_of(g);

	if (vcpu >= xm_nr_vcpus(g) || !m->vcpu[vcpu].fifo_cb_set)
		return NULL;
	return xm_gpa_ptr(g, m->vcpu[vcpu].fifo_cb_gpa,
			  sizeof(struct evtchn_fifo_control_block));
}

/*
 * Link the tail's word to @link if the tail is still LINKED (the guest has
 * not consumed it).  The guest may only set or clear MASKED, clear PENDING
 * or clear LINKED on a linked word; BUSY stops it unmasking, so a few
 * cmpxchg attempts always settle it.  Returns true if linked.
 */
static bool fifo_set_link(struct pvirq_guest *g, u32 *word, u32 link)
{
	u32 w = __atomic_load_n(word, __ATOMIC_SEQ_CST), nw;
	unsigned int try;

	for (try = 0; try < 6; try++) {
		if (!(w & (1u << EVTCHN_FIFO_LINKED))) {
			if (try)
				clear_32(word, EVTCHN_FIFO_BUSY);
			return false;
		}
		nw = (w & ~((1u << EVTCHN_FIFO_BUSY) | EVTCHN_FIFO_LINK_MASK)) |
		     link;
		if (__atomic_compare_exchange_n(word, &w, nw, false,
						__ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return true;
		if (!try) {
			__atomic_fetch_or(word, 1u << EVTCHN_FIFO_BUSY,
					  __ATOMIC_SEQ_CST);
			w = __atomic_load_n(word, __ATOMIC_SEQ_CST);
		}
	}
	pvirq_glog(g, "xen: fifo: port %u not linked: tail word keeps changing",
		   link);
	clear_32(word, EVTCHN_FIFO_BUSY);
	return true;
}

static void set_pending_fifo(struct pvirq_guest *g, u32 port)
{
	struct xm_model *m = xm_of(g);
	struct xm_port *p = &m->port[port];
	struct evtchn_fifo_control_block *cb;
	u32 *word = fifo_word(g, port), *tail, *tw;
	bool linked = true;

	if (!word) {
		/* no event array page for it yet: raised when it comes */
		p->fifo_pending = true;
		return;
	}
	cb = fifo_cb(g, p->vcpu);
	if (!cb) {
		m->fifo_no_cb++;
		event_lost(g, p->vcpu, "no FIFO control block");
		return;
	}
	test_and_set_32(word, EVTCHN_FIFO_PENDING);
	if (test_32(word, EVTCHN_FIFO_MASKED)) {
		p->masked++;
	} else if (test_and_set_32(word, EVTCHN_FIFO_LINKED)) {
		p->merged++;
	} else {
		/* the old queue loses its tail if this was it */
		tail = &m->vcpu[p->last_vcpu].fifo_tail[p->last_prio];
		if (*tail == port)
			*tail = 0;
		p->last_vcpu = p->vcpu;
		p->last_prio = p->priority;
		tail = &m->vcpu[p->vcpu].fifo_tail[p->priority];
		linked = false;
		if (*tail) {
			tw = fifo_word(g, *tail);
			linked = tw && fifo_set_link(g, tw, port);
		}
		if (!linked)
			__atomic_store_n(&cb->head[p->priority], port,
					 __ATOMIC_SEQ_CST);
		*tail = port;
		p->delivered++;
	}
	if (!linked && !test_and_set_32(&cb->ready, p->priority))
		xm_upcall(g, p->vcpu);
}

static void unmask_fifo(struct pvirq_guest *g, u32 port)
{
	u32 *word = fifo_word(g, port);

	if (!word)
		return;
	clear_32(word, EVTCHN_FIFO_MASKED);
	if (test_32(word, EVTCHN_FIFO_PENDING))
		set_pending_fifo(g, port);
}

/* A FIFO word still LINKED is on a queue: Xen does not reuse the port. */
static bool port_busy(struct pvirq_guest *g, u32 port)
{
	u32 *word;

	if (xm_of(g)->abi != XM_ABI_FIFO)
		return false;
	word = fifo_word(g, port);
	return word && test_32(word, EVTCHN_FIFO_LINKED);
}

static void set_pending(struct pvirq_guest *g, u32 port)
{
	if (xm_of(g)->abi == XM_ABI_FIFO)
		set_pending_fifo(g, port);
	else
		set_pending_2l(g, port);
}

/**
 * xm_port_raise() - make an event pending on a port in use
 * @g: the guest
 * @port: a valid port that is not free
 */
void xm_port_raise(struct pvirq_guest *g, u32 port)
{
	xm_of(g)->port[port].raised++;
	set_pending(g, port);
}

/* Ports */

/*
 * Forget a port's binding and counters, but not the FIFO queue its event
 * word was last linked on: like Xen's fifo_lastq, that outlives the close
 * and a reuse of the port.  A consumed event stays its queue's tail (the
 * guest unlinks the word, the host's tail is left as it was), so the next
 * link of the same port must find it there and empty that queue first;
 * otherwise it would link the port to itself, or to the old queue's tail
 * from its new queue, and the event would never reach a HEAD.
 */
static void port_clear(struct xm_port *p)
{
	u32 last_vcpu = p->last_vcpu;
	u8 last_prio = p->last_prio;

	memset(p, 0, sizeof(*p));
	p->last_vcpu = last_vcpu;
	p->last_prio = last_prio;
}

static int port_alloc(struct pvirq_guest *g, u8 state, u32 vcpu, u32 *port)
{
	struct xm_model *m = xm_of(g);
	struct xm_port *p;
	u32 i;

	for (i = 1; i < m->nr_ports; i++) {
		if (!port_free(m, i) || port_busy(g, i))
			continue;
		p = &m->port[i];
		port_clear(p);
		p->state = state;
		p->vcpu = vcpu;
		p->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
		*port = i;
		return 0;
	}
	return -XEN_ENOSPC;
}

/* Xen's evtchn_free(): the pending bit goes, the port is back on vCPU 0. */
static void port_free_one(struct pvirq_guest *g, u32 port)
{
	struct xm_model *m = xm_of(g);
	u32 *word;

	if (m->abi == XM_ABI_FIFO) {
		word = fifo_word(g, port);
		if (word)
			clear_32(word, EVTCHN_FIFO_PENDING);
	} else {
		clear_pending_2l(g, port);
	}
	port_clear(&m->port[port]);
}

/*
 * The other end of interdomain port @port of @g, in this guest or another
 * guest of the host: NULL if that domain is gone (not attached, or a new
 * VM since) or its port no longer points back here.
 */
static struct xm_port *peer_port(struct pvirq_guest *g, u32 port,
				 struct pvirq_guest **peer)
{
	struct xm_model *m = xm_of(g), *rm;
	struct xm_port *p = &m->port[port], *r;
	struct pvirq_guest *rg;

	if (p->state != EVTCHNSTAT_interdomain)
		return NULL;
	rg = p->remote_dom == m->domid ? g :
	     xm_guest_by_domid(g->host, p->remote_dom);
	if (!rg)
		return NULL;
	rm = xm_of(rg);
	if (p->remote_port >= rm->nr_ports)
		return NULL;
	r = &rm->port[p->remote_port];
	if (r->state != EVTCHNSTAT_interdomain || r->remote_port != port ||
	    r->remote_dom != m->domid || (rg == g && p->remote_port == port))
		return NULL;
	*peer = rg;
	return r;
}

/* Xen's evtchn_close() of an interdomain port: the other end is unbound. */
static void unlink_peer(struct pvirq_guest *g, u32 port)
{
	struct pvirq_guest *rg;
	struct xm_port *r = peer_port(g, port, &rg);

	if (!r)
		return;
	r->state = EVTCHNSTAT_unbound;
	r->remote_port = 0;
	r->remote_dom = xm_of(g)->domid;
}

static void port_close(struct pvirq_guest *g, u32 port)
{
	struct xm_model *m = xm_of(g);
	struct xm_port *p = &m->port[port];

	switch (p->state) {
	case EVTCHNSTAT_pirq:
		xm_pirq_unbound(g, p->pirq);
		break;
	case EVTCHNSTAT_interdomain:
		unlink_peer(g, port);
		break;
	}
	port_free_one(g, port);
}

/**
 * xm_evtchn_forget_peers() - the VM of @g is gone: unbind its peers
 * @g: the guest, before its ports are wiped
 *
 * As Xen's domain destruction closes every port, the other guests' ends of
 * interdomain channels with @g become unbound (sends on them are dropped).
 */
void xm_evtchn_forget_peers(struct pvirq_guest *g)
{
	struct xm_model *m = xm_of(g);
	u32 i;

	for (i = 1; i < XM_MAX_PORTS; i++)
		if (m->port[i].state == EVTCHNSTAT_interdomain)
			unlink_peer(g, i);
}

/* EVTCHNOP_* */

static int domid_check(struct xm_model *m, u32 dom)
{
	return xm_domid_self(m, dom) ? 0 : -XEN_ESRCH;
}

static s64 op_alloc_unbound(struct pvirq_guest *g, struct pvirq_hc *hc)
{
	struct xm_model *m = xm_of(g);
	struct evtchn_alloc_unbound a;
	u32 port;
	int ret;

	if (xm_copy_in(g, hc, 1, &a, sizeof(a), "alloc_unbound"))
		return -XEN_EFAULT;
	ret = domid_check(m, a.dom);
	if (ret)
		return ret;
	/*
	 * QEMU binds only with itself; Xen takes any remote domid, whether
	 * that domain exists or not (bind_interdomain checks it).
	 */
	if (!xm_domid_self(m, a.remote_dom) && m->pers == XM_QEMU)
		return -XEN_EPERM;
	ret = port_alloc(g, EVTCHNSTAT_unbound, 0, &port);
	if (ret)
		return ret;
	m->port[port].remote_dom = xm_domid_self(m, a.remote_dom) ?
				   m->domid : a.remote_dom;
	a.port = port;
	return xm_copy_out(g, hc, 1, &a, sizeof(a), "alloc_unbound");
}

static s64 op_bind_interdomain(struct pvirq_guest *g, struct pvirq_hc *hc)
{
	struct xm_model *m = xm_of(g), *rm;
	struct evtchn_bind_interdomain a;
	struct pvirq_guest *rg = g;
	struct xm_port *l, *r;
	u32 lport, rport;
	int ret;

	if (xm_copy_in(g, hc, 1, &a, sizeof(a), "bind_interdomain"))
		return -XEN_EFAULT;
	/* Xen: another domain, if it exists; QEMU: only itself */
	if (!xm_domid_self(m, a.remote_dom)) {
		if (m->pers == XM_QEMU)
			return -XEN_ESRCH;
		rg = xm_guest_by_domid(g->host, a.remote_dom);
		if (!rg)
			return -XEN_ESRCH;
	}
	rm = xm_of(rg);
	rport = a.remote_port;
	if (!xm_port_valid(rm, rport))
		return -XEN_EINVAL;
	r = &rm->port[rport];
	if (r->state != EVTCHNSTAT_unbound || r->remote_dom != m->domid)
		return -XEN_EINVAL;
	ret = port_alloc(g, EVTCHNSTAT_interdomain, 0, &lport);
	if (ret)
		return ret;
	l = &m->port[lport];
	l->remote_port = rport;
	l->remote_dom = rm->domid;
	r->state = EVTCHNSTAT_interdomain;
	r->remote_port = lport;
	r->remote_dom = m->domid;
	/* Xen: notifications sent while unbound may be lost: raise it */
	if (m->pers == XM_XEN)
		xm_port_raise(g, lport);
	a.local_port = lport;
	return xm_copy_out(g, hc, 1, &a, sizeof(a), "bind_interdomain");
}

static s64 op_bind_pirq(struct pvirq_guest *g, struct pvirq_hc *hc)
{
	struct xm_model *m = xm_of(g);
	struct evtchn_bind_pirq a;
	u32 port;
	int ret;

	if (xm_copy_in(g, hc, 1, &a, sizeof(a), "bind_pirq"))
		return -XEN_EFAULT;
	if (a.pirq >= m->nr_pirqs) {
		pvirq_glog(g, "xen: bind_pirq: pirq %u beyond nr_pirqs %u",
			   a.pirq, m->nr_pirqs);
		return -XEN_EINVAL;
	}
	if (m->pirq[a.pirq].port)
		return m->pers == XM_QEMU ? -XEN_EBUSY : -XEN_EEXIST;
	/* pirq ports are always bound to vCPU 0 first */
	ret = port_alloc(g, EVTCHNSTAT_pirq, 0, &port);
	if (ret)
		return ret;
	m->port[port].pirq = a.pirq;
	m->port[port].flags = a.flags;
	m->pirq[a.pirq].port = port;
	a.port = port;
	ret = xm_copy_out(g, hc, 1, &a, sizeof(a), "bind_pirq");
	xm_pirq_bound(g, a.pirq);
	return ret;
}

static s64 op_bind_ipi(struct pvirq_guest *g, struct pvirq_hc *hc)
{
	struct evtchn_bind_ipi a;
	u32 port;
	int ret;

	if (xm_copy_in(g, hc, 1, &a, sizeof(a), "bind_ipi"))
		return -XEN_EFAULT;
	if (a.vcpu >= xm_nr_vcpus(g))
		return -XEN_ENOENT;
	ret = port_alloc(g, EVTCHNSTAT_ipi, a.vcpu, &port);
	if (ret)
		return ret;
	a.port = port;
	return xm_copy_out(g, hc, 1, &a, sizeof(a), "bind_ipi");
}

static s64 op_close(struct pvirq_guest *g, struct pvirq_hc *hc)
{
	struct xm_model *m = xm_of(g);
	struct evtchn_close a;

	if (xm_copy_in(g, hc, 1, &a, sizeof(a), "close"))
		return -XEN_EFAULT;
	if (!xm_port_valid(m, a.port))
		return -XEN_EINVAL;
	if (port_free(m, a.port) || m->port[a.port].reserved)
		return m->pers == XM_QEMU ? -XEN_ENOENT : -XEN_EINVAL;
	port_close(g, a.port);
	return 0;
}

static s64 op_send(struct pvirq_guest *g, struct pvirq_hc *hc)
{
	struct xm_model *m = xm_of(g), *rm;
	struct pvirq_guest *rg;
	struct evtchn_send a;
	struct xm_port *p, *r;
	u64 merged;

	if (xm_copy_in(g, hc, 1, &a, sizeof(a), "send"))
		return -XEN_EFAULT;
	if (!xm_port_valid(m, a.port))
		return -XEN_EINVAL;
	p = &m->port[a.port];
	switch (p->state) {
	case EVTCHNSTAT_interdomain:
		r = peer_port(g, a.port, &rg);
		if (!r) {
			/* the peer domain is gone: Xen closed its end */
			m->idc_dropped++;
			return 0;
		}
		if (rg == g) {
			xm_port_raise(g, p->remote_port);
			return 0;
		}
		rm = xm_of(rg);
		merged = r->merged;
		xm_port_raise(rg, p->remote_port);
		m->idc_sent++;
		if (r->merged != merged)
			rm->idc_rx_merged++;
		else
			rm->idc_rx_delivered++;
		return 0;
	case EVTCHNSTAT_ipi:
		xm_port_raise(g, a.port);
		return 0;
	case EVTCHNSTAT_unbound:
		m->idc_dropped++;
		return 0;	/* silently dropped, as both do */
	}
	return -XEN_EINVAL;
}

static s64 op_status(struct pvirq_guest *g, struct pvirq_hc *hc)
{
	struct xm_model *m = xm_of(g);
	struct pvirq_guest *rg;
	struct evtchn_status a;
	struct xm_port *p;
	int ret;

	if (xm_copy_in(g, hc, 1, &a, sizeof(a), "status"))
		return -XEN_EFAULT;
	ret = domid_check(m, a.dom);
	if (ret)
		return ret;
	if (!xm_port_valid(m, a.port))
		return -XEN_EINVAL;
	p = &m->port[a.port];
	/* a peer whose VM is gone: Xen would have closed its end */
	if (p->state == EVTCHNSTAT_interdomain && !peer_port(g, a.port, &rg)) {
		p->state = EVTCHNSTAT_unbound;
		p->remote_port = 0;
	}
	memset(&a.u, 0, sizeof(a.u));
	a.status = p->state;
	a.vcpu = p->vcpu;
	switch (p->state) {
	case EVTCHNSTAT_unbound:
		a.u.unbound.dom = p->remote_dom;
		break;
	case EVTCHNSTAT_interdomain:
		a.u.interdomain.dom = p->remote_dom;
		a.u.interdomain.port = p->remote_port;
		break;
	case EVTCHNSTAT_pirq:
		a.u.pirq = p->pirq;
		break;
	}
	return xm_copy_out(g, hc, 1, &a, sizeof(a), "status");
}

static s64 op_bind_vcpu(struct pvirq_guest *g, struct pvirq_hc *hc)
{
	struct xm_model *m = xm_of(g);
	struct evtchn_bind_vcpu a;
	struct xm_port *p;

	if (xm_copy_in(g, hc, 1, &a, sizeof(a), "bind_vcpu"))
		return -XEN_EFAULT;
	if (m->pers == XM_XEN && a.vcpu >= xm_nr_vcpus(g))
		return -XEN_ENOENT;
	if (!xm_port_valid(m, a.port))
		return -XEN_EINVAL;
	if (a.vcpu >= xm_nr_vcpus(g))
		return -XEN_ENOENT;
	p = &m->port[a.port];
	switch (p->state) {
	case EVTCHNSTAT_unbound:
	case EVTCHNSTAT_interdomain:
	case EVTCHNSTAT_pirq:
		break;
	default:
		return -XEN_EINVAL;
	}
	p->vcpu = a.vcpu;
	/*
	 * QEMU re-raises a pending unmasked port on its new vCPU; Xen leaves
	 * that to the guest's unmask.
	 */
	if (m->pers == XM_QEMU && m->abi == XM_ABI_2L) {
		struct shared_info *s = xm_shinfo(g);
		unsigned int w = a.port / BITS_PER_XEN_ULONG;
		unsigned int b = a.port % BITS_PER_XEN_ULONG;
		struct vcpu_info *vi = xm_vcpu_info(g, a.vcpu);

		if (s && vi && !test_ul(&s->evtchn_mask[w], b) &&
		    test_ul(&s->evtchn_pending[w], b) &&
		    !test_and_set_ul(&vi->evtchn_pending_sel, w))
			xm_upcall(g, a.vcpu);
	}
	return 0;
}

static s64 op_unmask(struct pvirq_guest *g, struct pvirq_hc *hc)
{
	struct xm_model *m = xm_of(g);
	struct evtchn_unmask a;

	if (xm_copy_in(g, hc, 1, &a, sizeof(a), "unmask"))
		return -XEN_EFAULT;
	if (!xm_port_valid(m, a.port))
		return -XEN_EINVAL;
	if (m->pers == XM_QEMU && port_free(m, a.port))
		return -XEN_EINVAL;
	if (m->abi == XM_ABI_FIFO)
		unmask_fifo(g, a.port);
	else
		unmask_2l(g, a.port);
	return 0;
}

/* Close every port and go back to the 2-level ABI. */
void xm_evtchn_reset(struct pvirq_guest *g)
{
	struct xm_model *m = xm_of(g);
	u32 i;

	for (i = 1; i < XM_MAX_PORTS; i++)
		if (!port_free(m, i))
			port_close(g, i);
	m->abi = XM_ABI_2L;
	m->fifo_pages = 0;
	memset(m->fifo_page_gpa, 0, sizeof(m->fifo_page_gpa));
	for (i = 0; i < PVIRQ_WIRE_MAX_VCPUS; i++) {
		m->vcpu[i].fifo_cb_set = false;
		m->vcpu[i].fifo_cb_gpa = 0;
		memset(m->vcpu[i].fifo_tail, 0, sizeof(m->vcpu[i].fifo_tail));
	}
}

static s64 op_reset(struct pvirq_guest *g, struct pvirq_hc *hc)
{
	struct evtchn_reset a;
	int ret;

	if (xm_copy_in(g, hc, 1, &a, sizeof(a), "reset"))
		return -XEN_EFAULT;
	ret = domid_check(xm_of(g), a.dom);
	if (ret)
		return ret;
	xm_evtchn_reset(g);
	return 0;
}

/* The first control block switches the guest to FIFO (setup_ports). */
static void switch_to_fifo(struct pvirq_guest *g)
{
	struct xm_model *m = xm_of(g);
	struct shared_info *s = xm_shinfo(g);
	u32 i;

	for (i = 1; i < m->nr_ports; i++) {
		struct xm_port *p = &m->port[i];

		if (port_free(m, i))
			continue;
		if (s && test_ul(&s->evtchn_pending[i / BITS_PER_XEN_ULONG],
				 i % BITS_PER_XEN_ULONG))
			p->fifo_pending = true;
		p->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
	}
	m->abi = XM_ABI_FIFO;
}

static s64 op_init_control(struct pvirq_guest *g, struct pvirq_hc *hc)
{
	struct xm_model *m = xm_of(g);
	struct evtchn_init_control a;
	struct xm_vcpu *v;
	u64 gpa;

	if (m->pers == XM_QEMU)
		return -XEN_ENOSYS;	/* QEMU has no FIFO ABI */
	if (xm_copy_in(g, hc, 1, &a, sizeof(a), "init_control"))
		return -XEN_EFAULT;
	if (a.vcpu >= xm_nr_vcpus(g))
		return -XEN_ENOENT;
	if (a.offset > XM_PAGE_SIZE - sizeof(struct evtchn_fifo_control_block) ||
	    (a.offset & 7)) {
		pvirq_glog(g, "xen: init_control: offset %#x", a.offset);
		return -XEN_EINVAL;
	}
	v = &m->vcpu[a.vcpu];
	if (v->fifo_cb_set)
		return -XEN_EINVAL;
	if (a.control_gfn >= (1ull << (64 - XM_PAGE_SHIFT)))
		return -XEN_EINVAL;
	gpa = (a.control_gfn << XM_PAGE_SHIFT) + a.offset;
	if (!xm_gpa_ptr(g, a.control_gfn << XM_PAGE_SHIFT, XM_PAGE_SIZE)) {
		pvirq_glog(g, "xen: init_control: gfn %#llx is not guest RAM",
			   (unsigned long long)a.control_gfn);
		return -XEN_EINVAL;
	}
	if (m->abi != XM_ABI_FIFO)
		switch_to_fifo(g);
	v->fifo_cb_set = true;
	v->fifo_cb_gpa = gpa;
	memset(v->fifo_tail, 0, sizeof(v->fifo_tail));
	a.link_bits = EVTCHN_FIFO_LINK_BITS;
	return xm_copy_out(g, hc, 1, &a, sizeof(a), "init_control");
}

static s64 op_expand_array(struct pvirq_guest *g, struct pvirq_hc *hc)
{
	struct xm_model *m = xm_of(g);
	struct evtchn_expand_array a;
	u32 first, i;

	if (m->pers == XM_QEMU)
		return -XEN_ENOSYS;
	if (xm_copy_in(g, hc, 1, &a, sizeof(a), "expand_array"))
		return -XEN_EFAULT;
	if (m->abi != XM_ABI_FIFO)
		return -XEN_EOPNOTSUPP;
	if (m->fifo_pages >= XM_FIFO_MAX_PAGES)
		return -XEN_ENOSPC;
	if (a.array_gfn >= (1ull << (64 - XM_PAGE_SHIFT)) ||
	    !xm_gpa_ptr(g, a.array_gfn << XM_PAGE_SHIFT, XM_PAGE_SIZE)) {
		pvirq_glog(g, "xen: expand_array: gfn %#llx is not guest RAM",
			   (unsigned long long)a.array_gfn);
		return -XEN_EINVAL;
	}
	first = m->fifo_pages * XM_FIFO_WORDS_PER_PAGE;
	m->fifo_page_gpa[m->fifo_pages++] = a.array_gfn << XM_PAGE_SHIFT;
	/* events raised while their word was missing */
	for (i = first; i < first + XM_FIFO_WORDS_PER_PAGE && i < m->nr_ports;
	     i++) {
		if (port_free(m, i) || !m->port[i].fifo_pending)
			continue;
		m->port[i].fifo_pending = false;
		set_pending_fifo(g, i);
	}
	return 0;
}

static s64 op_set_priority(struct pvirq_guest *g, struct pvirq_hc *hc)
{
	struct xm_model *m = xm_of(g);
	struct evtchn_set_priority a;

	if (m->pers == XM_QEMU)
		return -XEN_ENOSYS;
	if (xm_copy_in(g, hc, 1, &a, sizeof(a), "set_priority"))
		return -XEN_EFAULT;
	if (!xm_port_valid(m, a.port))
		return -XEN_EINVAL;
	if (m->abi != XM_ABI_FIFO)
		return -XEN_ENOSYS;
	if (a.priority > EVTCHN_FIFO_PRIORITY_MIN)
		return -XEN_EINVAL;
	m->port[a.port].priority = a.priority;
	return 0;
}

s64 xm_evtchn_op(struct pvirq_guest *g, u32 vcpu, u32 cmd, struct pvirq_hc *hc)
{
	switch (cmd) {
	case EVTCHNOP_alloc_unbound:
		return op_alloc_unbound(g, hc);
	case EVTCHNOP_bind_interdomain:
		return op_bind_interdomain(g, hc);
	case EVTCHNOP_bind_pirq:
		return op_bind_pirq(g, hc);
	case EVTCHNOP_bind_ipi:
		return op_bind_ipi(g, hc);
	case EVTCHNOP_close:
		return op_close(g, hc);
	case EVTCHNOP_send:
		return op_send(g, hc);
	case EVTCHNOP_status:
		return op_status(g, hc);
	case EVTCHNOP_bind_vcpu:
		return op_bind_vcpu(g, hc);
	case EVTCHNOP_unmask:
		return op_unmask(g, hc);
	case EVTCHNOP_reset:
		return op_reset(g, hc);
	case EVTCHNOP_init_control:
		return op_init_control(g, hc);
	case EVTCHNOP_expand_array:
		return op_expand_array(g, hc);
	case EVTCHNOP_set_priority:
		return op_set_priority(g, hc);
	}
	/* bind_virq and the rest: not modelled */
	return -XEN_ENOSYS;
}

static const char *const state_names[] = {
	[EVTCHNSTAT_closed] = "closed",
	[EVTCHNSTAT_unbound] = "unbound",
	[EVTCHNSTAT_interdomain] = "interdomain",
	[EVTCHNSTAT_pirq] = "pirq",
	[EVTCHNSTAT_virq] = "virq",
	[EVTCHNSTAT_ipi] = "ipi",
};

void xm_evtchn_state_json(struct pvirq_guest *g, struct pvirq_sb *out)
{
	struct xm_model *m = xm_of(g);
	bool first = true;
	u32 i;

	pvirq_sb_printf(out, "\"abi\":\"%s\",\"ports\":{\"max\":%u",
			m->abi == XM_ABI_FIFO ? "fifo" : "2l", m->nr_ports);
	xm_json_u64(out, "in_use", xm_ports_in_use(m));
	pvirq_sb_printf(out, ",\"list\":[");
	for (i = 1; i < m->nr_ports; i++) {
		struct xm_port *p = &m->port[i];

		if (port_free(m, i))
			continue;
		pvirq_sb_printf(out, "%s{\"port\":%u,\"type\":\"%s\",\"vcpu\":%u",
				first ? "" : ",", i,
				p->state < ARRAY_SIZE(state_names) ?
				state_names[p->state] : "?", p->vcpu);
		if (p->state == EVTCHNSTAT_pirq)
			pvirq_sb_printf(out, ",\"pirq\":%u", p->pirq);
		if (p->state == EVTCHNSTAT_interdomain)
			pvirq_sb_printf(out, ",\"remote\":%u,\"remote_dom\":%u",
					p->remote_port, p->remote_dom);
		if (p->state == EVTCHNSTAT_unbound)
			pvirq_sb_printf(out, ",\"remote_dom\":%u", p->remote_dom);
		if (p->published)
			pvirq_sb_printf(out, ",\"pvi_gsi\":%u", p->pvi_gsi);
		if (m->abi == XM_ABI_FIFO)
			pvirq_sb_printf(out, ",\"priority\":%u", p->priority);
		xm_json_u64(out, "raised", p->raised);
		xm_json_u64(out, "delivered", p->delivered);
		xm_json_u64(out, "masked", p->masked);
		xm_json_u64(out, "merged", p->merged);
		pvirq_sb_printf(out, "}");
		first = false;
	}
	pvirq_sb_printf(out, "]},\"vcpus\":[");
	for (i = 0; i < xm_nr_vcpus(g) && i < PVIRQ_WIRE_MAX_VCPUS; i++) {
		struct xm_vcpu *v = &m->vcpu[i];

		pvirq_sb_printf(out, "%s{\"vcpu\":%u,\"upcall_vector\":%u,\"vcpu_info\":",
				i ? "," : "", i, v->upcall_vector);
		if (v->vcpu_info_set)
			pvirq_sb_printf(out, "%llu",
					(unsigned long long)v->vcpu_info_gpa);
		else
			pvirq_sb_printf(out, "null");
		pvirq_sb_printf(out, ",\"fifo_control\":");
		if (v->fifo_cb_set)
			pvirq_sb_printf(out, "%llu",
					(unsigned long long)v->fifo_cb_gpa);
		else
			pvirq_sb_printf(out, "null");
		xm_json_u64(out, "upcalls", v->upcalls);
		xm_json_u64(out, "lost", v->lost);
		pvirq_sb_printf(out, "}");
	}
	pvirq_sb_printf(out, "]");
}
