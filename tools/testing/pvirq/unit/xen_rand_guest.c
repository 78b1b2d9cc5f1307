// SPDX-License-Identifier: GPL-2.0
/*
 * The guest half of xen_rand_test (see xen_rand.h): the driver's own
 * evtchn_2l.c, evtchn_fifo.c, pirq_alloc.c and msi_vec0.c behind plain C
 * calls, set up the way events.c, irq.c and msi.c set them up.
 */
#include <stdlib.h>
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/bitops.h>
#include <linux/string.h>
#include <xen/interface/xen.h>
#include <xen/interface/event_channel.h>

#include "evtchn_scan.h"
#include "pirq_alloc.h"
#include "msi_vec0.h"
#include "xen_rand.h"

#define RG_MAX_CPUS	8
#define RG_PIRQ_BITS	4096

static struct pvhvm_evtchn ec;
static struct pvhvm_evtchn_cpu cpus[RG_MAX_CPUS];
static unsigned long *bound[RG_MAX_CPUS];
static event_word_t *fifo_pages[PVHVM_FIFO_MAX_PAGES];
static bool fifo;

static struct pvhvm_pirq_alloc pa;
static unsigned long pirq_map[BITS_TO_LONGS(RG_PIRQ_BITS)];

int rg_init(bool use_fifo, void *shared_info, unsigned int nr_cpus)
{
	if (nr_cpus > RG_MAX_CPUS)
		return -EINVAL;
	memset(&ec, 0, sizeof(ec));
	memset(cpus, 0, sizeof(cpus));
	memset(fifo_pages, 0, sizeof(fifo_pages));
	fifo = use_fifo;
	if (fifo)
		return pvhvm_evtchn_fifo_init(&ec, fifo_pages, cpus, nr_cpus);
	return pvhvm_evtchn_2l_init(&ec, shared_info, cpus, nr_cpus);
}

int rg_cpu_init(unsigned int cpu, void *p)
{
	if (fifo)
		return pvhvm_evtchn_fifo_cpu_init(&ec, cpu, p);
	bound[cpu] = calloc(BITS_TO_LONGS(EVTCHN_2L_NR_CHANNELS),
			    sizeof(unsigned long));
	if (!bound[cpu])
		return -ENOMEM;
	return pvhvm_evtchn_2l_cpu_init(&ec, cpu, p, bound[cpu]);
}

int rg_fifo_add_page(void *page)
{
	return pvhvm_evtchn_fifo_add_page(&ec, page);
}

void rg_exit(void)
{
	unsigned int i;

	for (i = 0; i < RG_MAX_CPUS; i++) {
		free(bound[i]);
		bound[i] = NULL;
	}
}

const char *rg_abi_name(void)
{
	return ec.ops->name;
}

int rg_setup(uint32_t port)
{
	return ec.ops->setup(&ec, port);
}

int rg_bind_to_cpu(uint32_t port, unsigned int cpu, unsigned int old_cpu)
{
	return ec.ops->bind_to_cpu(&ec, port, cpu,
				   old_cpu == RG_NO_CPU ? PVHVM_EVTCHN_NO_CPU : old_cpu);
}

int rg_remove(uint32_t port, unsigned int cpu)
{
	return ec.ops->remove(&ec, port, cpu);
}

void rg_mask(uint32_t port)
{
	ec.ops->mask(&ec, port);
}

bool rg_unmask(uint32_t port)
{
	return ec.ops->unmask(&ec, port);
}

void rg_clear_pending(uint32_t port)
{
	ec.ops->clear_pending(&ec, port);
}

unsigned int rg_budget(void)
{
	return PVHVM_EVTCHN_BUDGET;
}

unsigned int rg_scan(unsigned int cpu, unsigned int budget, rg_handler_t fn,
		     void *ctx, bool *more)
{
	unsigned int n;

	n = ec.ops->handle_events(&cpus[cpu], budget,
				  (pvhvm_evtchn_handler_t)fn, ctx);
	*more = cpus[cpu].more;
	return n;
}

uint64_t rg_bad_ports(void)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < ec.nr_cpus; i++)
		n += cpus[i].bad_ports;
	return n;
}

int rg_pirq_init(void)
{
	memset(pirq_map, 0, sizeof(pirq_map));
	return pvhvm_pirq_init_host_picks(&pa, pirq_map, RG_PIRQ_BITS);
}

int rg_pirq_claim(uint32_t pirq)
{
	return pvhvm_pirq_claim(&pa, pirq);
}

int rg_pirq_free(uint32_t pirq)
{
	return pvhvm_pirq_free(&pa, pirq);
}

unsigned int rg_pirq_in_use(void)
{
	return pa.in_use;
}

int rg_pirq_check(void)
{
	return pvhvm_pirq_check(&pa);
}

int rg_msi_compose(uint32_t pirq, uint64_t *addr, uint32_t *data)
{
	struct pvhvm_msi_msg m;
	int ret;

	ret = pvhvm_msi_compose(pirq, true, &m);
	if (ret)
		return ret;
	*addr = (uint64_t)m.address_hi << 32 | m.address_lo;
	*data = m.data;
	return 0;
}
