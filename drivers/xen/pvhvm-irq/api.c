// SPDX-License-Identifier: GPL-2.0
/*
 * The event channel API pvhvm_irq exports to other modules
 * (include/pvirq/pvhvm_evtchn.h): interdomain ports that are not pirqs,
 * whose events go to a handler of the module that made them.
 *
 * Such ports live beside the pirqs' ports: they are set up and closed with
 * the same helpers (events.c) under pvhvm_irqs.lock, and the upcall, which
 * finds no pirq for them, asks pvhvm_api_dispatch().  Xen hands out port
 * numbers, so a port is either a pirq's or one of these, never both.
 *
 * The table is reached with symbol_get(), so that a module that can also
 * run without Xen (pvi.ko) does not need pvhvm_irq.ko to load.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>
#include <xen/interface/xen.h>
#include <xen/interface/event_channel.h>
#include <pvirq/pvhvm_evtchn.h>

#include "pvhvm.h"
#include "hcall.h"

/**
 * struct pvhvm_port - a port of the exported API
 * @port: Xen's port number
 * @fn: called for each event, in hard interrupt context
 * @data: @fn's argument
 * @lock: serializes moves of the port with each other and with ->close()
 * @cpu: the CPU the port delivers to; under @lock
 * @closing: ->close() has begun: no more moves; under @lock
 * @events: events handed to @fn
 *
 * Lives from the hypercall that made the port until ->close() returned.
 */
struct pvhvm_port {
	evtchn_port_t port;
	pvhvm_port_handler_t fn;
	void *data;
	spinlock_t lock;	/* see above */
	unsigned int cpu;
	bool closing;
	atomic64_t events;
};

/*
 * port -> struct pvhvm_port.  Written under pvhvm_irqs.lock (with the
 * binds and closes of pirq ports), read by the upcall under RCU.
 */
static DEFINE_XARRAY(pvhvm_api_ports);

/**
 * pvhvm_api_dispatch() - hand an event to the API port's handler
 * @port: a pending port no pirq has
 *
 * Context: the upcall, hard interrupt.
 * Return: false if @port is none of ours either.
 */
bool pvhvm_api_dispatch(evtchn_port_t port)
{
	struct pvhvm_port *p = xa_load(&pvhvm_api_ports, port);

	if (!p)
		return false;
	atomic64_inc(&p->events);
	p->fn(port, p->data);
	return true;
}

/* A port Xen just made: set it up, publish it, let its events in. */
static int pvhvm_api_add(evtchn_port_t port, const char *what,
			 pvhvm_port_handler_t fn, void *data,
			 struct pvhvm_port **out)
{
	struct evtchn_close cl = { .port = port };
	struct pvhvm_port *p;
	int ret;

	lockdep_assert_held(&pvhvm_irqs.lock);
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p) {
		ret = -ENOMEM;
		goto out_close;
	}
	p->port = port;
	p->fn = fn;
	p->data = data;
	spin_lock_init(&p->lock);
	ret = pvhvm_evtchn_port_setup(port, what);
	if (ret)
		goto out_free;
	ret = xa_insert(&pvhvm_api_ports, port, p, GFP_KERNEL);
	if (ret) {
		pr_err("%s returned port %u, which is in use already\n", what,
		       port);
		pvhvm_evtchn_port_close(port, 0);
		kfree(p);
		return ret;
	}
	p->cpu = 0;
	pvhvm_evtchn_port_unmask(port);
	*out = p;
	return 0;

out_free:
	kfree(p);
out_close:
	if (pvhvm_hc_evtchn_op(EVTCHNOP_close, &cl, sizeof(cl)))
		pr_err("EVTCHNOP_close(port %u) failed while unwinding\n", port);
	return ret;
}

static int pvhvm_api_alloc_unbound(domid_t remote, pvhvm_port_handler_t fn,
				   void *data, struct pvhvm_port **out)
{
	struct evtchn_alloc_unbound au = {
		.dom = DOMID_SELF,
		.remote_dom = remote,
	};
	long ret;

	if (remote >= DOMID_FIRST_RESERVED && remote != DOMID_SELF)
		return -EINVAL;
	mutex_lock(&pvhvm_irqs.lock);
	ret = pvhvm_hc_evtchn_op(EVTCHNOP_alloc_unbound, &au, sizeof(au));
	if (ret) {
		pr_err("EVTCHNOP_alloc_unbound(remote dom %u) failed: %ld\n",
		       remote, ret);
		goto out_unlock;
	}
	ret = pvhvm_api_add(au.port, "EVTCHNOP_alloc_unbound", fn, data, out);
out_unlock:
	mutex_unlock(&pvhvm_irqs.lock);
	return ret;
}

