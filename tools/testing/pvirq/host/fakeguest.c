// SPDX-License-Identifier: GPL-2.0
/*
 * A fake guest: speaks the client side of the ivshmem protocol and the
 * guest side of pvirq_wire.h, so tests and benchmarks can drive pvirq-host
 * through its real socket, eventfd and shared-memory path without a VM.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "fakeguest.h"
#include "pvirq_model.h"

static int recv_msg(int sock, s64 *val, int *fd)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	__u64 le;
	struct iovec iov = { .iov_base = &le, .iov_len = sizeof(le) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *c;
	ssize_t n;

	*fd = -1;
	n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | MSG_WAITALL);
	if (n != sizeof(le))
		return n < 0 ? -errno : -EPROTO;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	*val = (s64)le64toh(le);
	return 0;
}

static void init(struct pvirq_fake *f)
{
	int i;

	memset(f, 0, sizeof(*f));
	f->sock = -1;
	f->shm_fd = -1;
	for (i = 0; i < PVIRQ_HOST_MAX_VECTORS; i++) {
		f->host_fd[i] = -1;
		f->own_fd[i] = -1;
	}
}

/* The handshake of ivshmem-spec.rst, checked message by message. */
int pvirq_fake_handshake_fd(struct pvirq_fake *f, int sock, int vectors,
			    int timeout_ms)
{
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	struct stat st;
	s64 v;
	int fd, i, ret;

	init(f);
	f->sock = sock;
	setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	ret = recv_msg(sock, &f->version, &fd);
	if (ret || fd >= 0 || f->version != 0)
		goto proto;
	ret = recv_msg(sock, &f->own_id, &fd);
	if (ret || fd >= 0 || f->own_id < 0 || f->own_id > 0xffff)
		goto proto;
	ret = recv_msg(sock, &v, &f->shm_fd);
	if (ret || v != -1 || f->shm_fd < 0 || fstat(f->shm_fd, &st))
		goto proto;
	f->shm_len = st.st_size;
	f->shm = mmap(NULL, f->shm_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		      f->shm_fd, 0);
	if (f->shm == MAP_FAILED) {
		f->shm = NULL;
		goto proto;
	}
	for (i = 0; i < 2 * vectors; i++) {
		ret = recv_msg(sock, &v, &fd);
		if (ret || fd < 0)
			goto proto;
		if (i < vectors) {
			if (i && v != f->host_peer)
				goto close_fd;
			f->host_peer = v;
			f->host_fd[f->nhost++] = fd;
		} else {
			if (v != f->own_id)
				goto close_fd;
			f->own_fd[f->nown++] = fd;
		}
	}
	return 0;

close_fd:
	close(fd);
proto:
	pvirq_fake_close(f);
	return ret ? ret : -EPROTO;
}

int pvirq_fake_connect(struct pvirq_fake *f, const char *path, int vectors,
		       int timeout_ms)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int sock;

	init(f);
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return -errno;
	if (connect(sock, (struct sockaddr *)&sa, sizeof(sa))) {
		close(sock);
		return -errno;
	}
	return pvirq_fake_handshake_fd(f, sock, vectors, timeout_ms);
}

void pvirq_fake_close(struct pvirq_fake *f)
{
	int i;

	for (i = 0; i < PVIRQ_HOST_MAX_VECTORS; i++) {
		if (f->host_fd[i] >= 0)
			close(f->host_fd[i]);
		if (f->own_fd[i] >= 0)
			close(f->own_fd[i]);
		f->host_fd[i] = -1;
		f->own_fd[i] = -1;
	}
	if (f->shm)
		munmap(f->shm, f->shm_len);
	if (f->shm_fd >= 0)
		close(f->shm_fd);
	if (f->sock >= 0)
		close(f->sock);
	f->shm = NULL;
	f->shm_fd = -1;
	f->sock = -1;
}

static struct pvirq_wire_slot *slot_of(struct pvirq_fake *f, u32 vcpu)
{
	return (struct pvirq_wire_slot *)(f->shm + PVIRQ_WIRE_SLOT_OFF +
					  (size_t)vcpu * PVIRQ_WIRE_SLOT_SIZE);
}

/* Writes the request, then seq, then rings the doorbell: as the transport. */
int pvirq_fake_submit(struct pvirq_fake *f, u32 vcpu, struct pvirq_fake_call *c)
{
	struct pvirq_wire_slot *s;
	u64 one = 1;
	u32 i;

	if (!f->shm || vcpu >= PVIRQ_WIRE_MAX_VCPUS || !f->nhost)
		return -EINVAL;
	s = slot_of(f, vcpu);
	s->op = c->op;
	s->vcpu = vcpu;
	memcpy(s->arg, c->arg, sizeof(s->arg));
	for (i = 0; i < PVIRQ_WIRE_NBUFS; i++) {
		s->buf_len[i] = c->buf_len[i];
		s->buf_arg[i] = c->buf_arg[i];
		s->buf_dir[i] = c->buf_dir[i];
		if (c->buf[i] && c->buf_len[i] <= PVIRQ_WIRE_BUF_MAX)
			memcpy((u8 *)s + PVIRQ_WIRE_BUF_OFF(i), c->buf[i],
			       c->buf_len[i]);
	}
	__atomic_store_n(&s->seq, ++f->seq[vcpu], __ATOMIC_RELEASE);
	if (write(f->host_fd[0], &one, sizeof(one)) != sizeof(one))
		return -errno;
	return 0;
}

