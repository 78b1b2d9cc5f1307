/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the benchmarks that drive pvirq-host with fake guests share:
 * starting and stopping the daemon in a private directory, guest RAM
 * files, the plain injected-interrupt baseline, and a few statistics.
 */
#ifndef _PVIRQ_BENCH_HOST_H
#define _PVIRQ_BENCH_HOST_H

#include <sys/types.h>
#include "fakeguest.h"

#define BENCH_MAX_GUESTS	4

struct bench_host {
	char dir[64];
	pid_t pid;
	int nram;
	char ram[BENCH_MAX_GUESTS][96];
};

/* A private directory; 0 or -errno. */
int bench_host_init(struct bench_host *h);
/* A zeroed RAM file of @size bytes for guest @name; its path, or NULL. */
const char *bench_host_ram(struct bench_host *h, const char *name, size_t size);
/* pvirq-host --guest-control with @n guest specs, waiting until ready. */
int bench_host_start(struct bench_host *h, const char *exe,
		     const char *const *specs, int n);
/* Connects a fake guest to @name and says HELLO with one vCPU. */
int bench_host_guest(struct bench_host *h, const char *name,
		     struct pvirq_fake *f);
/* Stops the daemon, removes the files. */
void bench_host_stop(struct bench_host *h);

/* A RAM file mapped shared, as the daemon maps it; NULL on failure. */
void *bench_map_ram(const char *path, size_t size);

/*
 * Figures and their baselines run in alternating slices, BENCH_ROUNDS of
 * each, so that a change in the machine's load (the benchmarks share it)
 * hits both alike.  A slice adds its operations and nanoseconds here.
 */
#define BENCH_ROUNDS	10

struct bench_acc {
	u64 n;
	u64 ns;
};

static inline double bench_rate(const struct bench_acc *a)
{
	return a->ns ? a->n / (a->ns / 1e9) : 0;
}

/*
 * The plain injected interrupt, the baseline of the interrupt paths: @f
 * asks for @vector (control request "inject self 0 VECTOR", as
 * host_roundtrip's injected figure) and takes it (its doorbell, then the
 * vector's pending bit) before asking again, for @secs.  0 or -errno.
 */
int bench_inject(struct pvirq_fake *f, u8 vector, double secs,
		 struct bench_acc *a);

/* Takes @vector from @f's vCPU 0 within @timeout_ms: 0, or -ETIMEDOUT. */
int bench_take_vector(struct pvirq_fake *f, u8 vector, int timeout_ms);
/* Takes whatever is pending on @f's vCPU 0 within @timeout_ms. */
void bench_drain(struct pvirq_fake *f, int timeout_ms);

/* The @p-th percentile (0..100) of @n samples; sorts @v. */
u64 bench_percentile(u64 *v, size_t n, double p);
/* Seconds per figure: argv[2] if given, else @def. */
double bench_secs(int argc, char **argv, double def);

#endif /* _PVIRQ_BENCH_HOST_H */
