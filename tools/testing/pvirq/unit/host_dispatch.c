// SPDX-License-Identifier: GPL-2.0
/*
 * libpvirqhost request service: validation of what a guest writes into its
 * slot, the base model's answers, fault injection and delays, HELLO,
 * interrupt injection and guest-physical access.  Garbage requests must get
 * an error and a log line, never a crash (ASan/UBSan watch).
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "host_test.h"

static void test_validation(void)
{
	struct pvirq_host *h = t_host();
	struct pvirq_guest *g = t_guest(h, "g0", 4);
	struct pvirq_wire_slot *s;
	u64 inval0;
	s64 ret;

	t_log_mark(h);
	t_req(0, 0);
	ret = t_run(g, 0);
	tap_ok(ret == -EOPNOTSUPP, "op 0 is refused with EOPNOTSUPP (got %lld)",
	       (long long)ret);
	tap_ok(strstr(t_log(h), "g0: vcpu 0 op 0 (?): bad op: EOPNOTSUPP") &&
	       t_log_lines(h) == 1,
	       "one log line names guest, vcpu, op and field");

	t_req(PVIRQ_OP_MAX, 1);
	tap_ok(t_run(g, 1) == -EOPNOTSUPP, "op past the last is refused");
	t_req(0xffffffff, 1);
	tap_ok(t_run(g, 1) == -EOPNOTSUPP, "op 0xffffffff is refused");

	t_log_mark(h);
	t_req(PVIRQ_OP_CPUID, 7);
	tap_ok(t_run(g, 0) == -EINVAL && strstr(t_log(h), "bad vcpu 7 (max_vcpus 4)"),
	       "vcpu >= max_vcpus is refused and logged");
	t_req(PVIRQ_OP_CPUID, 1);
	tap_ok(t_run(g, 0) == -EINVAL, "a vcpu field that is not the slot's is refused");

	t_log_mark(h);
	s = t_req(PVIRQ_OP_HYPERCALL, 0);
	s->arg[0] = PVIRQ_HC_ABI_KVM;
	s->buf_len[0] = PVIRQ_WIRE_BUF_MAX + 1;
	s->buf_arg[0] = 0;
	s->buf_dir[0] = PVIRQ_HC_BUF_IN;
	tap_ok(t_run(g, 0) == -EINVAL && strstr(t_log(h), "bad buf_len[0] 4097"),
	       "buffer longer than PVIRQ_WIRE_BUF_MAX is refused");
	s->buf_len[0] = PVIRQ_WIRE_BUF_MAX;
	tap_ok(t_run(g, 0) == 0, "a buffer of exactly PVIRQ_WIRE_BUF_MAX is fine");
	s->buf_arg[0] = 5;
	tap_ok(t_run(g, 0) == -EINVAL, "buf_arg 5 is refused");
	s->buf_arg[0] = 0xfe;
	tap_ok(t_run(g, 0) == -EINVAL, "buf_arg 0xfe is refused");
	s->buf_arg[0] = 4;
	s->buf_dir[0] = 0;
	tap_ok(t_run(g, 0) == -EINVAL, "a used buffer without direction is refused");
	s->buf_dir[0] = 4;
	tap_ok(t_run(g, 0) == -EINVAL, "an unknown buffer direction bit is refused");
	s->buf_dir[0] = PVIRQ_HC_BUF_IN;
	s->buf_arg[1] = 4;
	s->buf_dir[1] = PVIRQ_HC_BUF_OUT;
	tap_ok(t_run(g, 0) == -EINVAL, "two buffers for one argument are refused");
	s->buf_arg[1] = PVIRQ_WIRE_BUF_NONE;
	s->buf_len[1] = 0x7fffffff;
	tap_ok(t_run(g, 0) == -EINVAL, "an unused buffer with a huge length is refused");
	s->buf_len[1] = 0;
	s->arg[0] = 7;
	tap_ok(t_run(g, 0) == -EINVAL, "hypercall ABI 7 is refused");

	s = t_req(PVIRQ_OP_CPUID, 0);
	s->arg[0] = 1ull << 32;
	tap_ok(t_run(g, 0) == -EINVAL, "CPUID leaf above 32 bits is refused");
	s = t_req(PVIRQ_OP_RDMSR, 0);
	s->arg[0] = 1ull << 32;
	tap_ok(t_run(g, 0) == -EINVAL, "MSR index above 32 bits is refused");

	s = t_req(PVIRQ_OP_PCI_READ, 0);
	s->arg[2] = 3;
	tap_ok(t_run(g, 0) == -EINVAL, "config access of size 3 is refused");
	s->arg[2] = 4;
	s->arg[1] = 2;
	tap_ok(t_run(g, 0) == -EINVAL, "unaligned config access is refused");
	s->arg[1] = 4096;
	tap_ok(t_run(g, 0) == -EINVAL, "config offset 4096 is refused");
	s->arg[1] = 0;
	s->arg[0] = 256;
	tap_ok(t_run(g, 0) == -EINVAL, "devfn 256 is refused");

	s = t_req(PVIRQ_OP_CONTROL, 0);
	s->buf_len[0] = 5;
	memcpy(t_mem + PVIRQ_WIRE_BUF_OFF(0), "ping", 5);
	tap_ok(t_run(g, 0) == -EOPNOTSUPP,
	       "control op is refused without --guest-control");

	s = t_req(PVIRQ_OP_HELLO, 0);
	s->arg[0] = 0;
	tap_ok(t_run(g, 0) == -EINVAL, "HELLO with 0 CPUs is refused");
	s->arg[0] = 5;
	tap_ok(t_run(g, 0) == -EINVAL && !g->ready,
	       "HELLO with more CPUs than max_vcpus is refused");

	inval0 = g->st.invalid;
	t_req(PVIRQ_OP_CPUID, 0);
	tap_ok(t_run(g, 0) == 0 && g->st.invalid == inval0,
	       "a good request after all that is served");
	t_host_free(h);
}

static void test_garbage(void)
{
	struct pvirq_host *h = t_host();
	struct pvirq_guest *g = t_guest(h, "g0", 8);
	u32 i, j, bad = 0, weird = 0;
	u64 seed = 0x9e3779b97f4a7c15ull;
	struct pvirq_wire_slot *s;

	for (i = 0; i < 20000; i++) {
		u32 idx = i % 8;

		for (j = 0; j < 256; j++) {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			t_mem[j] = seed;
		}
		s = (struct pvirq_wire_slot *)t_mem;
		/* make a good share reach the op handlers */
		if (i & 1) {
			s->op = 1 + (seed >> 8) % (PVIRQ_OP_MAX - 1);
			s->vcpu = idx;
			if (s->op == PVIRQ_OP_HELLO)
				s->arg[0] = 1 + seed % 8;
		}
		pvirq_dispatch(g, idx, t_mem);
		if (g->vcpu[idx].reply.ret)
			bad++;
		if (g->vcpu[idx].reply.ret > 0 || g->vcpu[idx].reply.ret < -4095)
			weird++;
		if (g->vcpu[idx].busy)	/* a random delay cannot be set here */
			weird++;
	}
	tap_ok(weird == 0, "20000 random requests: every ret is 0 or -errno");
	tap_ok(bad > 10000, "most random requests are refused (%u)", bad);
	t_req(PVIRQ_OP_CPUID, 3)->arg[0] = 0x40000000;
	tap_ok(t_run(g, 3) == 0 && g->vcpu[3].reply.out[0] == PVIRQ_BASE_CPUID_MAX,
	       "the guest is still served after the garbage");
	t_host_free(h);
}

