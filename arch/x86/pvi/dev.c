// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/pvi: the pvi API for user space (include/pvirq/pvi_uapi.h).
 *
 * Opening the device needs CAP_SYS_ADMIN: sending, allowing and receiving
 * interrupts of other guests is an administrator's business, and the open
 * file is the permission from then on.  Every ioctl copies its argument in
 * whole, refuses non-zero flags and reserved fields, and checks each
 * GSI against the host's range before anything reaches the host.
 *
 * A bound GSI is a Linux IRQ of the pvi domain whose handler signals an
 * eventfd; the binding belongs to the file that made it and ends when that
 * file is closed at the latest.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/eventfd.h>
#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include <pvirq/pvi_uapi.h>

#include "pvi_int.h"

/**
 * struct pvi_bind - a GSI bound to an eventfd
 * @gsi: the GSI
 * @irq: its Linux IRQ, requested with this binding as dev_id
 * @ctx: the eventfd
 * @owner: the file that bound it
 * @signals: times the handler signalled @ctx
 */
struct pvi_bind {
	u32 gsi;
	unsigned int irq;
	struct eventfd_ctx *ctx;
	struct file *owner;
	atomic64_t signals;
};

/*
 * Guards pvi_binds: insertions, removals and each binding's lifetime.  The
 * IRQ handler reads only its own binding, which outlives its free_irq().
 */
static DEFINE_MUTEX(pvi_dev_lock);
static DEFINE_XARRAY(pvi_binds);

static void pvi_eventfd_signal(struct eventfd_ctx *ctx)
{
#ifdef PVI_HAVE_EVENTFD_SIGNAL_NO_COUNT
	eventfd_signal(ctx);
#else
	eventfd_signal(ctx, 1);
#endif
}

static irqreturn_t pvi_dev_irq(int irq, void *data)
{
	struct pvi_bind *b = data;

	atomic64_inc(&b->signals);
	pvi_eventfd_signal(b->ctx);
	return IRQ_HANDLED;
}

static int pvi_dev_open(struct inode *inode, struct file *file)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	return 0;
}

static void pvi_bind_free(struct pvi_bind *b)
{
	lockdep_assert_held(&pvi_dev_lock);
	xa_erase(&pvi_binds, b->gsi);
	free_irq(b->irq, b);
	eventfd_ctx_put(b->ctx);
	kfree(b);
}

static int pvi_dev_bind(struct file *file, const struct pvi_ioc_bind *a)
{
	struct pvi_bind *b;
	int irq, ret;

	if (a->flags || a->reserved || a->fd < 0 || a->gsi >= pvi.nr_gsis)
		return -EINVAL;
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	b->gsi = a->gsi;
	b->owner = file;
	b->ctx = eventfd_ctx_fdget(a->fd);
	if (IS_ERR(b->ctx)) {
		ret = PTR_ERR(b->ctx);
		goto out_free;
	}
	irq = pvi_gsi_to_irq(a->gsi);
	if (irq < 0) {
		ret = irq;
		goto out_put_ctx;
	}
	b->irq = irq;
	mutex_lock(&pvi_dev_lock);
	ret = xa_insert(&pvi_binds, a->gsi, b, GFP_KERNEL);
	if (ret)	/* -EBUSY: the GSI is bound already */
		goto out_unlock;
	ret = request_irq(irq, pvi_dev_irq, 0, "pvi-eventfd", b);
	if (ret) {
		pr_err("GSI %u: request_irq(%d) failed: %d\n", a->gsi, irq, ret);
		goto out_erase;
	}
	mutex_unlock(&pvi_dev_lock);
	return 0;

out_erase:
	xa_erase(&pvi_binds, a->gsi);
out_unlock:
	mutex_unlock(&pvi_dev_lock);
out_put_ctx:
	eventfd_ctx_put(b->ctx);
out_free:
	kfree(b);
	return ret;
}

static int pvi_dev_unbind(struct file *file, const struct pvi_ioc_bind *a)
{
	struct pvi_bind *b;
	int ret = 0;

	if (a->flags || a->reserved || a->fd != -1 || a->gsi >= pvi.nr_gsis)
		return -EINVAL;
	mutex_lock(&pvi_dev_lock);
	b = xa_load(&pvi_binds, a->gsi);
	if (!b || b->owner != file)
		ret = -ENOENT;
	else
		pvi_bind_free(b);
	mutex_unlock(&pvi_dev_lock);
	return ret;
}

