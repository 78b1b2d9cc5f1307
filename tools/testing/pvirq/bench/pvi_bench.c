// SPDX-License-Identifier: GPL-2.0
/*
 * PVIs through pvirq-host's "pvi" model: two fake guests, A and B, set up
 * as pvi.ko does at load (CPUID detection, PVI_OP_SETUP of a page in their
 * RAM, PVI_OP_VECTOR); B allows A on one GSI, A resolves B.  A sends with
 * the KVM PVI hypercall as arch/x86/pvi/kvm.c makes it; B's receiver
 * thread takes the injected vector and scans its PVI page the way
 * pvi_kvm_upcall() does, with pvi.ko's own pvi_scan_pending()
 * (arch/x86/pvi/pvi_scan.c, built in here).
 *
 * Figures, each beside a baseline of the same run and daemon:
 *
 *   throughput  A sends as fast as it can while B takes; sent, delivered
 *		 and merged come from the model's counts and must add up
 *		 (delivered + merged == sent), and B must have handled every
 *		 delivered PVI.  Baseline: A asks the host to inject B's
 *		 vector (control request "inject B 0 VECTOR") as fast as it
 *		 can while B takes them.
 *   refused	 sends to a GSI B did not allow (-EPERM each).  Baseline:
 *		 the bare hypercall round trip (an unknown hypercall number,
 *		 answered by the model with KVM's ENOSYS).
 *   latency	 one PVI at a time, A's clock before the send to B's
 *		 handler (CLOCK_MONOTONIC, one process), median and p99.
 *		 Baseline: one injection request at a time, A's clock before
 *		 the request to B taking the vector.  Samples alternate.
 *
 * Throughput and refusals run in alternating slices with their baselines
 * (BENCH_ROUNDS of each), so a change in the machine's load hits both.
 *
 *   pvi_bench PATH-TO-pvirq-host [SECONDS-PER-FIGURE]
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pvirq/pvi_abi.h>

#include "bench_host.h"
#include "pvi_scan.h"
#include "pvirq_model.h"

#define RAM_SIZE	(4u << 20)
#define PAGE_GPA	0x100000	/* the PVI page, at 1 MiB */
#define PVI_VECTOR	0xe1
#define GSI_OK		7
#define GSI_DENIED	9
#define MAX_SAMPLES	200000

struct pvi_guest {
	const char *name;
	struct pvirq_fake f;
	u8 *ram;
	u32 hc_nr;
	u32 nr_gsis;
	u64 uuid_lo, uuid_hi;
};

static struct pvi_guest ga = { .name = "a" }, gb = { .name = "b" };

/*
 * B's receiver: written by its thread only; A reads the sequence numbers
 * (acquire) and the time stamped before each (release).
 */
static struct {
	pthread_t thread;
	int stop;
	u64 *pending;
	u32 words;
	u64 irqs;		/* vector taken */
	u64 irq_ns;
	u64 handled[PVI_MAX_GSIS];
	u64 lat_seq;		/* GSI_OK handled */
	u64 lat_ns;
	u64 bad;		/* bits beyond nr_gsis */
} rx;

static int pvi_call(struct pvi_guest *g, u64 op, u64 a1, u64 a2, u64 a3,
		    s64 *ret)
{
	u64 args[4] = { op, a1, a2, a3 };

	return pvirq_fake_hypercall(&g->f, 0, PVIRQ_HC_ABI_KVM, g->hc_nr, args,
				    4, NULL, 0, 0, ret);
}

static int cpuid(struct pvi_guest *g, u32 leaf, u32 regs[4])
{
	struct pvirq_fake_call c = {
		.op = PVIRQ_OP_CPUID,
		.arg = { leaf },
		.buf_arg = { PVIRQ_WIRE_BUF_NONE, PVIRQ_WIRE_BUF_NONE },
	};
	int i;

	if (pvirq_fake_call(&g->f, 0, &c, 5000) || c.ret)
		return -EIO;
	for (i = 0; i < 4; i++)
		regs[i] = c.out[i];
	return 0;
}

