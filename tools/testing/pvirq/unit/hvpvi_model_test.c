// SPDX-License-Identifier: GPL-2.0
/*
 * The "hyperv" model's PVI extension as pvirq-host runs it: three guests
 * of one host, RAM in temporary files, each vCPU's SynIC enabled with its
 * SIEF page in that RAM, every call made through the model's hypercall and
 * command ops -- the channel a call comes on is the guest passed to the
 * op, as in the dispatcher.  Scenarios: CPUID, SETUP, RESOLVE, signals
 * that set a flag, merge, and are refused (allowlist, rate limit with a
 * fake clock, teardown and re-setup, a detached peer), routes, bad
 * arguments; then a random mix of ALLOW/REVOKE/HvSignalEvent/taking flags
 * against a reference.  PVI_SEED=N repeats.
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
#include <pvirq/hv_abi.h>
#include <pvirq/pvi_hv_abi.h>

#define RAM_SIZE	(4u << 20)
#define SIEF_GPA(v)	(0x10000ull + (v) * 0x1000)
#define HCPAGE_GPA	0x20000ull
#define NG		3
#define NGSI		256
#define CODE		0x8050
#define SINT		10
#define VEC(v)		(0x50 + (v))

static struct pvirq_host *h;
static struct pvirq_guest *g[NG];
static char *logbuf;
static size_t loglen;
static u64 fake_ns = 1000000000ull;

static u64 fake_clock(void)
{
	return fake_ns;
}

static void wr(u32 who, u32 vcpu, u32 msr, u64 val)
{
	if (g[who]->model->wrmsr(g[who], vcpu, msr, val))
		abort();
}

static void start(void)
{
	u32 i, c;

	h = pvirq_host_new(NULL);
	if (!h)
		abort();
	h->log = open_memstream(&logbuf, &loglen);
	for (i = 0; i < NG; i++) {
		char path[] = "/tmp/hvpvi-ram-XXXXXX", name[8];
		struct pvirq_guest_cfg cfg = {
			.name = name, .model = "hyperv", .ram_path = path,
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
		g[i]->connected = true;
		g[i]->ready = true;
		g[i]->nr_cpus = 2;
		wr(i, 0, 0x40000000, 0x8100ull << 48);		/* GUEST_OS_ID */
		wr(i, 0, 0x40000001, HCPAGE_GPA | 1);		/* HYPERCALL */
		for (c = 0; c < 2; c++) {
			g[i]->irq_fd[c] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
			g[i]->apic_id[c] = c;
			wr(i, c, HV_X64_MSR_SIEFP, SIEF_GPA(c) | HV_SYNIC_SIEFP_ENABLE);
			wr(i, c, HV_X64_MSR_SINT0 + SINT, VEC(c));
			wr(i, c, HV_X64_MSR_SCONTROL, HV_SYNIC_CONTROL_ENABLE);
		}
	}
}

/* The extension call from @who; the connection id of RESOLVE in *@conn. */
static u16 xcall(u32 who, struct pvi_hv_input in, u32 *conn, bool outbuf)
{
	struct pvi_hv_output out = { 0xdeadbeef, 0 };
	struct pvirq_hc c = {
		.abi = PVIRQ_HC_ABI_HYPERV, .nr = CODE, .nbufs = outbuf ? 2 : 1,
		.buf = {
			{ .data = (u8 *)&in, .len = sizeof(in), .arg = 0,
			  .dir = PVIRQ_HC_BUF_IN },
			{ .data = (u8 *)&out, .len = sizeof(out), .arg = 1,
			  .dir = PVIRQ_HC_BUF_OUT },
		},
	};
	u16 st = g[who]->model->hypercall(g[who], 0, &c) & 0xffff;

	if (conn)
		*conn = out.connection_id;
	return st;
}

