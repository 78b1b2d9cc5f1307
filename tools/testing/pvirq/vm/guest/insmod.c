// SPDX-License-Identifier: GPL-2.0
/*
 * insmod, rmmod and a one-write "echo" for the VM tier's guests, each one
 * system call and nothing else.  busybox's insmod retries a failed
 * finit_module() with init_module(), which runs a module's init a second
 * time and hides the first failure from tests that count or inject
 * failures.  One binary; what it does follows its name:
 *
 *   pvinsmod FILE [PARAM=VALUE...]   finit_module()
 *   pvrmmod NAME                     delete_module(), O_NONBLOCK
 *   pvwrite FILE STRING              one write() of STRING to FILE
 *
 * With PVIRQ_FAIL_NTH=N in the environment (kernels with fault injection),
 * the N-th fault-injection point this task passes inside that one system
 * call fails (/proc/thread-self/fail-nth: slab and page allocations,
 * functions listed in fail_function); it then prints "fail-nth: injected",
 * or "fail-nth: not reached (K points)" when the call passed only K < N.
 * A failed call prints "<name>: can't <what> '<FILE|NAME>': <strerror>".
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

static const char *prog;

/*
 * The fd is opened before the count starts: opening a file allocates, and
 * that must not count.  Reading and writing it do not allocate.
 */
static int fail_nth_write(int fd, const char *n)
{
	ssize_t len = strlen(n);

	if (pwrite(fd, n, len, 0) != len) {
		fprintf(stderr, "%s: %s: %s\n", prog, FAIL_NTH, strerror(errno));
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

/* finit_module(argv[0] with parameters argv[1..]); fd of the file in *fd */
static int prep_insmod(int argc, char **argv, int *fd, char *params,
		       size_t size)
{
	size_t len = 0;
	int i;

	for (i = 1; i < argc; i++) {
		int n = snprintf(params + len, size - len, "%s%s",
				 len ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= size - len) {
			fprintf(stderr, "%s: parameters too long\n", prog);
			return -1;
		}
		len += n;
	}
	*fd = open(argv[0], O_RDONLY | O_CLOEXEC);
	if (*fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, argv[0], strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *nth = getenv("PVIRQ_FAIL_NTH");
	enum { INSMOD, RMMOD, WRITE } op;
	const char *what;
	char params[4096] = "";
	int fd = -1, ret, err, nfd = -1;
	long left;

	prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	if (!strcmp(prog, "pvrmmod") && argc == 2) {
		op = RMMOD;
		what = "remove";
	} else if (!strcmp(prog, "pvwrite") && argc == 3) {
		op = WRITE;
		what = "write";
		fd = open(argv[1], O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "%s: %s: %s\n", prog, argv[1],
				strerror(errno));
			return 1;
		}
	} else if (strcmp(prog, "pvrmmod") && strcmp(prog, "pvwrite") &&
		   argc >= 2) {
		op = INSMOD;
		what = "insert";
		if (prep_insmod(argc - 1, argv + 1, &fd, params, sizeof(params)))
			return 1;
	} else {
		fprintf(stderr, "usage: pvinsmod FILE [PARAM=VALUE...]\n"
				"       pvrmmod NAME\n"
				"       pvwrite FILE STRING\n");
		return 2;
	}
	if (nth) {
		nfd = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
		if (nfd < 0) {
			fprintf(stderr, "%s: %s: %s\n", prog, FAIL_NTH, strerror(errno));
			return 1;
		}
		if (fail_nth_write(nfd, nth))
			return 1;
	}
	switch (op) {
	case INSMOD:
		ret = syscall(SYS_finit_module, fd, params, 0);
		break;
	case RMMOD:
		ret = syscall(SYS_delete_module, argv[1], O_NONBLOCK);
		break;
	default:
		ret = write(fd, argv[2], strlen(argv[2]));
		ret = ret == (int)strlen(argv[2]) ? 0 : -1;
		if (ret && !errno)
			errno = EIO;
		break;
	}
	err = errno;
	if (nth) {
		left = fail_nth_left(nfd);
		/* Nothing after the call may fail: stop counting. */
		fail_nth_write(nfd, "0");
		if (left < 0)
			fprintf(stderr, "%s: cannot read %s\n", prog, FAIL_NTH);
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
		fprintf(stderr, "%s: can't %s '%s': %s\n", prog, what, argv[1],
			strerror(err));
		return 1;
	}
	return 0;
}
