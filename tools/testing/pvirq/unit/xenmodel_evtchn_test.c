// SPDX-License-Identifier: GPL-2.0
/*
 * The "xen" model's event channels: 2-level delivery into shared_info and
 * vcpu_info in guest RAM (pending bit, selector, upcall flag, the vector
 * injected through the core), masking and the unmask re-delivery, upcall
 * vectors per vCPU, vcpu_info placed elsewhere, and the FIFO ABI (event
 * words, queue heads and links, ready bits, priorities) -- plus each
 * EVTCHNOP's error answers per personality.
 */
#include "xenmodel_test.h"

static u32 bind_ipi(struct xt *t, u32 vcpu)
{
	struct evtchn_bind_ipi b = { .vcpu = vcpu };

	if (XT_EVTCHN(t, EVTCHNOP_bind_ipi, &b))
		abort();
	return b.port;
}

static s64 send(struct xt *t, u32 port)
{
	struct evtchn_send s = { .port = port };

	return XT_EVTCHN(t, EVTCHNOP_send, &s);
}

/* What the guest's upcall handler does with a 2-level event. */
static void consume_2l(struct xt *t, u32 vcpu, u32 port)
{
	struct shared_info *s = xt_shinfo(t);

	s->vcpu_info[vcpu].evtchn_upcall_pending = 0;
	s->vcpu_info[vcpu].evtchn_pending_sel = 0;
	s->evtchn_pending[port / 64] &= ~(1ul << (port % 64));
}

static void twolevel_delivery(void)
{
	struct shared_info *s;
	struct evtchn_status st;
	struct xt t;
	u32 port, p70;
	u64 before;

	xt_start(&t, "xen", 4);
	xt_setup(&t);
	s = xt_shinfo(&t);
	port = bind_ipi(&t, 1);
	before = xt_injected(&t, 1);
	tap_ok(send(&t, port) == 0 && xt_test_pending(&t, port) &&
	       s->vcpu_info[1].evtchn_pending_sel == 1ul << (port / 64) &&
	       s->vcpu_info[1].evtchn_upcall_pending == 1 &&
	       xt_took(&t, 1, XT_VECTOR) && xt_injected(&t, 1) == before + 1,
	       "2l: send sets the pending bit, vcpu 1's selector and upcall flag, and injects the callback vector on vcpu 1");
	tap_ok(!s->vcpu_info[0].evtchn_upcall_pending && !xt_took(&t, 0, XT_VECTOR),
	       "2l: vcpu 0 hears nothing of it");
	tap_ok(send(&t, port) == 0 && xt_injected(&t, 1) == before + 1 &&
	       t.m->port[port].merged == 1,
	       "2l: a second send while pending merges, no new upcall");
	consume_2l(&t, 1, port);
	s->vcpu_info[1].evtchn_upcall_pending = 1;
	send(&t, port);
	tap_ok(xt_injected(&t, 1) == before + 1 && xt_test_pending(&t, port),
	       "2l: no upcall while the vCPU's upcall flag is still set");
	consume_2l(&t, 1, port);
	xt_mask(&t, port, true);
	tap_ok(send(&t, port) == 0 && xt_test_pending(&t, port) &&
	       !s->vcpu_info[1].evtchn_pending_sel &&
	       xt_injected(&t, 1) == before + 1 && t.m->port[port].masked == 1,
	       "2l: a masked port goes pending with no selector and no upcall");
	tap_ok(xt_unmask(&t, port) == 0 && !(s->evtchn_mask[0] & (1ul << port)) &&
	       s->vcpu_info[1].evtchn_pending_sel && xt_took(&t, 1, XT_VECTOR) &&
	       xt_injected(&t, 1) == before + 2,
	       "2l: EVTCHNOP_unmask of a pending port delivers it");
	consume_2l(&t, 1, port);
	/* a port in the second selector word */
	while ((p70 = bind_ipi(&t, 2)) < 70)
		;
	send(&t, p70);
	tap_ok(s->evtchn_pending[1] == 1ul << (p70 - 64) &&
	       s->vcpu_info[2].evtchn_pending_sel == 2,
	       "2l: port %u is bit %u of word 1, selector bit 1", p70, p70 - 64);
	st = (struct evtchn_status) { .dom = DOMID_SELF, .port = port };
	tap_ok(XT_EVTCHN(&t, EVTCHNOP_status, &st) == 0 &&
	       st.status == EVTCHNSTAT_ipi && st.vcpu == 1,
	       "2l: status says ipi on vcpu 1");
	send(&t, port);
	tap_ok(xt_close(&t, port) == 0 && !xt_test_pending(&t, port) &&
	       xt_close(&t, port) == -EINVAL && send(&t, port) == -EINVAL,
	       "2l: close clears the pending bit; closing or sending again is EINVAL");
	st.port = port;
	XT_EVTCHN(&t, EVTCHNOP_status, &st);
	tap_ok(st.status == EVTCHNSTAT_closed, "2l: status of a closed port");
	st.port = 4096;
	tap_ok(XT_EVTCHN(&t, EVTCHNOP_status, &st) == -EINVAL,
	       "2l: status of port 4096 is EINVAL");
	tap_ok(xt_close(&t, 0) == -EINVAL, "xen: port 0 is reserved");
	xt_stop(&t);
}