static int pvhvm_api_bind_interdomain(domid_t remote, evtchn_port_t remote_port,
				      pvhvm_port_handler_t fn, void *data,
				      struct pvhvm_port **out)
{
	struct evtchn_bind_interdomain bi = {
		.remote_dom = remote,
		.remote_port = remote_port,
	};
	long ret;

	if (remote >= DOMID_FIRST_RESERVED && remote != DOMID_SELF)
		return -EINVAL;
	mutex_lock(&pvhvm_irqs.lock);
	ret = pvhvm_hc_evtchn_op(EVTCHNOP_bind_interdomain, &bi, sizeof(bi));
	if (ret) {
		/* -EINVAL: not unbound for us (revoked, or bound already) */
		pr_debug("EVTCHNOP_bind_interdomain(dom %u port %u) failed: %ld\n",
			 remote, remote_port, ret);
		goto out_unlock;
	}
	ret = pvhvm_api_add(bi.local_port, "EVTCHNOP_bind_interdomain", fn,
			    data, out);
out_unlock:
	mutex_unlock(&pvhvm_irqs.lock);
	return ret;
}

static evtchn_port_t pvhvm_api_port(const struct pvhvm_port *p)
{
	return p->port;
}

static int pvhvm_api_send(struct pvhvm_port *p)
{
	struct evtchn_send sd = { .port = p->port };
	long ret;

	ret = pvhvm_hc_evtchn_op(EVTCHNOP_send, &sd, sizeof(sd));
	if (ret)
		pr_err_ratelimited("EVTCHNOP_send(port %u) failed: %ld\n",
				   p->port, ret);
	return ret;
}

static int pvhvm_api_status(struct pvhvm_port *p, struct evtchn_status *st)
{
	long ret;

	memset(st, 0, sizeof(*st));
	st->dom = DOMID_SELF;
	st->port = p->port;
	ret = pvhvm_hc_evtchn_op(EVTCHNOP_status, st, sizeof(*st));
	if (ret)
		pr_err_ratelimited("EVTCHNOP_status(port %u) failed: %ld\n",
				   p->port, ret);
	return ret;
}

static int pvhvm_api_bind_vcpu(struct pvhvm_port *p, unsigned int cpu)
{
	unsigned long flags;
	int ret = 0;

	if (cpu >= nr_cpu_ids || !cpu_online(cpu))
		return -EINVAL;
	spin_lock_irqsave(&p->lock, flags);
	if (p->closing) {
		ret = -ENOENT;
	} else if (p->cpu != cpu) {
		ret = pvhvm_evtchn_port_move(p->port, p->cpu, cpu);
		if (!ret)
			p->cpu = cpu;
		pvhvm_evtchn_port_unmask(p->port);
	}
	spin_unlock_irqrestore(&p->lock, flags);
	return ret;
}

static void pvhvm_api_close(struct pvhvm_port *p)
{
	unsigned long flags;
	unsigned int cpu;

	spin_lock_irqsave(&p->lock, flags);
	p->closing = true;
	cpu = p->cpu;
	spin_unlock_irqrestore(&p->lock, flags);

	mutex_lock(&pvhvm_irqs.lock);
	pvhvm_evtchn_port_close(p->port, cpu);
	xa_erase(&pvhvm_api_ports, p->port);
	mutex_unlock(&pvhvm_irqs.lock);
	/* An upcall may still be in p->fn: let it finish before p goes. */
	synchronize_rcu();
	kfree(p);
}

const struct pvhvm_evtchn_api pvhvm_evtchn_api = {
	.alloc_unbound		= pvhvm_api_alloc_unbound,
	.bind_interdomain	= pvhvm_api_bind_interdomain,
	.port			= pvhvm_api_port,
	.send			= pvhvm_api_send,
	.status			= pvhvm_api_status,
	.bind_vcpu		= pvhvm_api_bind_vcpu,
	.close			= pvhvm_api_close,
};
EXPORT_SYMBOL_GPL(pvhvm_evtchn_api);
