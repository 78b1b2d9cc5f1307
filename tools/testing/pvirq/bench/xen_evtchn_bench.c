// SPDX-License-Identifier: GPL-2.0
/*
 * Instructions per delivered event of drivers/xen/pvhvm-irq's 2-level and
 * FIFO scans, beside the "limit" loops of xen_limit.c, counted by
 * callgrind with --toggle-collect on the scan function: the scan and what
 * it calls (the handler included, on both sides), nothing else.
 *
 * Without arguments the binary runs itself under valgrind once per scan
 * and pattern and prints the tables.  "xen_evtchn_bench SCAN PATTERN REPS"
 * is one such run: it sets the pattern up REPS times (not counted), runs
 * the scan on it each time, checks every event was delivered once and
 * prints the number of events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/bitops.h>
#include <linux/string.h>
#include <xen/interface/xen.h>
#include <xen/interface/event_channel.h>

#include "evtchn_scan.h"

#define NPORTS		EVTCHN_2L_NR_CHANNELS
#define WBITS		PVHVM_2L_WORD_BITS
#define REPS		200

void xen_limit_2l_scan(struct shared_info *s, struct vcpu_info *vi,
		       pvhvm_evtchn_handler_t fn, void *ctx);
void xen_limit_fifo_scan(struct evtchn_fifo_control_block *cb,
			 event_word_t **pages, pvhvm_evtchn_handler_t fn,
			 void *ctx);

static struct shared_info si __attribute__((aligned(4096)));
static unsigned long bound[BITS_TO_LONGS(NPORTS)];
static event_word_t evpages[NPORTS / PVHVM_FIFO_WORDS_PER_PAGE]
			   [PVHVM_FIFO_WORDS_PER_PAGE]
	__attribute__((aligned(4096)));
static event_word_t *pages[PVHVM_FIFO_MAX_PAGES];
static struct evtchn_fifo_control_block cb;
static struct pvhvm_evtchn ec;
static struct pvhvm_evtchn_cpu pcpu;

/* The same handler for every scan: count. */
static void count_event(void *ctx, evtchn_port_t port)
{
	(*(unsigned long *)ctx)++;
}

enum { PAT_ONE, PAT_SPREAD, PAT_WORD, PAT_ALL, PAT_MASKED, NR_PATTERNS };

static const struct {
	const char *name;
	double linux61, limit61;	/* reference/perf-anchors.md (2L) */
} patterns[NR_PATTERNS] = {
	[PAT_ONE]    = { "1 pending",			150.00, 53.00 },
	[PAT_SPREAD] = { "64 spread evenly",		 61.27, 30.36 },
	[PAT_WORD]   = { "64 in one word",		 21.33, 14.61 },
	[PAT_ALL]    = { "all 4096 pending",		 20.57, 14.26 },
	[PAT_MASKED] = { "4096 pending, 4032 masked",	 61.27, 30.36 },
};

/* Is @port pending in pattern @p, and is it masked? */
static bool in_pattern(int p, evtchn_port_t port, bool *masked)
{
	bool spread = port % WBITS == (port / WBITS * 7) % WBITS;

	*masked = false;
	switch (p) {
	case PAT_ONE:
		return port == 1234;
	case PAT_SPREAD:
		return spread;
	case PAT_WORD:
		return port / WBITS == 10;
	case PAT_ALL:
		return true;
	case PAT_MASKED:
		*masked = !spread;
		return true;
	}
	return false;
}

/* As the host leaves things after raising the pattern. */
static unsigned int setup_2l(int p)
{
	unsigned int n = 0;
	evtchn_port_t port;
	bool masked;

	memset(si.evtchn_pending, 0, sizeof(si.evtchn_pending));
	memset(si.evtchn_mask, 0, sizeof(si.evtchn_mask));
	si.vcpu_info[0].evtchn_pending_sel = 0;
	for (port = 0; port < NPORTS; port++) {
		if (!in_pattern(p, port, &masked))
			continue;
		__set_bit(port, si.evtchn_pending);
		if (masked) {
			__set_bit(port, si.evtchn_mask);
			continue;
		}
		si.vcpu_info[0].evtchn_pending_sel |= BIT(port / WBITS);
		n++;
	}
	si.vcpu_info[0].evtchn_upcall_pending = 1;
	return n;
}

static unsigned int setup_fifo(int p)
{
	evtchn_port_t port, prev = 0;
	unsigned int n = 0;
	bool masked;

	memset(evpages, 0, sizeof(evpages));
	cb.ready = 0;
	for (port = 1; port < NPORTS; port++) {
		event_word_t *w;

		if (!in_pattern(p, port, &masked))
			continue;
		w = &evpages[port / PVHVM_FIFO_WORDS_PER_PAGE]
			    [port % PVHVM_FIFO_WORDS_PER_PAGE];
		*w = 1U << EVTCHN_FIFO_PENDING;
		if (masked) {
			*w |= 1U << EVTCHN_FIFO_MASKED;
			continue;
		}
		*w |= 1U << EVTCHN_FIFO_LINKED;
		if (prev)
			evpages[prev / PVHVM_FIFO_WORDS_PER_PAGE]
			       [prev % PVHVM_FIFO_WORDS_PER_PAGE] |= port;
		else
			cb.head[EVTCHN_FIFO_PRIORITY_DEFAULT] = port;
		prev = port;
		n++;
	}
	cb.ready = BIT(EVTCHN_FIFO_PRIORITY_DEFAULT);
	return n;
}

