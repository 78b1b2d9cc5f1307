// SPDX-License-Identifier: GPL-2.0
/*
 * The "xen" model's face to the guest outside event channels and pirqs:
 * CPUID leaves (and the Viridian-moved base), the hypercall-page MSR,
 * xen_version and its feature bits per personality, HVM params, the
 * control commands, the state JSON, and the guest-RAM pointer helper
 * checked against the core's own accessors.
 */
#include "xenmodel_test.h"

static void cpuid(struct xt *t, u32 vcpu, u32 leaf, u32 r[4])
{
	memset(r, 0, 4 * sizeof(u32));
	t->g->model->cpuid(t->g, vcpu, leaf, 0, r);
}

static void cpuid_and_msr(void)
{
	char sig[13] = { 0 };
	struct xt t;
	u32 r[4];
	u64 v;

	xt_start(&t, "xen", 4);
	cpuid(&t, 0, 0x40000000, r);
	memcpy(sig, &r[1], 12);
	tap_ok(!strcmp(sig, "XenVMMXenVMM") && r[0] == 0x40000005,
	       "cpuid 0x40000000: XenVMMXenVMM, max leaf 0x40000005");
	cpuid(&t, 0, 0x40000001, r);
	tap_ok(r[0] == 0x00040011, "cpuid base+1: version 4.17");
	cpuid(&t, 0, 0x40000002, r);
	tap_ok(r[0] == 1 && r[1] == 0x40000000,
	       "cpuid base+2: one hypercall page, MSR 0x40000000");
	cpuid(&t, 3, 0x40000004, r);
	tap_ok((r[0] & XEN_HVM_CPUID_UPCALL_VECTOR) &&
	       (r[0] & XEN_HVM_CPUID_VCPU_ID_PRESENT) && r[1] == 3 &&
	       !(r[0] & (XEN_HVM_CPUID_X2APIC_VIRT | XEN_HVM_CPUID_APIC_ACCESS_VIRT)),
	       "cpuid base+4: upcall vector offered, vcpu id 3 in EBX");
	cpuid(&t, 0, 0x40000004, r);
	tap_ok(r[0] == 0x5c && r[1] == 0,
	       "cpuid base+4 of vCPU 0 as real Xen 4.17 gives it: EAX 0x5c, with IOMMU_MAPPINGS");
	tap_ok(!t.g->model->cpuid(t.g, 0, 0x40000006, 0, r) &&
	       !t.g->model->cpuid(t.g, 0, 0x1, 0, r),
	       "leaves outside base..base+5 are not the model's");
	xt_cmd(&t, "feature upcall off");
	xt_cmd(&t, "hvm_features 0x3");
	cpuid(&t, 3, 0x40000004, r);
	tap_ok(r[0] == 0x3 && r[1] == 0,
	       "feature upcall off and hvm_features 3: APIC virtualization bits only");
	tap_ok(xt_cmd(&t, "cpuid_base 0x40000100") == 0, "cpuid_base 0x40000100");
	cpuid(&t, 0, 0x40000000, r);
	memcpy(sig, &r[1], 12);
	tap_ok(!strcmp(sig, "Microsoft Hv"),
	       "with the base moved, 0x40000000 is Viridian's");
	cpuid(&t, 0, 0x40000100, r);
	memcpy(sig, &r[1], 12);
	tap_ok(!strcmp(sig, "XenVMMXenVMM") && r[0] == 0x40000105,
	       "... and Xen's leaves are at 0x40000100");
	tap_ok(xt_cmd(&t, "cpuid_base 0x40000180") == -EINVAL,
	       "cpuid_base must be a multiple of 0x100");
	tap_ok(t.g->model->wrmsr(t.g, 0, 0x40000000, 0x123000) == 0 &&
	       t.m->hcall_page == 0x123000 &&
	       t.g->model->wrmsr(t.g, 0, 0x40000000, 0x123001) == -EIO &&
	       t.g->model->rdmsr(t.g, 0, 0x40000000, &v) == -EIO &&
	       t.g->model->wrmsr(t.g, 0, 0x40000001, 0) == -EIO,
	       "the hypercall-page MSR records a GPA; page 1, reads, other MSRs #GP");
	xt_stop(&t);
}

static u32 features(struct xt *t, u32 idx, s64 *ret)
{
	struct xen_feature_info fi = { .submap_idx = idx, .submap = 0xdead };

	*ret = xt_hc(t, __HYPERVISOR_xen_version, XENVER_get_features, &fi,
		     sizeof(fi));
	return fi.submap;
}

