// SPDX-License-Identifier: GPL-2.0
/*
 * Request service: from a vCPU's slot in BAR2 to the model and back.
 *
 * The guest owns a slot while seq == done; it writes a request, then seq
 * (release), then rings our doorbell and spins until done == seq.  On every
 * ring we scan all slots of that guest.  A request is copied out of shared
 * memory once, before anything looks at it -- the guest can rewrite the slot
 * at any time and we must not act on a value we checked a moment earlier --
 * and every field is checked: the vCPU index is the slot's, not what the
 * request says; buffers are bounded.  A bad request gets a -errno reply and
 * one log line, and service goes on.
 *
 * A reply can be held back: "delay" holds it for a while, and a
 * guest-sent control command ("barrier", "wait-guests") holds it until the
 * command completes.  Meanwhile the slot stays busy and is skipped by the
 * scan; a held reply is dropped if the VM goes away.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pvirq_model.h"

#define U32_LIMIT	0xffffffffull
#define PCI_POLL_NS	5000000ull	/* while MSI-X bits wait for an unmask */

#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))

static int op_fop(u32 op)
{
	switch (op) {
	case PVIRQ_OP_CPUID:
		return PVIRQ_FOP_CPUID;
	case PVIRQ_OP_RDMSR:
		return PVIRQ_FOP_RDMSR;
	case PVIRQ_OP_WRMSR:
		return PVIRQ_FOP_WRMSR;
	case PVIRQ_OP_HYPERCALL:
		return PVIRQ_FOP_HYPERCALL;
	case PVIRQ_OP_PCI_READ:
	case PVIRQ_OP_PCI_WRITE:
		return PVIRQ_FOP_PCI;
	}
	return -1;
}

static __attribute__((format(printf, 5, 6)))
int bad(struct pvirq_guest *g, u32 idx, const struct pvirq_wire_slot *s,
	int err, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	g->st.invalid++;
	pvirq_glog(g, "vcpu %u op %u (%s): bad %s: %s", idx, s->op,
		   pvirq_op_name(s->op), what, pvirq_errno_name(err));
	return err;
}

static int check_bufs(struct pvirq_guest *g, u32 idx,
		      const struct pvirq_wire_slot *s)
{
	u32 i, j;

	for (i = 0; i < PVIRQ_WIRE_NBUFS; i++) {
		if (s->buf_len[i] > PVIRQ_WIRE_BUF_MAX)
			return bad(g, idx, s, -EINVAL, "buf_len[%u] %u (max %u)",
				   i, s->buf_len[i], PVIRQ_WIRE_BUF_MAX);
		if (s->buf_arg[i] == PVIRQ_WIRE_BUF_NONE)
			continue;
		if (s->buf_arg[i] >= PVIRQ_HC_NARGS)
			return bad(g, idx, s, -EINVAL, "buf_arg[%u] %u", i,
				   s->buf_arg[i]);
		if (!s->buf_dir[i] ||
		    (s->buf_dir[i] & ~(PVIRQ_HC_BUF_IN | PVIRQ_HC_BUF_OUT)))
			return bad(g, idx, s, -EINVAL, "buf_dir[%u] %#x", i,
				   s->buf_dir[i]);
		for (j = 0; j < i; j++)
			if (s->buf_arg[j] == s->buf_arg[i])
				return bad(g, idx, s, -EINVAL,
					   "buf_arg[%u] %u (also buf_arg[%u])",
					   i, s->buf_arg[i], j);
	}
	return 0;
}

