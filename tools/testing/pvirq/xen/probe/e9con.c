// SPDX-License-Identifier: GPL-2.0
/*
 * pvirq_e9con: a kernel console on Xen's HVM debug port, for the xen tier.
 *
 * Test-only.  An HVM guest booted with xen_nopv has no PV console, and
 * the emulated UART costs a round trip to qemu-xen in dom0 per byte: under
 * nested TCG a page of output takes minutes.  Xen itself takes bytes
 * written to I/O port 0xe9 and prints each line on its own console as
 * "(d<domid>) ...", which is where the tier's runner reads it.  Loaded
 * first in the guest, this console carries the kernel's messages (those
 * above the console loglevel, with what the log already holds) and,
 * through /dev/kmsg, the test scripts' TAP.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/init.h>
#include <linux/console.h>
#include <linux/io.h>

#define E9CON_PORT	0xe9

static void e9con_write(struct console *con, const char *s, unsigned int n)
{
	/* Called with the console lock held: no other writer interleaves. */
	while (n--)
		outb(*s++, E9CON_PORT);
}

static struct console e9con = {
	.name	= "pvirqe9",
	.write	= e9con_write,
	.flags	= CON_PRINTBUFFER | CON_ENABLED,
	.index	= -1,
};

static int __init e9con_init(void)
{
	register_console(&e9con);
	pr_info("console on I/O port 0x%x\n", E9CON_PORT);
	return 0;
}

static void __exit e9con_exit(void)
{
	unregister_console(&e9con);
}

module_init(e9con_init);
module_exit(e9con_exit);

MODULE_DESCRIPTION("pvirq test: kernel console on the Xen HVM debug port 0xe9");
MODULE_AUTHOR("The pvirq authors");
MODULE_LICENSE("GPL");
