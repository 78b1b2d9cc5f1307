/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Harness of the "xen" model's unit tests: a real libpvirqhost guest with
 * the model, RAM in a temporary file mapped by the core, an eventfd for its
 * interrupt line and BAR2's injection blocks, so that every call goes
 * through the model's own ops and the core's own RAM and injection code.
 * Hypercalls are made the way the dispatcher makes them: the argument
 * structure copied into a private buffer, written back afterwards.
 */
#ifndef _XENMODEL_TEST_H
#define _XENMODEL_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <xen/features.h>
#include <xen/memory.h>
#include <xen/vcpu.h>
#include <xen/version.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/arch-x86/cpuid.h>

#include "tap.h"
#include "model_xen.h"

#define XT_RAM_SIZE	(16u << 20)
#define XT_SHINFO_GPA	0x10000ull
#define XT_VCPUINFO_GPA	0x11000ull	/* vcpu_info pages, one per vCPU */
#define XT_FIFO_CB_GPA	0x40000ull	/* FIFO control blocks, one page each */
#define XT_FIFO_ARR_GPA	0x80000ull	/* FIFO event array pages */
#define XT_VECTOR	0xf3		/* the global callback vector */
#define XT_CALLBACK	(((u64)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56) | XT_VECTOR)

struct xt {
	struct pvirq_host *h;
	struct pvirq_guest *g;
	struct xm_model *m;
	char *logbuf;
	size_t loglen;
	size_t logmark;
};

static inline void xt_start(struct xt *t, const char *model, u32 vcpus)
{
	char path[] = "/tmp/xenmodel-ram-XXXXXX";
	struct pvirq_guest_cfg cfg = {
		.name = "g", .model = model, .ram_path = path,
		.max_vcpus = vcpus,
	};
	int fd;

	memset(t, 0, sizeof(*t));
	t->h = pvirq_host_new(NULL);
	if (!t->h)
		abort();
	t->h->log = open_memstream(&t->logbuf, &t->loglen);
	fd = mkstemp(path);
	if (!t->h->log || fd < 0 || ftruncate(fd, XT_RAM_SIZE))
		abort();
	close(fd);
	t->g = pvirq_guest_new(t->h, &cfg);
	if (!t->g || pvirq_guest_map_ram(t->g))
		abort();
	unlink(path);
	/* connected, as after the ivshmem handshake and HELLO */
	t->g->irq_fd[0] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (t->g->irq_fd[0] < 0)
		abort();
	t->g->connected = true;
	t->g->ready = true;
	t->g->nr_cpus = vcpus;
	t->m = t->g->model_priv;
}

static inline void xt_stop(struct xt *t)
{
	FILE *f = t->h->log;

	pvirq_host_free(t->h);
	fclose(f);
	free(t->logbuf);
}

/* Log since the last call (a line "pvirq-host: g: xen: ..." per entry). */
static inline const char *xt_log(struct xt *t)
{
	const char *s;

	fflush(t->h->log);
	s = t->logbuf ? t->logbuf + t->logmark : "";
	t->logmark = t->loglen;
	return s;
}

static inline bool xt_logged(struct xt *t, const char *what)
{
	return !!strstr(xt_log(t), what);
}

/* A hypercall op(cmd, arg) with @arg copied in and back, IN|OUT. */
static inline s64 xt_hc_dir(struct xt *t, u32 vcpu, u32 nr, u64 a0, u64 a1,
			    u32 argidx, void *arg, u32 len, u8 dir)
{
	struct pvirq_hc hc = {
		.abi = PVIRQ_HC_ABI_XEN, .nr = nr, .args = { a0, a1 },
	};
	u64 buf[PVIRQ_WIRE_BUF_MAX / 8];
	s64 ret;

	if (arg) {
		memset(buf, 0, sizeof(buf));
		memcpy(buf, arg, len);
		hc.nbufs = 1;
		hc.buf[0] = (struct pvirq_hc_buf) {
			.data = (u8 *)buf, .len = len, .arg = argidx, .dir = dir,
		};
	}
	ret = t->g->model->hypercall(t->g, vcpu, &hc);
	if (arg && (dir & PVIRQ_HC_BUF_OUT))
		memcpy(arg, buf, len);
	return ret;
}

static inline s64 xt_hc(struct xt *t, u32 nr, u32 cmd, void *arg, u32 len)
{
	return xt_hc_dir(t, 0, nr, cmd, 0, 1, arg, len,
			 PVIRQ_HC_BUF_IN | PVIRQ_HC_BUF_OUT);
}

#define XT_PHYSDEV(t, cmd, a)	xt_hc(t, __HYPERVISOR_physdev_op, cmd, a, sizeof(*(a)))
#define XT_EVTCHN(t, cmd, a)	xt_hc(t, __HYPERVISOR_event_channel_op, cmd, a, sizeof(*(a)))
#define XT_HVM(t, cmd, a)	xt_hc(t, __HYPERVISOR_hvm_op, cmd, a, sizeof(*(a)))

static inline void *xt_ram(struct xt *t, u64 gpa)
{
	return t->g->ram + gpa;
}

static inline struct shared_info *xt_shinfo(struct xt *t)
{
	return xt_ram(t, XT_SHINFO_GPA);
}