static void upcall_vectors(void)
{
	struct shared_info *s;
	struct xt t;
	u64 before;
	u32 port;

	xt_start(&t, "xen", 2);
	xt_place_shinfo(&t, XT_SHINFO_GPA);
	s = xt_shinfo(&t);
	port = bind_ipi(&t, 0);
	send(&t, port);
	tap_ok(s->vcpu_info[0].evtchn_upcall_pending && !xt_injected(&t, 0) &&
	       t.m->no_callback == 1,
	       "no callback yet: the event waits in shared_info, nothing injected");
	xt_set_callback(&t, XT_CALLBACK);
	tap_ok(xt_took(&t, 0, XT_VECTOR) && xt_injected(&t, 0) == 1,
	       "setting the callback vector delivers the pending upcall");
	consume_2l(&t, 0, port);
	tap_ok(xt_upcall_vector(&t, 1, 0xe1) == 0 && xt_took(&t, 1, 0xe1),
	       "xen: HVMOP_set_evtchn_upcall_vector sends the new vector at once");
	tap_ok(xt_upcall_vector(&t, 0, 0xe0) == 0 && xt_took(&t, 0, 0xe0), "vcpu 0 gets 0xe0");
	before = xt_injected(&t, 0);
	send(&t, port);
	tap_ok(xt_took(&t, 0, 0xe0) && xt_injected(&t, 0) == before + 1,
	       "a per-vCPU upcall vector is used instead of the global one");
	tap_ok(xt_upcall_vector(&t, 0, 0x0f) == -EINVAL &&
	       xt_upcall_vector(&t, 2, 0xe2) == -ENOENT,
	       "xen: upcall vector below 0x10 is EINVAL, vcpu 2 of 2 ENOENT");
	tap_ok(xt_cmd(&t, "feature upcall off") == 0 &&
	       xt_upcall_vector(&t, 0, 0xe0) == -ENOSYS,
	       "without the upcall vector feature the HVMOP is ENOSYS");
	xt_stop(&t);

	xt_start(&t, "xen-qemu", 2);
	xt_setup(&t);
	tap_ok(xt_upcall_vector(&t, 1, 0xe1) == 0 && !xt_injected(&t, 1) &&
	       xt_upcall_vector(&t, 2, 0xe1) == -EINVAL,
	       "qemu: no upcall at registration; a bad vcpu is EINVAL");
	xt_stop(&t);
}

