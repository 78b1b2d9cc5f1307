// SPDX-License-Identifier: GPL-2.0
/*
 * pvictl: paravirtual interrupts between guests from the command line,
 * through /dev/pvi (include/pvirq/pvi_uapi.h).
 *
 *   pvictl info                       this guest's UUID, GSIs, backend
 *   pvictl resolve UUID               the peer handle of a guest
 *   pvictl send UUID GSI [COUNT]      raise GSI in that guest COUNT times;
 *                                     prints "sent N" and a count per error
 *   pvictl allow UUID GSI|any         let that guest raise GSI here
 *   pvictl revoke UUID GSI|any        undo it
 *   pvictl wait GSI COUNT [SECONDS]   bind GSI to an eventfd, print "bound",
 *                                     read it until COUNT PVIs came (then
 *                                     half a second more, to see extras) or
 *                                     none came for SECONDS (default 10)
 *                                     after the first; prints "got N";
 *                                     exit 0 when N == COUNT
 *   pvictl bad-args                   every ioctl with bad arguments: one
 *                                     line "what ERRNO" each
 *
 * Exit status: 0, 1 when an operation failed, 2 for a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <pvirq/pvi_uapi.h>

#define PVI_PATH	"/dev/" PVI_DEV_NAME
#define GSI_ANY		0xffffffffu
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	int err;
	const char *name;
} errnames[] = {
	{ 0, "OK" }, { EPERM, "EPERM" }, { ENOENT, "ENOENT" },
	{ EBUSY, "EBUSY" }, { EINVAL, "EINVAL" }, { EFAULT, "EFAULT" },
	{ ENOSPC, "ENOSPC" }, { ESHUTDOWN, "ESHUTDOWN" }, { ENODEV, "ENODEV" },
	{ ENOTTY, "ENOTTY" }, { EBADF, "EBADF" }, { EPROTO, "EPROTO" },
	{ ENOMEM, "ENOMEM" },
};

static const char *errname(int err)
{
	static char buf[16];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errnames); i++)
		if (errnames[i].err == err)
			return errnames[i].name;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

static int bad_usage(void)
{
	fprintf(stderr,
		"usage: pvictl info | resolve UUID | send UUID GSI [COUNT] |\n"
		"       allow UUID GSI|any | revoke UUID GSI|any |\n"
		"       wait GSI COUNT [SECONDS] | bad-args\n");
	return 2;
}

static int open_dev(void)
{
	int fd = open(PVI_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		fprintf(stderr, "pvictl: %s: %s\n", PVI_PATH, strerror(errno));
	return fd;
}

/* ioctl() as 0 or -errno */
static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static int parse_uuid(const char *s, __u8 out[16])
{
	unsigned int i, n = 0;
	char hex[3] = { 0 };

	if (strlen(s) != 36)
		return -1;
	for (i = 0; i < 36;) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i++] != '-')
				return -1;
			continue;
		}
		hex[0] = s[i];
		hex[1] = s[i + 1];
		if (!strchr("0123456789abcdefABCDEF", hex[0]) ||
		    !strchr("0123456789abcdefABCDEF", hex[1]) || !hex[0] || !hex[1])
			return -1;
		out[n++] = strtoul(hex, NULL, 16);
		i += 2;
	}
	return 0;
}

static void print_uuid(const __u8 u[16])
{
	printf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	       u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10],
	       u[11], u[12], u[13], u[14], u[15]);
}

static int parse_u32(const char *s, __u32 *v)
{
	unsigned long long x;
	char *end;

	if (!strcmp(s, "any")) {
		*v = GSI_ANY;
		return 0;
	}
	if (!*s || *s == '-')
		return -1;
	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno || *end || x > 0xffffffffull)
		return -1;
	*v = x;
	return 0;
}

static int cmd_info(int fd)
{
	struct pvi_ioc_info info;
	int ret = xioctl(fd, PVI_IOC_INFO, &info);

	if (ret) {
		fprintf(stderr, "pvictl: info: %s\n", errname(-ret));
		return 1;
	}
	printf("uuid ");
	print_uuid(info.uuid);
	printf(" gsis %u features 0x%x backend %.16s\n", info.nr_gsis,
	       info.features, info.backend);
	return 0;
}

