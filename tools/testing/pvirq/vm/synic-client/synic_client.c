// SPDX-License-Identifier: GPL-2.0
/*
 * synic_client: a test-only user of hv_synic's API, driven from the VM
 * tier's scripts through /sys/kernel/debug/synic_client/:
 *
 *   ctl     write one command:
 *             msg SINT TYPE [thread] [cpu N]   register a message handler
 *             unmsg SINT TYPE                  unregister it
 *             evt SINT FLAG [thread]           register an event handler
 *             unevt SINT FLAG                  unregister it
 *             post CONN TYPE COUNT [try]       post COUNT messages
 *             signal CONN FLAG                 HvSignalEvent
 *             reset                            zero the counters
 *           the write fails with the API's errno
 *   counts  what the handlers saw (format in client_counts_show())
 *
 * Message payloads carry u64 seq, u64 (vcpu << 8 | sint) (pvirq-host's
 * "burst") or u64 seq alone (our "post"): the handler counts messages,
 * sequence breaks per (CPU, SINT), payloads that name another CPU or SINT,
 * and calls made in the wrong context.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <pvirq/synic.h>

#define CLIENT_MSG_MAX	32
#define CLIENT_EVT_MAX	256
#define CLIENT_CPUS	8

struct client_msg {
	struct pvirq_synic_msg_handler h;
	bool used;
	atomic64_t recv;
	atomic64_t bad_seq;
	atomic64_t wrong_dest;
	atomic64_t wrong_ctx;
	atomic64_t per_cpu[CLIENT_CPUS];
	/* next seq per CPU; only that CPU's handler touches its entry */
	u64 expect[CLIENT_CPUS];
};

struct client_evt {
	struct pvirq_synic_evt_handler h;
	bool used;
	atomic64_t count;
	atomic64_t wrong_ctx;
};

/* Guards the tables' used/h fields; handlers read only their own entry. */
static DEFINE_MUTEX(client_lock);
static struct client_msg client_msgs[CLIENT_MSG_MAX];
static struct client_evt client_evts[CLIENT_EVT_MAX];
static atomic64_t client_post_ok, client_post_err;
static int client_post_last_err;
static struct dentry *client_dir;

static void client_msg_fn(const struct hv_message *msg, void *data)
{
	struct client_msg *m = data;
	unsigned int cpu = raw_smp_processor_id();
	bool threaded = m->h.flags & PVIRQ_SYNIC_THREADED;
	u64 seq = msg->u.payload[0];

	atomic64_inc(&m->recv);
	if (cpu < CLIENT_CPUS)
		atomic64_inc(&m->per_cpu[cpu]);
	if (threaded != !in_interrupt())
		atomic64_inc(&m->wrong_ctx);
	if (msg->header.payload_size >= 16 &&
	    msg->u.payload[1] != ((u64)cpu << 8 | m->h.sint))
		atomic64_inc(&m->wrong_dest);
	if (cpu < CLIENT_CPUS) {
		if (seq != m->expect[cpu])
			atomic64_inc(&m->bad_seq);
		m->expect[cpu] = seq + 1;
	}
}

static void client_evt_fn(unsigned int flag, void *data)
{
	struct client_evt *e = data;
	bool threaded = e->h.flags & PVIRQ_SYNIC_THREADED;

	atomic64_inc(&e->count);
	if (threaded != !in_interrupt())
		atomic64_inc(&e->wrong_ctx);
}

static void client_msg_reset(struct client_msg *m)
{
	int i;

	atomic64_set(&m->recv, 0);
	atomic64_set(&m->bad_seq, 0);
	atomic64_set(&m->wrong_dest, 0);
	atomic64_set(&m->wrong_ctx, 0);
	for (i = 0; i < CLIENT_CPUS; i++) {
		atomic64_set(&m->per_cpu[i], 0);
		m->expect[i] = 0;
	}
}