static int check(struct pvirq_guest *g, u32 idx, const struct pvirq_wire_slot *s)
{
	const u64 *a = s->arg;

	if (!s->op || s->op >= PVIRQ_OP_MAX)
		return bad(g, idx, s, -EOPNOTSUPP, "op");
	g->st.requests[s->op]++;
	if (s->vcpu >= g->max_vcpus)
		return bad(g, idx, s, -EINVAL, "vcpu %u (max_vcpus %u)",
			   s->vcpu, g->max_vcpus);
	if (s->vcpu != idx)
		return bad(g, idx, s, -EINVAL, "vcpu %u in slot %u", s->vcpu,
			   idx);

	switch (s->op) {
	case PVIRQ_OP_HELLO:
		if (!a[0] || a[0] > g->max_vcpus)
			return bad(g, idx, s, -EINVAL, "nr_cpus %llu",
				   (unsigned long long)a[0]);
		break;
	case PVIRQ_OP_CPUID:
		if (a[0] > U32_LIMIT || a[1] > U32_LIMIT)
			return bad(g, idx, s, -EINVAL, "leaf/subleaf %#llx/%#llx",
				   (unsigned long long)a[0],
				   (unsigned long long)a[1]);
		break;
	case PVIRQ_OP_RDMSR:
	case PVIRQ_OP_WRMSR:
		if (a[0] > U32_LIMIT)
			return bad(g, idx, s, -EINVAL, "msr %#llx",
				   (unsigned long long)a[0]);
		break;
	case PVIRQ_OP_HYPERCALL:
		if (a[0] != PVIRQ_HC_ABI_XEN && a[0] != PVIRQ_HC_ABI_HYPERV &&
		    a[0] != PVIRQ_HC_ABI_KVM)
			return bad(g, idx, s, -EINVAL, "abi %llu",
				   (unsigned long long)a[0]);
		return check_bufs(g, idx, s);
	case PVIRQ_OP_PCI_READ:
	case PVIRQ_OP_PCI_WRITE:
		if (a[0] > 0xff)
			return bad(g, idx, s, -EINVAL, "devfn %#llx",
				   (unsigned long long)a[0]);
		if (a[2] != 1 && a[2] != 2 && a[2] != 4)
			return bad(g, idx, s, -EINVAL, "size %llu",
				   (unsigned long long)a[2]);
		if (a[1] >= 4096 || a[1] % a[2])
			return bad(g, idx, s, -EINVAL, "offset %#llx",
				   (unsigned long long)a[1]);
		break;
	case PVIRQ_OP_CONTROL:
		if (!g->host->guest_control)
			return bad(g, idx, s, -EOPNOTSUPP,
				   "op: not served without --guest-control");
		if (!s->buf_len[0] || s->buf_len[0] > PVIRQ_WIRE_BUF_MAX)
			return bad(g, idx, s, -EINVAL, "buf_len[0] %u",
				   s->buf_len[0]);
		break;
	}
	return 0;
}

static void hold(struct pvirq_guest *g, u32 idx, u64 deadline)
{
	struct pvirq_vcpu *v = &g->vcpu[idx];

	v->busy = true;
	v->gen = g->gen;
	v->deadline = deadline;
	g->host->nbusy++;
}

static void cancel_one(struct pvirq_guest *g, u32 idx)
{
	struct pvirq_vcpu *v = &g->vcpu[idx];

	if (!v->busy)
		return;
	if (v->ctl_wait)
		pvirq_ctl_cancel(&v->ctl);
	v->ctl_wait = false;
	v->busy = false;
	g->host->nbusy--;
}

void pvirq_cancel_all(struct pvirq_guest *g)
{
	u32 i;

	for (i = 0; i < g->max_vcpus; i++)
		cancel_one(g, i);
}

/* The reply text goes into buf0, NUL terminated, cut to the guest's room. */
static void put_ctl_reply(struct pvirq_reply *r, const char *text, u32 room)
{
	size_t len = strlen(text), n = len < room - 1 ? len : room - 1;

	memcpy(r->buf[0], text, n);
	r->buf[0][n] = '\0';
	r->out_len[0] = n + 1;
	r->out[0] = len;
	r->ret = 0;
}

static void guest_ctl_done(struct pvirq_ctl_req *req, const char *reply)
{
	struct pvirq_vcpu *v = container_of(req, struct pvirq_vcpu, ctl);
	struct pvirq_guest *g = req->origin;

	put_ctl_reply(&v->reply, reply, v->ctl_len);
	v->ctl_wait = false;
	pvirq_complete(g, v - g->vcpu);
}

static int do_control(struct pvirq_guest *g, u32 idx,
		      const struct pvirq_wire_slot *s, const u8 *mem,
		      struct pvirq_reply *r)
{
	struct pvirq_vcpu *v = &g->vcpu[idx];
	char line[PVIRQ_HOST_LINE_MAX + 1];
	struct pvirq_sb sb = { 0 };
	u32 n = s->buf_len[0];
	int ret;

	if (n > PVIRQ_HOST_LINE_MAX)
		n = PVIRQ_HOST_LINE_MAX;
	memcpy(line, mem + PVIRQ_WIRE_BUF_OFF(0), n);
	line[n] = '\0';
	if (strlen(line) == PVIRQ_HOST_LINE_MAX) {
		put_ctl_reply(r, "err E2BIG command line too long", s->buf_len[0]);
		return 0;
	}
	v->ctl = (struct pvirq_ctl_req) {
		.host = g->host,
		.origin = g,
		.done = guest_ctl_done,
	};
	v->ctl_len = s->buf_len[0];
	ret = pvirq_ctl_exec(g->host, line, &v->ctl, &sb);
	if (ret == PVIRQ_CTL_ASYNC) {
		v->ctl_wait = true;
		hold(g, idx, 0);
	} else {
		put_ctl_reply(r, sb.err ? "err ENOMEM reply too long" :
			      pvirq_sb_str(&sb), s->buf_len[0]);
	}
	pvirq_sb_free(&sb);
	return ret;
}

