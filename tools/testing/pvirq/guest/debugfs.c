// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs for the test transport, /sys/kernel/debug/pvirq_transport/:
 *
 *   stats     requests and host errors per op, timeouts, injected vectors
 *             delivered per CPU
 *   ctl       write one control command line; it goes to pvirq-host as a
 *             CONTROL request and the host's reply line is read back
 *   selftest  write one seam or raw request; read back its result:
 *               [@CPU] cpuid LEAF SUBLEAF     -> EAX EBX ECX EDX
 *               [@CPU] rdmsr MSR              -> ERR VALUE
 *               [@CPU] wrmsr MSR VALUE        -> ERR
 *               [@CPU] hypercall ABI NR A0 A1 A2 A3 A4
 *                                             -> RET OUT
 *               [@CPU] hcbuf ABI NR ARG DIR LEN TEXT
 *                      one buffer of LEN bytes holding TEXT (zero padded),
 *                      referred to by argument ARG, DIR 1 in, 2 out, 3 both;
 *                      read back in hex
 *                                             -> RET OUT BUFFER-HEX
 *               [@CPU] raw OP A0..A7          -> ERR RET OUT0..OUT3
 *               [@CPU] stress N
 *                      N rounds of wrmsr/rdmsr of the base model's last
 *                      scratch MSR (a value naming CPU and round) and
 *                      cpuid 0x40000000; the write fails with -EIO if any
 *                      answer was wrong    -> N WRONG
 *             "raw" skips every guest-side check, to show how the host
 *             answers bad requests.  With @CPU the request is made on that
 *             CPU from an IPI, i.e. in hardirq context.
 *
 * Numbers are parsed with base 0 (0x.. for hex); return values and errors
 * are printed in decimal, registers and values in hex.
 * The last reply of each file is kept until the next write to it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <pvirq/seam.h>

#include "transport.h"

#define PVT_LINE_MAX	1024

static unsigned int ctl_timeout_ms = 120000;
module_param(ctl_timeout_ms, uint, 0644);
MODULE_PARM_DESC(ctl_timeout_ms, "how long a control command may wait (ms)");

static struct dentry *pvt_dir;

/*
 * pvt_ctl_lock serialises control commands, held while one waits for the
 * host, and guards pvt_ctl_reply: a reader waits for the command in flight.
 * pvt_st_lock guards pvt_st_reply only; self-tests run concurrently.
 */
static DEFINE_MUTEX(pvt_ctl_lock);
static char pvt_ctl_reply[PVT_LINE_MAX];
static DEFINE_MUTEX(pvt_st_lock);
static char pvt_st_reply[PVT_LINE_MAX];

static int pvt_stats_show(struct seq_file *m, void *unused)
{
	struct pvt_dev *pd;
	unsigned int op, cpu;

	rcu_read_lock_sched();
	pd = pvt_get_dev();
	if (pd)
		seq_printf(m, "host \"%s\" guest %u peer %u host_peer %u slots %u\n",
			   pd->name, pd->guest_id, pd->peer_id, pd->host_peer,
			   pd->nslots);
	else
		seq_puts(m, "host none\n");
	rcu_read_unlock_sched();

	for (op = 1; op < PVIRQ_OP_MAX; op++)
		seq_printf(m, "op %-10s requests %lld errors %lld\n",
			   pvt_op_name(op),
			   atomic64_read(&pvt_stats.req[op]),
			   atomic64_read(&pvt_stats.err[op]));
	seq_printf(m, "op %-10s requests %lld errors %lld\n", "unknown",
		   atomic64_read(&pvt_stats.req[0]),
		   atomic64_read(&pvt_stats.err[0]));
	seq_printf(m, "timeouts %lld\nrefused %lld\n",
		   atomic64_read(&pvt_stats.timeouts),
		   atomic64_read(&pvt_stats.refused));
	seq_printf(m, "inject kicks %lld bad_vector %lld offline %lld\n",
		   atomic64_read(&pvt_stats.kicks),
		   atomic64_read(&pvt_stats.bad_vector),
		   atomic64_read(&pvt_stats.offline));
	for_each_possible_cpu(cpu) {
		if (cpu >= PVIRQ_WIRE_MAX_VCPUS)
			break;
		seq_printf(m, "cpu %u delivered %lld\n", cpu,
			   atomic64_read(&pvt_stats.delivered[cpu]));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pvt_stats);

/* Copy one line from user space, without its trailing newline. */
static char *pvt_get_line(const char __user *ubuf, size_t count)
{
	char *line;

	if (!count || count >= PVT_LINE_MAX)
		return ERR_PTR(-EINVAL);
	line = memdup_user_nul(ubuf, count);
	if (IS_ERR(line))
		return line;
	strim(line);
	return line;
}

static ssize_t pvt_reply_read(char __user *ubuf, size_t count, loff_t *ppos,
			      const char *reply, struct mutex *lock)
{
	ssize_t ret;

	mutex_lock(lock);
	ret = simple_read_from_buffer(ubuf, count, ppos, reply, strlen(reply));
	mutex_unlock(lock);
	return ret;
}

/* ---- ctl ---- */

static ssize_t pvt_ctl_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct pvt_req req = { .op = PVIRQ_OP_CONTROL };
	char *line, *buf;
	int err;

	line = pvt_get_line(ubuf, count);
	if (IS_ERR(line))
		return PTR_ERR(line);
	buf = kzalloc(PVT_LINE_MAX, GFP_KERNEL);
	if (!buf) {
		err = -ENOMEM;
		goto free_line;
	}
	strscpy(buf, line, PVT_LINE_MAX);
	req.nbufs = 1;
	req.buf[0].ptr = buf;
	req.buf[0].len = PVT_LINE_MAX;
	req.buf[0].arg = 0;
	req.buf[0].dir = PVIRQ_BUF_IN | PVIRQ_BUF_OUT;

	mutex_lock(&pvt_ctl_lock);
	err = pvt_call_sleepable(&req, READ_ONCE(ctl_timeout_ms));
	if (!err)
		err = pvt_host_errno(req.ret);
	if (err) {
		snprintf(pvt_ctl_reply, sizeof(pvt_ctl_reply),
			 "error %d\n", err);
	} else {
		/* The host's line: terminate it and keep it printable. */
		buf[PVT_LINE_MAX - 2] = '\0';
		strim(buf);
		snprintf(pvt_ctl_reply, sizeof(pvt_ctl_reply), "%s\n", buf);
	}
	mutex_unlock(&pvt_ctl_lock);
	if (err)
		pr_info("control \"%s\" failed (%d)\n", line, err);

	kfree(buf);
free_line:
	kfree(line);
	return err ? err : count;
}

