// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of drivers/hv/synic/synic_msg.c, the guest half of SynIC message
 * delivery, against the host model in synic_hostmodel.c.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/compiler.h>
#include <linux/bitops.h>

#include "synic_msg.h"
#include "model_hyperv_synic.h"
#include "tap.h"

#define T_TYPE		0x1234
#define T_TYPE2		0x1235
#define T_VECTOR	0xa0

/* The SIM page, page aligned like the guest's (aligned_alloc in main). */
static struct hv_message_page *page;

/* ---- handler table ---- */

static void nop_fn(const struct hv_message *msg, void *data)
{
}

static void test_table(void)
{
	static struct synic_msg_table t;
	struct synic_msg_entry e;
	int tag[SYNIC_MSG_TYPES_PER_SINT + 1];
	unsigned int i;
	bool ok = true;

	synic_msg_table_init(&t);
	tap_ok(synic_msg_register(&t, 16, T_TYPE, 0, nop_fn, NULL) == -EINVAL &&
	       synic_msg_register(&t, 3, HVMSG_NONE, 0, nop_fn, NULL) == -EINVAL &&
	       synic_msg_register(&t, 3, T_TYPE, 241, nop_fn, NULL) == -EINVAL &&
	       synic_msg_register(&t, 3, T_TYPE, 0, NULL, NULL) == -EINVAL,
	       "register rejects SINT 16, type NONE, min_size 241, no handler");

	for (i = 0; i < SYNIC_MSG_TYPES_PER_SINT; i++)
		ok &= synic_msg_register(&t, 3, T_TYPE + i, i, nop_fn,
					 &tag[i]) == 0;
	tap_ok(ok, "a SINT takes %d message types", SYNIC_MSG_TYPES_PER_SINT);
	tap_ok(synic_msg_register(&t, 3, 0x9999, 0, nop_fn, NULL) == -ENOSPC,
	       "one more type on a full SINT is -ENOSPC");
	tap_ok(synic_msg_register(&t, 3, T_TYPE + 2, 0, nop_fn, NULL) == -EEXIST,
	       "binding (SINT, type) twice is -EEXIST");
	tap_ok(synic_msg_register(&t, 4, T_TYPE + 2, 0, nop_fn, NULL) == 0,
	       "the same type on another SINT is a separate binding");

	tap_ok(synic_msg_lookup(&t, 3, T_TYPE + 5, &e) && e.data == &tag[5] &&
	       e.min_size == 5 && e.fn == nop_fn && e.type == T_TYPE + 5,
	       "lookup returns the binding's handler, data and minimum size");
	tap_ok(!synic_msg_lookup(&t, 5, T_TYPE, &e) &&
	       !synic_msg_lookup(&t, 16, T_TYPE, &e) &&
	       !synic_msg_lookup(&t, 3, HVMSG_NONE, &e),
	       "lookup misses other SINTs, SINT 16 and type NONE");

	tap_ok(synic_msg_unregister(&t, 3, T_TYPE + 5) == 0 &&
	       !synic_msg_lookup(&t, 3, T_TYPE + 5, &e) &&
	       synic_msg_unregister(&t, 3, T_TYPE + 5) == -ENOENT &&
	       synic_msg_unregister(&t, 17, T_TYPE) == -EINVAL,
	       "unregister removes the binding once, then -ENOENT");
	tap_ok(synic_msg_register(&t, 3, 0x9999, 7, nop_fn, &tag[8]) == 0 &&
	       synic_msg_lookup(&t, 3, 0x9999, &e) && e.data == &tag[8],
	       "a freed entry is reused");
	tap_ok(synic_msg_slot(page, 15) == &page->sint_message[15] &&
	       !synic_msg_slot(page, 16),
	       "slot lookup is bounded by the SINT count");
}

/* ---- single slot: parsing, rejection, EOM decision ---- */

struct rec {
	unsigned int calls;
	struct hv_message last;
};

static void rec_fn(const struct hv_message *msg, void *data)
{
	struct rec *r = data;

	r->calls++;
	r->last = *msg;
}

static void slot_write(struct hv_message *slot, u32 type, u8 size,
		       bool pending, u8 fill)
{
	memset(slot, fill, sizeof(*slot));
	slot->header.message_type = type;
	slot->header.payload_size = size;
	slot->header.message_flags.asu8 = pending ? PVIRQ_HV_MSG_PENDING : 0;
	slot->header.reserved[0] = 0;
	slot->header.reserved[1] = 0;
}