/* As pvi.ko loads: detect, SETUP, check the page, VECTOR. */
static int pvi_load(struct pvi_guest *g)
{
	struct pvi_page_hdr hdr;
	u32 regs[4];
	s64 ret;

	if (cpuid(g, 0x40000000, regs) || memcmp(&regs[1], PVI_KVM_SIGNATURE, 12) ||
	    regs[0] < 0x40000000 + PVI_CPUID_LEAF_OFFSET ||
	    cpuid(g, 0x40000000 + PVI_CPUID_LEAF_OFFSET, regs) ||
	    regs[0] != PVI_CPUID_MAGIC || regs[1] <= PVI_KVM_HC_RESERVED_MAX ||
	    !regs[3] || regs[3] > PVI_MAX_GSIS) {
		fprintf(stderr, "pvi_bench: %s: no KVM PVI host\n", g->name);
		return -ENODEV;
	}
	g->hc_nr = regs[1];
	g->nr_gsis = regs[3];
	if (pvi_call(g, PVI_OP_SETUP, PAGE_GPA, 0, 0, &ret) || ret) {
		fprintf(stderr, "pvi_bench: %s: PVI_OP_SETUP: %lld\n", g->name,
			(long long)ret);
		return -EIO;
	}
	/* the host may rewrite the page: copy the header out once */
	memcpy(&hdr, g->ram + PAGE_GPA, sizeof(hdr));
	if (hdr.magic != PVI_PAGE_MAGIC || hdr.nr_gsis != g->nr_gsis)
		return -EPROTO;
	memcpy(&g->uuid_lo, hdr.uuid, 8);
	memcpy(&g->uuid_hi, hdr.uuid + 8, 8);
	if (pvi_call(g, PVI_OP_VECTOR, PVI_VECTOR, 0, 0, &ret) || ret)
		return -EIO;
	return 0;
}

static void deliver(u32 gsi)
{
	if (gsi >= gb.nr_gsis) {
		rx.bad++;
		return;
	}
	rx.handled[gsi]++;
	if (gsi == GSI_OK) {
		__atomic_store_n(&rx.lat_ns, pvirq_now_ns(), __ATOMIC_RELAXED);
		__atomic_store_n(&rx.lat_seq, rx.lat_seq + 1, __ATOMIC_RELEASE);
	}
}

static void deliver_one(void *ctx, u32 gsi)
{
	deliver(gsi);
}

/* Takes the vector and scans with pvi.ko's own pvi_scan_pending(). */
static void *receiver(void *unused)
{
	u64 vbit = 1ull << (PVI_VECTOR % 64);
	unsigned int next = 0;

	while (!__atomic_load_n(&rx.stop, __ATOMIC_ACQUIRE)) {
		if (pvirq_fake_wait_irq(&gb.f, 0, 20) < 0)
			continue;
		if (!(pvirq_fake_take_pending(&gb.f, 0, PVI_VECTOR / 64) & vbit))
			continue;
		__atomic_store_n(&rx.irq_ns, pvirq_now_ns(), __ATOMIC_RELAXED);
		__atomic_store_n(&rx.irqs, rx.irqs + 1, __ATOMIC_RELEASE);
		pvi_scan_pending(rx.pending, rx.words, &next, rx.words,
				 deliver_one, NULL);
	}
	return NULL;
}

/* "model G counts" asked by A: the value of @key, or -1. */
static s64 count_of(const char *guest, const char *key)
{
	char cmd[64], buf[512], *tok, *save, *prev = NULL;

	snprintf(cmd, sizeof(cmd), "model %s counts", guest);
	if (pvirq_fake_control(&ga.f, 0, cmd, buf, sizeof(buf)))
		return -1;
	for (tok = strtok_r(buf, " ", &save); tok;
	     prev = tok, tok = strtok_r(NULL, " ", &save))
		if (prev && !strcmp(prev, key))
			return strtoll(tok, NULL, 10);
	return -1;
}

static int wait_seq(u64 *seq, u64 old)
{
	u64 end = pvirq_now_ns() + 1000000000ull;
	u32 spins = 0;

	while (__atomic_load_n(seq, __ATOMIC_ACQUIRE) == old) {
		if (++spins % 256)
			continue;
		if (pvirq_now_ns() > end)
			return -ETIMEDOUT;
		sched_yield();
	}
	return 0;
}

/*
 * Until B is idle: nothing pending in its PVI page or in its wire inject
 * block and, if @steady, its interrupt count unchanged over a millisecond.
 * Between slices and samples only, never timed.
 */
