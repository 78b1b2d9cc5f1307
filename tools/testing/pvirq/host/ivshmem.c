// SPDX-License-Identifier: GPL-2.0
/*
 * The ivshmem server side, one per guest (QEMU docs/specs/ivshmem-spec.rst).
 *
 * Every message is one little-endian int64, some with a file descriptor
 * (SCM_RIGHTS).  On connect we send: the protocol version (0); the client's
 * own peer id; -1 with the BAR2 memfd; our own peer id (PVIRQ_HOST_PEER)
 * once per vector, each with an eventfd the guest's doorbell writes ring
 * ("connect notification" of a peer); and the client's id once per vector,
 * each with the eventfd that raises that MSI-X vector in the guest ("interrupt
 * setup").  QEMU refuses more descriptors than it has vectors, so we send
 * exactly as many as the guest was configured with.
 *
 * QEMU never writes to the socket; it closes it when it exits.  A guest has
 * one client at a time: the socket names the guest, whatever it claims.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "pvirq_host.h"

static int send_msg(int sock, s64 val, int fd)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	__u64 le = htole64((u64)val);
	struct iovec iov = { .iov_base = &le, .iov_len = sizeof(le) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;
	ssize_t n;

	if (fd >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do {
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n == sizeof(le))
		return 0;
	return n < 0 ? -errno : -EIO;
}

/* Binds @path, replacing a stale socket but never a live server's. */
int pvirq_listen_unix(struct pvirq_host *h, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, ret;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		pvirq_log(h, "socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		pvirq_log(h, "%s: another server is listening there", path);
		close(fd);
		return -EADDRINUSE;
	}
	close(fd);
	unlink(path);

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 8)) {
		ret = -errno;
		pvirq_log(h, "cannot listen on %s: %s", path, strerror(-ret));
		close(fd);
		return ret;
	}
	return fd;
}

static void conn_event(struct pvirq_ev *ev, u32 events)
{
	struct pvirq_guest *g = ev->ctx;
	char buf[256];
	ssize_t n;

	/* QEMU sends nothing: drain whatever comes, act on the hangup */
	for (;;) {
		n = read(ev->fd, buf, sizeof(buf));
		if (n > 0)
			continue;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN &&
		    !(events & (EPOLLHUP | EPOLLRDHUP | EPOLLERR)))
			return;
		break;
	}
	pvirq_ivshmem_detach(g, "client disconnected");
}

static void doorbell_event(struct pvirq_ev *ev, u32 events)
{
	struct pvirq_guest *g = ev->ctx;
	u64 cnt;

	/* read first: a ring during the scan below then wakes us again */
	if (read(ev->fd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
		return;
	g->st.doorbells++;
	pvirq_guest_service(g);
	pvirq_pci_poll(g);
}

static void close_fds(struct pvirq_guest *g)
{
	u32 i;

	for (i = 0; i < PVIRQ_HOST_MAX_VECTORS; i++) {
		if (g->doorbell_ev[i].fd >= 0) {
			int fd = g->doorbell_ev[i].fd;

			pvirq_ev_del(g->host, &g->doorbell_ev[i]);
			close(fd);
		}
		if (g->irq_fd[i] >= 0)
			close(g->irq_fd[i]);
		g->irq_fd[i] = -1;
	}
	if (g->conn_ev.fd >= 0) {
		int fd = g->conn_ev.fd;

		pvirq_ev_del(g->host, &g->conn_ev);
		close(fd);
	}
}

/**
 * pvirq_ivshmem_attach() - serve a freshly connected ivshmem client
 * @g: the guest whose socket it connected to
 * @fd: the connection; owned by @g from now on, even on failure
 *
 * Return: 0, or -errno with @fd closed.
 */
int pvirq_ivshmem_attach(struct pvirq_guest *g, int fd)
{
	struct pvirq_host *h = g->host;
	u32 i;
	int ret, efd;

	if (g->connected) {
		pvirq_glog(g, "refusing a second ivshmem client");
		close(fd);
		return -EBUSY;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)) {
		ret = -errno;
		close(fd);
		return ret;
	}
	g->gen++;
	pvirq_guest_reset(g);

	for (i = 0; i < g->vectors; i++) {
		efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (efd < 0)
			goto errno_fds;
		ret = pvirq_ev_add(h, &g->doorbell_ev[i], efd, EPOLLIN,
				   doorbell_event, g);
		if (ret) {
			close(efd);
			goto close_fds;
		}
		g->irq_fd[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (g->irq_fd[i] < 0)
			goto errno_fds;
	}

	ret = send_msg(fd, PVIRQ_IVSHMEM_PROTOCOL, -1);
	if (!ret)
		ret = send_msg(fd, g->peer_id, -1);
	if (!ret)
		ret = send_msg(fd, -1, g->shm_fd);
	for (i = 0; !ret && i < g->vectors; i++)
		ret = send_msg(fd, PVIRQ_HOST_PEER, g->doorbell_ev[i].fd);
	for (i = 0; !ret && i < g->vectors; i++)
		ret = send_msg(fd, g->peer_id, g->irq_fd[i]);
	if (ret) {
		pvirq_glog(g, "ivshmem handshake failed: %s", strerror(-ret));
		goto close_fds;
	}
	ret = pvirq_ev_add(h, &g->conn_ev, fd, EPOLLIN | EPOLLRDHUP,
			   conn_event, g);
	if (ret)
		goto close_fds;

	g->connected = true;
	g->st.connects++;
	pvirq_glog(g, "client connected (peer %u, %u vectors)", g->peer_id,
		   g->vectors);
	pvirq_host_guests_changed(h);
	return 0;

errno_fds:
	ret = -errno;
	pvirq_glog(g, "eventfd: %s", strerror(-ret));
close_fds:
	close_fds(g);
	close(fd);
	return ret;
}

void pvirq_ivshmem_detach(struct pvirq_guest *g, const char *why)
{
	if (!g->connected)
		return;
	pvirq_cancel_all(g);
	close_fds(g);
	pvirq_guest_unmap_ram(g);
	g->connected = false;
	g->ready = false;
	pvirq_glog(g, "%s", why);
	pvirq_host_guests_changed(g->host);
}

static void listen_event(struct pvirq_ev *ev, u32 events)
{
	struct pvirq_guest *g = ev->ctx;
	int fd;

	fd = accept4(ev->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			pvirq_glog(g, "accept: %s", strerror(errno));
		return;
	}
	pvirq_ivshmem_attach(g, fd);
}

int pvirq_ivshmem_listen(struct pvirq_guest *g)
{
	struct pvirq_host *h = g->host;
	int fd, ret;

	if (asprintf(&g->sock_path, "%s/%s.ivshmem", h->dir, g->name) < 0) {
		g->sock_path = NULL;
		return -ENOMEM;
	}
	fd = pvirq_listen_unix(h, g->sock_path);
	if (fd < 0)
		goto free_path;
	ret = pvirq_ev_add(h, &g->listen_ev, fd, EPOLLIN, listen_event, g);
	if (ret) {
		close(fd);
		unlink(g->sock_path);
		fd = ret;
		goto free_path;
	}
	return 0;

free_path:
	free(g->sock_path);
	g->sock_path = NULL;
	return fd;
}

/* Drops the client and removes the socket: at exit. */
void pvirq_ivshmem_close(struct pvirq_guest *g)
{
	int fd = g->listen_ev.fd;

	pvirq_ivshmem_detach(g, "server shutting down");
	if (fd >= 0) {
		pvirq_ev_del(g->host, &g->listen_ev);
		close(fd);
	}
	if (g->sock_path)
		unlink(g->sock_path);
}