static void vcpu_info_placement(void)
{
	struct vcpu_register_vcpu_info r;
	struct vcpu_info *vi;
	struct xt t;
	u32 port;

	xt_start(&t, "xen", 40);
	xt_setup(&t);
	port = bind_ipi(&t, 35);
	send(&t, port);
	tap_ok(xt_test_pending(&t, port) && t.m->vcpu[35].lost == 1 &&
	       !xt_injected(&t, 35),
	       "vcpu 35 has no vcpu_info in shared_info: the upcall is lost");
	r = (struct vcpu_register_vcpu_info) {
		.mfn = (XT_VCPUINFO_GPA >> 12) + 35, .offset = 64 };
	tap_ok(xt_hc_dir(&t, 0, __HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info,
			 35, 2, &r, sizeof(r), PVIRQ_HC_BUF_IN) == 0,
	       "register_vcpu_info for vcpu 35");
	vi = xt_ram(&t, XT_VCPUINFO_GPA + 35 * 4096 + 64);
	tap_ok(vi->evtchn_pending_sel == ~0ul && vi->evtchn_upcall_pending &&
	       vi->evtchn_upcall_mask == 1 && xt_took(&t, 35, XT_VECTOR),
	       "xen: the new vcpu_info is marked all pending and the vCPU gets an upcall");
	vi->evtchn_pending_sel = 0;
	vi->evtchn_upcall_pending = 0;
	xt_shinfo(&t)->evtchn_pending[0] = 0;
	send(&t, port);
	tap_ok(vi->evtchn_upcall_pending && xt_took(&t, 35, XT_VECTOR),
	       "events for vcpu 35 now go to its registered vcpu_info");
	tap_ok(xt_hc_dir(&t, 0, __HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info,
			 35, 2, &r, sizeof(r), PVIRQ_HC_BUF_IN) == -EINVAL,
	       "xen: registering vcpu_info twice is EINVAL");
	r.offset = 4;
	tap_ok(xt_hc_dir(&t, 0, __HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info,
			 1, 2, &r, sizeof(r), PVIRQ_HC_BUF_IN) == -ENXIO,
	       "xen: a misaligned vcpu_info offset is ENXIO");
	r = (struct vcpu_register_vcpu_info) { .mfn = 1ull << 40 };
	tap_ok(xt_hc_dir(&t, 0, __HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info,
			 1, 2, &r, sizeof(r), PVIRQ_HC_BUF_IN) == -EINVAL &&
	       xt_logged(&t, "is not guest RAM"),
	       "a vcpu_info outside guest RAM is EINVAL, logged");
	tap_ok(xt_hc_dir(&t, 0, __HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info,
			 40, 2, &r, sizeof(r), PVIRQ_HC_BUF_IN) == -ENOENT,
	       "vcpu_op for vcpu 40 of 40 is ENOENT");
	xt_stop(&t);

	/* events before shared_info is placed are in it when it appears */
	xt_start(&t, "xen", 1);
	xt_set_callback(&t, XT_CALLBACK);
	port = bind_ipi(&t, 0);
	send(&t, port);
	tap_ok(xt_took(&t, 0, XT_VECTOR), "an upcall before shared_info is placed");
	memset(xt_shinfo(&t), 0xa5, 4096);
	xt_place_shinfo(&t, XT_SHINFO_GPA);
	tap_ok(xt_test_pending(&t, port) &&
	       xt_shinfo(&t)->vcpu_info[0].evtchn_upcall_pending == 1 &&
	       xt_shinfo(&t)->evtchn_mask[0] == 0 &&
	       ((u8 *)xt_shinfo(&t))[4095] == 0,
	       "placing shared_info copies Xen's page over the guest's");
	xt_stop(&t);
}