static bool tail_zero(const struct hv_message *m)
{
	const u8 *p = (const u8 *)m + sizeof(m->header);
	unsigned int i;

	for (i = m->header.payload_size; i < HV_MESSAGE_PAYLOAD_BYTE_COUNT; i++)
		if (p[i])
			return false;
	return true;
}

static void test_slot(void)
{
	static struct synic_msg_table t;
	static struct synic_msg_cpu pc;
	struct hv_message *slot = &page->sint_message[6];
	const u8 *payload;
	struct rec r = { 0 };
	bool eom;

	synic_msg_table_init(&t);
	memset(&pc, 0, sizeof(pc));
	synic_msg_register(&t, 6, T_TYPE, 8, rec_fn, &r);

	slot_write(slot, HVMSG_NONE, 0, false, 0);
	eom = synic_msg_process(&t, 6, slot, &pc);
	tap_ok(!eom && !r.calls && !pc.stats.eom,
	       "empty slot: no handler, no EOM");

	slot_write(slot, T_TYPE, 16, false, 0xab);
	eom = synic_msg_process(&t, 6, slot, &pc);
	payload = (const u8 *)&r.last + sizeof(r.last.header);
	tap_ok(!eom && r.calls == 1 && r.last.header.payload_size == 16 &&
	       payload[0] == 0xab && payload[15] == 0xab && tail_zero(&r.last),
	       "valid message reaches its handler, bytes past payload_size zeroed");
	tap_ok(slot->header.message_type == HVMSG_NONE && pc.stats.handled == 1,
	       "handled message frees the slot");

	slot_write(slot, T_TYPE, 16, true, 0);
	tap_ok(synic_msg_process(&t, 6, slot, &pc) && pc.stats.eom == 1,
	       "msg_pending set: caller is told to write EOM");

	slot_write(slot, T_TYPE, 241, true, 0);
	eom = synic_msg_process(&t, 6, slot, &pc);
	tap_ok(eom && r.calls == 2 && pc.stats.bad_header == 1 &&
	       slot->header.message_type == HVMSG_NONE,
	       "payload_size 241 rejected and counted, slot still freed with EOM");
	slot_write(slot, T_TYPE, 255, false, 0);
	eom = synic_msg_process(&t, 6, slot, &pc);
	tap_ok(!eom && r.calls == 2 && pc.stats.bad_header == 2,
	       "payload_size 255 rejected and counted");

	slot_write(slot, T_TYPE2, 32, false, 0);
	synic_msg_process(&t, 6, slot, &pc);
	tap_ok(r.calls == 2 && pc.stats.unknown_type == 1 &&
	       slot->header.message_type == HVMSG_NONE,
	       "unknown type counted and dropped, slot freed");
	slot_write(slot, T_TYPE, 8, false, 0);
	synic_msg_register(&t, 7, T_TYPE, 0, rec_fn, &r);
	synic_msg_process(&t, 5, slot, &pc);
	tap_ok(r.calls == 2 && pc.stats.unknown_type == 2,
	       "a type bound on other SINTs only is unknown on this one");

	slot_write(slot, T_TYPE, 7, false, 0);
	synic_msg_process(&t, 6, slot, &pc);
	tap_ok(r.calls == 2 && pc.stats.short_payload == 1,
	       "payload shorter than the handler's minimum is rejected");
	slot_write(slot, T_TYPE, 240, false, 0x5a);
	synic_msg_process(&t, 6, slot, &pc);
	tap_ok(r.calls == 3 && ((u8 *)&r.last)[255] == 0x5a,
	       "payload_size 240 (the maximum) is accepted whole");

	/* the host sets msg_pending after the guest took its copy */
	slot_write(slot, T_TYPE, 8, false, 0);
	tap_ok(synic_msg_fetch(slot, &pc.copy) == SYNIC_MSG_VALID, "fetch");
	slot->header.message_flags.asu8 = PVIRQ_HV_MSG_PENDING;
	tap_ok(synic_msg_release(slot, pc.copy.header.message_type) ==
	       SYNIC_MSG_FREED_EOM,
	       "msg_pending set after the copy is still seen: EOM");

	/* the host rewrites the slot between copy and release */
	slot_write(slot, T_TYPE, 8, true, 0);
	synic_msg_fetch(slot, &pc.copy);
	slot->header.message_type = T_TYPE2;
	tap_ok(synic_msg_release(slot, pc.copy.header.message_type) ==
	       SYNIC_MSG_CHANGED && slot->header.message_type == T_TYPE2,
	       "slot changed under the guest is left alone, no EOM");
	slot_write(slot, HVMSG_NONE, 0, true, 0);
	tap_ok(synic_msg_process(&t, 6, slot, &pc) && pc.stats.stale_pending == 1,
	       "empty slot with msg_pending set: EOM so the host rescans");
}

