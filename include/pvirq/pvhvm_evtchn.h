/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvhvm_irq's event channel API, for other modules.
 *
 * pvhvm_irq owns this guest's event channels: the upcall, the 2-level or
 * FIFO scan and the dispatch of each port.  A module that wants a port of
 * its own -- an interdomain channel to another guest -- asks pvhvm_irq for
 * it here, and gets its events as calls of a handler, in hard interrupt
 * context, on the CPU the port is bound to.
 *
 * The calls are reached through one exported table, so that a module that
 * can also run without Xen does not need pvhvm_irq.ko to load:
 *
 *	const struct pvhvm_evtchn_api *api = pvhvm_evtchn_api_get();
 *
 *	if (!api)
 *		return -ENODEV;		// pvhvm_irq is not loaded
 *	ret = api->alloc_unbound(remote_domid, my_handler, my_data, &port);
 *	...
 *	api->close(port);
 *	pvhvm_evtchn_api_put();
 *
 * The table holds a reference on pvhvm_irq.ko until it is put.  Every port
 * is masked while its handler is not set up and closed by ->close(); Xen's
 * errors are returned as the errnos they are (Xen's values are Linux's on
 * x86) and logged with what was asked.  Documentation/pvhvm-irq.rst has
 * the whole picture.
 */
#ifndef _PVIRQ_PVHVM_EVTCHN_H
#define _PVIRQ_PVHVM_EVTCHN_H

#include <linux/module.h>
#include <linux/types.h>
#include <xen/interface/xen.h>
#include <xen/interface/event_channel.h>

struct pvhvm_port;

/**
 * typedef pvhvm_port_handler_t - called for each event on a port
 * @port: the port's number
 * @data: as given when the port was made
 *
 * Context: hard interrupt, on the CPU the port is bound to.  The event's
 * pending bit is already clear: an event raised again meanwhile calls the
 * handler again.
 */
typedef void (*pvhvm_port_handler_t)(evtchn_port_t port, void *data);

/**
 * struct pvhvm_evtchn_api - pvhvm_irq's event channel calls
 * @alloc_unbound: EVTCHNOP_alloc_unbound: a new port of this guest that
 *	only domain @remote may bind to.  Events on it call @fn(@data) once
 *	it is bound.  Stores the port in *@out.  Process context.  Returns
 *	0, -EINVAL (a domid Xen reserves), -ENOMEM or Xen's errno (-ENOSPC:
 *	no free port).
 * @bind_interdomain: EVTCHNOP_bind_interdomain: connect a new port of this
 *	guest to port @remote_port of domain @remote, which must be unbound
 *	and allocated for this guest (Xen: -EINVAL otherwise, -ESRCH for no
 *	such domain).  Otherwise as @alloc_unbound.
 * @port: the Xen port number of @p, for the peer and the log.  Any
 *	context.
 * @send: EVTCHNOP_send on @p: raise the event at the other end.  Xen
 *	drops it silently (and returns 0) while @p is unbound; use @status
 *	to learn that.  Any context but NMI.
 * @status: EVTCHNOP_status of @p into *@st (@st->status is an
 *	EVTCHNSTAT_* value; for an interdomain port @st->u.interdomain says
 *	to whom).  Any context but NMI.
 * @bind_vcpu: EVTCHNOP_bind_vcpu: deliver @p's events to online @cpu from
 *	now on.  Any context but NMI.
 * @close: EVTCHNOP_close, and wait until no handler of @p runs.  The other
 *	end of an interdomain channel becomes unbound.  Process context.
 */
struct pvhvm_evtchn_api {
	int (*alloc_unbound)(domid_t remote, pvhvm_port_handler_t fn,
			     void *data, struct pvhvm_port **out);
	int (*bind_interdomain)(domid_t remote, evtchn_port_t remote_port,
				pvhvm_port_handler_t fn, void *data,
				struct pvhvm_port **out);
	evtchn_port_t (*port)(const struct pvhvm_port *p);
	int (*send)(struct pvhvm_port *p);
	int (*status)(struct pvhvm_port *p, struct evtchn_status *st);
	int (*bind_vcpu)(struct pvhvm_port *p, unsigned int cpu);
	void (*close)(struct pvhvm_port *p);
};

/* Exported by pvhvm_irq.ko once its event channels are up. */
extern const struct pvhvm_evtchn_api pvhvm_evtchn_api;

/**
 * pvhvm_evtchn_api_get() - the API, if pvhvm_irq.ko is loaded
 *
 * Takes a reference on pvhvm_irq.ko without linking against it.
 *
 * Context: process.
 * Return: the table, or %NULL when pvhvm_irq is not loaded.
 */
static inline const struct pvhvm_evtchn_api *pvhvm_evtchn_api_get(void)
{
	return symbol_get(pvhvm_evtchn_api);
}

/**
 * pvhvm_evtchn_api_put() - drop the reference pvhvm_evtchn_api_get() took
 *
 * Every port must be closed first.
 */
static inline void pvhvm_evtchn_api_put(void)
{
	symbol_put(pvhvm_evtchn_api);
}

#endif /* _PVIRQ_PVHVM_EVTCHN_H */