static void test_base_model(void)
{
	struct pvirq_host *h = t_host();
	struct pvirq_guest *g = t_guest(h, "g0", 4);
	struct pvirq_reply *r = &g->vcpu[0].reply;
	struct pvirq_wire_slot *s;
	char sig[13] = { 0 };
	u32 regs[3];
	int i;

	s = t_req(PVIRQ_OP_CPUID, 0);
	s->arg[0] = 0x40000000;
	t_run(g, 0);
	for (i = 0; i < 3; i++)
		regs[i] = r->out[i + 1];
	memcpy(sig, regs, 12);
	tap_ok(r->ret == 0 && r->out[0] == 0x40000001 &&
	       !memcmp(sig, "pvirqTESTHV\0", 12),
	       "CPUID 0x40000000 answers 0x40000001 and \"%s\"", sig);
	s = t_req(PVIRQ_OP_CPUID, 0);
	s->arg[0] = 0x40000001;
	t_run(g, 0);
	tap_ok(r->out[0] == PVIRQ_WIRE_VERSION, "CPUID 0x40000001 gives the version");
	s = t_req(PVIRQ_OP_CPUID, 0);
	s->arg[0] = 1;
	t_run(g, 0);
	tap_ok(!r->out[0] && !r->out[1] && !r->out[2] && !r->out[3],
	       "CPUID leaf 1 reads as zero");

	s = t_req(PVIRQ_OP_WRMSR, 0);
	s->arg[0] = PVIRQ_BASE_MSR_FIRST + 3;
	s->arg[1] = 0x1122334455667788ull;
	tap_ok(t_run(g, 0) == 0, "WRMSR to a scratch MSR succeeds");
	s = t_req(PVIRQ_OP_RDMSR, 0);
	s->arg[0] = PVIRQ_BASE_MSR_FIRST + 3;
	tap_ok(t_run(g, 0) == 0 && r->out[0] == 0x1122334455667788ull,
	       "RDMSR reads back what was written");
	s = t_req(PVIRQ_OP_RDMSR, 1);
	s->arg[0] = PVIRQ_BASE_MSR_FIRST + 3;
	tap_ok(t_run(g, 1) == 0 && g->vcpu[1].reply.out[0] == 0,
	       "scratch MSRs are per vCPU");
	s = t_req(PVIRQ_OP_RDMSR, 0);
	s->arg[0] = 0x10;
	tap_ok(t_run(g, 0) == -EIO, "RDMSR of an unknown MSR is #GP (-EIO)");
	s = t_req(PVIRQ_OP_WRMSR, 0);
	s->arg[0] = PVIRQ_BASE_MSR_FIRST + PVIRQ_BASE_MSR_COUNT;
	tap_ok(t_run(g, 0) == -EIO, "WRMSR just past the scratch range is #GP");

	s = t_req(PVIRQ_OP_HYPERCALL, 0);
	s->arg[0] = PVIRQ_HC_ABI_KVM;
	s->arg[1] = PVIRQ_BASE_HC_ECHO;
	s->arg[2] = 40;
	s->arg[3] = 2;
	s->buf_len[0] = 6;
	s->buf_arg[0] = 2;
	s->buf_dir[0] = PVIRQ_HC_BUF_IN | PVIRQ_HC_BUF_OUT;
	memcpy(t_mem + PVIRQ_WIRE_BUF_OFF(0), "abcdef", 6);
	s->buf_len[1] = 8;
	s->buf_arg[1] = 3;
	s->buf_dir[1] = PVIRQ_HC_BUF_OUT;
	memset(t_mem + PVIRQ_WIRE_BUF_OFF(1), 0x77, 8);
	t_run(g, 0);
	tap_ok(r->ret == 0 && r->out[1] == 14 && r->out_len[0] == 6 &&
	       !memcmp(r->buf[0], "fedcba", 6),
	       "echo hypercall reverses an IN|OUT buffer");
	tap_ok(r->out_len[1] == 8 && r->buf[1][0] == 0 && r->buf[1][7] == 7,
	       "echo hypercall fills an OUT-only buffer, not reading it");
	tap_ok((s64)r->out[0] == 42,
	       "echo returns a0 + a1 beside buffers on a2/a3 (%lld)",
	       (long long)r->out[0]);

	s = t_req(PVIRQ_OP_HYPERCALL, 0);
	s->arg[0] = PVIRQ_HC_ABI_KVM;
	s->arg[1] = 12345;
	t_run(g, 0);
	tap_ok(r->ret == 0 && (s64)r->out[0] == -1000,
	       "unknown KVM hypercall returns -KVM_ENOSYS");
	s->arg[0] = PVIRQ_HC_ABI_XEN;
	t_run(g, 0);
	tap_ok((s64)r->out[0] == -38, "unknown Xen hypercall returns -ENOSYS");
	s->arg[0] = PVIRQ_HC_ABI_HYPERV;
	t_run(g, 0);
	tap_ok(r->out[0] == 2, "unknown Hyper-V call returns INVALID_HYPERCALL_CODE");
	t_host_free(h);
}