/* ---- against the host model ---- */

#define NSINTS		3
static const unsigned int test_sints[NSINTS] = { 2, 6, 13 };

struct guest;

struct guest_sint {
	struct guest *g;
	unsigned int sint;
};

struct guest {
	struct synic_hm_vcpu *v;
	struct synic_msg_table t;
	struct synic_msg_cpu pc;
	struct guest_sint gs[HV_SYNIC_SINT_COUNT];
	bool mutant;		/* takes msg_pending from its copy: wrong */
	bool quiet;		/* no host activity inside guest steps */
	unsigned int nsints;	/* SINTs of test_sints[] the host posts to */
	unsigned int rng;
	u32 posted[HV_SYNIC_SINT_COUNT];
	u32 expect[HV_SYNIC_SINT_COUNT];
	u64 received;
	u64 bad;		/* out of order, duplicated, misrouted, corrupt */
};

static unsigned int rnd(unsigned int *s)
{
	*s = *s * 1103515245 + 12345;
	return (*s >> 8) & 0xffffff;
}

/* Payload: u32 sint, u32 seq, then bytes (seq + i) up to payload_size. */
static u8 make_msg(u8 *buf, unsigned int sint, u32 seq, unsigned int r)
{
	u8 size = 8 + r % (HV_MESSAGE_PAYLOAD_BYTE_COUNT - 7);
	unsigned int i;

	memcpy(buf, &sint, 4);
	memcpy(buf + 4, &seq, 4);
	for (i = 8; i < size; i++)
		buf[i] = (u8)(seq + i);
	return size;
}

static void seq_fn(const struct hv_message *msg, void *data)
{
	struct guest_sint *gs = data;
	struct guest *g = gs->g;
	const u8 *p = (const u8 *)msg + sizeof(msg->header);
	u32 sint, seq;
	unsigned int i;
	bool ok = true;

	memcpy(&sint, p, 4);
	memcpy(&seq, p + 4, 4);
	for (i = 8; i < msg->header.payload_size; i++)
		ok &= p[i] == (u8)(seq + i);
	ok &= tail_zero(msg);
	if (!ok || sint != gs->sint || seq != g->expect[sint])
		g->bad++;
	g->expect[gs->sint] = seq + 1;
	g->received++;
}

static void guest_init(struct guest *g, struct synic_hm_vcpu *v,
		       unsigned int seed)
{
	unsigned int i;

	memset(g, 0, sizeof(*g));
	g->v = v;
	g->rng = seed;
	g->nsints = NSINTS;
	for (i = 0; i < NSINTS; i++) {
		unsigned int s = test_sints[i];

		g->gs[s].g = g;
		g->gs[s].sint = s;
		synic_msg_register(&g->t, s, T_TYPE, 8, seq_fn, &g->gs[s]);
	}
}

static void host_init(struct synic_hm_vcpu *v)
{
	unsigned int i;

	synic_hm_init(v);
	synic_hm_set_simp(v, page);
	synic_hm_set_scontrol(v, true);
	for (i = 0; i < NSINTS; i++)
		synic_hm_set_sint(v, test_sints[i], T_VECTOR + i);
}

static int host_post_one(struct guest *g, unsigned int sint)
{
	u8 buf[HV_MESSAGE_PAYLOAD_BYTE_COUNT];
	u8 size = make_msg(buf, sint, g->posted[sint], rnd(&g->rng));
	int ret = synic_hm_post(g->v, sint, T_TYPE, buf, size);

	if (ret == 0 || ret == -EAGAIN)
		g->posted[sint]++;
	return ret;
}

static void host_noise(struct guest *g)
{
	unsigned int n = rnd(&g->rng) % 3;

	if (g->quiet)
		return;
	while (n--)
		host_post_one(g, test_sints[rnd(&g->rng) % g->nsints]);
}

/* What a wrong guest does: EOM decided from the copy's msg_pending. */
static bool mutant_release(struct hv_message *slot, const struct hv_message *copy)
{
	if (cmpxchg((u32 *)slot, copy->header.message_type,
		    (u32)HVMSG_NONE) != copy->header.message_type)
		return false;
	return copy->header.message_flags.asu8 & PVIRQ_HV_MSG_PENDING;
}