static ssize_t pvt_ctl_read(struct file *file, char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	return pvt_reply_read(ubuf, count, ppos, pvt_ctl_reply, &pvt_ctl_lock);
}

static const struct file_operations pvt_ctl_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = pvt_ctl_read,
	.write = pvt_ctl_write,
	.llseek = default_llseek,
};

/* ---- selftest ---- */

#define PVT_ST_ARGS	10

struct pvt_st_cmd {
	char verb[16];
	u64 a[PVT_ST_ARGS];
	unsigned int na;
	const char *text;	/* the rest of the line for hcbuf */
	char out[PVT_LINE_MAX];
	int err;
};

static void pvt_st_cpuid(struct pvt_st_cmd *c)
{
	u32 r[4];

	pvirq_seam_transport.cpuid(c->a[0], c->a[1], r);
	snprintf(c->out, sizeof(c->out), "%#x %#x %#x %#x\n",
		 r[0], r[1], r[2], r[3]);
}

static void pvt_st_hypercall(struct pvt_st_cmd *c)
{
	struct pvirq_hcall hc = {
		.abi = c->a[0],
		.nr = c->a[1],
		.args = { c->a[2], c->a[3], c->a[4], c->a[5], c->a[6] },
	};
	long ret;

	ret = pvirq_seam_transport.hypercall(&hc);
	snprintf(c->out, sizeof(c->out), "%ld %#llx\n", ret, hc.out);
}

/* hcbuf ABI NR ARG DIR LEN TEXT */
static void pvt_st_hcbuf(struct pvt_st_cmd *c)
{
	struct pvirq_hcall hc = {
		.abi = c->a[0],
		.nr = c->a[1],
		.nbufs = 1,
	};
	size_t len = c->a[4];
	char *buf;
	long ret;
	int n;

	if (len > PVIRQ_HC_BUF_MAX || c->a[2] >= PVIRQ_HC_NARGS) {
		c->err = -EINVAL;
		return;
	}
	buf = kzalloc(len, GFP_ATOMIC);
	if (!buf) {
		c->err = -ENOMEM;
		return;
	}
	if (c->text)
		memcpy(buf, c->text, min(len, strlen(c->text)));
	hc.buf[0].ptr = buf;
	hc.buf[0].len = len;
	hc.buf[0].arg = c->a[2];
	hc.buf[0].dir = c->a[3];
	ret = pvirq_seam_transport.hypercall(&hc);
	n = snprintf(c->out, sizeof(c->out), "%ld %#llx ", ret, hc.out);
	/* the buffer as it came back, in hex; cut to fit the reply */
	len = min_t(size_t, len, (sizeof(c->out) - n - 2) / 2);
	bin2hex(c->out + n, buf, len);
	strcpy(c->out + n + 2 * len, "\n");
	kfree(buf);
}

static void pvt_st_raw(struct pvt_st_cmd *c)
{
	struct pvt_req req = { .op = c->a[0] };
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(req.arg); i++)
		req.arg[i] = c->a[1 + i];
	err = pvt_call(&req);
	snprintf(c->out, sizeof(c->out), "%d %lld %#llx %#llx %#llx %#llx\n",
		 err, req.ret, req.out[0], req.out[1], req.out[2], req.out[3]);
}