/* Through BAR2 and pvirq_guest_service(), as a doorbell would. */
static void test_service_path(void)
{
	struct pvirq_host *h = t_host();
	struct pvirq_guest *g = t_guest(h, "g0", 4);
	struct pvirq_wire_slot *s = (void *)pvirq_slot_mem(g, 2);
	u8 *buf0 = pvirq_slot_mem(g, 2) + PVIRQ_WIRE_BUF_OFF(0);
	u64 req0;

	s->op = PVIRQ_OP_HYPERCALL;
	s->vcpu = 2;
	s->arg[0] = PVIRQ_HC_ABI_KVM;
	s->arg[1] = PVIRQ_BASE_HC_ECHO;
	s->buf_len[0] = 4;
	s->buf_arg[0] = 0;
	s->buf_dir[0] = PVIRQ_HC_BUF_IN | PVIRQ_HC_BUF_OUT;
	s->buf_arg[1] = PVIRQ_WIRE_BUF_NONE;
	memcpy(buf0, "1234", 4);
	__atomic_store_n(&s->seq, 1, __ATOMIC_RELEASE);
	pvirq_guest_service(g);
	tap_ok(s->done == 1 && s->ret == 0 && !memcmp(buf0, "4321", 4),
	       "service answers the slot in BAR2 and writes the buffer back");
	req0 = g->st.requests[PVIRQ_OP_HYPERCALL];
	pvirq_guest_service(g);
	tap_ok(g->st.requests[PVIRQ_OP_HYPERCALL] == req0,
	       "a slot with done == seq is not served again");
	s->op = 0;
	s->seq = 2;
	pvirq_guest_service(g);
	tap_ok(s->done == 2 && s->ret == -EOPNOTSUPP,
	       "a bad request in BAR2 is answered with an error");
	t_host_free(h);
}

