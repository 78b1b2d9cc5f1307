// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/pvi/:
 *
 *   stats  one "name value" line per counter of struct pvi_stats:
 *          sent, refused_eperm, refused_enoent, refused_eshutdown,
 *          refused_ebusy, refused_einval, refused_other, received,
 *          unmapped, bad_gsi, upcalls, early
 *   gsis   "GSI count" for every GSI received at least once
 *   uuid   this guest's UUID
 *
 * Counters are atomics read unlocked: a file may mix values from two
 * moments, never torn ones.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "pvi_int.h"

static struct dentry *pvi_dir;

static const char *const pvi_refusal_names[PVI_R_NR] = {
	[PVI_R_EPERM] = "eperm",
	[PVI_R_ENOENT] = "enoent",
	[PVI_R_ESHUTDOWN] = "eshutdown",
	[PVI_R_EBUSY] = "ebusy",
	[PVI_R_EINVAL] = "einval",
	[PVI_R_OTHER] = "other",
};

static int pvi_stats_show(struct seq_file *m, void *v)
{
	struct pvi_stats *st = &pvi.stats;
	unsigned int r;

	seq_printf(m, "sent %lld\n", atomic64_read(&st->sent));
	for (r = 0; r < PVI_R_NR; r++)
		seq_printf(m, "refused_%s %lld\n", pvi_refusal_names[r],
			   atomic64_read(&st->refused[r]));
	seq_printf(m, "received %lld\nunmapped %lld\nbad_gsi %lld\nupcalls %lld\nearly %lld\n",
		   atomic64_read(&st->received), atomic64_read(&st->unmapped),
		   atomic64_read(&st->bad_gsi), atomic64_read(&st->upcalls),
		   atomic64_read(&st->early));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pvi_stats);

static int pvi_gsis_show(struct seq_file *m, void *v)
{
	s64 n;
	u32 gsi;

	for (gsi = 0; gsi < pvi.nr_gsis; gsi++) {
		n = atomic64_read(&pvi.gsi_count[gsi]);
		if (n)
			seq_printf(m, "%u %lld\n", gsi, n);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pvi_gsis);

static int pvi_uuid_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%pUb\n", &pvi.uuid);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pvi_uuid);

void pvi_debugfs_init(void)
{
	pvi_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("stats", 0444, pvi_dir, NULL, &pvi_stats_fops);
	debugfs_create_file("gsis", 0444, pvi_dir, NULL, &pvi_gsis_fops);
	debugfs_create_file("uuid", 0444, pvi_dir, NULL, &pvi_uuid_fops);
}

void pvi_debugfs_exit(void)
{
	debugfs_remove_recursive(pvi_dir);
}
