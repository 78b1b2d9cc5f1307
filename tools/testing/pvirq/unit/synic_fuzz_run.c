// SPDX-License-Identifier: GPL-2.0
/*
 * Runs the synic_fuzz libFuzzer binary that sits beside this one for
 * SYNIC_FUZZ_TIME seconds from a few seed inputs, and reports one TAP
 * line: ok if it ran to its time limit without a finding.
 */
#include <linux/compiler.h>
#include <linux/bitops.h>
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#ifndef SYNIC_FUZZ_TIME
#define SYNIC_FUZZ_TIME 20
#endif

/* bind (2, 0x10, min 8); write a 16-byte message of type 0x10; process */
static const unsigned char seed_valid[] = {
	0, 2, 0x10, 8,
	2, 2, 8, 0x10, 0, 0, 0, 16, 0, 0, 0,
};

/* payload_size 241 with msg_pending, then an empty slot with it */
static const unsigned char seed_bad[] = {
	0, 5, 0x81, 0,
	2, 5, 6, 0x01, 0, 0, 0x80, 241, 1,
	2, 5, 6, 0, 0, 0, 0, 0, 1,
};

/* fetch, host rewrites the type byte, release */
static const unsigned char seed_race[] = {
	0, 7, 0x22, 0,
	2, 7, 5, 0x22, 0, 0, 0, 4,
	4, 7, 0, 0x23,
};

static int write_seed(const char *dir, const char *name,
		      const unsigned char *d, size_t n)
{
	char path[PATH_MAX];
	FILE *f;
	size_t w;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return -errno;
	w = fwrite(d, 1, n, f);
	if (fclose(f) || w != n)
		return -EIO;
	return 0;
}

/* The corpus directory holds only flat files the fuzzer wrote. */
static void remove_corpus(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *d;
	DIR *dp = opendir(dir);

	while (dp && (d = readdir(dp))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		unlink(path);
	}
	if (dp)
		closedir(dp);
	rmdir(dir);
}

int main(void)
{
	char self[PATH_MAX], fuzzer[PATH_MAX], log[PATH_MAX], line[512];
	char corpus[] = "/tmp/synic_fuzz.XXXXXX";
	char tlimit[32], artifacts[PATH_MAX + 32];
	const char *dir;
	long runs = -1;
	int status = -1, found = 0;
	ssize_t n;
	pid_t pid;
	FILE *f;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0 || !mkdtemp(corpus)) {
		tap_ok(0, "synic message fuzz: cannot set up (%s)", strerror(errno));
		return tap_done();
	}
	self[n] = 0;
	dir = dirname(self);
	snprintf(fuzzer, sizeof(fuzzer), "%s/synic_fuzz", dir);
	snprintf(log, sizeof(log), "%s/log", corpus);
	snprintf(tlimit, sizeof(tlimit), "-max_total_time=%d", SYNIC_FUZZ_TIME);
	snprintf(artifacts, sizeof(artifacts), "-artifact_prefix=%s/synic_fuzz-",
		 dir);
	if (write_seed(corpus, "valid", seed_valid, sizeof(seed_valid)) ||
	    write_seed(corpus, "bad", seed_bad, sizeof(seed_bad)) ||
	    write_seed(corpus, "race", seed_race, sizeof(seed_race))) {
		tap_ok(0, "synic message fuzz: cannot write seeds");
		return tap_done();
	}

	pid = fork();
	if (pid == 0) {
		if (!freopen(log, "w", stderr) || !freopen(log, "a", stdout))
			_exit(127);
		execl(fuzzer, fuzzer, tlimit, "-rss_limit_mb=1024",
		      "-max_len=1024", artifacts, corpus, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);

	f = fopen(log, "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Done %ld runs", &runs) == 1)
			continue;
		if (strstr(line, "ERROR: libFuzzer") ||
		    strstr(line, "ERROR: AddressSanitizer") ||
		    strstr(line, "runtime error:")) {
			found = 1;
			tap_diag("%s", line);
		}
	}
	if (f)
		fclose(f);
	tap_ok(pid > 0 && WIFEXITED(status) && !WEXITSTATUS(status) && !found &&
	       runs > 0,
	       "synic message fuzz: %ld runs in %d s without a finding", runs,
	       SYNIC_FUZZ_TIME);
	if (!(pid > 0 && WIFEXITED(status) && !WEXITSTATUS(status)))
		tap_diag("fuzzer log kept in %s", log);
	else
		remove_corpus(corpus);
	return tap_done();
}