static void test_faults_and_delays(void)
{
	struct pvirq_host *h = t_host();
	struct pvirq_guest *g = t_guest(h, "g0", 4);
	struct pvirq_reply *r = &g->vcpu[0].reply;
	struct pvirq_wire_slot *s;
	u64 now;

	g->fault[PVIRQ_FOP_CPUID].nth = 2;
	g->fault[PVIRQ_FOP_CPUID].err = EIO;
	t_req(PVIRQ_OP_CPUID, 0)->arg[0] = 0x40000000;
	tap_ok(t_run(g, 0) == 0, "fault cpuid 2: first CPUID succeeds");
	tap_ok(t_run(g, 0) == -EIO && g->st.faults == 1,
	       "fault cpuid 2: second CPUID fails with EIO");
	tap_ok(t_run(g, 0) == 0, "fault cpuid 2: third CPUID succeeds again");

	g->fault[PVIRQ_FOP_HYPERCALL].nth = 1;
	g->fault[PVIRQ_FOP_HYPERCALL].err = ETIMEDOUT;
	s = t_req(PVIRQ_OP_HYPERCALL, 0);
	s->arg[0] = PVIRQ_HC_ABI_KVM;
	s->arg[1] = PVIRQ_BASE_HC_ECHO;
	t_run(g, 0);
	tap_ok(r->ret == -ETIMEDOUT && (s64)r->out[0] == -ETIMEDOUT,
	       "a hypercall fault fails both ret and the return value");
	g->fault[PVIRQ_FOP_PCI].nth = 1;
	g->fault[PVIRQ_FOP_PCI].err = ENODEV;
	s = t_req(PVIRQ_OP_PCI_READ, 0);
	s->arg[2] = 4;
	tap_ok(t_run(g, 0) == -ENODEV, "a pci fault fails a config read");
	tap_ok(t_run(g, 0) == 0 && r->out[0] == 0x50561234,
	       "the next config read returns the IDs");

	s = (void *)pvirq_slot_mem(g, 1);
	g->delay_us[PVIRQ_FOP_RDMSR] = 20000;
	s->op = PVIRQ_OP_RDMSR;
	s->vcpu = 1;
	s->arg[0] = PVIRQ_BASE_MSR_FIRST;
	s->buf_arg[0] = s->buf_arg[1] = PVIRQ_WIRE_BUF_NONE;
	s->seq = 1;
	now = pvirq_now_ns();
	pvirq_guest_service(g);
	tap_ok(s->done == 0 && h->nbusy == 1 && g->vcpu[1].busy,
	       "delay rdmsr: the reply is held back");
	pvirq_guest_service(g);
	tap_ok(g->st.requests[PVIRQ_OP_RDMSR] == 1,
	       "a held request is not served twice by another doorbell");
	pvirq_run_timers(h, now + 10000000);
	tap_ok(s->done == 0, "delay rdmsr: not released after 10 ms");
	tap_ok(pvirq_run_timers(h, now + 25000000) == 0 && s->done == 1 &&
	       s->ret == 0 && h->nbusy == 0,
	       "delay rdmsr: released after 20 ms, no timer left");
	t_host_free(h);
}

