// SPDX-License-Identifier: GPL-2.0
/*
 * The host context and its event loop.
 *
 * One epoll set carries every file descriptor pvirq-host listens on: each
 * guest's ivshmem listening socket, its client connection, the eventfds its
 * doorbell rings, the control socket and its clients, and whatever the
 * program adds (pvirq-host adds a signalfd).  Timers -- replies held back by
 * "delay", MSI-X pending bits waiting for an unmask -- set the epoll timeout;
 * nothing polls while there is nothing to wait for.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pvirq_host.h"

#define LOG_BURST	50	/* log lines per guest and second */

struct pvirq_host *pvirq_host_new(const char *dir)
{
	struct pvirq_host *h;

	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->log = stderr;
	h->ctl_ev.fd = -1;
	h->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (h->epfd < 0)
		goto free_host;
	if (dir) {
		h->dir = strdup(dir);
		if (!h->dir)
			goto close_epoll;
	}
	return h;

close_epoll:
	close(h->epfd);
free_host:
	free(h);
	return NULL;
}

void pvirq_host_free(struct pvirq_host *h)
{
	u32 i;

	if (!h)
		return;
	pvirq_ctl_close(h);
	for (i = 0; i < h->nguests; i++)
		pvirq_guest_free(h->guests[i]);
	while (h->barriers) {		/* every waiter was cancelled above */
		struct pvirq_barrier *b = h->barriers;

		h->barriers = b->next;
		free(b);
	}
	close(h->epfd);
	free(h->dir);
	free(h);
}

/* Opens every socket: the guests' ivshmem servers, then the control socket. */
int pvirq_host_listen(struct pvirq_host *h)
{
	u32 i;
	int ret;

	if (!h->dir)
		return -EINVAL;
	if (mkdir(h->dir, 0700) && errno != EEXIST) {
		ret = -errno;
		pvirq_log(h, "cannot create %s: %s", h->dir, strerror(-ret));
		return ret;
	}
	for (i = 0; i < h->nguests; i++) {
		ret = pvirq_ivshmem_listen(h->guests[i]);
		if (ret)
			return ret;
	}
	return pvirq_ctl_listen(h);
}

int pvirq_ev_add(struct pvirq_host *h, struct pvirq_ev *ev, int fd, u32 events,
		 void (*fn)(struct pvirq_ev *ev, u32 events), void *ctx)
{
	struct epoll_event e = { .events = events, .data.ptr = ev };

	ev->fd = fd;
	ev->fn = fn;
	ev->ctx = ctx;
	if (epoll_ctl(h->epfd, EPOLL_CTL_ADD, fd, &e)) {
		ev->fd = -1;
		return -errno;
	}
	return 0;
}

/* Stops watching; the caller closes the descriptor. */
void pvirq_ev_del(struct pvirq_host *h, struct pvirq_ev *ev)
{
	if (ev->fd >= 0)
		epoll_ctl(h->epfd, EPOLL_CTL_DEL, ev->fd, NULL);
	ev->fd = -1;
}

/*
 * One round: fire due timers, wait at most @max_wait_ms (-1: until
 * something happens) and handle what arrived.  A handler may close other
 * descriptors of the same batch: their pvirq_ev then has fd -1 and is
 * skipped; nothing a batch refers to is freed before the batch ends.
 */
int pvirq_host_run_once(struct pvirq_host *h, int max_wait_ms)
{
	struct epoll_event evs[16];
	u64 now, next;
	int n, i, wait = max_wait_ms;

	now = pvirq_now_ns();
	next = pvirq_run_timers(h, now);
	if (next) {
		u64 ms = next > now ? (next - now + 999999) / 1000000 : 0;

		if (wait < 0 || ms < (u64)wait)
			wait = (int)ms;
	}
	n = epoll_wait(h->epfd, evs, ARRAY_SIZE(evs), wait);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (i = 0; i < n; i++) {
		struct pvirq_ev *ev = evs[i].data.ptr;

		if (ev->fd >= 0 && ev->fn)
			ev->fn(ev, evs[i].events);
	}
	pvirq_ctl_reap(h);
	return n;
}

int pvirq_host_run(struct pvirq_host *h)
{
	int ret;

	while (!h->stop) {
		ret = pvirq_host_run_once(h, -1);
		if (ret < 0) {
			pvirq_log(h, "event loop: %s", strerror(-ret));
			return ret;
		}
	}
	return 0;
}

struct pvirq_guest *pvirq_host_find(struct pvirq_host *h, const char *name)
{
	u32 i;

	for (i = 0; i < h->nguests; i++)
		if (!strcmp(h->guests[i]->name, name))
			return h->guests[i];
	return NULL;
}

u32 pvirq_host_nready(struct pvirq_host *h)
{
	u32 i, n = 0;

	for (i = 0; i < h->nguests; i++)
		n += h->guests[i]->ready;
	return n;
}

static void vlog(struct pvirq_host *h, const char *who, const char *fmt,
		 va_list ap)
{
	FILE *f = h->log ? h->log : stderr;

	fprintf(f, "pvirq-host: %s%s", who ? who : "", who ? ": " : "");
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	fflush(f);
}

void pvirq_log(struct pvirq_host *h, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(h, NULL, fmt, ap);
	va_end(ap);
}

/*
 * A guest's log lines are rate limited: a guest looping on bad requests
 * must not flood the log, but the first of every burst is always seen.
 */
void pvirq_glog(struct pvirq_guest *g, const char *fmt, ...)
{
	u64 now = pvirq_now_ns();
	va_list ap;

	if (now - g->log_window >= 1000000000ull) {
		if (g->log_suppressed)
			pvirq_log(g->host, "%s: %u log lines suppressed", g->name,
				  g->log_suppressed);
		g->log_window = now;
		g->log_count = 0;
		g->log_suppressed = 0;
	}
	if (++g->log_count > LOG_BURST) {
		g->log_suppressed++;
		return;
	}
	va_start(ap, fmt);
	vlog(g->host, g->name, fmt, ap);
	va_end(ap);
}