static void interdomain_and_errors(const char *model)
{
	bool qemu = !strcmp(model, "xen-qemu");
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
	struct evtchn_bind_interdomain b;
	struct evtchn_bind_vcpu bv;
	struct evtchn_status st;
	struct xt t;
	u32 n;

	xt_start(&t, model, 2);
	xt_setup(&t);
	tap_ok(XT_EVTCHN(&t, EVTCHNOP_alloc_unbound, &a) == 0 && a.port == 1,
	       "%s: alloc_unbound gives port 1", model);
	tap_ok(send(&t, a.port) == 0 && !xt_test_pending(&t, a.port),
	       "%s: a send on an unbound port is silently dropped", model);
	b = (struct evtchn_bind_interdomain) { .remote_dom = DOMID_SELF,
		.remote_port = a.port };
	tap_ok(XT_EVTCHN(&t, EVTCHNOP_bind_interdomain, &b) == 0 &&
	       b.local_port == 2 &&
	       xt_test_pending(&t, 2) == !qemu,
	       "%s: bind_interdomain loops back to port 2 (%s)", model,
	       qemu ? "not raised" : "raised at bind, as Xen does");
	xt_shinfo(&t)->evtchn_pending[0] = 0;
	tap_ok(send(&t, 2) == 0 && xt_test_pending(&t, 1) &&
	       send(&t, 1) == 0 && xt_test_pending(&t, 2),
	       "%s: each end's send raises the other", model);
	tap_ok(XT_EVTCHN(&t, EVTCHNOP_bind_interdomain, &b) == -EINVAL,
	       "%s: binding to a port no longer unbound is EINVAL", model);
	bv = (struct evtchn_bind_vcpu) { .port = 1, .vcpu = 1 };
	tap_ok(XT_EVTCHN(&t, EVTCHNOP_bind_vcpu, &bv) == 0 &&
	       t.m->port[1].vcpu == 1,
	       "%s: bind_vcpu moves an interdomain port", model);
	bv.vcpu = 2;
	tap_ok(XT_EVTCHN(&t, EVTCHNOP_bind_vcpu, &bv) == -ENOENT,
	       "%s: bind_vcpu to vcpu 2 of 2 is ENOENT", model);
	tap_ok(xt_close(&t, 2) == 0,
	       "%s: closing one end", model);
	st = (struct evtchn_status) { .dom = DOMID_SELF, .port = 1 };
	XT_EVTCHN(&t, EVTCHNOP_status, &st);
	tap_ok(st.status == EVTCHNSTAT_unbound,
	       "%s: ... leaves the other unbound", model);
	tap_ok(xt_close(&t, 2) == (qemu ? -ENOENT : -EINVAL),
	       "%s: closing a free port is %s", model, qemu ? "ENOENT" : "EINVAL");
	a.remote_dom = 9;
	/* Xen takes any remote domid; binding checks that it exists */
	tap_ok(XT_EVTCHN(&t, EVTCHNOP_alloc_unbound, &a) == (qemu ? -EPERM : 0) &&
	       (qemu || xt_close(&t, a.port) == 0),
	       "%s: alloc_unbound for another remote domain is %s", model,
	       qemu ? "EPERM" : "a port unbound for it");
	tap_ok(xt_unmask(&t, 3) == (qemu ? -EINVAL : 0),
	       "%s: unmask of a free port is %s", model, qemu ? "EINVAL" : "0");
	tap_ok(xt_unmask(&t, 5000) == -EINVAL, "%s: unmask of port 5000 is EINVAL",
	       model);
	xt_cmd(&t, "max_ports 8");
	for (n = 0; n < 10; n++) {
		struct evtchn_bind_ipi bi = { .vcpu = 0 };

		if (XT_EVTCHN(&t, EVTCHNOP_bind_ipi, &bi))
			break;
	}
	tap_ok(n == 6, "%s: with 8 ports, 6 more binds fit (%u), then ENOSPC",
	       model, n);
	tap_ok(xt_hc(&t, __HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, &st,
		     sizeof(st)) == -ENOSYS, "%s: bind_virq is not modelled", model);
	xt_stop(&t);
}

/* FIFO */

static u32 *word(struct xt *t, u32 port)
{
	return xt_ram(t, XT_FIFO_ARR_GPA + port * 4);
}

static struct evtchn_fifo_control_block *cb(struct xt *t, u32 vcpu)
{
	return xt_ram(t, XT_FIFO_CB_GPA + vcpu * 4096);
}

static s64 init_control(struct xt *t, u32 vcpu, u64 gpa, u32 offset)
{
	struct evtchn_init_control c = { .control_gfn = gpa >> 12,
		.offset = offset, .vcpu = vcpu };
	s64 ret = XT_EVTCHN(t, EVTCHNOP_init_control, &c);

	if (!ret && c.link_bits != EVTCHN_FIFO_LINK_BITS)
		return -999;
	return ret;
}

static s64 expand(struct xt *t, u64 gpa)
{
	struct evtchn_expand_array e = { .array_gfn = gpa >> 12 };

	return XT_EVTCHN(t, EVTCHNOP_expand_array, &e);
}

#define P	(1u << EVTCHN_FIFO_PENDING)
#define M	(1u << EVTCHN_FIFO_MASKED)
#define L	(1u << EVTCHN_FIFO_LINKED)