static void test_hello_and_inject(void)
{
	struct pvirq_host *h = t_host();
	struct pvirq_guest *g = t_guest(h, "g0", 4);
	struct pvirq_wire_hdr *hdr = pvirq_hdr(g);
	struct pvirq_wire_slot *s;
	struct pvirq_fake f;
	int ret;

	tap_ok(hdr->magic == PVIRQ_WIRE_MAGIC && hdr->version == PVIRQ_WIRE_VERSION &&
	       hdr->max_vcpus == 4 && !strcmp(hdr->name, "g0") &&
	       hdr->host_peer == PVIRQ_HOST_PEER,
	       "BAR2 header is filled in");
	tap_ok(pvirq_inject(g, 0, 0x40) == -ENOTCONN,
	       "injection without a VM is refused (ENOTCONN)");
	ret = t_attach(g, &f);
	tap_ok(!ret && f.version == 0 && f.own_id == g->peer_id &&
	       f.host_peer == PVIRQ_HOST_PEER && f.nhost == 2 && f.nown == 2 &&
	       f.shm_len == PVIRQ_WIRE_SHM_SIZE,
	       "ivshmem handshake: version, id, shm, 2+2 eventfds (%d)", ret);
	tap_ok(pvirq_fake_hdr(&f)->magic == PVIRQ_WIRE_MAGIC,
	       "the client sees the header through the shm fd");

	hdr->apic_id[0] = 0;
	hdr->apic_id[1] = 2;
	hdr->apic_id[2] = 4;
	s = t_req(PVIRQ_OP_HELLO, 0);
	s->arg[0] = 3;
	tap_ok(t_run(g, 0) == 0 && g->ready && g->nr_cpus == 3 &&
	       g->apic_id[2] == 4 && !g->window_known,
	       "HELLO records nr_cpus and APIC IDs");

	tap_ok(pvirq_inject(g, 0, 15) == -EINVAL, "vector 15 is refused");
	tap_ok(pvirq_inject(g, 0, 256) == -EINVAL, "vector 256 is refused");
	tap_ok(pvirq_inject(g, 3, 0x40) == -EINVAL, "vCPU >= nr_cpus is refused");
	tap_ok(pvirq_inject(g, 1, 0x41) == 0, "inject vcpu 1 vector 0x41");
	tap_ok(pvirq_inject_blk(g, 1)->pending[1] == 2 &&
	       pvirq_inject_blk(g, 1)->injected == 1 && g->st.injected == 1,
	       "bit 0x41 is set in vcpu 1's block and injected counted");
	tap_ok(pvirq_fake_wait_irq(&f, 0, 1000) == 0,
	       "the guest's MSI-X vector 0 eventfd was signalled");
	tap_ok(pvirq_fake_take_pending(&f, 1, 1) == 2 &&
	       pvirq_fake_take_pending(&f, 1, 1) == 0,
	       "the guest takes the word with xchg, once");
	pvirq_inject(g, 0, 16);
	pvirq_inject(g, 0, 255);
	tap_ok(pvirq_fake_take_pending(&f, 0, 0) == 1ull << 16 &&
	       pvirq_fake_take_pending(&f, 0, 3) == 1ull << 63,
	       "vectors 16 and 255 land in words 0 and 3");

	g->drop = 2;
	pvirq_inject(g, 2, 0x50);
	pvirq_inject(g, 2, 0x51);
	tap_ok(!pvirq_inject_blk(g, 2)->pending[1] && g->st.dropped == 2 && !g->drop,
	       "drop 2 swallows the next two injections");
	pvirq_inject(g, 2, 0x52);
	tap_ok(pvirq_inject_blk(g, 2)->pending[1] == 1ull << 18,
	       "the third injection goes through");
	pvirq_fake_take_pending(&f, 2, 1);

	tap_ok(pvirq_inject_apic(g, 4, 0x30) == 0 &&
	       pvirq_fake_take_pending(&f, 2, 0) == 1ull << 0x30,
	       "inject by APIC ID 4 reaches vcpu 2");
	tap_ok(pvirq_inject_apic(g, 1, 0x30) == -ENXIO,
	       "an APIC ID no vCPU has gives ENXIO");
	tap_ok(pvirq_deliver_msi(g, 0xfee02000, 0x31) == 0 &&
	       pvirq_fake_take_pending(&f, 1, 0) == 1ull << 0x31,
	       "MSI fee02000/0x31 (physical, APIC 2) reaches vcpu 1");
	tap_ok(pvirq_deliver_msi(g, 0xfee04004, 0x32) == 0 &&
	       pvirq_fake_take_pending(&f, 2, 0) == 1ull << 0x32,
	       "MSI fee04004 (logical flat, bit 2) reaches vcpu 2");
	tap_ok(pvirq_deliver_msi(g, 0xfeeff000, 0x33) == 0 &&
	       pvirq_fake_take_pending(&f, 0, 0) == 1ull << 0x33 &&
	       pvirq_fake_take_pending(&f, 2, 0) == 1ull << 0x33,
	       "MSI to APIC ID 0xff is a broadcast");
	tap_ok(pvirq_deliver_msi(g, 0xfed00000, 0x34) == -EINVAL,
	       "a message outside 0xfee00000 is not an interrupt");
	tap_ok(pvirq_deliver_msi(g, 0xfee00000, 0x400) == -EOPNOTSUPP,
	       "NMI delivery mode is refused");
	tap_ok(pvirq_deliver_msi(g, 0xfee00000, 0x0f) == -EINVAL,
	       "an MSI with vector 15 is refused");

	pvirq_fake_close(&f);
	pvirq_host_run_once(h, 100);
	tap_ok(!g->connected && !g->ready && pvirq_inject(g, 0, 0x40) == -ENOTCONN,
	       "client hangup detaches the guest");
	ret = t_attach(g, &f);
	tap_ok(!ret && g->connected && g->st.connects == 2 &&
	       pvirq_fake_hdr(&f)->apic_id[1] == 0 && !g->ready,
	       "a new client gets a fresh BAR2 and must say HELLO again");
	pvirq_fake_close(&f);
	t_host_free(h);
}

