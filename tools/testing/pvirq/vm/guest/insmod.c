// SPDX-License-Identifier: GPL-2.0
/*
 * insmod for the VM tier's guests: one finit_module() call, nothing else.
 * busybox's insmod retries a failed finit_module() with init_module(),
 * which runs a module's init a second time and hides the first failure
 * from tests that count or inject failures.
 *
 *   insmod FILE [PARAM=VALUE...]
 *
 * With PVIRQ_FAIL_NTH=N in the environment (kernels with fault injection),
 * the N-th fault-injection point this task passes inside finit_module()
 * fails (/proc/thread-self/fail-nth: slab and page allocations, functions
 * listed in fail_function); it then prints "fail-nth: injected", or
 * "fail-nth: not reached (K points)" when the load passed only K < N.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define FAIL_NTH "/proc/thread-self/fail-nth"

/*
 * The fd is opened before the count starts: opening a file allocates, and
 * that must not count.  Reading and writing it do not allocate.
 */
static int fail_nth_write(int fd, const char *n)
{
	ssize_t len = strlen(n);

	if (pwrite(fd, n, len, 0) != len) {
		fprintf(stderr, "insmod: %s: %s\n", FAIL_NTH, strerror(errno));
		return -1;
	}
	return 0;
}

/* What is left of the count: 0 once the failure was injected. */
static long fail_nth_left(int fd)
{
	char buf[32] = "";
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	return n > 0 ? strtol(buf, NULL, 10) : -1;
}

int main(int argc, char **argv)
{
	const char *nth = getenv("PVIRQ_FAIL_NTH");
	char params[4096] = "";
	size_t len = 0;
	int fd, i, ret, err, nfd = -1;
	long left;

	if (argc < 2) {
		fprintf(stderr, "usage: insmod FILE [PARAM=VALUE...]\n");
		return 2;
	}
	for (i = 2; i < argc; i++) {
		int n = snprintf(params + len, sizeof(params) - len, "%s%s",
				 len ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(params) - len) {
			fprintf(stderr, "insmod: parameters too long\n");
			return 2;
		}
		len += n;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "insmod: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (nth) {
		nfd = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
		if (nfd < 0) {
			fprintf(stderr, "insmod: %s: %s\n", FAIL_NTH, strerror(errno));
			return 1;
		}
		if (fail_nth_write(nfd, nth))
			return 1;
	}
	ret = syscall(SYS_finit_module, fd, params, 0);
	err = errno;
	if (nth) {
		left = fail_nth_left(nfd);
		/* Nothing after the load may fail: stop counting. */
		fail_nth_write(nfd, "0");
		if (left < 0)
			fprintf(stderr, "insmod: cannot read %s\n", FAIL_NTH);
		if (left == 0)
			printf("fail-nth: injected\n");
		else if (left > 0)
			printf("fail-nth: not reached (%ld points)\n",
			       strtol(nth, NULL, 10) - left);
		fflush(stdout);
		if (left < 0)
			return 1;
	}
	if (ret) {
		fprintf(stderr, "insmod: can't insert '%s': %s\n", argv[1],
			strerror(err));
		return 1;
	}
	return 0;
}
