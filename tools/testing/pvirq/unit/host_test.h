/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the host_*.c unit tests: a host whose log goes to
 * memory (so a test can check what was logged), guests without sockets,
 * and request slots built by hand.
 */
#ifndef _PVIRQ_HOST_TEST_H
#define _PVIRQ_HOST_TEST_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tap.h"
#include "pvirq_model.h"
#include "fakeguest.h"

static char *t_logbuf __attribute__((unused));
static size_t t_loglen __attribute__((unused)), t_logmark __attribute__((unused));

static inline struct pvirq_host *t_host(void)
{
	struct pvirq_host *h = pvirq_host_new(NULL);

	if (!h)
		abort();
	h->log = open_memstream(&t_logbuf, &t_loglen);
	if (!h->log)
		abort();
	return h;
}

static inline void t_host_free(struct pvirq_host *h)
{
	FILE *f = h->log;

	pvirq_host_free(h);
	fclose(f);
	free(t_logbuf);
	t_logbuf = NULL;
	t_loglen = t_logmark = 0;
}

/* Log written since the last t_log_mark(). */
static inline const char *t_log(struct pvirq_host *h)
{
	fflush(h->log);
	return t_logbuf ? t_logbuf + t_logmark : "";
}

static inline void t_log_mark(struct pvirq_host *h)
{
	fflush(h->log);
	t_logmark = t_loglen;
}

static inline int t_log_lines(struct pvirq_host *h)
{
	const char *p = t_log(h);
	int n = 0;

	for (; *p; p++)
		n += *p == '\n';
	return n;
}

static inline struct pvirq_guest *t_guest(struct pvirq_host *h,
					  const char *name, u32 vcpus)
{
	struct pvirq_guest_cfg cfg = { .name = name, .max_vcpus = vcpus };
	struct pvirq_guest *g = pvirq_guest_new(h, &cfg);

	if (!g)
		abort();
	return g;
}

/* Connects a fake guest over a socketpair, as if QEMU had. */
static inline int t_attach(struct pvirq_guest *g, struct pvirq_fake *f)
{
	int sv[2], ret;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -errno;
	ret = pvirq_ivshmem_attach(g, sv[0]);
	if (ret) {
		close(sv[1]);
		return ret;
	}
	return pvirq_fake_handshake_fd(f, sv[1], g->vectors, 2000);
}

static u8 t_mem[PVIRQ_WIRE_SLOT_SIZE] __attribute__((aligned(64), unused));

/* A blank request in t_mem: no buffers. */
static inline struct pvirq_wire_slot *t_req(u32 op, u32 vcpu)
{
	struct pvirq_wire_slot *s = (struct pvirq_wire_slot *)t_mem;

	memset(t_mem, 0, sizeof(t_mem));
	s->op = op;
	s->vcpu = vcpu;
	s->buf_arg[0] = PVIRQ_WIRE_BUF_NONE;
	s->buf_arg[1] = PVIRQ_WIRE_BUF_NONE;
	return s;
}

/* Dispatches t_mem as slot @idx; returns the reply's ret. */
static inline s64 t_run(struct pvirq_guest *g, u32 idx)
{
	pvirq_dispatch(g, idx, t_mem);
	return g->vcpu[idx].reply.ret;
}

#endif /* _PVIRQ_HOST_TEST_H */