static void test_gpa(void)
{
	char path[] = "/tmp/pvirq-host-ramXXXXXX";
	struct pvirq_host *h = t_host();
	struct pvirq_guest_cfg cfg = { .name = "g0", .ram_path = path };
	struct pvirq_guest *g;
	struct pvirq_wire_slot *s;
	u64 v = 0x0123456789abcdefull, back = 0;
	int fd = mkstemp(path);

	/* 3 GiB, sparse: q35 puts 2 GiB below 4 GiB and 1 GiB above */
	if (fd < 0 || ftruncate(fd, 3ull << 30)) {
		tap_ok(0, "cannot create a RAM file: %s", strerror(errno));
		return;
	}
	g = pvirq_guest_new(h, &cfg);
	tap_ok(g && pvirq_guest_map_ram(g) == 0 && g->ram_lowmem == 2ull << 30,
	       "3 GiB RAM file maps with 2 GiB low memory");
	tap_ok(pvirq_gpa_write(g, 0x1000, &v, 8) == 0 &&
	       pread(fd, &back, 8, 0x1000) == 8 && back == v,
	       "a write at GPA 0x1000 lands at file offset 0x1000");
	tap_ok(pvirq_gpa_read(g, (2ull << 30) - 8, &back, 8) == 0,
	       "the last 8 bytes of low memory are readable");
	tap_ok(pvirq_gpa_read(g, (2ull << 30) - 4, &back, 8) == -EFAULT,
	       "a read crossing the end of low memory is refused");
	tap_ok(pvirq_gpa_read(g, 2ull << 30, &back, 8) == -EFAULT,
	       "the PCI hole (GPA 2 GiB) is refused");
	tap_ok(pvirq_gpa_write(g, 4ull << 30, &v, 8) == 0 &&
	       pread(fd, &back, 8, 2ull << 30) == 8 && back == v,
	       "GPA 4 GiB is file offset 2 GiB");
	tap_ok(pvirq_gpa_read(g, (5ull << 30) - 8, &back, 8) == 0 &&
	       pvirq_gpa_read(g, (5ull << 30) - 7, &back, 8) == -EFAULT,
	       "high memory ends at GPA 5 GiB");
	tap_ok(pvirq_gpa_read(g, ~0ull - 3, &back, 8) == -EFAULT &&
	       pvirq_gpa_read(g, 0, &back, ~(size_t)0) == -EFAULT,
	       "address and length overflow are refused");

	s = t_req(PVIRQ_OP_HYPERCALL, 0);
	s->arg[0] = PVIRQ_HC_ABI_KVM;
	s->arg[1] = PVIRQ_BASE_HC_POKE;
	s->arg[2] = 0x2000;
	s->arg[3] = 0xfeedfacecafebeefull;
	tap_ok(t_run(g, 0) == 0 && g->vcpu[0].reply.out[0] == 0 &&
	       pread(fd, &back, 8, 0x2000) == 8 && back == 0xfeedfacecafebeefull,
	       "poke hypercall writes guest RAM");
	s->arg[1] = PVIRQ_BASE_HC_PEEK;
	tap_ok(t_run(g, 0) == 0 && g->vcpu[0].reply.out[1] == 0xfeedfacecafebeefull,
	       "peek hypercall reads it back");
	s->arg[2] = 3ull << 30;
	t_run(g, 0);
	tap_ok((s64)g->vcpu[0].reply.out[0] == -14,
	       "peek outside RAM returns -KVM_EFAULT");
	close(fd);
	unlink(path);
	t_host_free(h);
}

int main(void)
{
	test_validation();
	test_garbage();
	test_base_model();
	test_service_path();
	test_faults_and_delays();
	test_hello_and_inject();
	test_gpa();
	return tap_done();
}
