// SPDX-License-Identifier: GPL-2.0
/*
 * Shared by the benchmarks that drive pvirq-host with fake guests: the
 * daemon in a private directory, guest RAM files, the plain injected
 * interrupt baseline, percentiles.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_host.h"

int bench_host_init(struct bench_host *h)
{
	memset(h, 0, sizeof(*h));
	h->pid = -1;
	strcpy(h->dir, "/tmp/pvirq-bench-XXXXXX");
	return mkdtemp(h->dir) ? 0 : -errno;
}

const char *bench_host_ram(struct bench_host *h, const char *name, size_t size)
{
	char *path, dir[sizeof(h->dir)];
	int fd;

	if (h->nram >= BENCH_MAX_GUESTS)
		return NULL;
	path = h->ram[h->nram];
	/* a copy: snprintf may not read the object it writes */
	memcpy(dir, h->dir, sizeof(dir));
	snprintf(path, sizeof(h->ram[0]), "%s/%s.ram", dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return NULL;
	if (ftruncate(fd, size)) {
		close(fd);
		unlink(path);
		return NULL;
	}
	close(fd);
	h->nram++;
	return path;
}

int bench_host_start(struct bench_host *h, const char *exe,
		     const char *const *specs, int n)
{
	const char *argv[8 + 2 * BENCH_MAX_GUESTS];
	char rdy[96];
	struct stat st;
	int i, a = 0;

	if (n > BENCH_MAX_GUESTS)
		return -EINVAL;
	snprintf(rdy, sizeof(rdy), "%s/ready", h->dir);
	argv[a++] = "pvirq-host";
	argv[a++] = "--dir";
	argv[a++] = h->dir;
	for (i = 0; i < n; i++) {
		argv[a++] = "--guest";
		argv[a++] = specs[i];
	}
	argv[a++] = "--guest-control";
	argv[a++] = "--ready-file";
	argv[a++] = rdy;
	argv[a] = NULL;
	h->pid = fork();
	if (h->pid < 0)
		return -errno;
	if (h->pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		/* the daemon's log lines (refusals, say) are not figures */
		if (null >= 0)
			dup2(null, 2);
		execv(exe, (char *const *)argv);
		_exit(127);
	}
	for (i = 0; i < 500 && stat(rdy, &st); i++) {
		if (waitpid(h->pid, NULL, WNOHANG) == h->pid) {
			h->pid = -1;
			return -ECHILD;
		}
		usleep(10000);
	}
	return stat(rdy, &st) ? -ETIMEDOUT : 0;
}

int bench_host_guest(struct bench_host *h, const char *name,
		     struct pvirq_fake *f)
{
	struct pvirq_fake_call c = {
		.op = PVIRQ_OP_HELLO,
		.arg = { 1 },
		.buf_arg = { PVIRQ_WIRE_BUF_NONE, PVIRQ_WIRE_BUF_NONE },
	};
	char path[128];
	int ret;

	snprintf(path, sizeof(path), "%s/%s.ivshmem", h->dir, name);
	ret = pvirq_fake_connect(f, path, 2, 5000);
	if (ret)
		return ret;
	pvirq_fake_hdr(f)->nr_cpus = 1;
	pvirq_fake_hdr(f)->apic_id[0] = 0;
	ret = pvirq_fake_call(f, 0, &c, 5000);
	return ret ? ret : (int)c.ret;
}

void bench_host_stop(struct bench_host *h)
{
	char path[128];
	int i;

	if (h->pid > 0) {
		kill(h->pid, SIGTERM);
		waitpid(h->pid, NULL, 0);
	}
	h->pid = -1;
	for (i = 0; i < h->nram; i++)
		unlink(h->ram[i]);
	h->nram = 0;
	/* the daemon removes its sockets and ready file; be sure */
	snprintf(path, sizeof(path), "%s/ready", h->dir);
	unlink(path);
	rmdir(h->dir);
}

void *bench_map_ram(const char *path, size_t size)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	void *p;

	if (fd < 0)
		return NULL;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

int bench_take_vector(struct pvirq_fake *f, u8 vector, int timeout_ms)
{
	u64 end = pvirq_now_ns() + (u64)timeout_ms * 1000000;
	u64 bit = 1ull << (vector % 64);

	do {
		if (pvirq_fake_wait_irq(f, 0, timeout_ms) < 0)
			return -ETIMEDOUT;
		/* a doorbell may come for a vector taken at the last one */
		if (pvirq_fake_take_pending(f, 0, vector / 64) & bit)
			return 0;
	} while (pvirq_now_ns() < end);
	return -ETIMEDOUT;
}

void bench_drain(struct pvirq_fake *f, int timeout_ms)
{
	u32 w;

	while (!pvirq_fake_wait_irq(f, 0, timeout_ms))
		;
	for (w = 0; w < 4; w++)
		pvirq_fake_take_pending(f, 0, w);
}

int bench_inject(struct pvirq_fake *f, u8 vector, double secs,
		 struct bench_acc *a)
{
	u64 n = 0, t0 = pvirq_now_ns(), end = t0 + (u64)(secs * 1e9);
	char cmd[64], buf[128];
	int ret;

	snprintf(cmd, sizeof(cmd), "inject self 0 %u", vector);
	while (pvirq_now_ns() < end) {
		ret = pvirq_fake_control(f, 0, cmd, buf, sizeof(buf));
		if (!ret)
			ret = bench_take_vector(f, vector, 5000);
		if (ret)
			return ret;
		n++;
	}
	a->n += n;
	a->ns += pvirq_now_ns() - t0;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

u64 bench_percentile(u64 *v, size_t n, double p)
{
	size_t i;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	i = (size_t)(p / 100.0 * (n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

double bench_secs(int argc, char **argv, double def)
{
	double s = argc > 2 ? atof(argv[2]) : def;

	return s > 0 && s <= 600 ? s : def;
}
