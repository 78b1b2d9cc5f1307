// SPDX-License-Identifier: GPL-2.0
/*
 * pvirq_crash: test-only.  Misbehaves on purpose at load, as told by its
 * "mode" parameter, so that the VM tier can prove it fails a guest that
 * oopses, hangs or warns, and, on the debug kernel, one whose KASAN,
 * lockdep, kmemleak, UBSAN or might_sleep() checks report a bug.  Never
 * part of a shipped build.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/init.h>
#include <linux/irqflags.h>
#include <linux/processor.h>
#include <linux/bug.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/kernel.h>

static char *mode = "none";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode,
		 "none, oops (NULL dereference), hang (spin with interrupts off), warn, uaf (use after free), lockdep (lock order inversion), leak, ubsan (shift out of range) or sleep (might_sleep() in atomic context)");

static DEFINE_MUTEX(crash_lock_a);
static DEFINE_MUTEX(crash_lock_b);

/* Reads an int from freed memory: KASAN reports a use-after-free. */
static int crash_uaf(void)
{
	int *p = kmalloc_array(4, sizeof(*p), GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	p[1] = 1;
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	return READ_ONCE(p[1]) ? -EINVAL : -EINVAL;
}

/* A then B, later B then A: lockdep reports a possible deadlock. */
static int crash_lock_inversion(void)
{
	mutex_lock(&crash_lock_a);
	mutex_lock(&crash_lock_b);
	mutex_unlock(&crash_lock_b);
	mutex_unlock(&crash_lock_a);

	mutex_lock(&crash_lock_b);
	mutex_lock(&crash_lock_a);
	mutex_unlock(&crash_lock_a);
	mutex_unlock(&crash_lock_b);
	return -EINVAL;
}

/* Allocates and forgets: kmemleak reports an unreferenced object. */
static int crash_leak(void)
{
	void *p = kzalloc(64, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	pr_info("leaking 64 bytes\n");
	return 0;
}

/* Shifts an int by 40: UBSAN reports a shift out of bounds. */
static int crash_shift(void)
{
	unsigned int n = 40;
	int v = 1;

	OPTIMIZER_HIDE_VAR(n);
	v <<= n;
	OPTIMIZER_HIDE_VAR(v);
	return v ? -EINVAL : -EINVAL;
}

/* Says it may sleep with preemption off: "sleeping function called ...". */
static int crash_atomic_sleep(void)
{
	preempt_disable();
	might_sleep();
	preempt_enable();
	return -EINVAL;
}

static int __init pvirq_crash_init(void)
{
	pr_info("mode %s\n", mode);
	if (!strcmp(mode, "oops")) {
		int *p = NULL;

		return READ_ONCE(*p);
	}
	if (!strcmp(mode, "hang")) {
		local_irq_disable();
		for (;;)
			cpu_relax();
	}
	if (!strcmp(mode, "warn")) {
		WARN(1, "deliberate warning from the VM tier self-test\n");
		return -EINVAL;
	}
	if (!strcmp(mode, "uaf"))
		return crash_uaf();
	if (!strcmp(mode, "lockdep"))
		return crash_lock_inversion();
	if (!strcmp(mode, "leak"))
		return crash_leak();
	if (!strcmp(mode, "ubsan"))
		return crash_shift();
	if (!strcmp(mode, "sleep"))
		return crash_atomic_sleep();
	return 0;
}

static void __exit pvirq_crash_exit(void)
{
}

module_init(pvirq_crash_init);
module_exit(pvirq_crash_exit);

MODULE_DESCRIPTION("pvirq VM tier self-test: deliberate oops, hang, warning or checker report");
MODULE_LICENSE("GPL");