static int pvi_dev_release(struct inode *inode, struct file *file)
{
	struct pvi_bind *b;
	unsigned long gsi;

	mutex_lock(&pvi_dev_lock);
	xa_for_each(&pvi_binds, gsi, b)
		if (b->owner == file)
			pvi_bind_free(b);
	mutex_unlock(&pvi_dev_lock);
	return 0;
}

static long pvi_dev_info(void __user *arg)
{
	const struct pvi_backend_ops *ops = READ_ONCE(pvi.ops);
	struct pvi_ioc_info info = {
		.nr_gsis = pvi.nr_gsis,
		.features = pvi.features,
	};

	if (!ops)
		return -ENODEV;
	export_uuid(info.uuid, &pvi.uuid);
	strscpy(info.backend, ops->name, sizeof(info.backend));
	return copy_to_user(arg, &info, sizeof(info)) ? -EFAULT : 0;
}

static long pvi_dev_resolve(void __user *arg)
{
	struct pvi_ioc_resolve r;
	pvi_peer_t peer;
	uuid_t uuid;
	int ret;

	if (copy_from_user(&r, arg, sizeof(r)))
		return -EFAULT;
	import_uuid(&uuid, r.uuid);
	ret = pvi_resolve(&uuid, &peer);
	if (ret)
		return ret;
	r.peer = peer;
	return copy_to_user(arg, &r, sizeof(r)) ? -EFAULT : 0;
}

static long pvi_dev_send(void __user *arg)
{
	struct pvi_ioc_send s;

	if (copy_from_user(&s, arg, sizeof(s)))
		return -EFAULT;
	if (s.flags)
		return -EINVAL;
	return pvi_send(s.peer, s.gsi);
}

static long pvi_dev_allow(unsigned int cmd, void __user *arg)
{
	struct pvi_ioc_allow a;
	uuid_t uuid;

	if (copy_from_user(&a, arg, sizeof(a)))
		return -EFAULT;
	if (a.flags)
		return -EINVAL;
	import_uuid(&uuid, a.uuid);
	return cmd == PVI_IOC_ALLOW ? pvi_allow(&uuid, a.gsi) :
				      pvi_revoke(&uuid, a.gsi);
}

static long pvi_dev_ioctl(struct file *file, unsigned int cmd,
			  unsigned long uarg)
{
	void __user *arg = (void __user *)uarg;
	struct pvi_ioc_bind b;

	switch (cmd) {
	case PVI_IOC_INFO:
		return pvi_dev_info(arg);
	case PVI_IOC_RESOLVE:
		return pvi_dev_resolve(arg);
	case PVI_IOC_SEND:
		return pvi_dev_send(arg);
	case PVI_IOC_ALLOW:
	case PVI_IOC_REVOKE:
		return pvi_dev_allow(cmd, arg);
	case PVI_IOC_BIND:
	case PVI_IOC_UNBIND:
		if (copy_from_user(&b, arg, sizeof(b)))
			return -EFAULT;
		return cmd == PVI_IOC_BIND ? pvi_dev_bind(file, &b) :
					     pvi_dev_unbind(file, &b);
	}
	return -ENOTTY;
}

static const struct file_operations pvi_dev_fops = {
	.owner		= THIS_MODULE,
	.open		= pvi_dev_open,
	.release	= pvi_dev_release,
	.unlocked_ioctl	= pvi_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice pvi_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= PVI_DEV_NAME,
	.fops	= &pvi_dev_fops,
	.mode	= 0600,
};

int pvi_dev_init(void)
{
	int ret = misc_register(&pvi_misc);

	if (ret)
		pr_err("registering /dev/%s failed: %d\n", PVI_DEV_NAME, ret);
	return ret;
}

/* The module cannot go while the device is open: no binding is left. */
void pvi_dev_exit(void)
{
	misc_deregister(&pvi_misc);
	WARN_ON(!xa_empty(&pvi_binds));
}