static void version_and_features(void)
{
	struct xt t;
	s64 ret;
	u32 f;

	xt_start(&t, "xen", 1);
	tap_ok(xt_hc(&t, __HYPERVISOR_xen_version, XENVER_version, NULL, 0) ==
	       0x00040011, "XENVER_version is 4.17");
	f = features(&t, 0, &ret);
	tap_ok(!ret && (f & (1u << XENFEAT_hvm_callback_vector)) &&
	       (f & (1u << XENFEAT_hvm_pirqs)) &&
	       (f & (1u << XENFEAT_auto_translated_physmap)),
	       "get_features: callback vector, pirqs, auto-translated");
	features(&t, 1, &ret);
	tap_ok(ret == -EINVAL, "xen: get_features submap 1 is EINVAL");
	xt_cmd(&t, "feature pirqs off");
	xt_cmd(&t, "feature callback off");
	f = features(&t, 0, &ret);
	tap_ok(!ret && !(f & (1u << XENFEAT_hvm_pirqs)) &&
	       !(f & (1u << XENFEAT_hvm_callback_vector)),
	       "features pirqs/callback off clear their bits");
	xt_place_shinfo(&t, XT_SHINFO_GPA);
	xt_set_callback(&t, XT_CALLBACK);
	{
		struct evtchn_bind_ipi b = { .vcpu = 0 };
		struct evtchn_send s;

		XT_EVTCHN(&t, EVTCHNOP_bind_ipi, &b);
		s.port = b.port;
		XT_EVTCHN(&t, EVTCHNOP_send, &s);
		tap_ok(!xt_injected(&t, 0) && t.m->no_callback == 1,
		       "a callback vector not offered is not used");
	}
	tap_ok(xt_hc(&t, __HYPERVISOR_xen_version, XENVER_extraversion, NULL, 0) ==
	       -ENOSYS && xt_logged(&t, "xen_version ?(1) -> ENOSYS"),
	       "an unmodelled xen_version op is ENOSYS, logged");
	tap_ok(xt_hc(&t, 3, 0, NULL, 0) == -ENOSYS &&
	       xt_logged(&t, "hypercall 3 not modelled"),
	       "an unknown hypercall is ENOSYS, logged");
	{
		struct pvirq_hc hc = { .abi = PVIRQ_HC_ABI_KVM, .nr = 17 };

		tap_ok(t.g->model->hypercall(t.g, 0, &hc) == -PVIRQ_KVM_ENOSYS,
		       "a KVM-ABI hypercall gets KVM's unknown-hypercall answer");
	}
	xt_stop(&t);

	xt_start(&t, "xen-qemu", 1);
	f = features(&t, 1, &ret);
	tap_ok(!ret && f == 0, "qemu: get_features submap 1 is an empty map");
	xt_stop(&t);
}

static void hvm_params(void)
{
	struct xen_hvm_param p;
	struct xt t;

	xt_start(&t, "xen", 1);
	p = (struct xen_hvm_param) { .domid = DOMID_SELF,
		.index = HVM_PARAM_CALLBACK_IRQ, .value = XT_CALLBACK };
	tap_ok(XT_HVM(&t, HVMOP_set_param, &p) == 0 &&
	       XT_HVM(&t, HVMOP_get_param, &p) == 0 && p.value == XT_CALLBACK &&
	       xt_state_has(&t, "\"callback\":{\"type\":\"vector\",\"vector\":243"),
	       "HVM_PARAM_CALLBACK_IRQ is set, read back and shown");
	p.index = HVM_NR_PARAMS;
	tap_ok(XT_HVM(&t, HVMOP_set_param, &p) == -EINVAL,
	       "a param index beyond HVM_NR_PARAMS is EINVAL");
	p = (struct xen_hvm_param) { .domid = 9, .index = HVM_PARAM_CALLBACK_IRQ };
	tap_ok(XT_HVM(&t, HVMOP_set_param, &p) == -ESRCH,
	       "another domain's params are ESRCH");
	p = (struct xen_hvm_param) { .domid = DOMID_SELF,
		.index = HVM_PARAM_PAE_ENABLED };
	tap_ok(XT_HVM(&t, HVMOP_set_param, &p) == -EINVAL,
	       "a deprecated param is EINVAL");
	p.index = HVM_PARAM_ALTP2M;
	tap_ok(XT_HVM(&t, HVMOP_set_param, &p) == -EPERM &&
	       XT_HVM(&t, HVMOP_get_param, &p) == 0,
	       "ALTP2M may be read, not set by the guest (EPERM)");
	p = (struct xen_hvm_param) { .domid = DOMID_SELF,
		.index = HVM_PARAM_STORE_EVTCHN, .value = 5 };
	tap_ok(XT_HVM(&t, HVMOP_set_param, &p) == 0,
	       "xen: STORE_EVTCHN may be set");
	xt_stop(&t);

	xt_start(&t, "xen-qemu", 1);
	tap_ok(XT_HVM(&t, HVMOP_set_param, &p) == -ENOSYS,
	       "qemu: params other than the callback are ENOSYS");
	xt_stop(&t);
}