static void do_hello(struct pvirq_guest *g, const struct pvirq_wire_slot *s)
{
	u32 ids[PVIRQ_WIRE_MAX_VCPUS];

	/* the guest wrote the APIC IDs into the header: copy, then use */
	memcpy(ids, pvirq_hdr(g)->apic_id, sizeof(ids));
	memcpy(g->apic_id, ids, sizeof(ids));
	g->nr_cpus = s->arg[0];
	g->window_known = s->arg[2] & PVIRQ_HELLO_WINDOW;
	g->window_bus = g->window_known ? s->arg[1] : 0;
	g->ready = true;
	if (g->ram_path)
		pvirq_guest_map_ram(g);	/* logs why if it cannot */
	if (g->model->hello)
		g->model->hello(g);
	pvirq_glog(g, "hello: %u cpus", g->nr_cpus);
	pvirq_host_guests_changed(g->host);
}

static void do_hypercall(struct pvirq_guest *g, u32 idx,
			 const struct pvirq_wire_slot *s, const u8 *mem,
			 struct pvirq_reply *r)
{
	struct pvirq_hc hc = { .abi = s->arg[0], .nr = s->arg[1] };
	s64 rax;
	u32 i;

	memcpy(hc.args, &s->arg[2], sizeof(hc.args));
	for (i = 0; i < PVIRQ_WIRE_NBUFS; i++) {
		struct pvirq_hc_buf *b;

		if (s->buf_arg[i] == PVIRQ_WIRE_BUF_NONE)
			continue;
		b = &hc.buf[hc.nbufs++];
		b->data = r->buf[i];
		b->len = s->buf_len[i];
		b->arg = s->buf_arg[i];
		b->dir = s->buf_dir[i];
		if (b->dir & PVIRQ_HC_BUF_IN)
			memcpy(b->data, mem + PVIRQ_WIRE_BUF_OFF(i), b->len);
		else
			memset(b->data, 0, b->len);
	}
	if (g->model->hypercall)
		rax = g->model->hypercall(g, idx, &hc);
	else
		rax = pvirq_hc_enosys(hc.abi);
	r->out[0] = (u64)rax;
	r->out[1] = hc.out;
	for (i = 0; i < PVIRQ_WIRE_NBUFS; i++)
		if (s->buf_arg[i] != PVIRQ_WIRE_BUF_NONE &&
		    (s->buf_dir[i] & PVIRQ_HC_BUF_OUT))
			r->out_len[i] = s->buf_len[i];
}

static int execute(struct pvirq_guest *g, u32 idx,
		   const struct pvirq_wire_slot *s, const u8 *mem,
		   struct pvirq_reply *r)
{
	const struct pvirq_model_ops *m = g->model;
	const u64 *a = s->arg;
	u32 regs[4] = { 0 }, val = 0;
	u64 v64 = 0;

	switch (s->op) {
	case PVIRQ_OP_HELLO:
		do_hello(g, s);
		break;
	case PVIRQ_OP_CPUID:
		if (m->cpuid)
			m->cpuid(g, idx, a[0], a[1], regs);
		r->out[0] = regs[0];
		r->out[1] = regs[1];
		r->out[2] = regs[2];
		r->out[3] = regs[3];
		break;
	case PVIRQ_OP_RDMSR:
		r->ret = m->rdmsr ? m->rdmsr(g, idx, a[0], &v64) : -EIO;
		r->out[0] = r->ret ? 0 : v64;
		break;
	case PVIRQ_OP_WRMSR:
		r->ret = m->wrmsr ? m->wrmsr(g, idx, a[0], a[1]) : -EIO;
		break;
	case PVIRQ_OP_HYPERCALL:
		do_hypercall(g, idx, s, mem, r);
		break;
	case PVIRQ_OP_PCI_READ:
		r->ret = pvirq_pci_read(g, a[0], a[1], a[2], &val);
		r->out[0] = val;
		break;
	case PVIRQ_OP_PCI_WRITE:
		r->ret = pvirq_pci_write(g, a[0], a[1], a[2], (u32)a[3]);
		break;
	case PVIRQ_OP_GOODBYE:
		g->ready = false;
		pvirq_glog(g, "goodbye");
		pvirq_host_guests_changed(g->host);
		break;
	case PVIRQ_OP_CONTROL:
		return do_control(g, idx, s, mem, r);
	}
	return 0;
}

/**
 * pvirq_dispatch() - serve the request in one slot
 * @g: the guest
 * @idx: the slot's vCPU index, < g->max_vcpus
 * @slot: the slot (PVIRQ_WIRE_SLOT_SIZE bytes); read once, never written
 *
 * The reply is left in g->vcpu[idx].reply.
 *
 * Return: 0 if it is ready for pvirq_complete(), 1 if it is held back and
 * will be completed later.
 */
