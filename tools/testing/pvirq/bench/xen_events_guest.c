// SPDX-License-Identifier: GPL-2.0
/*
 * The guest half of xen_events: what pvhvm_irq's events.c does around the
 * scan, cut to one vCPU and the 2-level ABI.  The scan is the driver's own
 * evtchn_2l.c, linked in unchanged; the handler stands for
 * pvhvm_dispatch(): look the port up, count.
 */
#include <linux/types.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <xen/interface/xen.h>
#include <xen/interface/event_channel.h>

#include "evtchn_scan.h"
#include "xen_events_guest.h"

static struct pvhvm_evtchn ec;
static struct pvhvm_evtchn_cpu ecpu;
static unsigned long bound[BITS_TO_LONGS(EVTCHN_2L_NR_CHANNELS)];
static bool mapped[EVTCHN_2L_NR_CHANNELS];
static unsigned long long events[EVTCHN_2L_NR_CHANNELS];
static unsigned long long spurious;

static void count_event(void *ctx, evtchn_port_t port)
{
	if (port >= EVTCHN_2L_NR_CHANNELS || !mapped[port]) {
		spurious++;
		return;
	}
	events[port]++;
}

int xeg_init(void *shared_info)
{
	struct shared_info *si = shared_info;
	int ret;

	ret = pvhvm_evtchn_2l_init(&ec, si, &ecpu, 1);
	if (ret)
		return ret;
	/* vCPU 0's vcpu_info stays in shared_info, as the driver leaves it */
	return pvhvm_evtchn_2l_cpu_init(&ec, 0, &si->vcpu_info[0], bound);
}

int xeg_bind(unsigned int port)
{
	int ret = ec.ops->setup(&ec, port);

	if (ret)
		return ret;
	ret = ec.ops->bind_to_cpu(&ec, port, 0, PVHVM_EVTCHN_NO_CPU);
	if (ret)
		return ret;
	mapped[port] = true;
	/* pending already: the driver would issue EVTCHNOP_unmask */
	return ec.ops->unmask(&ec, port) ? -EAGAIN : 0;
}

unsigned int xeg_upcall(void)
{
	return ec.ops->handle_events(&ecpu, PVHVM_EVTCHN_BUDGET, count_event,
				     NULL);
}

unsigned long long xeg_count(unsigned int port)
{
	return port < EVTCHN_2L_NR_CHANNELS ? events[port] : 0;
}

unsigned long long xeg_spurious(void)
{
	return spurious;
}

int xeg_more(void)
{
	return ecpu.more;
}