/* Takes the vCPU's pending-vector bitmap (the guest's xchg). */
static inline bool xt_took(struct xt *t, u32 vcpu, u32 vector)
{
	struct pvirq_wire_inject *blk = pvirq_inject_blk(t->g, vcpu);
	u64 w = __atomic_exchange_n(&blk->pending[vector / 64], 0,
				    __ATOMIC_SEQ_CST);

	return w & (1ull << (vector % 64));
}

static inline u64 xt_injected(struct xt *t, u32 vcpu)
{
	return pvirq_inject_blk(t->g, vcpu)->injected;
}

static inline int xt_cmd(struct xt *t, const char *line)
{
	char buf[256], *argv[16], *save = NULL, *tok;
	struct pvirq_sb reply = { 0 };
	int argc = 0, ret;

	strncpy(buf, line, sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	for (tok = strtok_r(buf, " ", &save); tok && argc < 16;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	ret = t->g->model->command(t->g, argc, argv, &reply);
	pvirq_sb_free(&reply);
	return ret;
}

/* The model's state JSON, to free() */
static inline char *xt_state(struct xt *t)
{
	struct pvirq_sb sb = { 0 };
	char *s;

	t->g->model->state_json(t->g, &sb);
	s = strdup(pvirq_sb_str(&sb));
	pvirq_sb_free(&sb);
	return s;
}

static inline bool xt_state_has(struct xt *t, const char *what)
{
	char *s = xt_state(t);
	bool ret = !!strstr(s, what);

	free(s);
	return ret;
}

/* Guest setup as a PVHVM guest does it: shared_info, callback vector. */
static inline s64 xt_place_shinfo(struct xt *t, u64 gpa)
{
	struct xen_add_to_physmap a = {
		.domid = DOMID_SELF, .space = XENMAPSPACE_shared_info,
		.idx = 0, .gpfn = gpa >> XM_PAGE_SHIFT,
	};

	return xt_hc(t, __HYPERVISOR_memory_op, XENMEM_add_to_physmap, &a,
		     sizeof(a));
}

static inline s64 xt_set_callback(struct xt *t, u64 value)
{
	struct xen_hvm_param p = {
		.domid = DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ,
		.value = value,
	};

	return XT_HVM(t, HVMOP_set_param, &p);
}

static inline s64 xt_upcall_vector(struct xt *t, u32 vcpu, u8 vector)
{
	struct xen_hvm_evtchn_upcall_vector a = { .vcpu = vcpu, .vector = vector };

	return XT_HVM(t, HVMOP_set_evtchn_upcall_vector, &a);
}

static inline void xt_setup(struct xt *t)
{
	if (xt_place_shinfo(t, XT_SHINFO_GPA) || xt_set_callback(t, XT_CALLBACK))
		abort();
}

static inline s64 xt_bind_pirq(struct xt *t, u32 pirq, u32 *port)
{
	struct evtchn_bind_pirq b = { .pirq = pirq };
	s64 ret = XT_EVTCHN(t, EVTCHNOP_bind_pirq, &b);

	*port = b.port;
	return ret;
}

static inline s64 xt_map_gsi(struct xt *t, int gsi, int *pirq)
{
	struct physdev_map_pirq m = {
		.domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_GSI, .index = gsi,
		.pirq = *pirq,
	};
	s64 ret = XT_PHYSDEV(t, PHYSDEVOP_map_pirq, &m);

	*pirq = m.pirq;
	return ret;
}

static inline s64 xt_get_free(struct xt *t, int type, u32 *pirq)
{
	struct physdev_get_free_pirq a = { .type = type };
	s64 ret = XT_PHYSDEV(t, PHYSDEVOP_get_free_pirq, &a);

	*pirq = a.pirq;
	return ret;
}

static inline s64 xt_unmap(struct xt *t, int pirq)
{
	struct physdev_unmap_pirq a = { .domid = DOMID_SELF, .pirq = pirq };

	return XT_PHYSDEV(t, PHYSDEVOP_unmap_pirq, &a);
}

static inline s64 xt_eoi(struct xt *t, u32 pirq)
{
	struct physdev_eoi a = { .irq = pirq };

	return XT_PHYSDEV(t, PHYSDEVOP_eoi, &a);
}

static inline s64 xt_close(struct xt *t, u32 port)
{
	struct evtchn_close c = { .port = port };

	return XT_EVTCHN(t, EVTCHNOP_close, &c);
}

static inline s64 xt_unmask(struct xt *t, u32 port)
{
	struct evtchn_unmask u = { .port = port };

	return XT_EVTCHN(t, EVTCHNOP_unmask, &u);
}

static inline bool xt_test_pending(struct xt *t, u32 port)
{
	return xt_shinfo(t)->evtchn_pending[port / 64] & (1ul << (port % 64));
}

static inline void xt_mask(struct xt *t, u32 port, bool on)
{
	if (on)
		xt_shinfo(t)->evtchn_mask[port / 64] |= 1ul << (port % 64);
	else
		xt_shinfo(t)->evtchn_mask[port / 64] &= ~(1ul << (port % 64));
}

/* The vector-0 MSI message for @pirq (Linux's encoding). */
static inline u64 xt_msi_addr(u32 pirq)
{
	return ((u64)(pirq & 0xffffff00) << 32) | 0xfee00000u |
	       ((pirq & 0xff) << 12);
}

#endif /* _XENMODEL_TEST_H */
