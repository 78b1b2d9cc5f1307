// SPDX-License-Identifier: GPL-2.0
/*
 * pvirq-host: the hypervisor stand-in that serves pvirq's test guests.
 *
 *   pvirq-host --dir DIR --guest NAME[,model=M][,ram=PATH][,ramsize=BYTES]
 *              [,vcpus=N][,vectors=N] [--guest ...] [--guest-control]
 *              [--ready-file PATH] [--verbose]
 *
 * Listens on DIR/NAME.ivshmem for each guest and on DIR/control, prints
 * "pvirq-host: ready" on stderr (and creates the ready file) once all of them
 * listen, and runs until SIGTERM, SIGINT or the "quit" command, removing its
 * sockets on the way out.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "pvirq_model.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: pvirq-host --dir DIR --guest SPEC [--guest SPEC...]\n"
		"                  [--guest-control] [--ready-file PATH] [--verbose]\n"
		"  SPEC: NAME[,model=M][,ram=PATH][,ramsize=BYTES][,vcpus=N][,vectors=N]\n"
		"  models: %s\n", pvirq_model_names());
}

static void on_signal(struct pvirq_ev *ev, u32 events)
{
	struct pvirq_host *h = ev->ctx;
	struct signalfd_siginfo si;

	if (read(ev->fd, &si, sizeof(si)) == sizeof(si))
		pvirq_log(h, "signal %u: stopping", si.ssi_signo);
	h->stop = true;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "guest", required_argument, NULL, 'g' },
		{ "guest-control", no_argument, NULL, 'c' },
		{ "ready-file", required_argument, NULL, 'r' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	char store[PVIRQ_HOST_MAX_GUESTS][1024];
	const char *dir = NULL, *ready_file = NULL;
	const char *specs[PVIRQ_HOST_MAX_GUESTS];
	struct pvirq_guest_cfg cfg;
	struct pvirq_ev sig_ev;
	struct pvirq_host *h;
	bool control = false, verbose = false;
	int nspecs = 0, opt, i, sfd, fd, ret = 1;
	sigset_t mask;

	while ((opt = getopt_long(argc, argv, "d:g:cr:vh", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			dir = optarg;
			break;
		case 'g':
			if (nspecs == PVIRQ_HOST_MAX_GUESTS) {
				fprintf(stderr, "pvirq-host: at most %d guests\n",
					PVIRQ_HOST_MAX_GUESTS);
				return 2;
			}
			specs[nspecs++] = optarg;
			break;
		case 'c':
			control = true;
			break;
		case 'r':
			ready_file = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!dir || !nspecs || optind != argc) {
		usage(stderr);
		return 2;
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);

	h = pvirq_host_new(dir);
	if (!h) {
		fprintf(stderr, "pvirq-host: out of memory\n");
		return 1;
	}
	h->guest_control = control;
	h->verbose = verbose;
	for (i = 0; i < nspecs; i++) {
		if (pvirq_guest_parse(specs[i], &cfg, store[i], sizeof(store[i]))) {
			pvirq_log(h, "bad --guest '%s'", specs[i]);
			usage(stderr);
			goto free_host;
		}
		if (!pvirq_guest_new(h, &cfg))
			goto free_host;
	}
	sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sfd < 0) {
		pvirq_log(h, "signalfd: %s", strerror(errno));
		goto free_host;
	}
	if (pvirq_ev_add(h, &sig_ev, sfd, EPOLLIN, on_signal, h)) {
		pvirq_log(h, "epoll: %s", strerror(errno));
		close(sfd);
		goto free_host;
	}
	if (pvirq_host_listen(h))
		goto close_signalfd;

	if (ready_file) {
		fd = open(ready_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0) {
			pvirq_log(h, "cannot create %s: %s", ready_file,
				  strerror(errno));
			goto close_signalfd;
		}
		dprintf(fd, "%d\n", (int)getpid());
		close(fd);
	}
	pvirq_log(h, "ready");

	ret = pvirq_host_run(h) ? 1 : 0;
	if (ready_file)
		unlink(ready_file);
	pvirq_log(h, "exiting");

close_signalfd:
	pvirq_ev_del(h, &sig_ev);
	close(sfd);
free_host:
	pvirq_host_free(h);
	return ret;
}