int pvirq_dispatch(struct pvirq_guest *g, u32 idx, const void *slot)
{
	struct pvirq_vcpu *v = &g->vcpu[idx];
	struct pvirq_reply *r = &v->reply;
	struct pvirq_wire_slot s;
	int fop, ret;

	memcpy(&s, slot, sizeof(s));
	r->ret = 0;
	memset(r->out, 0, sizeof(r->out));
	memset(r->out_len, 0, sizeof(r->out_len));

	ret = check(g, idx, &s);
	if (ret) {
		r->ret = ret;
		return 0;
	}
	fop = op_fop(s.op);
	if (fop >= 0 && g->fault[fop].nth && !--g->fault[fop].nth) {
		r->ret = -g->fault[fop].err;
		if (s.op == PVIRQ_OP_HYPERCALL)
			r->out[0] = (u64)r->ret;
		g->st.faults++;
		pvirq_glog(g, "vcpu %u op %s: injected fault %s", idx,
			   pvirq_op_name(s.op), pvirq_errno_name(r->ret));
	} else if (execute(g, idx, &s, slot, r) == PVIRQ_CTL_ASYNC) {
		return 1;
	}
	if (g->host->verbose)
		pvirq_log(g->host, "%s: vcpu %u %s %#llx %#llx -> ret %lld out %#llx",
			  g->name, idx, pvirq_op_name(s.op),
			  (unsigned long long)s.arg[0],
			  (unsigned long long)s.arg[1], (long long)r->ret,
			  (unsigned long long)r->out[0]);
	if (fop >= 0 && g->delay_us[fop]) {
		hold(g, idx, pvirq_now_ns() + g->delay_us[fop] * 1000ull);
		return 1;
	}
	return 0;
}

/**
 * pvirq_complete() - write a vCPU's reply into its slot and release it
 * @g: the guest
 * @idx: vCPU index
 */
void pvirq_complete(struct pvirq_guest *g, u32 idx)
{
	struct pvirq_vcpu *v = &g->vcpu[idx];
	struct pvirq_reply *r = &v->reply;
	u8 *mem = pvirq_slot_mem(g, idx);
	struct pvirq_wire_slot *slot = (struct pvirq_wire_slot *)mem;
	u32 i;

	if (v->busy) {
		v->busy = false;
		g->host->nbusy--;
		if (v->gen != g->gen)
			return;
	}
	if (r->ret)
		g->st.failed++;
	WRITE_ONCE(slot->ret, r->ret);
	for (i = 0; i < ARRAY_SIZE(r->out); i++)
		WRITE_ONCE(slot->out[i], r->out[i]);
	for (i = 0; i < PVIRQ_WIRE_NBUFS; i++)
		if (r->out_len[i])
			memcpy(mem + PVIRQ_WIRE_BUF_OFF(i), r->buf[i],
			       r->out_len[i]);
	/* the reply is visible before the guest sees done == seq */
	__atomic_store_n(&slot->done, v->seq, __ATOMIC_RELEASE);
}

/* A doorbell rang: serve every slot with a new request. */
void pvirq_guest_service(struct pvirq_guest *g)
{
	u32 i, seq;

	for (i = 0; i < g->max_vcpus; i++) {
		struct pvirq_wire_slot *slot = (void *)pvirq_slot_mem(g, i);
		struct pvirq_vcpu *v = &g->vcpu[i];

		seq = __atomic_load_n(&slot->seq, __ATOMIC_ACQUIRE);
		if (seq == READ_ONCE(slot->done))
			continue;
		if (v->busy) {
			if (v->seq == seq)
				continue;
			pvirq_glog(g, "vcpu %u: request %u replaces held request %u",
				   i, seq, v->seq);
			cancel_one(g, i);
		}
		v->seq = seq;
		if (!pvirq_dispatch(g, i, slot))
			pvirq_complete(g, i);
	}
}

static u64 earliest(u64 a, u64 b)
{
	return !a || (b && b < a) ? b : a;
}

/*
 * Completes held replies that are due and re-checks MSI-X bits pending
 * behind a mask.  Returns when to come back (0: no need).
 */
u64 pvirq_run_timers(struct pvirq_host *h, u64 now)
{
	u64 next = 0;
	u32 i, j;

	for (i = 0; i < h->nguests; i++) {
		struct pvirq_guest *g = h->guests[i];

		for (j = 0; h->nbusy && j < g->max_vcpus; j++) {
			struct pvirq_vcpu *v = &g->vcpu[j];

			if (!v->busy || v->ctl_wait)
				continue;
			if (v->deadline <= now)
				pvirq_complete(g, j);
			else
				next = earliest(next, v->deadline);
		}
		if (pvirq_pci_has_pending(g)) {
			pvirq_pci_poll(g);
			if (pvirq_pci_has_pending(g))
				next = earliest(next, now + PCI_POLL_NS);
		}
	}
	return next;
}