static int client_msg_add(unsigned int sint, u32 type, bool threaded, int cpu)
{
	struct client_msg *m = NULL;
	int i, ret;

	for (i = 0; i < CLIENT_MSG_MAX && !m; i++)
		if (!client_msgs[i].used)
			m = &client_msgs[i];
	if (!m)
		return -ENOSPC;
	client_msg_reset(m);
	m->h = (struct pvirq_synic_msg_handler){
		.sint = sint, .type = type, .min_size = 8,
		.flags = threaded ? PVIRQ_SYNIC_THREADED : 0, .cpu = cpu,
		.fn = client_msg_fn, .data = m,
	};
	ret = pvirq_synic_register_msg_handler(&m->h);
	if (!ret)
		m->used = true;
	return ret;
}

static int client_msg_del(unsigned int sint, u32 type)
{
	int i;

	for (i = 0; i < CLIENT_MSG_MAX; i++) {
		struct client_msg *m = &client_msgs[i];

		if (!m->used || m->h.sint != sint || m->h.type != type)
			continue;
		pvirq_synic_unregister_msg_handler(&m->h);
		m->used = false;
		return 0;
	}
	return -ENOENT;
}

static int client_evt_add(unsigned int sint, unsigned int flag, bool threaded)
{
	struct client_evt *e = NULL;
	int i, ret;

	for (i = 0; i < CLIENT_EVT_MAX && !e; i++)
		if (!client_evts[i].used)
			e = &client_evts[i];
	if (!e)
		return -ENOSPC;
	atomic64_set(&e->count, 0);
	atomic64_set(&e->wrong_ctx, 0);
	e->h = (struct pvirq_synic_evt_handler){
		.sint = sint, .flag = flag,
		.flags = threaded ? PVIRQ_SYNIC_THREADED : 0,
		.cpu = PVIRQ_SYNIC_ANY_CPU, .fn = client_evt_fn, .data = e,
	};
	ret = pvirq_synic_register_evt_handler(&e->h);
	if (!ret)
		e->used = true;
	return ret;
}

static int client_evt_del(unsigned int sint, unsigned int flag)
{
	int i;

	for (i = 0; i < CLIENT_EVT_MAX; i++) {
		struct client_evt *e = &client_evts[i];

		if (!e->used || e->h.sint != sint || e->h.flag != flag)
			continue;
		pvirq_synic_unregister_evt_handler(&e->h);
		e->used = false;
		return 0;
	}
	return -ENOENT;
}

static int client_post(u32 conn, u32 type, u32 count, bool once)
{
	u64 seq;
	u32 i;
	int ret = 0;

	for (i = 0; i < count; i++) {
		seq = i;
		ret = once ? pvirq_synic_try_post_message(conn, type, &seq, 8) :
			     pvirq_synic_post_message(conn, type, &seq, 8);
		if (ret) {
			atomic64_inc(&client_post_err);
			client_post_last_err = ret;
			break;
		}
		atomic64_inc(&client_post_ok);
		cond_resched();
	}
	return ret;
}