static void fifo_abi(void)
{
	struct evtchn_set_priority sp;
	struct xt t;
	u32 a, b, c, early;

	xt_start(&t, "xen", 2);
	xt_setup(&t);
	early = bind_ipi(&t, 0);
	send(&t, early);
	xt_took(&t, 0, XT_VECTOR);
	consume_2l(&t, 0, early);
	send(&t, early);
	xt_took(&t, 0, XT_VECTOR);
	xt_shinfo(&t)->vcpu_info[0].evtchn_upcall_pending = 0;
	tap_ok(expand(&t, XT_FIFO_ARR_GPA) == -EOPNOTSUPP,
	       "fifo: expand_array before init_control is EOPNOTSUPP");
	tap_ok(init_control(&t, 0, XT_FIFO_CB_GPA, 4) == -EINVAL &&
	       init_control(&t, 0, XT_FIFO_CB_GPA, 4096 - 64) == -EINVAL &&
	       init_control(&t, 2, XT_FIFO_CB_GPA, 0) == -ENOENT &&
	       init_control(&t, 0, 1ull << 40, 0) == -EINVAL,
	       "fifo: init_control refuses a misaligned or page-crossing offset, vcpu 2, a gfn outside RAM");
	tap_ok(init_control(&t, 0, XT_FIFO_CB_GPA, 0) == 0 &&
	       init_control(&t, 1, XT_FIFO_CB_GPA + 4096, 0) == 0 &&
	       init_control(&t, 1, XT_FIFO_CB_GPA + 4096, 0) == -EINVAL &&
	       t.m->abi == XM_ABI_FIFO,
	       "fifo: a control block per vCPU, once each; the guest is on FIFO");
	tap_ok(expand(&t, XT_FIFO_ARR_GPA) == 0 && *word(&t, early) == (P | L) &&
	       cb(&t, 0)->head[EVTCHN_FIFO_PRIORITY_DEFAULT] == early &&
	       xt_took(&t, 0, XT_VECTOR),
	       "fifo: a port pending under 2-level is linked when its array page comes");
	*word(&t, early) = 0;
	cb(&t, 0)->ready = 0;
	cb(&t, 0)->head[EVTCHN_FIFO_PRIORITY_DEFAULT] = 0;
	xt_shinfo(&t)->vcpu_info[0].evtchn_upcall_pending = 0;

	a = bind_ipi(&t, 0);
	b = bind_ipi(&t, 0);
	c = bind_ipi(&t, 1);
	tap_ok(send(&t, a) == 0 && *word(&t, a) == (P | L) &&
	       cb(&t, 0)->head[7] == a && cb(&t, 0)->ready == 1u << 7 &&
	       xt_shinfo(&t)->vcpu_info[0].evtchn_upcall_pending &&
	       xt_took(&t, 0, XT_VECTOR),
	       "fifo: send sets PENDING|LINKED, the queue head, ready bit 7 and injects");
	tap_ok(send(&t, b) == 0 && *word(&t, a) == (P | L | b) &&
	       *word(&t, b) == (P | L) && cb(&t, 0)->head[7] == a &&
	       !xt_took(&t, 0, XT_VECTOR),
	       "fifo: a second port is linked from the tail, no new upcall");
	tap_ok(send(&t, c) == 0 && cb(&t, 1)->head[7] == c &&
	       xt_took(&t, 1, XT_VECTOR) && cb(&t, 0)->head[7] == a,
	       "fifo: a port bound to vcpu 1 goes on vcpu 1's queue");
	/* the guest consumes a and b: unlinks, clears pending, empties ready */
	*word(&t, a) = 0;
	*word(&t, b) = 0;
	cb(&t, 0)->ready = 0;
	xt_shinfo(&t)->vcpu_info[0].evtchn_upcall_pending = 0;
	tap_ok(send(&t, a) == 0 && cb(&t, 0)->head[7] == a &&
	       *word(&t, b) == 0 && xt_took(&t, 0, XT_VECTOR),
	       "fifo: with the tail consumed, the next event starts the queue again");
	*word(&t, a) = 0;
	cb(&t, 0)->ready = 0;
	xt_shinfo(&t)->vcpu_info[0].evtchn_upcall_pending = 0;
	*word(&t, b) = M;
	tap_ok(send(&t, b) == 0 && *word(&t, b) == (M | P) &&
	       !cb(&t, 0)->ready && !xt_took(&t, 0, XT_VECTOR) &&
	       t.m->port[b].masked == 1,
	       "fifo: a MASKED port only goes PENDING");
	tap_ok(xt_unmask(&t, b) == 0 && *word(&t, b) == (P | L) &&
	       cb(&t, 0)->ready == 1u << 7 && xt_took(&t, 0, XT_VECTOR),
	       "fifo: EVTCHNOP_unmask clears MASKED and links the pending port");
	*word(&t, b) = 0;
	cb(&t, 0)->ready = 0;
	xt_shinfo(&t)->vcpu_info[0].evtchn_upcall_pending = 0;
	sp = (struct evtchn_set_priority) { .port = a, .priority = 3 };
	tap_ok(XT_EVTCHN(&t, EVTCHNOP_set_priority, &sp) == 0 && send(&t, a) == 0 &&
	       cb(&t, 0)->head[3] == a && cb(&t, 0)->ready == 1u << 3,
	       "fifo: after set_priority 3 the port goes on queue 3");
	sp.priority = 16;
	tap_ok(XT_EVTCHN(&t, EVTCHNOP_set_priority, &sp) == -EINVAL,
	       "fifo: priority 16 is EINVAL");
	tap_ok(xt_close(&t, a) == 0 && (*word(&t, a) & P) == 0 &&
	       bind_ipi(&t, 0) != a,
	       "fifo: close clears PENDING; a still LINKED port is not reused");
	tap_ok(xt_state_has(&t, "\"abi\":\"fifo\""), "fifo: the state says fifo");
	{
		struct evtchn_reset r = { .dom = DOMID_SELF };

		tap_ok(XT_EVTCHN(&t, EVTCHNOP_reset, &r) == 0 &&
		       t.m->abi == XM_ABI_2L && !xm_ports_in_use(t.m),
		       "reset closes every port and goes back to 2-level");
	}
	sp = (struct evtchn_set_priority) { .port = 1, .priority = 3 };
	tap_ok(XT_EVTCHN(&t, EVTCHNOP_set_priority, &sp) == -ENOSYS,
	       "2l: set_priority is ENOSYS");
	xt_stop(&t);

	xt_start(&t, "xen-qemu", 1);
	xt_setup(&t);
	tap_ok(init_control(&t, 0, XT_FIFO_CB_GPA, 0) == -ENOSYS &&
	       expand(&t, XT_FIFO_ARR_GPA) == -ENOSYS,
	       "qemu: no FIFO ABI: init_control and expand_array are ENOSYS");
	xt_stop(&t);
}