/* One SINT interrupt, with the host acting between the guest's steps. */
static void guest_sint_irq(struct guest *g, unsigned int sint)
{
	struct hv_message *slot = &page->sint_message[sint];
	enum synic_msg_verdict vd;
	bool eom;

	if (!g->mutant && rnd(&g->rng) % 2) {
		if (synic_msg_process(&g->t, sint, slot, &g->pc))
			synic_hm_eom(g->v);
		host_noise(g);
		return;
	}
	vd = synic_msg_fetch(slot, &g->pc.copy);
	host_noise(g);
	if (vd == SYNIC_MSG_EMPTY)
		return;
	if (g->mutant)
		eom = mutant_release(slot, &g->pc.copy);
	else
		eom = synic_msg_release(slot, g->pc.copy.header.message_type) ==
		      SYNIC_MSG_FREED_EOM;
	host_noise(g);
	if (vd == SYNIC_MSG_VALID)
		synic_msg_dispatch(&g->t, sint, &g->pc.copy, &g->pc.stats);
	if (eom)
		synic_hm_eom(g->v);
	host_noise(g);
}

static void guest_isr(struct guest *g)
{
	unsigned long irqs = synic_hm_take_irqs(g->v);

	while (irqs) {
		unsigned int sint = __ffs(irqs);

		irqs &= irqs - 1;
		guest_sint_irq(g, sint);
	}
}

struct run_result {
	u64 lost;	/* posted, never received */
	u64 stalls;	/* messages held by the host with no interrupt due */
	u64 queued;
	u64 eoms;
	u64 bad;
};

/*
 * Messages the host holds while nothing will make it deliver them: once
 * the guest has handled every raised interrupt, a queue may only be
 * non-empty if an EOM is still to come, and there is none.
 */
static u64 stalled(struct synic_hm_vcpu *v)
{
	u64 n = 0;
	unsigned int i;

	if (__atomic_load_n(&v->irq_pending, __ATOMIC_SEQ_CST))
		return 0;
	for (i = 0; i < NSINTS; i++)
		n += synic_hm_queued(v, test_sints[i]);
	return n;
}

static void random_run(unsigned int seed, bool mutant, unsigned int nsints,
		       unsigned int post_pct, struct run_result *res)
{
	static struct synic_hm_vcpu v;
	static struct guest g;
	u64 posted = 0;
	unsigned int i, rounds = 0;

	memset(res, 0, sizeof(*res));
	host_init(&v);
	guest_init(&g, &v, seed);
	g.mutant = mutant;
	g.nsints = nsints;
	for (i = 0; i < 4000; i++) {
		if (rnd(&g.rng) % 100 < post_pct) {
			host_post_one(&g, test_sints[rnd(&g.rng) % nsints]);
		} else {
			guest_isr(&g);
			res->stalls += stalled(&v);
		}
	}
	g.quiet = true;
	while (__atomic_load_n(&v.irq_pending, __ATOMIC_SEQ_CST) &&
	       rounds++ < 100000)
		guest_isr(&g);
	res->stalls += stalled(&v);

	for (i = 0; i < NSINTS; i++)
		posted += g.posted[test_sints[i]];
	res->lost = posted - g.received;
	res->queued = v.queued;
	res->eoms = v.eoms;
	res->bad = g.bad;
	synic_hm_destroy(&v);
}

