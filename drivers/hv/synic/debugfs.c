// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/hv_synic/:
 *
 *   stats  one line per online CPU and SINT in use:
 *          "cpu C sint S msgs M events E eoms O rejected R deferred D"
 *   cpus   one line per possible CPU: VP index, IRQ, vector, state, and
 *          the message-protocol counters of the interrupt and the thread
 *
 * Counters are written by their own CPU only and read here unlocked: a
 * line may mix values from two moments, never torn ones (64-bit loads).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "synic_int.h"

static struct dentry *synic_dir;

static int synic_stats_show(struct seq_file *m, void *v)
{
	unsigned long sints = synic.sints;
	unsigned int cpu, s;

	for_each_online_cpu(cpu) {
		struct synic_cpu *sc = per_cpu_ptr(synic.pcpu, cpu);

		for_each_set_bit(s, &sints, HV_SYNIC_SINT_COUNT) {
			struct synic_sint_stats *ss = &sc->sint[s];

			seq_printf(m, "cpu %u sint %u msgs %llu events %llu eoms %llu rejected %llu deferred %llu\n",
				   cpu, s, READ_ONCE(ss->msgs),
				   READ_ONCE(ss->events), READ_ONCE(ss->eoms),
				   READ_ONCE(ss->rejected),
				   READ_ONCE(ss->deferred));
		}
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(synic_stats);

static void synic_show_msg(struct seq_file *m, const char *who,
			   const struct synic_msg_stats *st)
{
	seq_printf(m, " %s handled %llu bad_header %llu short %llu unknown %llu lost_race %llu stale_pending %llu eom %llu",
		   who, READ_ONCE(st->handled), READ_ONCE(st->bad_header),
		   READ_ONCE(st->short_payload), READ_ONCE(st->unknown_type),
		   READ_ONCE(st->lost_race), READ_ONCE(st->stale_pending),
		   READ_ONCE(st->eom));
}

static int synic_cpus_show(struct seq_file *m, void *v)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct synic_cpu *sc = per_cpu_ptr(synic.pcpu, cpu);

		seq_printf(m, "cpu %u vp %u irq %u vector 0x%x enabled %d bound %u retries %llu spurious %llu orphans %llu",
			   cpu, READ_ONCE(sc->vp_index), sc->irq,
			   READ_ONCE(sc->vector), READ_ONCE(sc->enabled),
			   READ_ONCE(synic.bound[cpu]),
			   READ_ONCE(sc->retries), READ_ONCE(sc->spurious),
			   READ_ONCE(sc->evt_hard.orphans) +
			   READ_ONCE(sc->evt_thread.orphans));
		synic_show_msg(m, "irq:", &sc->hard.stats);
		synic_show_msg(m, "thread:", &sc->thread.stats);
		seq_putc(m, '\n');
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(synic_cpus);

void synic_debugfs_init(void)
{
	synic_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("stats", 0444, synic_dir, NULL, &synic_stats_fops);
	debugfs_create_file("cpus", 0444, synic_dir, NULL, &synic_cpus_fops);
}

void synic_debugfs_exit(void)
{
	debugfs_remove_recursive(synic_dir);
}