static u16 op(u32 who, u32 o, u32 gsi, u32 vp)
{
	struct pvi_hv_input in = { .op = o, .gsi = gsi, .vp_index = vp };

	return xcall(who, in, NULL, true);
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

static u16 allow(u32 recv, u32 sender, u32 gsi, bool on)
{
	struct pvi_hv_input in = { .op = on ? PVI_HV_OP_ALLOW : PVI_HV_OP_REVOKE,
				   .gsi = gsi };
	struct pvi_uuid u = uuid_of(sender);

	memcpy(in.uuid, u.b, 16);
	return xcall(recv, in, NULL, true);
}

static u16 resolve(u32 from, u32 to, u32 *conn)
{
	struct pvi_hv_input in = { .op = PVI_HV_OP_RESOLVE };
	struct pvi_uuid u = uuid_of(to);

	memcpy(in.uuid, u.b, 16);
	return xcall(from, in, conn, true);
}

/* HvSignalEvent, fast, from @who. */
static u16 signal_ev(u32 who, u32 conn, u32 flag)
{
	struct pvirq_hc c = {
		.abi = PVIRQ_HC_ABI_HYPERV, .nr = 0x5d | (1u << 16),
		.args = { conn | (u64)flag << 32 },
	};

	return g[who]->model->hypercall(g[who], 0, &c) & 0xffff;
}

static unsigned long *flags_of(u32 who, u32 vcpu)
{
	struct pvirq_hv_event_page *p = (void *)(g[who]->ram + SIEF_GPA(vcpu));

	return p->sint_flags[SINT].flags;
}

static bool flag_set(u32 who, u32 vcpu, u32 gsi)
{
	return flags_of(who, vcpu)[gsi / 64] & (1ul << (gsi % 64));
}

/* Take a flag, as the guest's scan does; true if it was set. */
static bool take(u32 who, u32 vcpu, u32 gsi)
{
	unsigned long bit = 1ul << (gsi % 64);

	return __atomic_fetch_and(&flags_of(who, vcpu)[gsi / 64], ~bit,
				  __ATOMIC_SEQ_CST) & bit;
}

static bool took_vector(u32 who, u32 vcpu, u32 vector)
{
	struct pvirq_wire_inject *blk = pvirq_inject_blk(g[who], vcpu);
	u64 w = __atomic_exchange_n(&blk->pending[vector / 64], 0, __ATOMIC_SEQ_CST);

	return w & (1ull << (vector % 64));
}

static u64 count(u32 who, const char *key)
{
	char s[512], k[40], *p;

	cmd(who, "counts", s, sizeof(s));
	snprintf(k, sizeof(k), " %s ", key);
	if (!strncmp(s, key, strlen(key)) && s[strlen(key)] == ' ')
		return strtoull(s + strlen(key) + 1, NULL, 10);
	p = strstr(s, k);
	return p ? strtoull(p + strlen(k), NULL, 10) : ~0ull;
}

static bool has_up(void);

static void basics(void)
{
	u32 regs[4] = { 0 }, conn, conn2, x;
	struct pvi_uuid u = uuid_of(1);
	struct pvi_hv_input in = { .op = PVI_HV_OP_SETUP, .reserved = 1 };
	struct pvirq_hc fast = { .abi = PVIRQ_HC_ABI_HYPERV, .nr = CODE | (1u << 16) };
	char s[256];
	u32 i;

	tap_ok(g[1]->model->cpuid(g[1], 0, PVI_HV_CPUID_LEAF, 0, regs) &&
	       regs[0] == PVI_HV_CPUID_MAGIC && regs[1] == CODE &&
	       regs[1] >= PVI_HV_HC_MIN && regs[2] == SINT && regs[3] == NGSI,
	       "cpuid 0x400000a0: magic, a code above the TLFS ones, SINT %u, %u GSIs",
	       SINT, NGSI);
	g[1]->model->cpuid(g[1], 0, PVI_HV_CPUID_UUID_LEAF, 0, regs);
	tap_ok(!memcmp(regs, u.b, 16), "cpuid 0x400000a1: the guest's UUID");
	cmd(1, "feature pvi 0", NULL, 0);
	memset(regs, 0, sizeof(regs));
	tap_ok(!g[1]->model->cpuid(g[1], 0, PVI_HV_CPUID_LEAF, 0, regs) &&
	       op(1, PVI_HV_OP_SETUP, 0, 0) == HV_STATUS_INVALID_HYPERCALL_CODE,
	       "feature pvi 0: no leaf, the call is an unknown code");
	cmd(1, "feature pvi 1", NULL, 0);

	tap_ok(op(0, PVI_HV_OP_ALLOW, 1, 0) == HV_STATUS_INVALID_PORT_ID &&
	       op(0, PVI_HV_OP_ROUTE, 1, 0) == HV_STATUS_INVALID_PORT_ID,
	       "before SETUP: ALLOW and ROUTE say INVALID_PORT_ID");
	tap_ok(xcall(0, in, NULL, true) == HV_STATUS_INVALID_PARAMETER &&
	       g[0]->model->hypercall(g[0], 0, &fast) == HV_STATUS_INVALID_HYPERCALL_INPUT &&
	       op(0, 77, 0, 0) == HV_STATUS_INVALID_HYPERCALL_INPUT &&
	       op(0, PVI_HV_OP_SETUP, 0, 1) == HV_STATUS_INVALID_PARAMETER,
	       "reserved field, fast call, unknown op, a VP index outside ROUTE: refused");
	for (i = 0; i < NG; i++)
		if (op(i, PVI_HV_OP_SETUP, 0, 0))
			abort();
	tap_ok(has_up(), "SETUP: every guest receiving");

	x = resolve(0, 1, &conn);
	tap_ok(x == HV_STATUS_SUCCESS && conn && conn != 0xdeadbeef && !(conn >> 24),
	       "A resolves B: a 24-bit connection id (0x%x)", conn);
	tap_ok(xcall(0, (struct pvi_hv_input){ .op = PVI_HV_OP_RESOLVE }, &x, false) ==
	       HV_STATUS_INVALID_HYPERCALL_INPUT,
	       "RESOLVE without an output buffer: invalid input");
	tap_ok(signal_ev(0, conn, 5) == HV_STATUS_ACCESS_DENIED && !flag_set(1, 0, 5) &&
	       !took_vector(1, 0, VEC(0)),
	       "A -> B GSI 5, not allowed: ACCESS_DENIED, no flag, no interrupt");
	tap_ok(allow(1, 0, 5, true) == HV_STATUS_SUCCESS &&
	       signal_ev(0, conn, 5) == HV_STATUS_SUCCESS && flag_set(1, 0, 5) &&
	       took_vector(1, 0, VEC(0)),
	       "B allows A on 5: the flag is set in B's SIEF slot of SINT %u, vector injected", SINT);
	tap_ok(signal_ev(0, conn, 5) == HV_STATUS_SUCCESS && !took_vector(1, 0, VEC(0)) &&
	       count(1, "rx_delivered") == 1 && count(1, "rx_merged") == 1 &&
	       count(0, "delivered") == 1 && count(0, "merged") == 1,
	       "again while pending: merged, no interrupt; counted both sides");
	take(1, 0, 5);
	tap_ok(signal_ev(0, conn, 6) == HV_STATUS_ACCESS_DENIED &&
	       signal_ev(2, conn, 5) == HV_STATUS_ACCESS_DENIED && !flag_set(1, 0, 5),
	       "A on another GSI, C on GSI 5: ACCESS_DENIED");
	cmd(2, "refused", s, sizeof(s));
	tap_ok(strstr(s, "g1:5:EPERM") != NULL, "C's refusal is logged (%s)", s);
	tap_ok(cmd(2, "uuid g0", NULL, 0) == -EINVAL &&
	       cmd(2, "uuid 00000000-0000-8000-8000-000000000001", NULL, 0) == 0 &&
	       cmd(0, "uuid 00000000-0000-8000-8000-000000000001", NULL, 0) == -EEXIST,
	       "uuid: not a UUID, set, duplicate refused");
	tap_ok(signal_ev(0, conn, NGSI) == HV_STATUS_INVALID_PARAMETER &&
	       op(1, PVI_HV_OP_ROUTE, NGSI, 0) == HV_STATUS_INVALID_PARAMETER &&
	       op(1, PVI_HV_OP_ROUTE, 5, 2) == HV_STATUS_INVALID_PARAMETER &&
	       op(1, PVI_HV_OP_ALLOW, NGSI, 0) == HV_STATUS_INVALID_PARAMETER,
	       "GSI %u, VP 2 of 2: INVALID_PARAMETER", NGSI);
	tap_ok(op(1, PVI_HV_OP_ROUTE, 5, 1) == HV_STATUS_SUCCESS &&
	       signal_ev(0, conn, 5) == HV_STATUS_SUCCESS && flag_set(1, 1, 5) &&
	       !flag_set(1, 0, 5) && took_vector(1, 1, VEC(1)),
	       "ROUTE GSI 5 to VP 1: the flag goes to VP 1's SIEF page, VP 1's vector");
	take(1, 1, 5);
	wr(1, 1, HV_X64_MSR_SIEFP, 0);
	tap_ok(signal_ev(0, conn, 5) == HV_STATUS_SUCCESS && flag_set(1, 0, 5),
	       "VP 1's SIEF page off: the flag goes to a VP that has one");
	take(1, 0, 5);
	wr(1, 1, HV_X64_MSR_SIEFP, SIEF_GPA(1) | HV_SYNIC_SIEFP_ENABLE);

	pvi_model_clock = fake_clock;
	cmd(0, "rate 10 2", NULL, 0);
	tap_ok(signal_ev(0, conn, 5) == 0 && signal_ev(0, conn, 5) == 0 &&
	       signal_ev(0, conn, 5) == HV_STATUS_INSUFFICIENT_BUFFERS,
	       "rate 10/s burst 2: the third is INSUFFICIENT_BUFFERS");
	fake_ns += 100000000ull;
	tap_ok(signal_ev(0, conn, 5) == 0 &&
	       signal_ev(0, conn, 5) == HV_STATUS_INSUFFICIENT_BUFFERS,
	       "a tenth of a second later: one more");
	cmd(0, "rate 0 0", NULL, 0);
	pvi_model_clock = pvirq_now_ns;
	take(1, 1, 5);

	tap_ok(allow(1, 0, 5, false) == 0 && signal_ev(0, conn, 5) == HV_STATUS_ACCESS_DENIED &&
	       allow(1, 0, 5, false) == HV_STATUS_INVALID_CONNECTION_ID,
	       "REVOKE: refused after; a second REVOKE finds no entry");
	tap_ok(allow(1, 0, PVI_GSI_ANY, true) == 0 && signal_ev(0, conn, 77) == 0,
	       "ALLOW any GSI");
	take(1, 0, 77);
	tap_ok(op(1, PVI_HV_OP_TEARDOWN, 0, 0) == 0 &&
	       signal_ev(0, conn, 5) == HV_STATUS_INVALID_PORT_ID &&
	       resolve(0, 1, &x) == HV_STATUS_INVALID_PORT_ID,
	       "B tears down: signals and RESOLVE say INVALID_PORT_ID (-ESHUTDOWN)");
	op(1, PVI_HV_OP_SETUP, 0, 0);
	tap_ok(signal_ev(0, conn, 5) == HV_STATUS_INVALID_PORT_ID &&
	       resolve(0, 1, &conn2) == 0 && conn2 != conn &&
	       signal_ev(0, conn2, 5) == HV_STATUS_ACCESS_DENIED,
	       "B set up again: the old id stays refused, a new one has a fresh allowlist");
	g[1]->connected = false;
	tap_ok(signal_ev(0, conn2, 5) == HV_STATUS_INVALID_CONNECTION_ID &&
	       resolve(0, 1, &x) == HV_STATUS_INVALID_CONNECTION_ID &&
	       signal_ev(0, 0xa00000 | 0xfff, 5) == HV_STATUS_INVALID_CONNECTION_ID,
	       "B detached, or a guest that never was: INVALID_CONNECTION_ID (-ENOENT)");
	g[1]->connected = true;
	tap_ok(count(0, "enoent") == 2 && count(0, "eshutdown") == 2 &&
	       count(0, "ebusy") == 2 && count(2, "eperm") == 1,
	       "refusals counted per errno");
	cmd(2, "uuid 00000000-0000-8000-8000-000000000002", NULL, 0);
}

static bool has_up(void)
{
	char s[8192];
	struct pvirq_sb out = { 0 };
	u32 i;
	bool ok = true;

	for (i = 0; i < NG; i++) {
		g[i]->model->state_json(g[i], &out);
		snprintf(s, sizeof(s), "%s", pvirq_sb_str(&out));
		ok = ok && strstr(s, "\"pvi\":{") && strstr(strstr(s, "\"pvi\":{"), "\"up\":true");
		pvirq_sb_free(&out);
		memset(&out, 0, sizeof(out));
	}
	return ok;
}

/* Random ALLOW/REVOKE/signal/take among the three against a reference. */
static void random_mix(u32 ops)
{
	enum { RG = 8 };
	bool allowed[NG][NG][RG] = { 0 }, pending[NG][RG] = { 0 };
	u64 ok[NG] = { 0 }, merged[NG] = { 0 }, took[NG] = { 0 }, base_d[NG], base_m[NG];
	u32 conn[NG][NG], i, s, r, gsi, bad = 0, refused = 0, accepted = 0, taken_bad = 0;
	u16 st, want;

	for (r = 0; r < NG; r++) {
		allow(r, 0, PVI_GSI_ANY, false);
		op(r, PVI_HV_OP_SETUP, 0, 0);
		base_d[r] = count(r, "rx_delivered");
		base_m[r] = count(r, "rx_merged");
		for (gsi = 0; gsi < RG; gsi++) {
			take(r, 0, gsi);
			take(r, 1, gsi);
		}
	}
	for (s = 0; s < NG; s++)
		for (r = 0; r < NG; r++)
			if (resolve(s, r, &conn[s][r]))
				abort();
	for (i = 0; i < ops; i++) {
		s = random() % NG;
		r = random() % NG;
		gsi = random() % RG;
		switch (random() % 4) {
		case 0:
			st = allow(r, s, gsi, true);
			bad += st != 0;
			allowed[r][s][gsi] = true;
			break;
		case 1:
			st = allow(r, s, gsi, false);
			want = allowed[r][s][gsi] ? 0 : HV_STATUS_INVALID_CONNECTION_ID;
			bad += st != want;
			allowed[r][s][gsi] = false;
			break;
		case 2:
			st = signal_ev(s, conn[s][r], gsi);
			want = allowed[r][s][gsi] ? 0 : HV_STATUS_ACCESS_DENIED;
			bad += st != want;
			if (st) {
				refused++;
				break;
			}
			accepted++;
			if (pending[r][gsi])
				merged[r]++;
			else
				ok[r]++;
			pending[r][gsi] = true;
			break;
		case 3:
			if (take(r, 0, gsi) != pending[r][gsi])
				taken_bad++;
			took[r] += pending[r][gsi];
			pending[r][gsi] = false;
			break;
		}
	}
	for (r = 0; r < NG; r++) {
		bad += count(r, "rx_delivered") - base_d[r] != ok[r];
		bad += count(r, "rx_merged") - base_m[r] != merged[r];
	}
	tap_ok(!bad && refused && accepted,
	       "random mix: %u operations, %u accepted signals, %u refused; statuses and per-receiver delivered/merged match the reference (%u mismatches)",
	       ops, accepted, refused, bad);
	tap_ok(!taken_bad,
	       "random mix: every flag the receivers took was one the reference had pending");
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