/*
 * A port closed and bound again is the same event word, and Xen remembers
 * the queue it was last linked on (fifo_lastq) across both: an event the
 * guest consumed stays the tail of that queue, so the next link of the
 * reused port must start a queue again instead of linking the port to
 * itself, or to its old queue's tail from another queue.
 */
static void fifo_reuse(void)
{
	struct xt t;
	u32 a, b;

	xt_start(&t, "xen", 2);
	xt_setup(&t);
	init_control(&t, 0, XT_FIFO_CB_GPA, 0);
	init_control(&t, 1, XT_FIFO_CB_GPA + 4096, 0);
	expand(&t, XT_FIFO_ARR_GPA);
	a = bind_ipi(&t, 0);
	tap_ok(send(&t, a) == 0 && cb(&t, 0)->head[7] == a &&
	       xt_took(&t, 0, XT_VECTOR),
	       "fifo reuse: port %u delivered on vcpu 0's queue 7", a);
	/* the guest takes it: the word is unlinked, a stays the host's tail */
	*word(&t, a) = 0;
	cb(&t, 0)->ready = 0;
	xt_shinfo(&t)->vcpu_info[0].evtchn_upcall_pending = 0;
	tap_ok(xt_close(&t, a) == 0 && bind_ipi(&t, 0) == a,
	       "fifo reuse: closed and not linked, the port is bound again");
	tap_ok(send(&t, a) == 0 && *word(&t, a) == (P | L) &&
	       cb(&t, 0)->head[7] == a && cb(&t, 0)->ready == 1u << 7 &&
	       xt_took(&t, 0, XT_VECTOR),
	       "fifo reuse: its event starts the queue again (HEAD, READY, upcall), not linked to itself");

	/* again, now bound to vcpu 1: vcpu 0's queue must forget its tail */
	*word(&t, a) = 0;
	cb(&t, 0)->ready = 0;
	xt_shinfo(&t)->vcpu_info[0].evtchn_upcall_pending = 0;
	xt_close(&t, a);
	tap_ok(bind_ipi(&t, 1) == a && send(&t, a) == 0 &&
	       cb(&t, 1)->head[7] == a && cb(&t, 1)->ready == 1u << 7 &&
	       xt_took(&t, 1, XT_VECTOR),
	       "fifo reuse: bound again to vcpu 1, it goes on vcpu 1's queue");
	b = bind_ipi(&t, 0);
	tap_ok(send(&t, b) == 0 && *word(&t, a) == (P | L) &&
	       *word(&t, b) == (P | L) && cb(&t, 0)->head[7] == b &&
	       cb(&t, 0)->ready == 1u << 7 && xt_took(&t, 0, XT_VECTOR),
	       "fifo reuse: port %u on vcpu 0 starts vcpu 0's queue, not linked behind %u on vcpu 1",
	       b, a);
	xt_stop(&t);
}

int main(void)
{
	twolevel_delivery();
	upcall_vectors();
	vcpu_info_placement();
	interdomain_and_errors("xen");
	interdomain_and_errors("xen-qemu");
	fifo_abi();
	fifo_reuse();
	return tap_done();
}
