/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seam between the two halves of xen_rand_test: xen_rand_guest.c
 * builds the driver's pure logic (drivers/xen/pvhvm-irq: the 2-level and
 * FIFO scans, the pirq allocator, vector-0 MSI messages) against the
 * kernel shims, xen_rand_test.c the host's "xen" model against libxen-dev's
 * headers.  The two sets of headers cannot meet in one file, so only plain
 * C types cross here.
 */
#ifndef _XEN_RAND_H
#define _XEN_RAND_H

#include <stdbool.h>
#include <stdint.h>

#define RG_NO_CPU	(~0U)

typedef void (*rg_handler_t)(void *ctx, uint32_t port);

int rg_init(bool fifo, void *shared_info, unsigned int nr_cpus);
int rg_cpu_init(unsigned int cpu, void *vcpu_info_or_cb);
int rg_fifo_add_page(void *page);
void rg_exit(void);
const char *rg_abi_name(void);

int rg_setup(uint32_t port);
int rg_bind_to_cpu(uint32_t port, unsigned int cpu, unsigned int old_cpu);
int rg_remove(uint32_t port, unsigned int cpu);
void rg_mask(uint32_t port);
bool rg_unmask(uint32_t port);
void rg_clear_pending(uint32_t port);
unsigned int rg_budget(void);
unsigned int rg_scan(unsigned int cpu, unsigned int budget, rg_handler_t fn,
		     void *ctx, bool *more);
uint64_t rg_bad_ports(void);

int rg_pirq_init(void);
int rg_pirq_claim(uint32_t pirq);
int rg_pirq_free(uint32_t pirq);
unsigned int rg_pirq_in_use(void);
int rg_pirq_check(void);

int rg_msi_compose(uint32_t pirq, uint64_t *addr, uint32_t *data);

#endif /* _XEN_RAND_H */