static void test_model_basics(void)
{
	static struct synic_hm_vcpu v;
	static struct guest g;
	struct hv_message *slot = &page->sint_message[6];
	u8 buf[16] = { 0 };
	unsigned int i;
	int ret;

	synic_hm_init(&v);
	guest_init(&g, &v, 1);
	tap_ok(synic_hm_post(&v, 6, T_TYPE, buf, 8) == -ENOENT,
	       "post with SynIC off is -ENOENT");
	synic_hm_set_simp(&v, page);
	synic_hm_set_scontrol(&v, true);
	tap_ok(synic_hm_set_sint(&v, 6, 5) == -EINVAL &&
	       synic_hm_set_sint(&v, 6, 5 | HV_SYNIC_SINT_MASKED) == 0 &&
	       synic_hm_set_sint(&v, 6, T_VECTOR) == 0,
	       "unmasked SINT vector below 16 refused, masked accepted");
	tap_ok(synic_hm_post(&v, 6, HVMSG_NONE, buf, 8) == -EINVAL &&
	       synic_hm_post(&v, 16, T_TYPE, buf, 8) == -EINVAL,
	       "post of type NONE or to SINT 16 is -EINVAL");

	tap_ok(host_post_one(&g, 6) == 0 && synic_hm_take_irqs(&v) == BIT(6) &&
	       slot->header.message_type == T_TYPE,
	       "free slot: message delivered, SINT raised");
	ret = host_post_one(&g, 6);
	tap_ok(ret == -EAGAIN &&
	       (slot->header.message_flags.asu8 & PVIRQ_HV_MSG_PENDING) &&
	       !synic_hm_take_irqs(&v) && v.injected[6] == 1,
	       "busy slot sets msg_pending and raises no interrupt");
	tap_ok(synic_msg_process(&g.t, 6, slot, &g.pc) && g.received == 1,
	       "guest takes the message and is told to EOM");
	synic_hm_eom(&v);
	tap_ok(synic_hm_take_irqs(&v) == BIT(6) && v.injected[6] == 2 &&
	       !(slot->header.message_flags.asu8 & PVIRQ_HV_MSG_PENDING) &&
	       !synic_hm_queued(&v, 6),
	       "EOM: queued message delivered with msg_pending clear, SINT raised");

	for (i = 0; i < SYNIC_HM_QUEUE_LEN; i++)
		host_post_one(&g, 6);
	tap_ok(synic_hm_queued(&v, 6) == SYNIC_HM_QUEUE_LEN &&
	       host_post_one(&g, 6) == -ENOBUFS,
	       "full host queue: post is -ENOBUFS");
	while (synic_msg_process(&g.t, 6, slot, &g.pc))
		synic_hm_eom(&v);
	synic_msg_process(&g.t, 6, slot, &g.pc);
	tap_ok(g.received == 2 + SYNIC_HM_QUEUE_LEN && !g.bad &&
	       !synic_hm_queued(&v, 6),
	       "guest drains the queue in order through EOM");

	synic_hm_take_irqs(&v);
	synic_hm_set_sint(&v, 6, T_VECTOR | HV_SYNIC_SINT_MASKED);
	tap_ok(host_post_one(&g, 6) == 0 && !synic_hm_take_irqs(&v) &&
	       v.lost_masked[6] == 1 && slot->header.message_type == T_TYPE,
	       "masked SINT: message in the slot, interrupt lost");
	synic_hm_set_sint(&v, 6, T_VECTOR);
	tap_ok(host_post_one(&g, 6) == -EAGAIN && !synic_hm_take_irqs(&v),
	       "unmasking does not replay the lost interrupt");
	synic_hm_destroy(&v);
}

static void test_malformed_via_model(void)
{
	static struct synic_hm_vcpu v;
	static struct guest g;
	struct hv_message *slot = &page->sint_message[2];
	struct hv_message m;
	int ret;

	host_init(&v);
	guest_init(&g, &v, 7);
	memset(&m, 0xee, sizeof(m));
	m.header.message_type = T_TYPE;
	m.header.payload_size = 250;
	ret = synic_hm_post_raw(&v, 2, &m);
	host_post_one(&g, 2);
	synic_hm_take_irqs(&v);
	tap_ok(ret == 0 && synic_msg_process(&g.t, 2, slot, &g.pc) &&
	       g.pc.stats.bad_header == 1 && g.received == 0,
	       "bad header behind a queue: rejected, slot freed, EOM asked");
	synic_hm_eom(&v);
	tap_ok(synic_hm_take_irqs(&v) == BIT(2) &&
	       !synic_msg_process(&g.t, 2, slot, &g.pc) && g.received == 1 &&
	       !g.bad,
	       "the good message queued behind it still arrives");
	synic_hm_destroy(&v);
}

/* Host load and SINTs in use: queues mostly full to mostly empty. */
static const struct {
	unsigned int nsints;
	unsigned int post_pct;
} run_cfg[] = { { 3, 67 }, { 3, 50 }, { 1, 50 }, { 1, 35 } };

