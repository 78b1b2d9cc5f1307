// SPDX-License-Identifier: GPL-2.0
/*
 * The "pvi" model as pvirq-host runs it: three guests of one host, each
 * with RAM in a temporary file and the core's own injection blocks, every
 * call made through the model's hypercall and command ops -- the channel a
 * call comes on is the guest passed to the op, as in the dispatcher.
 * Scenarios: CPUID, SETUP and the page header, sends that deliver, merge
 * and are refused (allowlist, identity, rate limit with a fake clock,
 * teardown and re-setup, unknown peers, bad arguments), then a random mix
 * of ALLOW/REVOKE/SEND/consume against a reference.  PVI_SEED=N repeats.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "pvirq_model.h"
#include "model_pvi.h"

#define RAM_SIZE	(4u << 20)
#define PAGE_GPA	0x10000ull
#define NG		3
#define NGSI		256
#define HC		0x50560001u

static struct pvirq_host *h;
static struct pvirq_guest *g[NG];
static char *logbuf;
static size_t loglen;
static u64 fake_ns = 1000000000ull;

static u64 fake_clock(void)
{
	return fake_ns;
}

static void start(void)
{
	u32 i, c;

	h = pvirq_host_new(NULL);
	if (!h)
		abort();
	h->log = open_memstream(&logbuf, &loglen);
	for (i = 0; i < NG; i++) {
		char path[] = "/tmp/pvimodel-ram-XXXXXX", name[8];
		struct pvirq_guest_cfg cfg = {
			.name = name, .model = "pvi", .ram_path = path,
			.max_vcpus = 2,
		};
		int fd = mkstemp(path);

		snprintf(name, sizeof(name), "g%u", i);
		if (fd < 0 || ftruncate(fd, RAM_SIZE))
			abort();
		close(fd);
		g[i] = pvirq_guest_new(h, &cfg);
		if (!g[i] || pvirq_guest_map_ram(g[i]))
			abort();
		unlink(path);
		g[i]->irq_fd[0] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		g[i]->connected = true;
		g[i]->ready = true;
		g[i]->nr_cpus = 2;
		for (c = 0; c < 2; c++)
			g[i]->apic_id[c] = c * 2;	/* APIC IDs 0 and 2 */
	}
}

static s64 hc(u32 who, u32 vcpu, u64 op, u64 a1, u64 a2, u64 a3)
{
	struct pvirq_hc c = {
		.abi = PVIRQ_HC_ABI_KVM, .nr = HC, .args = { op, a1, a2, a3 },
	};

	return g[who]->model->hypercall(g[who], vcpu, &c);
}