static int rx_idle(bool steady)
{
	struct pvirq_wire_inject *blk = (struct pvirq_wire_inject *)
		(gb.f.shm + PVIRQ_WIRE_INJECT_OFF);
	u64 end = pvirq_now_ns() + 2000000000ull, irqs;
	u32 w, busy;

	do {
		busy = !!__atomic_load_n(&blk->pending[PVI_VECTOR / 64],
					 __ATOMIC_ACQUIRE);
		for (w = 0; w < rx.words; w++)
			busy |= !!__atomic_load_n(&rx.pending[w], __ATOMIC_ACQUIRE);
		irqs = __atomic_load_n(&rx.irqs, __ATOMIC_ACQUIRE);
		if (!busy && !steady)
			return 0;
		if (!busy) {
			usleep(1000);
			if (irqs == __atomic_load_n(&rx.irqs, __ATOMIC_ACQUIRE))
				return 0;
		}
		sched_yield();
	} while (pvirq_now_ns() < end);
	return -ETIMEDOUT;
}

/* A asks the host to inject B's vector, as fast as it can. */
static int run_inject(double secs, struct bench_acc *a, struct bench_acc *taken)
{
	u64 n = 0, irqs0 = __atomic_load_n(&rx.irqs, __ATOMIC_ACQUIRE), t0, dt;
	char cmd[64], buf[128];

	snprintf(cmd, sizeof(cmd), "inject %s 0 %u", gb.name, PVI_VECTOR);
	t0 = pvirq_now_ns();
	while (pvirq_now_ns() - t0 < (u64)(secs * 1e9)) {
		if (pvirq_fake_control(&ga.f, 0, cmd, buf, sizeof(buf)))
			return -EIO;
		n++;
	}
	dt = pvirq_now_ns() - t0;
	if (rx_idle(true))
		return -ETIMEDOUT;
	a->n += n;
	a->ns += dt;
	taken->n += __atomic_load_n(&rx.irqs, __ATOMIC_ACQUIRE) - irqs0;
	taken->ns += dt;
	return 0;
}

/* A sends PVIs on @gsi, as fast as it can; each must be accepted. */
static int run_send(u64 handle, double secs, struct bench_acc *a)
{
	u64 n = 0, t0 = pvirq_now_ns();
	s64 ret;

	while (pvirq_now_ns() - t0 < (u64)(secs * 1e9)) {
		if (pvi_call(&ga, PVI_OP_SEND, handle, GSI_OK, 0, &ret) || ret) {
			fprintf(stderr, "pvi_bench: PVI_OP_SEND: %lld\n",
				(long long)ret);
			return -EIO;
		}
		n++;
	}
	a->n += n;
	a->ns += pvirq_now_ns() - t0;
	return rx_idle(true);
}

/* Refused sends (@gsi not allowed) or, @gsi < 0, unknown hypercalls. */
static int run_calls(u64 handle, int gsi, double secs, struct bench_acc *a)
{
	u64 n = 0, t0 = pvirq_now_ns(), args[1] = { PVI_OP_SEND };
	s64 ret;

	while (pvirq_now_ns() - t0 < (u64)(secs * 1e9)) {
		if (gsi < 0) {
			if (pvirq_fake_hypercall(&ga.f, 0, PVIRQ_HC_ABI_KVM,
						 ga.hc_nr + 1, args, 1, NULL, 0,
						 0, &ret) || ret != -PVI_ENOSYS)
				return -EIO;
		} else if (pvi_call(&ga, PVI_OP_SEND, handle, gsi, 0, &ret) ||
			   ret != -PVI_EPERM) {
			return -EIO;
		}
		n++;
	}
	a->n += n;
	a->ns += pvirq_now_ns() - t0;
	return 0;
}

/*
 * One latency sample: A's clock before the send (@pvi) or the injection
 * request, to B's clock in its handler or when it took the vector.
 */
static int sample(u64 handle, bool pvi, u64 *ns)
{
	u64 *seq = pvi ? &rx.lat_seq : &rx.irqs, *ts = pvi ? &rx.lat_ns : &rx.irq_ns;
	u64 old = __atomic_load_n(seq, __ATOMIC_ACQUIRE), start;
	char cmd[64], buf[128];
	s64 ret;

	snprintf(cmd, sizeof(cmd), "inject %s 0 %u", gb.name, PVI_VECTOR);
	start = pvirq_now_ns();
	if (pvi) {
		if (pvi_call(&ga, PVI_OP_SEND, handle, GSI_OK, 0, &ret) || ret)
			return -EIO;
	} else if (pvirq_fake_control(&ga.f, 0, cmd, buf, sizeof(buf))) {
		return -EIO;
	}
	if (wait_seq(seq, old))
		return -ETIMEDOUT;
	*ns = __atomic_load_n(ts, __ATOMIC_RELAXED) - start;
	/* B stamps after taking everything: the next sample finds it idle */
	return rx_idle(false);
}

