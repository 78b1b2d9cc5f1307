/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest half of xen_events: pvhvm_irq's own 2-level scan
 * (drivers/xen/pvhvm-irq/evtchn_2l.c) on a shared_info page in the fake
 * guest's RAM, one vCPU, a handler that counts per port.  Kept apart from
 * xen_events.c because it builds against the drivers' shim headers.
 */
#ifndef _XEN_EVENTS_GUEST_H
#define _XEN_EVENTS_GUEST_H

/* @shared_info: the page, as mapped from guest RAM.  0 or -errno. */
int xeg_init(void *shared_info);
/* What the driver does to start taking @port on vCPU 0; 0 or -errno. */
int xeg_bind(unsigned int port);
/* The upcall: one call of ->handle_events(); events handled. */
unsigned int xeg_upcall(void);
/* Events the handler took on @port; ports taken that were never bound. */
unsigned long long xeg_count(unsigned int port);
unsigned long long xeg_spurious(void);
/* The pass left work for another (budget). */
int xeg_more(void);

#endif /* _XEN_EVENTS_GUEST_H */
