// SPDX-License-Identifier: GPL-2.0
/*
 * Instructions per event of the SynIC event-flag scan
 * (drivers/hv/synic/synic_evt.c) beside a "limit" loop measured in the
 * same run: walk the 32 words, ctz per set bit, one atomic clear per
 * flag, the same counter handler.  Both are counted by callgrind with
 * --toggle-collect on the scan function, so the count is the scan and
 * the handlers it calls, nothing else.
 *
 * Without arguments the binary runs itself under valgrind once per
 * (pattern, scan) and prints the table; "child SCAN PATTERN" is one such
 * measured run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/bitops.h>

#include "synic_evt.h"

struct pattern {
	const char *name;
	unsigned int nset;	/* flags set per round */
	unsigned int set_stride;
	unsigned int set_first;
	unsigned int nreg;	/* flags with a handler, from reg_first */
	unsigned int reg_first;
	unsigned int rounds;
	double anchor;		/* Linux 6.1 vmbus, perf-anchors.md; 0: none */
};

static const struct pattern patterns[] = {
	{ "1 set, all 2048 registered", 1, 1, 1000, 2048, 0, 4000, 318.00 },
	{ "1 set, 64 registered (1 word)", 1, 1, 1000, 64, 960, 4000, 0 },
	{ "64 set spread, all registered", 64, 32, 0, 2048, 0, 400, 38.94 },
	{ "64 set in one word", 64, 1, 960, 2048, 0, 400, 0 },
	{ "2048 set, all registered", 2048, 1, 0, 2048, 0, 40, 35.03 },
};

static struct pvirq_hv_event_page page;
static struct synic_evt_table tbl;
static struct synic_evt_stats stats;
static u64 counter;

static void count_fn(unsigned int flag, void *data)
{
	(*(u64 *)data)++;
}

/* The limit: no summary, no table lookup, one locked op per flag. */
noinline unsigned int bench_limit_scan(unsigned long *flags,
				       synic_evt_fn fn, void *data);
noinline unsigned int bench_limit_scan(unsigned long *flags,
				       synic_evt_fn fn, void *data)
{
	unsigned int w, n = 0;

	for (w = 0; w < SYNIC_EVT_WORDS; w++) {
		unsigned long v = READ_ONCE(flags[w]);

		while (v) {
			unsigned int flag = w * BITS_PER_LONG + __ffs(v);

			v &= v - 1;
			clear_bit(flag, flags);
			fn(flag, data);
			n++;
		}
	}
	return n;
}

static int child(const char *scan, unsigned int pi)
{
	const struct pattern *p = &patterns[pi];
	unsigned long *flags = page.sint_flags[2].flags;
	unsigned int r, i, got = 0;
	bool limit = !strcmp(scan, "limit");

	for (i = 0; i < p->nreg; i++)
		synic_evt_register(&tbl, p->reg_first + i, count_fn, &counter);
	for (r = 0; r < p->rounds; r++) {
		for (i = 0; i < p->nset; i++)
			set_bit(p->set_first + i * p->set_stride, flags);
		if (limit)
			got += bench_limit_scan(flags, count_fn, &counter);
		else
			got += synic_evt_scan(&tbl, &page.sint_flags[2], &stats);
	}
	/* a scan that missed or doubled events would make the count wrong */
	if (got != p->rounds * p->nset || counter != got) {
		fprintf(stderr, "%s: %u events, expected %u\n", scan, got,
			p->rounds * p->nset);
		return 1;
	}
	return 0;
}

/* Instructions counted inside @fn over one child run, or -1. */
static double measure(const char *self, const char *fn, const char *scan,
		      unsigned int pi)
{
	char out[] = "/tmp/synic_bench.XXXXXX";
	char toggle[128], outarg[64], pat[16], line[512];
	double ir = -1;
	int fd, status;
	pid_t pid;
	FILE *f;

	fd = mkstemp(out);
	if (fd < 0)
		return -1;
	close(fd);
	snprintf(toggle, sizeof(toggle), "--toggle-collect=%s", fn);
	snprintf(outarg, sizeof(outarg), "--callgrind-out-file=%s", out);
	snprintf(pat, sizeof(pat), "%u", pi);

	pid = fork();
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stderr))
			_exit(127);
		execlp("valgrind", "valgrind", "--tool=callgrind", toggle,
		       outarg, self, "child", scan, pat, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		goto out_unlink;

	f = fopen(out, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "summary: %lf", &ir) == 1)
			break;
	if (f)
		fclose(f);
out_unlink:
	unlink(out);
	return ir;
}

int main(int argc, char **argv)
{
	unsigned int i;
	int failed = 0;

	if (argc == 4 && !strcmp(argv[1], "child"))
		return child(argv[2], atoi(argv[3]) % ARRAY_SIZE(patterns));

	printf("SynIC event-flag scan, one SINT of 2048 flags: instructions per event\n");
	printf("(callgrind --toggle-collect on the scan, handler included; the\n");
	printf(" Linux 6.1 column is the anchor from perf-anchors.md, not measured here)\n\n");
	printf("%-32s %9s %9s %8s %10s %8s\n", "pattern", "pvirq", "limit",
	       "/limit", "Linux 6.1", "/Linux");
	for (i = 0; i < ARRAY_SIZE(patterns); i++) {
		const struct pattern *p = &patterns[i];
		double ev = (double)p->rounds * p->nset;
		double a = measure(argv[0], "synic_evt_scan", "pvirq", i);
		double b = measure(argv[0], "bench_limit_scan", "limit", i);

		if (a <= 0 || b <= 0) {
			printf("%-32s measurement failed (valgrind missing or a scan miscounted)\n",
			       p->name);
			failed = 1;
			continue;
		}
		a /= ev;
		b /= ev;
		printf("%-32s %9.2f %9.2f %8.2f", p->name, a, b, a / b);
		if (p->anchor)
			printf(" %10.2f %8.2f\n", p->anchor, a / p->anchor);
		else
			printf(" %10s %8s\n", "-", "-");
	}
	return failed;
}