static void test_random(void)
{
	struct run_result r, sum = { 0 }, mut = { 0 };
	unsigned int seed, c, nseeds = 20;

	for (c = 0; c < ARRAY_SIZE(run_cfg); c++) {
		for (seed = 1; seed <= nseeds; seed++) {
			random_run(seed, false, run_cfg[c].nsints,
				   run_cfg[c].post_pct, &r);
			sum.lost += r.lost;
			sum.stalls += r.stalls;
			sum.bad += r.bad;
			sum.queued += r.queued;
			sum.eoms += r.eoms;
			random_run(seed, true, run_cfg[c].nsints,
				   run_cfg[c].post_pct, &r);
			mut.lost += r.lost;
			mut.stalls += r.stalls;
		}
	}
	tap_diag("%zu x %u runs: %llu messages queued behind busy slots, %llu EOMs",
		 ARRAY_SIZE(run_cfg), nseeds, (unsigned long long)sum.queued,
		 (unsigned long long)sum.eoms);
	tap_ok(sum.queued > 1000 && sum.eoms > 1000,
	       "randomized runs exercise busy slots and EOM rescans");
	tap_ok(!sum.lost && !sum.bad && !sum.stalls,
	       "randomized host/guest interleavings: no message lost, stalled, duplicated or reordered (%llu lost, %llu stalled, %llu bad)",
	       (unsigned long long)sum.lost, (unsigned long long)sum.stalls,
	       (unsigned long long)sum.bad);
	tap_ok(mut.lost + mut.stalls > 0,
	       "same runs catch a guest that reads msg_pending from its copy (%llu stalled, %llu lost)",
	       (unsigned long long)mut.stalls, (unsigned long long)mut.lost);
}

/* ---- two threads: the host posting while the guest handles ---- */

#define THR_MSGS	20000

struct thr {
	struct synic_hm_vcpu v;
	struct guest g;
	u64 host_retries;
	bool host_done;
};

static void *host_thread(void *arg)
{
	struct thr *th = arg;
	unsigned int rng = 99, i;
	int ret;

	for (i = 0; i < THR_MSGS; i++) {
		unsigned int sint = test_sints[rnd(&rng) % NSINTS];
		u8 buf[HV_MESSAGE_PAYLOAD_BYTE_COUNT];
		u8 size;

		/* g.posted is the host thread's alone until host_done */
		size = make_msg(buf, sint, th->g.posted[sint], rnd(&rng));
		while ((ret = synic_hm_post(&th->v, sint, T_TYPE, buf, size)) ==
		       -ENOBUFS) {
			th->host_retries++;
			sched_yield();
		}
		if (ret == 0 || ret == -EAGAIN)
			th->g.posted[sint]++;
	}
	__atomic_store_n(&th->host_done, true, __ATOMIC_RELEASE);
	return NULL;
}

static void test_threads(void)
{
	static struct thr th;
	struct timespec t0, t1;
	pthread_t host;
	u64 posted = 0;
	unsigned int i;
	bool timeout = false;

	host_init(&th.v);
	guest_init(&th.g, &th.v, 5);
	th.g.quiet = true;
	th.g.mutant = false;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pthread_create(&host, NULL, host_thread, &th);
	for (;;) {
		unsigned long irqs = synic_hm_take_irqs(&th.v);

		if (!irqs) {
			if (__atomic_load_n(&th.host_done, __ATOMIC_ACQUIRE) &&
			    !__atomic_load_n(&th.v.irq_pending, __ATOMIC_SEQ_CST))
				break;
			clock_gettime(CLOCK_MONOTONIC, &t1);
			if (t1.tv_sec - t0.tv_sec > 60) {
				timeout = true;
				break;
			}
			sched_yield();
			continue;
		}
		while (irqs) {
			unsigned int sint = __ffs(irqs);

			irqs &= irqs - 1;
			if (synic_msg_process(&th.g.t, sint,
					      &page->sint_message[sint],
					      &th.g.pc))
				synic_hm_eom(&th.v);
		}
	}
	pthread_join(host, NULL);
	for (i = 0; i < NSINTS; i++)
		posted += th.g.posted[test_sints[i]];
	tap_diag("threads: %llu posted, %llu received, %llu queued, %llu EOMs, %llu host retries",
		 (unsigned long long)posted, (unsigned long long)th.g.received,
		 (unsigned long long)th.v.queued, (unsigned long long)th.v.eoms,
		 (unsigned long long)th.host_retries);
	tap_ok(!timeout && posted == THR_MSGS && th.g.received == posted &&
	       !th.g.bad && !th.g.pc.stats.lost_race,
	       "concurrent host and guest: every message once, in order per SINT");
	synic_hm_destroy(&th.v);
}

int main(void)
{
	page = aligned_alloc(4096, sizeof(*page));
	if (!page)
		return 1;
	test_table();
	test_slot();
	test_model_basics();
	test_malformed_via_model();
	test_random();
	test_threads();
	free(page);
	return tap_done();
}