struct lat {
	u64 n, median, p99;
	u64 *v;
};

/* Samples of both kinds, alternating, for @secs in all. */
static int run_latency(u64 handle, double secs, struct lat *base,
		       struct lat *pvi)
{
	u64 t0 = pvirq_now_ns();

	while (pvi->n < MAX_SAMPLES / 2 &&
	       pvirq_now_ns() - t0 < (u64)(secs * 1e9)) {
		if (sample(handle, false, &base->v[base->n]) ||
		    sample(handle, true, &pvi->v[pvi->n]))
			return -EIO;
		base->n++;
		pvi->n++;
	}
	base->median = bench_percentile(base->v, base->n, 50);
	base->p99 = bench_percentile(base->v, base->n, 99);
	pvi->median = bench_percentile(pvi->v, pvi->n, 50);
	pvi->p99 = bench_percentile(pvi->v, pvi->n, 99);
	return pvi->n ? 0 : -EIO;
}

static int guest_up(struct bench_host *h, struct pvi_guest *g)
{
	if (bench_host_guest(h, g->name, &g->f))
		return -EIO;
	return pvi_load(g);
}

/* The host's counts of A as a sender, and of B as a receiver. */
struct counts {
	s64 sent, delivered, merged, eperm, rx_delivered, rx_merged;
};

static int counts(struct counts *c)
{
	c->sent = count_of(ga.name, "sent");
	c->delivered = count_of(ga.name, "delivered");
	c->merged = count_of(ga.name, "merged");
	c->eperm = count_of(ga.name, "eperm");
	c->rx_delivered = count_of(gb.name, "rx_delivered");
	c->rx_merged = count_of(gb.name, "rx_merged");
	return c->sent < 0 || c->delivered < 0 || c->merged < 0 ||
	       c->eperm < 0 || c->rx_delivered < 0 || c->rx_merged < 0 ?
	       -EPROTO : 0;
}