static void commands_and_state(void)
{
	char *s;
	struct xt t;
	u32 pirq;

	xt_start(&t, "xen", 2);
	xt_setup(&t);
	s = xt_state(&t);
	tap_ok(strstr(s, "\"personality\":\"xen\"") &&
	       strstr(s, "\"shared_info\":65536") &&
	       strstr(s, "\"ports\":{\"max\":1024,\"in_use\":0") &&
	       strstr(s, "\"pirqs\":{\"nr\":56,\"nr_irqs_gsi\":24,\"allocated\":0,\"mapped\":0,\"bound\":0") &&
	       s[0] == '{' && s[strlen(s) - 1] == '}',
	       "state: personality, shared_info, ports and pirqs, one JSON object");
	free(s);
	xt_get_free(&t, MAP_PIRQ_TYPE_MSI, &pirq);
	tap_ok(xt_cmd(&t, "personality qemu") == -EBUSY &&
	       t.m->pers == XM_XEN,
	       "personality cannot change while pirqs are in use");
	tap_ok(xt_cmd(&t, "nr_pirqs 40") == -EBUSY,
	       "nr_pirqs cannot drop below a pirq in use");
	tap_ok(xt_cmd(&t, "reset") == 0 && !xm_pirqs_busy(t.m) &&
	       !t.m->shinfo_set && xt_cmd(&t, "personality qemu") == 0 &&
	       t.m->nr_pirqs == 256 && xt_state_has(&t, "\"personality\":\"qemu\""),
	       "reset forgets the VM; then the personality can change (256 pirqs)");
	tap_ok(xt_cmd(&t, "personality kvm") == -EINVAL &&
	       xt_cmd(&t, "op22 maybe") == -EINVAL &&
	       xt_cmd(&t, "frobnicate 1") == -EINVAL &&
	       xt_cmd(&t, "nr_pirqs 5000") == -EINVAL &&
	       xt_cmd(&t, "max_ports 1") == -EINVAL &&
	       xt_cmd(&t, "domid 0x7ff0") == -EINVAL && xt_cmd(&t, "") == -EINVAL,
	       "bad commands are EINVAL");
	tap_ok(xt_cmd(&t, "send 5") == -EINVAL,
	       "send to a port not in use is EINVAL");
	tap_ok(xt_cmd(&t, "fail event_channel_op 3 EIO") == 0 &&
	       xt_state_has(&t, "\"faults\":[{\"op\":\"event_channel_op\",\"nth\":3,\"errno\":\"EIO\"}]") &&
	       xt_cmd(&t, "fail clear") == 0 && xt_state_has(&t, "\"faults\":[]"),
	       "armed faults show in the state; fail clear disarms them");
	xt_setup(&t);
	{
		struct evtchn_bind_ipi b = { .vcpu = 1 };

		XT_EVTCHN(&t, EVTCHNOP_bind_ipi, &b);
		tap_ok(xt_cmd(&t, "send 1") == 0 && xt_test_pending(&t, b.port) &&
		       xt_took(&t, 1, XT_VECTOR),
		       "send PORT raises a port by hand");
	}
	xt_stop(&t);
}

static void gpa_pointer(void)
{
	struct xt t;
	u64 v = 0x1122334455667788ull, r = 0;
	u64 *p;

	xt_start(&t, "xen", 1);
	p = xm_gpa_ptr(t.g, 0x5000, 8);
	*p = v;
	tap_ok(pvirq_gpa_read(t.g, 0x5000, &r, 8) == 0 && r == v,
	       "xm_gpa_ptr and pvirq_gpa_read agree on a GPA");
	tap_ok(xm_gpa_ptr(t.g, XT_RAM_SIZE - 8, 8) &&
	       !xm_gpa_ptr(t.g, XT_RAM_SIZE - 7, 8) &&
	       !xm_gpa_ptr(t.g, ~0ull - 3, 8) &&
	       !xm_gpa_ptr(t.g, 4ull << 30, 8),
	       "xm_gpa_ptr refuses anything past the end of RAM, and wraps");
	xt_stop(&t);
}

int main(void)
{
	cpuid_and_msr();
	version_and_features();
	hvm_params();
	commands_and_state();
	gpa_pointer();
	return tap_done();
}
