// SPDX-License-Identifier: GPL-2.0
/*
 * Round trips per second through pvirq-host: a fake guest (fakeguest.c)
 * fills a slot, rings the daemon's eventfd and spins until done == seq,
 * exactly as the guest transport does.  The baseline is the bare mechanism
 * between two processes in the same run: ring an eventfd, the other side
 * wakes from epoll and stores the sequence number the first spins on.
 *
 *   host_roundtrip PATH-TO-pvirq-host [SECONDS]
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fakeguest.h"
#include "pvirq_model.h"

static double secs = 1.0;

static double baseline(void)
{
	volatile u32 *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int efd = eventfd(0, EFD_CLOEXEC);
	u64 n = 0, end, t0, one = 1;
	pid_t pid;
	u32 seq = 0;

	if (shared == MAP_FAILED || efd < 0)
		return 0;
	pid = fork();
	if (pid == 0) {
		struct epoll_event e = { .events = EPOLLIN }, got;
		int ep = epoll_create1(0);
		u64 cnt;

		epoll_ctl(ep, EPOLL_CTL_ADD, efd, &e);
		for (;;) {
			if (epoll_wait(ep, &got, 1, -1) != 1)
				continue;
			if (read(efd, &cnt, sizeof(cnt)) != sizeof(cnt))
				continue;
			__atomic_store_n(&shared[1], __atomic_load_n(&shared[0],
				__ATOMIC_ACQUIRE), __ATOMIC_RELEASE);
		}
	}
	t0 = pvirq_now_ns();
	end = t0 + (u64)(secs * 1e9);
	while (pvirq_now_ns() < end) {
		u32 spins = 0;

		__atomic_store_n(&shared[0], ++seq, __ATOMIC_RELEASE);
		if (write(efd, &one, sizeof(one)) != sizeof(one))
			break;
		while (__atomic_load_n(&shared[1], __ATOMIC_ACQUIRE) != seq)
			if (!(++spins % 1024))
				sched_yield();
		n++;
	}
	t0 = pvirq_now_ns() - t0;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return n / (t0 / 1e9);
}

static double run(struct pvirq_fake *f, struct pvirq_fake_call *c)
{
	u64 n = 0, t0 = pvirq_now_ns(), end = t0 + (u64)(secs * 1e9);

	while (pvirq_now_ns() < end) {
		if (pvirq_fake_call(f, 0, c, 5000) || c->ret)
			return -1;
		n++;
	}
	return n / ((pvirq_now_ns() - t0) / 1e9);
}

/*
 * Injected interrupts: the guest asks for vector 0x40 through a control
 * request, then takes it (eventfd, pending bit) before asking again; each
 * cycle is one request round trip plus one injection.
 */
static double run_inject(struct pvirq_fake *f)
{
	static const char cmd[] = "inject self 0 0x40";
	u64 n = 0, t0 = pvirq_now_ns(), end = t0 + (u64)(secs * 1e9);
	struct pvirq_fake_call c = { .op = PVIRQ_OP_CONTROL,
				     .buf_arg = { 0xff, 0xff } };
	char buf[128];

	while (pvirq_now_ns() < end) {
		memcpy(buf, cmd, sizeof(cmd));
		c.buf[0] = (u8 *)buf;
		c.buf_len[0] = sizeof(buf);
		c.buf_dir[0] = PVIRQ_HC_BUF_IN | PVIRQ_HC_BUF_OUT;
		if (pvirq_fake_call(f, 0, &c, 5000) || c.ret)
			return -1;
		if (pvirq_fake_wait_irq(f, 0, 5000) < 0 ||
		    !(pvirq_fake_take_pending(f, 0, 1) & 1))
			return -1;
		n++;
	}
	return n / ((pvirq_now_ns() - t0) / 1e9);
}

int main(int argc, char **argv)
{
	static u8 buf[PVIRQ_WIRE_BUF_MAX];
	char dir[] = "/tmp/pvirq-bench-XXXXXX", path[128], spec[64], rdy[128];
	struct pvirq_fake_call c = { .buf_arg = { 0xff, 0xff } };
	struct pvirq_fake f;
	double base, cpuid, echo, inject;
	struct stat st;
	pid_t pid;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: host_roundtrip PVIRQ-HOST [SECONDS]\n");
		return 2;
	}
	if (argc > 2)
		secs = atof(argv[2]);
	if (!mkdtemp(dir))
		return 1;
	snprintf(spec, sizeof(spec), "g0,vcpus=1");
	snprintf(rdy, sizeof(rdy), "%s/ready", dir);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0)
			dup2(null, 2);
		execl(argv[1], "pvirq-host", "--dir", dir, "--guest", spec,
		      "--guest-control", "--ready-file", rdy, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 500 && stat(rdy, &st); i++)
		usleep(10000);
	snprintf(path, sizeof(path), "%s/g0.ivshmem", dir);
	if (pvirq_fake_connect(&f, path, 2, 5000)) {
		fprintf(stderr, "host_roundtrip: cannot connect to %s\n", path);
		kill(pid, SIGTERM);
		return 1;
	}
	c.op = PVIRQ_OP_HELLO;
	c.arg[0] = 1;
	pvirq_fake_call(&f, 0, &c, 5000);

	base = baseline();
	c.op = PVIRQ_OP_CPUID;
	c.arg[0] = 0x40000000;
	cpuid = run(&f, &c);
	c.op = PVIRQ_OP_HYPERCALL;
	c.arg[0] = PVIRQ_HC_ABI_KVM;
	c.arg[1] = PVIRQ_BASE_HC_ECHO;
	c.buf[0] = buf;
	c.buf_len[0] = sizeof(buf);
	c.buf_arg[0] = 0;
	c.buf_dir[0] = PVIRQ_HC_BUF_IN | PVIRQ_HC_BUF_OUT;
	echo = run(&f, &c);
	inject = run_inject(&f);

	printf("pvirq-host round trips/s: cpuid %.0f (%.1f us), 4 KiB echo hypercall %.0f (%.1f us); baseline eventfd+epoll ping-pong %.0f (%.1f us); cpuid/baseline %.2f\n",
	       cpuid, 1e6 / cpuid, echo, 1e6 / echo, base, 1e6 / base,
	       cpuid / base);
	printf("pvirq-host injected interrupts/s (request, inject, take): %.0f (%.1f us each)\n",
	       inject, 1e6 / inject);
	pvirq_fake_close(&f);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	rmdir(dir);
	return cpuid > 0 && echo > 0 && inject > 0 ? 0 : 1;
}