/* Catches answers that went to the wrong CPU, guest or request. */
static void pvt_st_stress(struct pvt_st_cmd *c)
{
	const u32 msr = 0x5056490f;	/* base model scratch */
	u64 n = c->a[0], i, val, wrong = 0;
	u32 cpu = raw_smp_processor_id();
	u32 r[4];

	for (i = 0; i < n; i++) {
		u64 want = (u64)cpu << 48 | (u64)get_random_u32() << 16 |
			   (i & 0xffff);

		if (pvirq_seam_transport.write_msr(msr, want) ||
		    pvirq_seam_transport.read_msr(msr, &val) || val != want)
			wrong++;
		pvirq_seam_transport.cpuid(0x40000000, 0, r);
		if (r[0] != 0x40000001)
			wrong++;
	}
	snprintf(c->out, sizeof(c->out), "%llu %llu\n", n, wrong);
	if (wrong)
		c->err = -EIO;
}

static void pvt_st_run(void *arg)
{
	struct pvt_st_cmd *c = arg;
	u64 val;
	int err;

	if (!strcmp(c->verb, "cpuid") && c->na == 2) {
		pvt_st_cpuid(c);
	} else if (!strcmp(c->verb, "rdmsr") && c->na == 1) {
		err = pvirq_seam_transport.read_msr(c->a[0], &val);
		snprintf(c->out, sizeof(c->out), "%d %#llx\n", err, val);
	} else if (!strcmp(c->verb, "wrmsr") && c->na == 2) {
		err = pvirq_seam_transport.write_msr(c->a[0], c->a[1]);
		snprintf(c->out, sizeof(c->out), "%d\n", err);
	} else if (!strcmp(c->verb, "hypercall") && c->na == 7) {
		pvt_st_hypercall(c);
	} else if (!strcmp(c->verb, "hcbuf") && c->na == 5) {
		pvt_st_hcbuf(c);
	} else if (!strcmp(c->verb, "raw") && c->na >= 1 && c->na <= 9) {
		pvt_st_raw(c);
	} else if (!strcmp(c->verb, "stress") && c->na == 1 &&
		   c->a[0] <= 10000) {
		pvt_st_stress(c);
	} else {
		c->err = -EINVAL;
	}
}

/* Split "[@CPU] VERB N N ... [TEXT]" into @c; returns the CPU or -1. */
static int pvt_st_parse(char *line, struct pvt_st_cmd *c)
{
	bool is_hcbuf = false;
	int cpu = -1;
	char *tok;

	if (line[0] == '@') {
		tok = strsep(&line, " ");
		if (kstrtoint(tok + 1, 0, &cpu) || cpu < 0)
			return -EINVAL;
	}
	tok = strsep(&line, " ");
	if (!tok || strscpy(c->verb, tok, sizeof(c->verb)) < 0)
		return -EINVAL;
	is_hcbuf = !strcmp(c->verb, "hcbuf");
	while (line && *line) {
		if (is_hcbuf && c->na == 5) {
			c->text = line;
			break;
		}
		tok = strsep(&line, " ");
		if (!*tok)
			continue;
		if (c->na >= PVT_ST_ARGS || kstrtou64(tok, 0, &c->a[c->na]))
			return -EINVAL;
		c->na++;
	}
	return cpu;
}

static ssize_t pvt_st_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct pvt_st_cmd *c;
	char *line;
	int cpu, err;

	line = pvt_get_line(ubuf, count);
	if (IS_ERR(line))
		return PTR_ERR(line);
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c) {
		err = -ENOMEM;
		goto free_line;
	}
	cpu = pvt_st_parse(line, c);
	if (cpu < -1) {
		err = cpu;
		goto free_cmd;
	}
	if (cpu >= 0) {
		if (cpu >= nr_cpu_ids || !cpu_online(cpu)) {
			err = -ENXIO;
			goto free_cmd;
		}
		err = smp_call_function_single(cpu, pvt_st_run, c, 1);
		if (err)
			goto free_cmd;
	} else {
		/* same as from an IPI: atomic, and on one CPU throughout */
		preempt_disable();
		pvt_st_run(c);
		preempt_enable();
	}
	err = c->err;
	if (err)
		goto free_cmd;

	mutex_lock(&pvt_st_lock);
	strscpy(pvt_st_reply, c->out, sizeof(pvt_st_reply));
	mutex_unlock(&pvt_st_lock);

free_cmd:
	kfree(c);
free_line:
	kfree(line);
	return err ? err : count;
}

static ssize_t pvt_st_read(struct file *file, char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	return pvt_reply_read(ubuf, count, ppos, pvt_st_reply, &pvt_st_lock);
}

static const struct file_operations pvt_st_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = pvt_st_read,
	.write = pvt_st_write,
	.llseek = default_llseek,
};

int pvt_debugfs_init(void)
{
	pvt_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	if (IS_ERR(pvt_dir))
		return PTR_ERR(pvt_dir);
	debugfs_create_file("stats", 0444, pvt_dir, NULL, &pvt_stats_fops);
	debugfs_create_file("ctl", 0600, pvt_dir, NULL, &pvt_ctl_fops);
	debugfs_create_file("selftest", 0600, pvt_dir, NULL, &pvt_st_fops);
	return 0;
}

void pvt_debugfs_exit(void)
{
	debugfs_remove_recursive(pvt_dir);
	pvt_dir = NULL;
}