static int client_exec(char *line)
{
	char *argv[8], *p = strim(line);
	unsigned int a[3] = { 0 };
	int argc = 0, i, cpu = PVIRQ_SYNIC_ANY_CPU;
	bool threaded = false, once = false;

	while (p && *p && argc < ARRAY_SIZE(argv))
		argv[argc++] = strsep(&p, " \t");
	if (!argc)
		return -EINVAL;
	for (i = 1; i < argc && i <= 3; i++) {
		if (!strcmp(argv[i], "thread")) {
			threaded = true;
		} else if (!strcmp(argv[i], "try")) {
			once = true;
		} else if (!strcmp(argv[i], "cpu")) {
			if (i + 1 >= argc || kstrtoint(argv[i + 1], 0, &cpu))
				return -EINVAL;
			i++;
		} else if (kstrtouint(argv[i], 0, &a[i - 1])) {
			return -EINVAL;
		}
	}
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "thread"))
			threaded = true;
		else if (!strcmp(argv[i], "try"))
			once = true;
		else if (!strcmp(argv[i], "cpu") && i + 1 < argc &&
			 !kstrtoint(argv[i + 1], 0, &cpu))
			i++;
		else
			return -EINVAL;
	}
	if (!strcmp(argv[0], "msg"))
		return client_msg_add(a[0], a[1], threaded, cpu);
	if (!strcmp(argv[0], "unmsg"))
		return client_msg_del(a[0], a[1]);
	if (!strcmp(argv[0], "evt"))
		return client_evt_add(a[0], a[1], threaded);
	if (!strcmp(argv[0], "unevt"))
		return client_evt_del(a[0], a[1]);
	if (!strcmp(argv[0], "post"))
		return client_post(a[0], a[1], a[2], once);
	if (!strcmp(argv[0], "signal"))
		return pvirq_synic_signal_event(a[0], a[1]);
	if (!strcmp(argv[0], "reset")) {
		for (i = 0; i < CLIENT_MSG_MAX; i++)
			client_msg_reset(&client_msgs[i]);
		for (i = 0; i < CLIENT_EVT_MAX; i++)
			atomic64_set(&client_evts[i].count, 0);
		atomic64_set(&client_post_ok, 0);
		atomic64_set(&client_post_err, 0);
		client_post_last_err = 0;
		return 0;
	}
	return -EINVAL;
}

static ssize_t client_ctl_write(struct file *f, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	char buf[128];
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	mutex_lock(&client_lock);
	ret = client_exec(buf);
	mutex_unlock(&client_lock);
	return ret ? ret : len;
}

static const struct file_operations client_ctl_fops = {
	.owner = THIS_MODULE,
	.write = client_ctl_write,
};

/*
 * msg SINT TYPE recv N bad_seq B wrong_dest D wrong_ctx X cpu0 N0 cpu1 N1
 * evt SINT FLAG count N wrong_ctx X
 * post ok N err E last_err R
 */
static int client_counts_show(struct seq_file *s, void *v)
{
	int i;

	mutex_lock(&client_lock);
	for (i = 0; i < CLIENT_MSG_MAX; i++) {
		struct client_msg *m = &client_msgs[i];

		if (!m->used)
			continue;
		seq_printf(s, "msg %u %u recv %lld bad_seq %lld wrong_dest %lld wrong_ctx %lld cpu0 %lld cpu1 %lld\n",
			   m->h.sint, m->h.type, atomic64_read(&m->recv),
			   atomic64_read(&m->bad_seq),
			   atomic64_read(&m->wrong_dest),
			   atomic64_read(&m->wrong_ctx),
			   atomic64_read(&m->per_cpu[0]),
			   atomic64_read(&m->per_cpu[1]));
	}
	for (i = 0; i < CLIENT_EVT_MAX; i++) {
		struct client_evt *e = &client_evts[i];

		if (e->used)
			seq_printf(s, "evt %u %u count %lld wrong_ctx %lld\n",
				   e->h.sint, e->h.flag,
				   atomic64_read(&e->count),
				   atomic64_read(&e->wrong_ctx));
	}
	seq_printf(s, "post ok %lld err %lld last_err %d\n",
		   atomic64_read(&client_post_ok),
		   atomic64_read(&client_post_err), client_post_last_err);
	mutex_unlock(&client_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(client_counts);

static int __init client_init(void)
{
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
	for (i = 0; i < CLIENT_MSG_MAX; i++)
		if (client_msgs[i].used)
			pvirq_synic_unregister_msg_handler(&client_msgs[i].h);
	for (i = 0; i < CLIENT_EVT_MAX; i++)
		if (client_evts[i].used)
			pvirq_synic_unregister_evt_handler(&client_evts[i].h);
}

module_init(client_init);
module_exit(client_exit);

MODULE_DESCRIPTION("Test-only client of hv_synic's handler and post/signal API");
MODULE_LICENSE("GPL");