int main(int argc, char **argv)
{
	double secs = bench_secs(argc, argv, 1.0), slice;
	char spec[2][160];
	const char *specs[2] = { spec[0], spec[1] }, *ram[2];
	struct bench_acc inj = { 0 }, taken = { 0 }, send = { 0 };
	struct bench_acc refused = { 0 }, rt = { 0 };
	struct lat base_l = { 0 }, pvi_l = { 0 };
	struct counts c0, c1;
	s64 handle = 0, ret, sent, del, mer;
	u64 handled0;
	struct bench_host h;
	int ok = 0, started = 0, i;

	if (argc < 2) {
		fprintf(stderr, "usage: pvi_bench PVIRQ-HOST [SECONDS]\n");
		return 2;
	}
	base_l.v = calloc(MAX_SAMPLES / 2, sizeof(u64));
	pvi_l.v = calloc(MAX_SAMPLES / 2, sizeof(u64));
	if (!base_l.v || !pvi_l.v || bench_host_init(&h))
		return 1;
	ram[0] = bench_host_ram(&h, ga.name, RAM_SIZE);
	ram[1] = bench_host_ram(&h, gb.name, RAM_SIZE);
	if (!ram[0] || !ram[1])
		goto out;
	snprintf(spec[0], sizeof(spec[0]), "%s,model=pvi,ram=%s,vcpus=1",
		 ga.name, ram[0]);
	snprintf(spec[1], sizeof(spec[1]), "%s,model=pvi,ram=%s,vcpus=1",
		 gb.name, ram[1]);
	ga.ram = bench_map_ram(ram[0], RAM_SIZE);
	gb.ram = bench_map_ram(ram[1], RAM_SIZE);
	if (!ga.ram || !gb.ram || bench_host_start(&h, argv[1], specs, 2) ||
	    guest_up(&h, &ga) || guest_up(&h, &gb)) {
		fprintf(stderr, "pvi_bench: cannot start pvirq-host with two pvi guests\n");
		goto close;
	}
	/* B lets A raise GSI_OK only; A resolves B */
	if (pvi_call(&gb, PVI_OP_ALLOW, ga.uuid_lo, ga.uuid_hi, GSI_OK, &ret) ||
	    ret || pvi_call(&ga, PVI_OP_RESOLVE, gb.uuid_lo, gb.uuid_hi, 0,
			    &handle) || handle <= 0) {
		fprintf(stderr, "pvi_bench: ALLOW/RESOLVE failed (%lld)\n",
			(long long)handle);
		goto close;
	}
	rx.pending = (u64 *)(gb.ram + PAGE_GPA + PVI_PAGE_PENDING_OFF);
	rx.words = PVI_PENDING_WORDS(gb.nr_gsis);
	bench_drain(&gb.f, 20);
	if (pthread_create(&rx.thread, NULL, receiver, NULL))
		goto close;
	started = 1;

	/* throughput and refusals: figure and baseline in alternate slices */
	slice = secs / BENCH_ROUNDS;
	handled0 = rx.handled[GSI_OK];
	if (counts(&c0))
		goto stop;
	for (i = 0; i < BENCH_ROUNDS; i++) {
		if (run_inject(slice, &inj, &taken) ||
		    run_send(handle, slice, &send) ||
		    run_calls(handle, GSI_DENIED, slice / 2, &refused) ||
		    run_calls(handle, -1, slice / 2, &rt)) {
			fprintf(stderr, "pvi_bench: round %d failed\n", i);
			goto stop;
		}
	}
	if (counts(&c1))
		goto stop;
	sent = c1.sent - c0.sent;
	del = c1.delivered - c0.delivered;
	mer = c1.merged - c0.merged;
	/* the host counts every SEND call, refused ones too */
	if ((u64)sent != send.n + refused.n || del + mer != (s64)send.n ||
	    c1.rx_delivered - c0.rx_delivered != del ||
	    c1.rx_merged - c0.rx_merged != mer ||
	    (u64)(c1.eperm - c0.eperm) != refused.n ||
	    rx.handled[GSI_OK] - handled0 != (u64)del || rx.bad) {
		fprintf(stderr, "pvi_bench: counts do not add up: A sent %llu accepted, %llu refused; host: sent %lld delivered %lld merged %lld eperm %lld; B handled %llu, bad %llu\n",
			(unsigned long long)send.n, (unsigned long long)refused.n,
			(long long)sent, (long long)del, (long long)mer,
			(long long)(c1.eperm - c0.eperm),
			(unsigned long long)(rx.handled[GSI_OK] - handled0),
			(unsigned long long)rx.bad);
		goto stop;
	}
	if (run_latency(handle, secs, &base_l, &pvi_l)) {
		fprintf(stderr, "pvi_bench: latency run failed\n");
		goto stop;
	}
	printf("pvi sends/s A->B GSI %u: %.0f (%.1f us/send), delivered/s %.0f, merged %lld of %llu (delivered + merged == sent; B handled every delivered one); baseline injection requests/s A->B %.0f (B took %.0f/s); sends/baseline %.2f\n",
	       GSI_OK, bench_rate(&send), 1e6 / bench_rate(&send),
	       del / (send.ns / 1e9), (long long)mer,
	       (unsigned long long)send.n, bench_rate(&inj),
	       bench_rate(&taken), bench_rate(&send) / bench_rate(&inj));
	printf("pvi refused sends/s (GSI %u not allowed, -EPERM, all %llu counted by the host): %.0f (%.1f us); baseline hypercall round trips/s (unknown number, -ENOSYS) %.0f (%.1f us); refused/baseline %.2f\n",
	       GSI_DENIED, (unsigned long long)refused.n, bench_rate(&refused),
	       1e6 / bench_rate(&refused), bench_rate(&rt), 1e6 / bench_rate(&rt),
	       bench_rate(&refused) / bench_rate(&rt));
	printf("pvi one-way latency A send -> B handler: median %.1f us, p99 %.1f us (%llu PVIs); baseline injection request A -> B takes vector: median %.1f us, p99 %.1f us (%llu); median/baseline %.2f\n",
	       pvi_l.median / 1e3, pvi_l.p99 / 1e3, (unsigned long long)pvi_l.n,
	       base_l.median / 1e3, base_l.p99 / 1e3,
	       (unsigned long long)base_l.n,
	       (double)pvi_l.median / base_l.median);
	ok = 1;
stop:
	__atomic_store_n(&rx.stop, 1, __ATOMIC_RELEASE);
	if (started)
		pthread_join(rx.thread, NULL);
close:
	pvirq_fake_close(&ga.f);
	pvirq_fake_close(&gb.f);
out:
	bench_host_stop(&h);
	free(base_l.v);
	free(pvi_l.v);
	return ok ? 0 : 1;
}