/* One measured run: returns 0 if every event was delivered exactly once. */
static int run_one(const char *scan, int p, unsigned int reps)
{
	unsigned long got = 0, want = 0;
	unsigned int i;

	if (!strcmp(scan, "2l") || !strcmp(scan, "limit-2l")) {
		pvhvm_evtchn_2l_init(&ec, &si, &pcpu, 1);
		pvhvm_evtchn_2l_cpu_init(&ec, 0, &si.vcpu_info[0], bound);
		memset(bound, 0xff, sizeof(bound));
	} else {
		pvhvm_evtchn_fifo_init(&ec, pages, &pcpu, 1);
		pvhvm_evtchn_fifo_cpu_init(&ec, 0, &cb);
		for (i = 0; i < ARRAY_SIZE(evpages); i++)
			pvhvm_evtchn_fifo_add_page(&ec, evpages[i]);
	}
	for (i = 0; i < reps; i++) {
		if (!strcmp(scan, "2l")) {
			want += setup_2l(p);
			ec.ops->handle_events(&pcpu, 2 * NPORTS, count_event,
					      &got);
		} else if (!strcmp(scan, "limit-2l")) {
			want += setup_2l(p);
			xen_limit_2l_scan(&si, &si.vcpu_info[0], count_event,
					  &got);
		} else if (!strcmp(scan, "fifo")) {
			want += setup_fifo(p);
			ec.ops->handle_events(&pcpu, 2 * NPORTS, count_event,
					      &got);
		} else if (!strcmp(scan, "limit-fifo")) {
			want += setup_fifo(p);
			xen_limit_fifo_scan(&cb, pages, count_event, &got);
		} else {
			return 2;
		}
	}
	printf("events %lu\n", got);
	return got == want ? 0 : 1;
}

/* Run @scan on pattern @p under callgrind: instructions per event. */
static double measure(const char *scan, const char *fn, int p)
{
	char out[] = "/tmp/xen_bench_cg.XXXXXX", toggle[128], file[160];
	char pat[8], reps[16], line[256], self[4096];
	unsigned long events = 0;
	ssize_t len;
	double ir = -1;
	int pipefd[2], fd, status;
	FILE *f;
	pid_t pid;

	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0)
		return -1;
	self[len] = 0;
	fd = mkstemp(out);
	if (fd < 0 || pipe(pipefd))
		return -1;
	close(fd);
	snprintf(toggle, sizeof(toggle), "--toggle-collect=%s*", fn);
	snprintf(file, sizeof(file), "--callgrind-out-file=%s", out);
	snprintf(pat, sizeof(pat), "%d", p);
	snprintf(reps, sizeof(reps), "%d", REPS);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(pipefd[1], 1);
		close(pipefd[0]);
		execlp("valgrind", "valgrind", "--tool=callgrind", "-q",
		       toggle, file, self, scan, pat, reps,
		       (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	f = fdopen(pipefd[0], "r");
	while (f && fgets(line, sizeof(line), f))
		sscanf(line, "events %lu", &events);
	if (f)
		fclose(f);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) || !events)
		goto out;
	f = fopen(out, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "summary: %lf", &ir) == 1)
			break;
	if (f)
		fclose(f);
	if (ir >= 0)
		ir /= events;
out:
	unlink(out);
	return ir;
}

int main(int argc, char **argv)
{
	double pv, lim;
	int p, failed = 0;

	if (argc == 4)
		return run_one(argv[1], atoi(argv[2]), atoi(argv[3]));
	if (argc != 1) {
		fprintf(stderr, "usage: %s [2l|limit-2l|fifo|limit-fifo PATTERN REPS]\n",
			argv[0]);
		return 2;
	}

	printf("Xen 2-level scan, 4096 ports, one vCPU: instructions per delivered event\n");
	printf("(callgrind, %d runs each; Linux 6.1 figures from reference/perf-anchors.md)\n",
	       REPS);
	printf("%-27s %8s %8s %7s %10s %7s\n", "pattern", "pvirq", "limit",
	       "ratio", "Linux 6.1", "ratio");
	for (p = 0; p < NR_PATTERNS; p++) {
		pv = measure("2l", "evtchn_2l_handle_events", p);
		lim = measure("limit-2l", "xen_limit_2l_scan", p);
		if (pv < 0 || lim <= 0) {
			printf("%-27s measurement failed (valgrind missing or events lost)\n",
			       patterns[p].name);
			failed = 1;
			continue;
		}
		printf("%-27s %8.2f %8.2f %7.2f %10.2f %7.2f%s\n",
		       patterns[p].name, pv, lim, pv / lim,
		       patterns[p].linux61,
		       patterns[p].linux61 / patterns[p].limit61,
		       pv <= patterns[p].linux61 ? "" : "  (above Linux)");
	}

	printf("\nXen FIFO scan, one queue, events linked in port order\n");
	printf("%-27s %8s %8s %7s\n", "pattern", "pvirq", "limit", "ratio");
	for (p = 0; p < NR_PATTERNS; p++) {
		pv = measure("fifo", "evtchn_fifo_handle_events", p);
		lim = measure("limit-fifo", "xen_limit_fifo_scan", p);
		if (pv < 0 || lim <= 0) {
			printf("%-27s measurement failed (valgrind missing or events lost)\n",
			       patterns[p].name);
			failed = 1;
			continue;
		}
		printf("%-27s %8.2f %8.2f %7.2f\n", patterns[p].name, pv, lim,
		       pv / lim);
	}
	return failed;
}
