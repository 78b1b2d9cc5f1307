// SPDX-License-Identifier: GPL-2.0
/*
 * pvirq_crash: test-only.  Misbehaves on purpose at load, as told by its
 * "mode" parameter, so that the VM tier can prove it fails a guest that
 * oopses, hangs or warns.  Never part of a shipped build.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/init.h>
#include <linux/irqflags.h>
#include <linux/processor.h>
#include <linux/bug.h>

static char *mode = "none";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "none, oops (NULL dereference), hang (spin with interrupts off) or warn");

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
	return 0;
}

static void __exit pvirq_crash_exit(void)
{
}

module_init(pvirq_crash_init);
module_exit(pvirq_crash_exit);

MODULE_DESCRIPTION("pvirq VM tier self-test: deliberate oops, hang or warning");
MODULE_LICENSE("GPL");