/* Spins (yielding) until done == seq, then copies the reply out. */
int pvirq_fake_wait(struct pvirq_fake *f, u32 vcpu, struct pvirq_fake_call *c,
		    int timeout_ms)
{
	struct pvirq_wire_slot *s = slot_of(f, vcpu);
	u64 end = pvirq_now_ns() + (u64)timeout_ms * 1000000;
	u32 i, spins = 0;

	while (__atomic_load_n(&s->done, __ATOMIC_ACQUIRE) != f->seq[vcpu]) {
		if (++spins % 1024)
			continue;
		if (pvirq_now_ns() > end)
			return -ETIMEDOUT;
		sched_yield();
	}
	c->ret = s->ret;
	memcpy(c->out, s->out, sizeof(c->out));
	for (i = 0; i < PVIRQ_WIRE_NBUFS; i++)
		if (c->buf[i] && (c->buf_dir[i] & 2) &&
		    c->buf_len[i] <= PVIRQ_WIRE_BUF_MAX)
			memcpy(c->buf[i], (u8 *)s + PVIRQ_WIRE_BUF_OFF(i),
			       c->buf_len[i]);
	return 0;
}

int pvirq_fake_call(struct pvirq_fake *f, u32 vcpu, struct pvirq_fake_call *c,
		    int timeout_ms)
{
	int ret = pvirq_fake_submit(f, vcpu, c);

	return ret ? ret : pvirq_fake_wait(f, vcpu, c, timeout_ms);
}

/* Waits for the host to raise our MSI-X @vector; 0 or -ETIMEDOUT. */
int pvirq_fake_wait_irq(struct pvirq_fake *f, int vector, int timeout_ms)
{
	struct pollfd p = { .fd = f->own_fd[vector], .events = POLLIN };
	u64 cnt;

	if (vector < 0 || vector >= f->nown)
		return -EINVAL;
	if (poll(&p, 1, timeout_ms) != 1)
		return -ETIMEDOUT;
	if (read(p.fd, &cnt, sizeof(cnt)) != sizeof(cnt))
		return -EIO;
	return 0;
}

/* What the transport does on an interrupt: take a word of pending bits. */
u64 pvirq_fake_take_pending(struct pvirq_fake *f, u32 vcpu, u32 word)
{
	struct pvirq_wire_inject *blk = (struct pvirq_wire_inject *)
		(f->shm + PVIRQ_WIRE_INJECT_OFF) + vcpu;

	return __atomic_exchange_n(&blk->pending[word], 0, __ATOMIC_SEQ_CST);
}

/*
 * A hypercall as the guest's seam makes it: @nargs (at most 5) register
 * arguments and, if @buf is not NULL, @len bytes IN and OUT that stand for
 * argument @buf_arg.  0 with the hypercall's return value in *@ret, or the
 * transport's -errno.
 */
int pvirq_fake_hypercall(struct pvirq_fake *f, u32 vcpu, u32 abi, u32 nr,
			 const u64 *args, u32 nargs, void *buf, u32 len,
			 u8 buf_arg, s64 *ret)
{
	struct pvirq_fake_call c = {
		.op = PVIRQ_OP_HYPERCALL,
		.arg = { abi, nr },
		.buf_arg = { PVIRQ_WIRE_BUF_NONE, PVIRQ_WIRE_BUF_NONE },
	};
	u32 i;
	int err;

	if (nargs > PVIRQ_HC_NARGS || (buf && len > PVIRQ_WIRE_BUF_MAX))
		return -EINVAL;
	for (i = 0; i < nargs; i++)
		c.arg[2 + i] = args[i];
	if (buf) {
		c.buf[0] = buf;
		c.buf_len[0] = len;
		c.buf_arg[0] = buf_arg;
		c.buf_dir[0] = PVIRQ_HC_BUF_IN | PVIRQ_HC_BUF_OUT;
	}
	err = pvirq_fake_call(f, vcpu, &c, 5000);
	if (err)
		return err;
	if (c.ret)
		return c.ret;
	*ret = (s64)c.out[0];
	return 0;
}

/*
 * A control command sent as the guest (op CONTROL, "self" names it); the
 * reply line, NUL terminated, in @reply (@len bytes, at least 2).  0 for
 * "ok", -EREMOTEIO for "err", or the transport's -errno.
 */
int pvirq_fake_control(struct pvirq_fake *f, u32 vcpu, const char *cmd,
		       char *reply, size_t len)
{
	struct pvirq_fake_call c = {
		.op = PVIRQ_OP_CONTROL,
		.buf_arg = { PVIRQ_WIRE_BUF_NONE, PVIRQ_WIRE_BUF_NONE },
	};
	int err;

	if (len < 2 || len > PVIRQ_WIRE_BUF_MAX || strlen(cmd) >= len)
		return -EINVAL;
	strcpy(reply, cmd);
	c.buf[0] = (u8 *)reply;
	c.buf_len[0] = len;
	c.buf_dir[0] = PVIRQ_HC_BUF_IN | PVIRQ_HC_BUF_OUT;
	err = pvirq_fake_call(f, vcpu, &c, 5000);
	if (err)
		return err;
	if (c.ret)
		return c.ret;
	reply[len - 1] = 0;
	return strncmp(reply, "ok", 2) ? -EREMOTEIO : 0;
}