static int cmd(u32 who, const char *line, char *out, size_t outlen)
{
	char buf[256], *argv[16], *save = NULL, *tok;
	struct pvirq_sb reply = { 0 };
	int argc = 0, ret;

	snprintf(buf, sizeof(buf), "%s", line);
	for (tok = strtok_r(buf, " ", &save); tok && argc < 16;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	ret = g[who]->model->command(g[who], argc, argv, &reply);
	if (out)
		snprintf(out, outlen, "%s", pvirq_sb_str(&reply));
	pvirq_sb_free(&reply);
	return ret;
}

static struct pvi_uuid uuid_of(u32 who)
{
	char s[64];
	struct pvi_uuid u;

	cmd(who, "uuid", s, sizeof(s));
	if (pvi_uuid_parse(s, &u))
		abort();
	return u;
}

static s64 allow(u32 recv, u32 sender, u32 gsi, bool on)
{
	struct pvi_uuid u = uuid_of(sender);
	u64 lo, hi;

	pvi_uuid_to_regs(&u, &lo, &hi);
	return hc(recv, 0, on ? PVI_OP_ALLOW : PVI_OP_REVOKE, lo, hi, gsi);
}

static s64 resolve(u32 from, u32 to)
{
	struct pvi_uuid u = uuid_of(to);
	u64 lo, hi;

	pvi_uuid_to_regs(&u, &lo, &hi);
	return hc(from, 0, PVI_OP_RESOLVE, lo, hi, 0);
}

static u64 *pending(u32 who)
{
	return (u64 *)(g[who]->ram + PAGE_GPA + PVI_PAGE_PENDING_OFF);
}

static bool is_pending(u32 who, u32 gsi)
{
	return pending(who)[gsi / 64] & (1ull << (gsi % 64));
}

/* Takes the vCPU's injected-vector bits, as the transport's xchg does. */
static bool took_vector(u32 who, u32 vcpu, u32 vector)
{
	struct pvirq_wire_inject *blk = pvirq_inject_blk(g[who], vcpu);
	u64 w = __atomic_exchange_n(&blk->pending[vector / 64], 0, __ATOMIC_SEQ_CST);

	return w & (1ull << (vector % 64));
}

static u64 count(u32 who, const char *key)
{
	char s[512], *p;

	cmd(who, "counts", s, sizeof(s));
	p = strstr(s, key);
	return p ? strtoull(p + strlen(key) + 1, NULL, 10) : ~0ull;
}

static void setup_all(void)
{
	u32 i;

	for (i = 0; i < NG; i++) {
		if (hc(i, 0, PVI_OP_SETUP, PAGE_GPA, 0, 0) ||
		    hc(i, 0, PVI_OP_VECTOR, 0x40, 0, 0) ||
		    hc(i, 1, PVI_OP_VECTOR, 0x41, 0, 0))
			abort();
	}
}

static void basics(void)
{
	u32 regs[4] = { 0 };
	struct pvi_page_hdr hdr;
	struct pvi_uuid u;
	s64 h1, r;

	tap_ok(g[0]->model->cpuid(g[0], 0, 0x40000000, 0, regs) &&
	       !memcmp(&regs[1], "KVMKVMKVM\0\0\0", 12) && regs[0] == 0x40000080,
	       "cpuid: KVM signature, range reaches the PVI leaf");
	g[0]->model->cpuid(g[0], 0, 0x40000080, 0, regs);
	tap_ok(regs[0] == PVI_CPUID_MAGIC && regs[1] == HC && regs[1] != 9 &&
	       regs[2] == (PVI_F_ALLOWLIST | PVI_F_RATE_LIMIT) && regs[3] == NGSI,
	       "cpuid: PVI leaf: magic, hypercall number (not 9), features, %u GSIs", NGSI);
	tap_ok(hc(0, 0, PVI_OP_SETUP, PAGE_GPA + 8, 0, 0) == -PVI_EINVAL &&
	       hc(0, 0, PVI_OP_SETUP, RAM_SIZE, 0, 0) == -PVI_EINVAL &&
	       hc(0, 0, PVI_OP_SETUP, 1ull << 40, 0, 0) == -PVI_EINVAL,
	       "setup: unaligned page, page past RAM: EINVAL");
	tap_ok(hc(0, 0, PVI_OP_ALLOW, 0, 0, 1) == -PVI_ESHUTDOWN &&
	       hc(0, 0, PVI_OP_ROUTE, 1, 0, 0) == -PVI_ESHUTDOWN,
	       "before setup: ALLOW and ROUTE say ESHUTDOWN");
	memset(g[0]->ram + PAGE_GPA, 0xff, 4096);
	setup_all();
	memcpy(&hdr, g[0]->ram + PAGE_GPA, sizeof(hdr));
	u = uuid_of(0);
	tap_ok(hdr.magic == PVI_PAGE_MAGIC && hdr.nr_gsis == NGSI &&
	       !memcmp(hdr.uuid, u.b, 16) && !pending(0)[0] && !pending(0)[3],
	       "setup: page header (magic, GSIs, the guest's UUID), pending bitmap cleared");
	tap_ok(hc(0, 0, PVI_OP_VECTOR, 0x10, 0, 0) == -PVI_EINVAL &&
	       hc(0, 0, 99, 0, 0, 0) == -1000,
	       "vector below 32: EINVAL; unknown sub-op: KVM's ENOSYS");

	h1 = resolve(0, 1);
	tap_ok(h1 > 0, "resolve: g0 finds g1 (handle %#llx)", (long long)h1);
	r = hc(0, 0, PVI_OP_SEND, h1, 5, 0);
	tap_ok(r == -PVI_EPERM && !is_pending(1, 5) && count(1, "rx_refused") == 1,
	       "send before the receiver allows it: EPERM, nothing pending");
	tap_ok(allow(1, 0, 5, true) == 0, "g1 allows g0 on GSI 5");
	r = hc(0, 0, PVI_OP_SEND, h1, 5, 0);
	tap_ok(!r && is_pending(1, 5) && took_vector(1, 0, 0x40) && !took_vector(1, 1, 0x41),
	       "send: GSI 5 pending in g1's page, vector 0x40 injected on g1's vCPU 0");
	r = hc(0, 0, PVI_OP_SEND, h1, 5, 0);
	tap_ok(!r && !took_vector(1, 0, 0x40) && count(1, "rx_merged") == 1 &&
	       count(0, "merged") == 1,
	       "send while pending: merged, counted on both sides, no new interrupt");
	pending(1)[0] = 0;
	tap_ok(hc(1, 0, PVI_OP_ROUTE, 5, 2, 0) == 0 && hc(0, 0, PVI_OP_SEND, h1, 5, 0) == 0 &&
	       took_vector(1, 1, 0x41) && !took_vector(1, 0, 0x40),
	       "route GSI 5 to APIC ID 2: the next one interrupts vCPU 1 on its vector");
	tap_ok(hc(1, 0, PVI_OP_ROUTE, 5, 1, 0) == -PVI_EINVAL &&
	       hc(1, 0, PVI_OP_ROUTE, NGSI, 0, 0) == -PVI_EINVAL,
	       "route to an APIC ID no vCPU has, or a GSI out of range: EINVAL");
	pending(1)[0] = 0;
	hc(1, 1, PVI_OP_VECTOR, 0, 0, 0);
	tap_ok(hc(0, 0, PVI_OP_SEND, h1, 5, 0) == 0 && took_vector(1, 0, 0x40),
	       "the routed vCPU has no vector: another vCPU's is used");
	hc(1, 1, PVI_OP_VECTOR, 0x41, 0, 0);
	pending(1)[0] = 0;

	/* identity is the channel: g2 cannot be g0 */
	{
		struct pvi_uuid a = uuid_of(0);
		u64 lo, hi;

		pvi_uuid_to_regs(&a, &lo, &hi);
		r = hc(2, 0, PVI_OP_SEND, h1, 5, lo);
		tap_ok(r == -PVI_EPERM && !is_pending(1, 5),
		       "g2 sends with g0's UUID in a spare register: EPERM, nothing pending");
		tap_ok(hc(2, 0, PVI_OP_ALLOW, lo, hi, 5) == 0 &&
		       hc(2, 0, PVI_OP_SEND, h1, 5, 0) == -PVI_EPERM,
		       "g2's ALLOW edits g2's own list only: still EPERM at g1");
	}
	{
		char s[256];

		cmd(2, "refused", s, sizeof(s));
		tap_ok(!!strstr(s, "g1:5:EPERM"),
		       "g2's refusals are logged by the host: %s", s);
	}
	tap_ok(hc(0, 0, PVI_OP_SEND, h1, NGSI, 0) == -PVI_EINVAL &&
	       hc(0, 0, PVI_OP_SEND, h1, 1ull << 32, 0) == -PVI_EINVAL,
	       "send to GSI %u or 2^32: EINVAL", NGSI);
	tap_ok(hc(0, 0, PVI_OP_SEND, 0, 5, 0) == -PVI_ENOENT &&
	       hc(0, 0, PVI_OP_SEND, 99, 5, 0) == -PVI_ENOENT &&
	       hc(0, 0, PVI_OP_RESOLVE, 1, 2, 0) == -PVI_ENOENT,
	       "unknown handle or UUID: ENOENT");

	/* rate limit, on the fake clock */
	pvi_model_clock = fake_clock;
	cmd(0, "rate 10 2", NULL, 0);
	tap_ok(hc(0, 0, PVI_OP_SEND, h1, 5, 0) == 0 && hc(0, 0, PVI_OP_SEND, h1, 5, 0) == 0 &&
	       hc(0, 0, PVI_OP_SEND, h1, 5, 0) == -PVI_EBUSY,
	       "rate 10/s burst 2: two go, the third is EBUSY");
	fake_ns += 100000000ull;
	tap_ok(hc(0, 0, PVI_OP_SEND, h1, 5, 0) == 0 &&
	       hc(0, 0, PVI_OP_SEND, h1, 5, 0) == -PVI_EBUSY,
	       "100 ms later: exactly one more");
	tap_ok(hc(2, 0, PVI_OP_SEND, h1, 5, 0) == -PVI_EPERM,
	       "the limit is per sender: g2 is not EBUSY");
	cmd(0, "rate 0 0", NULL, 0);
	pvi_model_clock = pvirq_now_ns;
	pending(1)[0] = 0;

	/* teardown, re-setup */
	tap_ok(hc(1, 0, PVI_OP_TEARDOWN, 0, 0, 0) == 0 &&
	       hc(0, 0, PVI_OP_SEND, h1, 5, 0) == -PVI_ESHUTDOWN &&
	       resolve(0, 1) == -PVI_ESHUTDOWN,
	       "receiver tore down: send and resolve say ESHUTDOWN (peer gone)");
	hc(1, 0, PVI_OP_SETUP, PAGE_GPA, 0, 0);
	tap_ok(hc(0, 0, PVI_OP_SEND, h1, 5, 0) == -PVI_ESHUTDOWN,
	       "set up again: the old handle stays gone");
	h1 = resolve(0, 1);
	tap_ok(h1 > 0 && hc(0, 0, PVI_OP_SEND, h1, 5, 0) == -PVI_EPERM,
	       "a new handle works, and the new incarnation's allowlist is empty: EPERM");
	g[1]->connected = false;
	tap_ok(hc(0, 0, PVI_OP_SEND, h1, 5, 0) == -PVI_ENOENT && resolve(0, 1) == -PVI_ENOENT,
	       "receiver VM gone from the host: ENOENT");
	g[1]->connected = true;
	tap_ok(cmd(0, "uuid g1", NULL, 0) == -EINVAL &&
	       cmd(0, "uuid 00000000-0000-0000-0000-000000000001", NULL, 0) == 0 &&
	       cmd(2, "uuid 00000000-0000-0000-0000-000000000001", NULL, 0) == -EEXIST,
	       "uuid command: a UUID is set, a duplicate refused");
	{
		char s[64];

		snprintf(s, sizeof(s), "uuid ");
		pvi_uuid_derive("g0", &u);
		pvi_uuid_format(&u, s + 5);
		cmd(0, s, NULL, 0);
	}
}

/* Random ALLOW/REVOKE/SEND/consume across the three guests. */
static void random_mix(u32 ops)
{
	static bool ref[NG][NG][8];	/* [receiver][sender][gsi] */
	u64 sent[NG] = { 0 }, got[NG] = { 0 }, base[NG], deliv0[NG], handle[NG];
	u32 i, bad = 0, taken_bad = 0, refused = 0, delivered = 0;
	u32 gsis[8] = { 0, 1, 63, 64, 100, 128, 200, 255 };

	setup_all();
	memset(ref, 0, sizeof(ref));
	for (i = 0; i < NG; i++) {
		handle[i] = resolve(0, i);
		base[i] = count(i, "rx_merged") + count(i, "rx_delivered");
		deliv0[i] = count(i, "rx_delivered");
	}
	for (i = 0; i < ops; i++) {
		u32 s = random() % NG, r = random() % NG, k = random() % 8;
		u32 gsi = gsis[k], w;
		s64 ret;

		switch (random() % 4) {
		case 0:
			bad += allow(r, s, gsi, true) != 0;
			ref[r][s][k] = true;
			break;
		case 1:
			ret = allow(r, s, gsi, false);
			bad += ret != (ref[r][s][k] ? 0 : -PVI_ENOENT);
			ref[r][s][k] = false;
			break;
		case 2:
			ret = hc(s, random() % 2, PVI_OP_SEND, handle[r], gsi, 0);
			if (ref[r][s][k]) {
				bad += ret != 0 || !is_pending(r, gsi);
				sent[r]++;
				delivered++;
			} else {
				bad += ret != -PVI_EPERM;
				refused++;
			}
			break;
		default:
			/* the receiver takes a word, as its interrupt does */
			w = random() % 4;
			got[r] += __builtin_popcountll(__atomic_exchange_n(&pending(r)[w], 0,
									  __ATOMIC_SEQ_CST));
			break;
		}
	}
	for (i = 0; i < NG; i++) {
		u32 w;

		for (w = 0; w < 4; w++)
			got[i] += __builtin_popcountll(pending(i)[w]);
		/* received + merged == sent, per receiver */
		bad += count(i, "rx_merged") + count(i, "rx_delivered") - base[i] != sent[i];
		/* each delivered (not merged) send is one bit a receiver takes */
		taken_bad += count(i, "rx_delivered") - deliv0[i] != got[i];
	}
	tap_ok(!bad && refused && delivered,
	       "random mix: %u operations, %u accepted sends, %u refused, answers and per-receiver delivered + merged == sent match the reference (%u mismatches)",
	       ops, delivered, refused, bad);
	tap_ok(!taken_bad,
	       "random mix: the bits receivers took equal the sends the host counted as delivered, per receiver");
}

int main(void)
{
	const char *env = getenv("PVI_SEED");
	unsigned int seed = env ? strtoul(env, NULL, 0) : (unsigned int)time(NULL);
	FILE *f;

	tap_diag("seed %u (PVI_SEED=%u repeats this run)", seed, seed);
	srandom(seed);
	start();
	basics();
	random_mix(20000);
	f = h->log;
	pvirq_host_free(h);
	fclose(f);
	free(logbuf);
	return tap_done();
}
