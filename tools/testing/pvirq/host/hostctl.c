// SPDX-License-Identifier: GPL-2.0
/*
 * pvirq-hostctl: send one command to a running pvirq-host.
 *
 *   pvirq-hostctl [--dir DIR] [--timeout SEC] CMD ARGS...
 *
 * DIR defaults to $PVIRQ_HOST_DIR, else ".".  Prints the reply line; exits
 * 0 for "ok", 1 for "err", 2 if the daemon could not be reached or did not
 * answer in time.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_LEN	1024

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *dir = getenv("PVIRQ_HOST_DIR");
	char line[LINE_MAX_LEN + 2], *reply = NULL;
	size_t len = 0, cap = 0;
	long long deadline = 0;
	double timeout = 0;
	int opt, fd, i, n;

	while ((opt = getopt_long(argc, argv, "+d:t:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			dir = optarg;
			break;
		case 't':
			timeout = atof(optarg);
			break;
		case 'h':
			printf("usage: pvirq-hostctl [--dir DIR] [--timeout SEC] CMD ARGS...\n"
			       "       (pvirq-hostctl help lists the commands)\n");
			return 0;
		default:
			return 2;
		}
	}
	if (optind == argc) {
		fprintf(stderr, "usage: pvirq-hostctl [--dir DIR] [--timeout SEC] CMD ARGS...\n");
		return 2;
	}
	if (!dir)
		dir = ".";

	line[0] = '\0';
	for (i = optind, len = 0; i < argc; i++) {
		n = snprintf(line + len, sizeof(line) - len, "%s%s",
			     i > optind ? " " : "", argv[i]);
		if (n < 0 || (size_t)n >= sizeof(line) - len - 1) {
			fprintf(stderr, "pvirq-hostctl: command too long\n");
			return 2;
		}
		len += n;
	}
	line[len++] = '\n';

	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/control",
			     dir) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "pvirq-hostctl: path too long\n");
		return 2;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "pvirq-hostctl: %s: %s\n", sa.sun_path,
			strerror(errno));
		return 2;
	}
	if (write(fd, line, len) != (ssize_t)len) {
		fprintf(stderr, "pvirq-hostctl: write: %s\n", strerror(errno));
		return 2;
	}
	if (timeout > 0)
		deadline = now_ms() + (long long)(timeout * 1000);

	len = 0;
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int wait = -1;

		if (deadline) {
			long long left = deadline - now_ms();

			wait = left > 0 ? (int)left : 0;
		}
		n = poll(&pfd, 1, wait);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0) {
			fprintf(stderr, "pvirq-hostctl: no reply within %g s\n",
				timeout);
			return 2;
		}
		if (len + 256 > cap) {
			cap = cap ? cap * 2 : 4096;
			reply = realloc(reply, cap);
			if (!reply)
				return 2;
		}
		n = read(fd, reply + len, cap - len - 1);
		if (n <= 0) {
			fprintf(stderr, "pvirq-hostctl: connection closed\n");
			return 2;
		}
		len += n;
		reply[len] = '\0';
		if (memchr(reply, '\n', len))
			break;
	}
	close(fd);
	*strchr(reply, '\n') = '\0';
	printf("%s\n", reply);
	n = !strncmp(reply, "ok", 2) && (!reply[2] || reply[2] == ' ') ? 0 : 1;
	free(reply);
	return n;
}