static int resolve(int fd, const char *uuid, __u64 *peer)
{
	struct pvi_ioc_resolve r = { 0 };
	int ret;

	if (parse_uuid(uuid, r.uuid))
		return -EINVAL;
	ret = xioctl(fd, PVI_IOC_RESOLVE, &r);
	if (!ret)
		*peer = r.peer;
	return ret;
}

static int cmd_resolve(int fd, const char *uuid)
{
	__u64 peer;
	int ret = resolve(fd, uuid, &peer);

	if (ret) {
		printf("%s\n", errname(-ret));
		return 1;
	}
	printf("0x%llx\n", (unsigned long long)peer);
	return 0;
}

static int cmd_send(int fd, const char *uuid, const char *gsi_s,
		    const char *count_s)
{
	struct pvi_ioc_send s = { 0 };
	unsigned long long n[64] = { 0 }, sent = 0;
	__u32 count = 1, i;
	int ret, e;

	if (parse_u32(gsi_s, &s.gsi) || (count_s && parse_u32(count_s, &count)))
		return bad_usage();
	ret = resolve(fd, uuid, &s.peer);
	if (ret) {
		printf("sent 0 resolve %s\n", errname(-ret));
		return 1;
	}
	for (i = 0; i < count; i++) {
		ret = xioctl(fd, PVI_IOC_SEND, &s);
		if (!ret) {
			sent++;
			continue;
		}
		e = -ret;
		n[e < 64 ? e : 63]++;
	}
	printf("sent %llu", sent);
	for (e = 1; e < 64; e++)
		if (n[e])
			printf(" %s %llu", e == 63 ? "other" : errname(e), n[e]);
	printf("\n");
	return sent == count ? 0 : 1;
}

