// SPDX-License-Identifier: GPL-2.0
/*
 * pvi_client: a test-only user of pvi's kernel API, driven from the VM
 * tier's scripts through /sys/kernel/debug/pvi_client/:
 *
 *   ctl     write one command:
 *             listen GSI              request the GSI's IRQ, count its PVIs
 *             unlisten GSI            free it
 *             allow UUID GSI|any      pvi_allow()
 *             revoke UUID GSI|any     pvi_revoke()
 *             send UUID GSI COUNT     pvi_resolve(), then pvi_send() COUNT
 *                                     times (hard IRQs off for each, as a
 *                                     driver in atomic context would)
 *             raw NR A0 A1 A2 A3      a KVM hypercall NR with those four
 *                                     registers, past pvi.ko: what a guest
 *                                     that does not follow the ABI can do
 *           the write fails with the API's errno (send: only when
 *           resolving fails; per-send results go to "counts")
 *   counts  "gsi G irqs N wrong_ctx N" per listened GSI, then
 *           "send sent N EPERM N ENOENT N ESHUTDOWN N EBUSY N EINVAL N other N"
 *           for the last send command, and "raw R" with the last raw
 *           hypercall's return value
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <pvirq/pvi.h>
#include <pvirq/seam.h>

PVIRQ_SEAM_DEFINE();

#define CLIENT_MAX	16

struct client_gsi {
	bool used;
	u32 gsi;
	int irq;
	atomic64_t irqs;
	atomic64_t wrong_ctx;
};

enum { R_SENT, R_EPERM, R_ENOENT, R_ESHUTDOWN, R_EBUSY, R_EINVAL, R_OTHER, R_NR };

static const char *const r_names[R_NR] = {
	"sent", "EPERM", "ENOENT", "ESHUTDOWN", "EBUSY", "EINVAL", "other",
};

/* Guards client_gsis' used/gsi/irq and client_res; handlers read their own. */
static DEFINE_MUTEX(client_lock);
static struct client_gsi client_gsis[CLIENT_MAX];
static u64 client_res[R_NR];
static long client_raw_ret;
static struct dentry *client_dir;

static irqreturn_t client_irq(int irq, void *data)
{
	struct client_gsi *c = data;

	if (!in_hardirq())
		atomic64_inc(&c->wrong_ctx);
	atomic64_inc(&c->irqs);
	return IRQ_HANDLED;
}

static int client_listen(u32 gsi)
{
	struct client_gsi *c = NULL;
	int i, irq, ret;

	for (i = 0; i < CLIENT_MAX; i++) {
		if (client_gsis[i].used && client_gsis[i].gsi == gsi)
			return -EEXIST;
		if (!client_gsis[i].used && !c)
			c = &client_gsis[i];
	}
	if (!c)
		return -ENOSPC;
	irq = pvi_gsi_to_irq(gsi);
	if (irq < 0)
		return irq;
	atomic64_set(&c->irqs, 0);
	atomic64_set(&c->wrong_ctx, 0);
	ret = request_irq(irq, client_irq, 0, "pvi-client", c);
	if (ret)
		return ret;
	c->gsi = gsi;
	c->irq = irq;
	c->used = true;
	return 0;
}

static int client_unlisten(u32 gsi)
{
	int i;

	for (i = 0; i < CLIENT_MAX; i++) {
		struct client_gsi *c = &client_gsis[i];

		if (c->used && c->gsi == gsi) {
			free_irq(c->irq, c);
			c->used = false;
			return 0;
		}
	}
	return -ENOENT;
}

static int client_gsi_arg(const char *s, u32 *gsi)
{
	if (!strcmp(s, "any")) {
		*gsi = PVI_GSI_ANY;
		return 0;
	}
	return kstrtou32(s, 0, gsi);
}

static int client_send(const uuid_t *u, u32 gsi, u32 count)
{
	unsigned long flags;
	pvi_peer_t peer;
	int ret, r;
	u32 i;

	ret = pvi_resolve(u, &peer);
	if (ret)
		return ret;
	memset(client_res, 0, sizeof(client_res));
	for (i = 0; i < count; i++) {
		local_irq_save(flags);
		ret = pvi_send(peer, gsi);
		local_irq_restore(flags);
		switch (ret) {
		case 0:
			r = R_SENT;
			break;
		case -EPERM:
			r = R_EPERM;
			break;
		case -ENOENT:
			r = R_ENOENT;
			break;
		case -ESHUTDOWN:
			r = R_ESHUTDOWN;
			break;
		case -EBUSY:
			r = R_EBUSY;
			break;
		case -EINVAL:
			r = R_EINVAL;
			break;
		default:
			r = R_OTHER;
			break;
		}
		client_res[r]++;
		cond_resched();
	}
	return 0;
}

