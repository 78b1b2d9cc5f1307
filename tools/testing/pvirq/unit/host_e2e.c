// SPDX-License-Identifier: GPL-2.0
/*
 * End to end: the real pvirq-host (sanitized build) with two fake guests
 * speaking the ivshmem client protocol and the transport's slot protocol,
 * and the control socket.  Proves request round trips (with buffers),
 * injection, the virtual device's MSI-X, guest-sent control commands with a
 * barrier across guests, faults and delays, reconnects, and a clean exit.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <linux/pci_regs.h>

#include "host_test.h"

#define BAR2_GPA	0xfe000000ull

static char dir[64];
static char reply[65536];

static int ctl_fd(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/control", dir);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One command over a fresh connection; the reply line, without newline. */
static __attribute__((format(printf, 1, 2))) const char *ctl(const char *fmt, ...)
{
	char line[1100];
	size_t len = 0;
	va_list ap;
	ssize_t n;
	int fd = ctl_fd();

	reply[0] = '\0';
	if (fd < 0)
		return "(no connection)";
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	strcat(line, "\n");
	if (write(fd, line, strlen(line)) < 0) {
		close(fd);
		return "(write failed)";
	}
	while (len < sizeof(reply) - 1 && !memchr(reply, '\n', len)) {
		n = read(fd, reply + len, sizeof(reply) - 1 - len);
		if (n <= 0)
			break;
		len += n;
		reply[len] = '\0';
	}
	close(fd);
	if (strchr(reply, '\n'))
		*strchr(reply, '\n') = '\0';
	return reply;
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static pid_t start_daemon(void)
{
	char gspec0[128], gspec1[64], ready[96], logp[96];
	struct stat st;
	pid_t pid;
	int i, fd;

	snprintf(gspec0, sizeof(gspec0), "g0,ram=%s/ram,vcpus=4", dir);
	snprintf(gspec1, sizeof(gspec1), "g1,vcpus=2,model=base");
	snprintf(ready, sizeof(ready), "%s/ready", dir);
	snprintf(logp, sizeof(logp), "%s/log", dir);
	pid = fork();
	if (pid == 0) {
		fd = open(logp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0)
			dup2(fd, 2);
		execl(PVIRQ_HOST_BIN, "pvirq-host", "--dir", dir, "--guest", gspec0,
		      "--guest", gspec1, "--guest-control", "--ready-file", ready,
		      (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 1000 && stat(ready, &st); i++)
		usleep(10000);
	return i < 1000 ? pid : -1;
}

static void sock_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s.ivshmem", dir, name);
}

static s64 call(struct pvirq_fake *f, u32 vcpu, struct pvirq_fake_call *c)
{
	int ret = pvirq_fake_call(f, vcpu, c, 5000);

	return ret ? ret - 100000 : c->ret;	/* transport failure: distinct */
}

static struct pvirq_fake_call mkcall(u32 op, u64 a0, u64 a1, u64 a2, u64 a3)
{
	struct pvirq_fake_call c = { .op = op, .arg = { a0, a1, a2, a3 } };

	c.buf_arg[0] = c.buf_arg[1] = PVIRQ_WIRE_BUF_NONE;
	return c;
}

static s64 control(struct pvirq_fake *f, u32 vcpu, const char *cmd, char *out,
		   size_t outlen)
{
	struct pvirq_fake_call c = mkcall(PVIRQ_OP_CONTROL, 0, 0, 0, 0);
	s64 ret;

	memset(out, 0, outlen);
	strcpy(out, cmd);
	c.buf[0] = (u8 *)out;
	c.buf_len[0] = outlen;
	c.buf_dir[0] = 3;
	ret = call(f, vcpu, &c);
	return ret;
}

static void hello(struct pvirq_fake *f, u32 ncpus)
{
	struct pvirq_fake_call c = mkcall(PVIRQ_OP_HELLO, ncpus, 0, 0, 0);
	u32 i;

	for (i = 0; i < ncpus; i++)
		pvirq_fake_hdr(f)->apic_id[i] = i;
	tap_ok(call(f, 0, &c) == 0, "HELLO with %u cpus", ncpus);
}

static void test_requests(struct pvirq_fake *f)
{
	static u8 in[PVIRQ_WIRE_BUF_MAX], out[PVIRQ_WIRE_BUF_MAX];
	struct pvirq_fake_call c;
	u32 sig[3], i;
	bool rev = true;

	c = mkcall(PVIRQ_OP_CPUID, 0x40000000, 0, 0, 0);
	tap_ok(call(f, 1, &c) == 0, "CPUID round trip on vcpu 1");
	sig[0] = c.out[1];
	sig[1] = c.out[2];
	sig[2] = c.out[3];
	tap_ok(c.out[0] == 0x40000001 && !memcmp(sig, "pvirqTESTHV", 12),
	       "CPUID 0x40000000 says pvirqTESTHV");

	for (i = 0; i < sizeof(in); i++)
		in[i] = i * 7 + 1;
	memcpy(out, in, sizeof(out));
	c = mkcall(PVIRQ_OP_HYPERCALL, PVIRQ_HC_ABI_KVM, PVIRQ_BASE_HC_ECHO, 1000, 234);
	c.buf[0] = out;
	c.buf_len[0] = sizeof(out);
	c.buf_arg[0] = 2;
	c.buf_dir[0] = PVIRQ_HC_BUF_IN | PVIRQ_HC_BUF_OUT;
	tap_ok(call(f, 0, &c) == 0 && c.out[0] == 1234 && c.out[1] == sizeof(out),
	       "echo hypercall with a 4 KiB buffer returns 1234");
	for (i = 0; i < sizeof(in); i++)
		rev &= out[i] == in[sizeof(in) - 1 - i];
	tap_ok(rev, "the 4 KiB buffer came back reversed");

	c = mkcall(77, 0, 0, 0, 0);
	tap_ok(call(f, 2, &c) == -EOPNOTSUPP, "op 77 gets EOPNOTSUPP over the wire");
	c = mkcall(PVIRQ_OP_HYPERCALL, PVIRQ_HC_ABI_KVM, PVIRQ_BASE_HC_ECHO, 0, 0);
	c.buf_len[1] = 99999;
	tap_ok(call(f, 2, &c) == -EINVAL, "an oversized buffer gets EINVAL");
	c = mkcall(PVIRQ_OP_HYPERCALL, PVIRQ_HC_ABI_KVM, PVIRQ_BASE_HC_POKE,
		   0x3000, 0xabcdef);
	tap_ok(call(f, 2, &c) == 0 && c.out[0] == 0, "poke into guest RAM");
	c = mkcall(PVIRQ_OP_HYPERCALL, PVIRQ_HC_ABI_KVM, PVIRQ_BASE_HC_PEEK,
		   0x3000, 0);
	tap_ok(call(f, 3, &c) == 0 && c.out[0] == 0 && c.out[1] == 0xabcdef,
	       "peek reads it back through the daemon's RAM mapping");
	c = mkcall(PVIRQ_OP_HYPERCALL, PVIRQ_HC_ABI_KVM, PVIRQ_BASE_HC_PEEK,
		   16 << 20, 0);
	tap_ok(call(f, 3, &c) == 0 && (s64)c.out[0] == -14,
	       "peek past the 16 MiB of RAM gets -KVM_EFAULT");
}

static void test_inject_and_msix(struct pvirq_fake *f)
{
	u32 *table = (u32 *)(f->shm + PVIRQ_WIRE_BAR_OFF);
	struct pvirq_fake_call c;

	tap_ok(starts(ctl("inject g0 1 0x42"), "ok"), "inject over the control socket");
	tap_ok(pvirq_fake_wait_irq(f, 0, 2000) == 0 &&
	       pvirq_fake_take_pending(f, 1, 1) == 1ull << 2,
	       "the guest got MSI-X vector 0 and bit 0x42 on vcpu 1");
	tap_ok(starts(ctl("inject g0 1 12"), "err EINVAL"),
	       "vector 12 is refused: %s", reply);
	tap_ok(starts(ctl("inject nosuch 0 0x42"), "err ENOENT"),
	       "an unknown guest is ENOENT");

	c = mkcall(PVIRQ_OP_PCI_WRITE, 0, PCI_BASE_ADDRESS_0, 4,
		   (u32)(BAR2_GPA + PVIRQ_WIRE_BAR_OFF));
	tap_ok(call(f, 0, &c) == 0, "BAR0 placed at the start of the window");
	c = mkcall(PVIRQ_OP_PCI_READ, 0, PCI_BASE_ADDRESS_0, 4, 0);
	tap_ok(call(f, 0, &c) == 0 && c.out[0] == (BAR2_GPA + PVIRQ_WIRE_BAR_OFF + 4),
	       "config read returns it");
	table[0] = 0xfee01000;
	table[1] = 0;
	table[2] = 0x55;
	table[3] = 0;
	c = mkcall(PVIRQ_OP_PCI_WRITE, 0, PVIRQ_PCI_MSIX_CAP + PCI_MSIX_FLAGS, 2,
		   PCI_MSIX_FLAGS_ENABLE);
	tap_ok(call(f, 0, &c) == 0, "MSI-X enabled through config space");
	tap_ok(starts(ctl("fire g0 0"), "ok msix 0 addr=0xfee01000 data=0x55"),
	       "fire g0 0: %s", reply);
	tap_ok(pvirq_fake_wait_irq(f, 0, 2000) == 0 &&
	       pvirq_fake_take_pending(f, 1, 1) == 1ull << (0x55 - 64),
	       "vector 0x55 arrived on vcpu 1 (APIC ID 1)");
	tap_ok(starts(ctl("msi-state g0"), "ok {") &&
	       strstr(reply, "\"kind\":\"msix\",\"why\":\"enable\",\"vec\":0"),
	       "msi-state shows the entry captured at enable");
}

static void test_guest_control(struct pvirq_fake *f0, struct pvirq_fake *f1)
{
	char buf[512], buf1[64];
	struct pvirq_fake_call c = mkcall(PVIRQ_OP_CONTROL, 0, 0, 0, 0);
	u64 t0;
	int ret;

	tap_ok(control(f0, 0, "stats self", buf, sizeof(buf)) == 0 &&
	       starts(buf, "ok {\"requests\":{\"hello\":1"),
	       "guest-sent 'stats self' answers in buf0");
	tap_ok(control(f0, 0, "list", buf, 16) == 0 && strlen(buf) == 15,
	       "a long reply is cut to the buffer, NUL terminated");

	/* vcpu 0 of g0 waits at a barrier for g1 */
	memset(buf, 0, sizeof(buf));
	strcpy(buf, "barrier b1 2");
	c.buf[0] = (u8 *)buf;
	c.buf_len[0] = 64;
	c.buf_dir[0] = 3;
	pvirq_fake_submit(f0, 0, &c);
	ret = pvirq_fake_wait(f0, 0, &c, 200);
	tap_ok(ret == -ETIMEDOUT, "barrier b1 2: the first guest waits");
	c = mkcall(PVIRQ_OP_CPUID, 0x40000000, 0, 0, 0);
	tap_ok(call(f0, 1, &c) == 0, "meanwhile its other vCPUs are served");
	tap_ok(starts(ctl("ping"), "ok pong"), "and so is the control socket");
	tap_ok(control(f1, 1, "barrier b1 2", buf1, sizeof(buf1)) == 0 &&
	       !strcmp(buf1, "ok barrier b1"),
	       "the second guest passes the barrier");
	c = mkcall(PVIRQ_OP_CONTROL, 0, 0, 0, 0);
	c.buf[0] = (u8 *)buf;
	c.buf_len[0] = 64;
	c.buf_dir[0] = 3;
	tap_ok(pvirq_fake_wait(f0, 0, &c, 2000) == 0 && !strcmp(buf, "ok barrier b1"),
	       "and releases the first");
	tap_ok(starts(ctl("barrier b2 1"), "ok barrier b2"), "a barrier of 1 passes at once");
	tap_ok(starts(ctl("wait-guests 2"), "ok"), "wait-guests 2: both said HELLO");

	tap_ok(starts(ctl("delay g0 cpuid 50000"), "ok"), "delay g0 cpuid 50 ms");
	c = mkcall(PVIRQ_OP_CPUID, 0, 0, 0, 0);
	t0 = pvirq_now_ns();
	ret = call(f0, 2, &c);
	t0 = pvirq_now_ns() - t0;
	tap_ok(ret == 0 && t0 >= 50000000, "the CPUID reply took %llu us",
	       (unsigned long long)t0 / 1000);
	ctl("delay g0 cpuid 0");
	tap_ok(starts(ctl("fault g0 rdmsr 1 EPERM"), "ok"), "fault g0 rdmsr 1 EPERM");
	c = mkcall(PVIRQ_OP_RDMSR, PVIRQ_BASE_MSR_FIRST, 0, 0, 0);
	tap_ok(call(f0, 0, &c) == -EPERM, "the next RDMSR fails with EPERM");
	tap_ok(call(f0, 0, &c) == 0, "the one after succeeds");
	tap_ok(starts(ctl("stats g0"), "ok {") && strstr(reply, "\"faults\":1"),
	       "stats count the fault");
}

int main(void)
{
	char path[128], tmp[160];
	struct pvirq_fake f0, f1, f2;
	struct stat st;
	int status = -1, fd, i;
	pid_t pid;

	strcpy(dir, "/tmp/pvirq-e2e-XXXXXX");
	if (!mkdtemp(dir))
		return tap_ok(0, "mkdtemp: %s", strerror(errno)), tap_done();
	snprintf(tmp, sizeof(tmp), "%s/ram", dir);
	fd = open(tmp, O_RDWR | O_CREAT, 0600);
	if (fd < 0 || ftruncate(fd, 16 << 20))
		return tap_ok(0, "RAM file: %s", strerror(errno)), tap_done();
	close(fd);

	pid = start_daemon();
	if (!tap_ok(pid > 0, "pvirq-host starts and writes its ready file"))
		return tap_done();
	tap_ok(starts(ctl("ping"), "ok pong"), "control socket answers ping");

	sock_path(path, sizeof(path), "g0");
	tap_ok(pvirq_fake_connect(&f0, path, 2, 5000) == 0 && f0.own_id == 1 &&
	       f0.host_peer == PVIRQ_HOST_PEER,
	       "g0: ivshmem handshake with the daemon");
	tap_ok(pvirq_fake_hdr(&f0)->magic == PVIRQ_WIRE_MAGIC &&
	       !strcmp(pvirq_fake_hdr(&f0)->name, "g0") &&
	       pvirq_fake_hdr(&f0)->max_vcpus == 4,
	       "g0: BAR2 header names the guest");
	hello(&f0, 2);
	tap_ok(!!strstr(ctl("list"), "\"name\":\"g0\",\"id\":0,\"model\":\"base\",\"connected\":true,\"ready\":true,\"nr_cpus\":2"),
	       "list shows g0 connected with 2 cpus");
	tap_ok(pvirq_fake_connect(&f2, path, 2, 2000) != 0,
	       "a second client for g0 is refused");

	test_requests(&f0);
	test_inject_and_msix(&f0);

	sock_path(path, sizeof(path), "g1");
	tap_ok(pvirq_fake_connect(&f1, path, 2, 5000) == 0 && f1.own_id == 2,
	       "g1: handshake (peer id 2)");
	hello(&f1, 2);
	test_guest_control(&f0, &f1);

	pvirq_fake_close(&f0);
	for (i = 0; i < 200 && !strstr(ctl("list"), "\"connected\":false"); i++)
		usleep(10000);
	tap_ok(i < 200, "g0 shows disconnected after its client closes");
	sock_path(path, sizeof(path), "g0");
	tap_ok(pvirq_fake_connect(&f0, path, 2, 5000) == 0 &&
	       pvirq_fake_hdr(&f0)->apic_id[1] == 0 &&
	       pvirq_fake_hdr(&f0)->magic == PVIRQ_WIRE_MAGIC,
	       "g0 reconnects and finds a fresh BAR2");
	hello(&f0, 1);

	tap_ok(system(PVIRQ_HOSTCTL_BIN " --dir /nonexistent ping 2>/dev/null") != 0,
	       "pvirq-hostctl fails without a daemon");
	snprintf(tmp, sizeof(tmp), PVIRQ_HOSTCTL_BIN " --dir %s ping >/dev/null", dir);
	tap_ok(system(tmp) == 0, "pvirq-hostctl ping exits 0");
	snprintf(tmp, sizeof(tmp), PVIRQ_HOSTCTL_BIN " --dir %s inject g0 0 3 >/dev/null", dir);
	tap_ok(WEXITSTATUS(system(tmp)) == 1, "pvirq-hostctl exits 1 on an err reply");

	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "SIGTERM: exit status 0, no sanitizer report (status %#x)", status);
	snprintf(tmp, sizeof(tmp), "%s/control", dir);
	tap_ok(stat(tmp, &st) && stat(path, &st), "sockets are removed");
	snprintf(tmp, sizeof(tmp), "%s/ready", dir);
	tap_ok(stat(tmp, &st) != 0, "the ready file is removed");
	pvirq_fake_close(&f0);
	pvirq_fake_close(&f1);

	snprintf(tmp, sizeof(tmp), "%s/log", dir);
	fd = open(tmp, O_RDONLY);
	if (fd >= 0) {
		static char log[65536];
		ssize_t n = read(fd, log, sizeof(log) - 1);

		log[n > 0 ? n : 0] = '\0';
		tap_ok(strstr(log, "g0: vcpu 2 op 77 (?): bad op: EOPNOTSUPP") &&
		       strstr(log, "g0: refusing a second ivshmem client"),
		       "the daemon logged the bad request and the refused client");
		close(fd);
	}
	snprintf(tmp, sizeof(tmp), "rm -rf %s", dir);
	if (system(tmp))
		tap_diag("could not remove %s", dir);
	return tap_done();
}