static int cmd_allow(int fd, bool allow, const char *uuid, const char *gsi_s)
{
	struct pvi_ioc_allow a = { 0 };
	int ret;

	if (parse_uuid(uuid, a.uuid) || parse_u32(gsi_s, &a.gsi))
		return bad_usage();
	ret = xioctl(fd, allow ? PVI_IOC_ALLOW : PVI_IOC_REVOKE, &a);
	printf("%s\n", errname(-ret));
	return ret ? 1 : 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmd_wait(int fd, const char *gsi_s, const char *count_s,
		    const char *secs_s)
{
	struct pvi_ioc_bind b = { 0 };
	__u32 count, secs = 10;
	unsigned long long got = 0;
	double deadline, linger = 0;
	struct pollfd p;
	uint64_t v;
	int efd, ret;

	if (parse_u32(gsi_s, &b.gsi) || parse_u32(count_s, &count) ||
	    (secs_s && parse_u32(secs_s, &secs)))
		return bad_usage();
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (efd < 0) {
		perror("pvictl: eventfd");
		return 1;
	}
	b.fd = efd;
	ret = xioctl(fd, PVI_IOC_BIND, &b);
	if (ret) {
		printf("bind %s\n", errname(-ret));
		return 1;
	}
	printf("bound\n");
	fflush(stdout);
	/* the first PVI may be a while: a minute, then SECONDS idle */
	deadline = now_s() + 60;
	p.fd = efd;
	p.events = POLLIN;
	for (;;) {
		double t = now_s(), end = linger ? linger : deadline;

		if (t >= end)
			break;
		ret = poll(&p, 1, (int)((end - t) * 1000) + 1);
		if (ret < 0 && errno != EINTR) {
			perror("pvictl: poll");
			break;
		}
		if (ret > 0 && read(efd, &v, sizeof(v)) == sizeof(v)) {
			got += v;
			deadline = now_s() + secs;
		}
		if (got >= count && !linger)
			linger = now_s() + 0.5;
	}
	printf("got %llu\n", got);
	return got == count ? 0 : 1;
}

/*
 * Each line: what was wrong, and the errno.  Only EINVAL, EFAULT and
 * ENOTTY (a size or number the driver does not know) are right answers.
 */
static int cmd_bad_args(int fd)
{
	struct pvi_ioc_send s = { 0 };
	struct pvi_ioc_allow a = { 0 };
	struct pvi_ioc_bind b = { 0 };
	void *bad = (void *)16;
	int efd, ret;
	void *ro;

#define TRY(what, cmd, arg) \
	printf("%s %s\n", what, errname(-xioctl(fd, cmd, arg)))
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TRY("info-null", PVI_IOC_INFO, NULL);
	TRY("info-readonly", PVI_IOC_INFO, ro);
	TRY("resolve-bad-pointer", PVI_IOC_RESOLVE, bad);
	TRY("send-bad-pointer", PVI_IOC_SEND, bad);
	s.flags = 1;
	TRY("send-flags", PVI_IOC_SEND, &s);
	s.flags = 0;
	s.gsi = 0x7fffffff;
	TRY("send-gsi-range", PVI_IOC_SEND, &s);
	TRY("allow-bad-pointer", PVI_IOC_ALLOW, bad);
	a.flags = 2;
	TRY("allow-flags", PVI_IOC_ALLOW, &a);
	a.flags = 0;
	a.gsi = 0x7fffffff;
	TRY("allow-gsi-range", PVI_IOC_ALLOW, &a);
	TRY("revoke-gsi-range", PVI_IOC_REVOKE, &a);
	TRY("bind-bad-pointer", PVI_IOC_BIND, bad);
	b.fd = 0;
	b.gsi = 0x7fffffff;
	TRY("bind-gsi-range", PVI_IOC_BIND, &b);
	b.gsi = 0;
	b.fd = -1;
	TRY("bind-negative-fd", PVI_IOC_BIND, &b);
	b.fd = 0;
	b.flags = 1;
	TRY("bind-flags", PVI_IOC_BIND, &b);
	b.flags = 0;
	b.reserved = 1;
	TRY("bind-reserved", PVI_IOC_BIND, &b);
	b.reserved = 0;
	/* fd 0 is not an eventfd: the eventfd layer says EINVAL */
	TRY("bind-not-eventfd", PVI_IOC_BIND, &b);
	b.fd = 0;
	TRY("unbind-with-fd", PVI_IOC_UNBIND, &b);
	TRY("unknown-ioctl", _IOW(PVI_IOC_MAGIC, 99, struct pvi_ioc_bind), &b);
	TRY("wrong-size", _IOW(PVI_IOC_MAGIC, 2, __u32), &b);
	/* nothing must be left bound by the attempts above */
	efd = eventfd(0, EFD_CLOEXEC);
	b.fd = efd;
	b.gsi = 0;
	ret = xioctl(fd, PVI_IOC_BIND, &b);
	printf("bind-after %s\n", errname(-ret));
	b.fd = -1;
	printf("unbind-after %s\n", errname(-xioctl(fd, PVI_IOC_UNBIND, &b)));
	printf("unbind-again %s\n", errname(-xioctl(fd, PVI_IOC_UNBIND, &b)));
#undef TRY
	close(efd);
	if (ro != MAP_FAILED)
		munmap(ro, 4096);
	return 0;
}

int main(int argc, char **argv)
{
	int fd, ret;

	if (argc < 2)
		return bad_usage();
	fd = open_dev();
	if (fd < 0)
		return 1;
	if (!strcmp(argv[1], "info") && argc == 2)
		ret = cmd_info(fd);
	else if (!strcmp(argv[1], "resolve") && argc == 3)
		ret = cmd_resolve(fd, argv[2]);
	else if (!strcmp(argv[1], "send") && (argc == 4 || argc == 5))
		ret = cmd_send(fd, argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	else if ((!strcmp(argv[1], "allow") || !strcmp(argv[1], "revoke")) &&
		 argc == 4)
		ret = cmd_allow(fd, argv[1][0] == 'a', argv[2], argv[3]);
	else if (!strcmp(argv[1], "wait") && (argc == 4 || argc == 5))
		ret = cmd_wait(fd, argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	else if (!strcmp(argv[1], "bad-args") && argc == 2)
		ret = cmd_bad_args(fd);
	else
		ret = bad_usage();
	close(fd);
	return ret;
}