static int client_exec(char *line)
{
	char *argv[6], *p = strim(line), *tok;
	struct pvirq_hcall hc = { .abi = PVIRQ_ABI_KVM };
	u32 gsi, count;
	int i;
	int argc = 0;
	uuid_t u;

	while ((tok = strsep(&p, " ")) && argc < 6)
		if (*tok)
			argv[argc++] = tok;
	if (!argc)
		return -EINVAL;
	if (!strcmp(argv[0], "listen") && argc == 2)
		return kstrtou32(argv[1], 0, &gsi) ?: client_listen(gsi);
	if (!strcmp(argv[0], "unlisten") && argc == 2)
		return kstrtou32(argv[1], 0, &gsi) ?: client_unlisten(gsi);
	if ((!strcmp(argv[0], "allow") || !strcmp(argv[0], "revoke")) && argc == 3) {
		if (uuid_parse(argv[1], &u) || client_gsi_arg(argv[2], &gsi))
			return -EINVAL;
		return argv[0][0] == 'a' ? pvi_allow(&u, gsi) : pvi_revoke(&u, gsi);
	}
	if (!strcmp(argv[0], "send") && argc == 4) {
		if (uuid_parse(argv[1], &u) || kstrtou32(argv[2], 0, &gsi) ||
		    kstrtou32(argv[3], 0, &count))
			return -EINVAL;
		return client_send(&u, gsi, count);
	}
	if (!strcmp(argv[0], "raw") && argc == 6) {
		if (kstrtou64(argv[1], 0, &hc.nr))
			return -EINVAL;
		for (i = 0; i < 4; i++)
			if (kstrtou64(argv[2 + i], 0, &hc.args[i]))
				return -EINVAL;
		client_raw_ret = pvirq_hypercall(&hc);
		return 0;
	}
	return -EINVAL;
}

static ssize_t client_ctl_write(struct file *f, const char __user *ubuf,
				size_t len, loff_t *off)
{
	char *buf;
	int ret;

	if (len > 256)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	mutex_lock(&client_lock);
	ret = client_exec(buf);
	mutex_unlock(&client_lock);
	kfree(buf);
	return ret ? ret : len;
}

static const struct file_operations client_ctl_fops = {
	.owner = THIS_MODULE,
	.write = client_ctl_write,
};

static int client_counts_show(struct seq_file *m, void *v)
{
	int i;

	mutex_lock(&client_lock);
	for (i = 0; i < CLIENT_MAX; i++) {
		struct client_gsi *c = &client_gsis[i];

		if (c->used)
			seq_printf(m, "gsi %u irqs %lld wrong_ctx %lld\n", c->gsi,
				   atomic64_read(&c->irqs),
				   atomic64_read(&c->wrong_ctx));
	}
	seq_puts(m, "send");
	for (i = 0; i < R_NR; i++)
		seq_printf(m, " %s %llu", r_names[i], client_res[i]);
	seq_printf(m, "\nraw %ld\n", client_raw_ret);
	mutex_unlock(&client_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(client_counts);

static int __init client_init(void)
{
	pr_info("hypercalls via %s\n", pvirq_seam_acquire());
	client_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("ctl", 0200, client_dir, NULL, &client_ctl_fops);
	debugfs_create_file("counts", 0444, client_dir, NULL,
			    &client_counts_fops);
	return 0;
}

static void __exit client_exit(void)
{
	int i;

	debugfs_remove_recursive(client_dir);
	for (i = 0; i < CLIENT_MAX; i++)
		if (client_gsis[i].used)
			free_irq(client_gsis[i].irq, &client_gsis[i]);
	pvirq_seam_release();
}

module_init(client_init);
module_exit(client_exit);

MODULE_DESCRIPTION("pvirq VM tier: test client of the pvi API");
MODULE_AUTHOR("The pvirq authors");
MODULE_LICENSE("GPL");
