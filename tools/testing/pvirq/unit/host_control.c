// SPDX-License-Identifier: GPL-2.0
/*
 * libpvirqhost control protocol, in process: parsing, error replies, the
 * commands' effects on a guest, and the asynchronous ones (barrier,
 * wait-guests) including cancellation when a waiter goes away.
 */
#include "host_test.h"

static struct pvirq_sb rep;
static int ndone;
static char last[256];

static void done(struct pvirq_ctl_req *req, const char *reply)
{
	ndone++;
	snprintf(last, sizeof(last), "%s", reply);
}

static const char *run(struct pvirq_host *h, struct pvirq_ctl_req *req,
		       const char *line, int *ret)
{
	int r = pvirq_ctl_exec(h, line, req, &rep);

	if (ret)
		*ret = r;
	return r == PVIRQ_CTL_ASYNC ? "(queued)" : pvirq_sb_str(&rep);
}

static bool is(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static void test_parsing(struct pvirq_host *h)
{
	char line[64] = "  inject\tg0  1 0x40 \r\n", *argv[8];
	char big[PVIRQ_HOST_LINE_MAX + 10];
	int err, ret;

	tap_ok(pvirq_ctl_split(line, argv, 8) == 4 && !strcmp(argv[0], "inject") &&
	       !strcmp(argv[3], "0x40"), "split: blanks, tabs and CR/LF separate words");
	strcpy(line, "a b c");
	tap_ok(pvirq_ctl_split(line, argv, 2) == -E2BIG, "split: too many words");
	tap_ok(!pvirq_errno_parse("EPERM", &err) && err == EPERM &&
	       !pvirq_errno_parse("-22", &err) && err == 22 &&
	       pvirq_errno_parse("0", &err) && pvirq_errno_parse("EFOO", &err) &&
	       pvirq_errno_parse("5000", &err),
	       "errno names and numbers parse, nonsense does not");
	tap_ok(!strcmp(pvirq_errno_name(-EOPNOTSUPP), "EOPNOTSUPP"),
	       "errno names print");

	tap_ok(is(run(h, NULL, "", &ret), "err EINVAL empty command") && ret == -EINVAL,
	       "empty command: %s", pvirq_sb_str(&rep));
	tap_ok(is(run(h, NULL, "frobnicate", NULL), "err EINVAL unknown command"),
	       "unknown command: %s", pvirq_sb_str(&rep));
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	tap_ok(is(run(h, NULL, big, NULL), "err E2BIG"), "over-long line is E2BIG");
	tap_ok(is(run(h, NULL, "inject g0 1", NULL),
		  "err EINVAL usage: inject GUEST VCPU VECTOR"),
	       "missing argument: %s", pvirq_sb_str(&rep));
	tap_ok(is(run(h, NULL, "inject g0 x 0x40", NULL), "err EINVAL bad number"),
	       "non-numeric vCPU");
	tap_ok(is(run(h, NULL, "inject g0 -1 0x40", NULL), "err EINVAL"),
	       "negative vCPU");
	tap_ok(is(run(h, NULL, "inject g0 0 0x100", NULL), "err EINVAL"),
	       "vector 0x100 does not parse");
	tap_ok(is(run(h, NULL, "inject g9 0 0x40", NULL), "err ENOENT no guest 'g9'"),
	       "unknown guest");
	tap_ok(is(run(h, NULL, "inject self 0 0x40", NULL), "err ENOENT"),
	       "'self' means nothing on the control socket");
	tap_ok(is(run(h, NULL, "inject g0 0 0x40", NULL), "err ENOTCONN"),
	       "inject into a guest without VM: ENOTCONN");
	tap_ok(is(run(h, NULL, "gsi g0 5 wiggle", NULL), "err EINVAL raise, lower or pulse"),
	       "gsi takes raise|lower|pulse");
	tap_ok(is(run(h, NULL, "gsi g0 5 raise", NULL), "err EOPNOTSUPP model base has no GSIs"),
	       "gsi on the base model is refused");
	tap_ok(is(run(h, NULL, "model g0 echo a  b", NULL), "ok a b"),
	       "model commands pass through: %s", pvirq_sb_str(&rep));
	tap_ok(is(run(h, NULL, "model g0 frob", NULL), "err EINVAL model base knows"),
	       "a model's own error passes through");
	tap_ok(is(run(h, NULL, "help", NULL), "ok help;"), "help lists commands");
	tap_ok(is(run(h, NULL, "state g0", NULL),
		  "ok {\"guest\":\"g0\",\"model\":\"base\",\"state\":{\"hypercalls\":0"),
	       "state is one JSON line");
}

static void test_knobs(struct pvirq_host *h, struct pvirq_guest *g)
{
	tap_ok(is(run(h, NULL, "fault g0 hypercall 3 ETIMEDOUT", NULL), "ok") &&
	       g->fault[PVIRQ_FOP_HYPERCALL].nth == 3 &&
	       g->fault[PVIRQ_FOP_HYPERCALL].err == ETIMEDOUT,
	       "fault sets the nth call and errno");
	tap_ok(is(run(h, NULL, "fault g0 hypercall 0 x", NULL), "ok") &&
	       !g->fault[PVIRQ_FOP_HYPERCALL].nth, "fault ... 0 clears it");
	tap_ok(is(run(h, NULL, "fault g0 vmcall 1 EIO", NULL), "err EINVAL op is"),
	       "fault on an unknown op is refused");
	tap_ok(is(run(h, NULL, "fault g0 pci 1 EWHAT", NULL), "err EINVAL bad errno"),
	       "fault with an unknown errno is refused");
	tap_ok(is(run(h, NULL, "delay g0 wrmsr 1500", NULL), "ok") &&
	       g->delay_us[PVIRQ_FOP_WRMSR] == 1500, "delay sets microseconds");
	tap_ok(is(run(h, NULL, "delay g0 wrmsr 60000001", NULL), "err EINVAL"),
	       "delay over 60 s is refused");
	tap_ok(is(run(h, NULL, "drop g0 4", NULL), "ok") && g->drop == 4,
	       "drop sets the count");
	tap_ok(is(run(h, NULL, "stats g0", NULL), "ok {\"requests\":{\"hello\":0"),
	       "stats is JSON");
	tap_ok(is(run(h, NULL, "list", NULL),
		  "ok [{\"name\":\"g0\",\"id\":0,\"model\":\"base\",\"connected\":false"),
	       "list is a JSON array");
}

static void test_async(struct pvirq_host *h, struct pvirq_guest *g)
{
	struct pvirq_ctl_req a = { .host = h, .done = done };
	struct pvirq_ctl_req b = { .host = h, .done = done };
	struct pvirq_ctl_req c = { .host = h, .done = done };
	int ret;

	tap_ok(is(run(h, NULL, "barrier x 2", NULL), "err EOPNOTSUPP"),
	       "a barrier without a request to park is refused");
	run(h, &a, "barrier x 3", &ret);
	tap_ok(ret == PVIRQ_CTL_ASYNC && h->barriers && h->barriers->arrived == 1,
	       "barrier x 3: the first caller waits");
	tap_ok(is(run(h, &b, "barrier x 2", NULL), "err EINVAL barrier x waits for 3"),
	       "a caller with another count is refused");
	run(h, &b, "barrier x 3", &ret);
	tap_ok(ret == PVIRQ_CTL_ASYNC && ndone == 0, "the second caller waits");
	pvirq_ctl_cancel(&a);
	tap_ok(h->barriers && h->barriers->arrived == 1 && !a.queued,
	       "a cancelled waiter leaves the barrier");
	run(h, &c, "barrier x 3", &ret);
	tap_ok(ret == PVIRQ_CTL_ASYNC && ndone == 0,
	       "so the third caller still waits");
	run(h, &a, "barrier x 3", &ret);
	tap_ok(ret == 0 && is(pvirq_sb_str(&rep), "ok barrier x") && ndone == 2 &&
	       !strcmp(last, "ok barrier x") && !h->barriers,
	       "the third arrival releases both waiters; the barrier is gone");
	pvirq_ctl_cancel(&b);
	tap_ok(!h->barriers, "cancelling a released request is harmless");
	run(h, &a, "barrier y 2", &ret);
	pvirq_ctl_cancel(&a);
	tap_ok(!h->barriers, "the last waiter cancelled frees the barrier");

	ndone = 0;
	tap_ok(is(run(h, &a, "wait-guests 0", NULL), "ok"), "wait-guests 0 is immediate");
	tap_ok(is(run(h, &a, "wait-guests 3", NULL), "err ERANGE"),
	       "waiting for more guests than configured is refused");
	run(h, &a, "wait-guests 1", &ret);
	tap_ok(ret == PVIRQ_CTL_ASYNC, "wait-guests 1 waits");
	run(h, &b, "wait-guests 1 connected", &ret);
	g->connected = true;
	pvirq_host_guests_changed(h);
	tap_ok(ndone == 1 && a.queued && !b.queued,
	       "a connection satisfies 'connected' but not 'ready'");
	g->ready = true;
	pvirq_host_guests_changed(h);
	tap_ok(ndone == 2 && !a.queued && !h->guest_waiters,
	       "HELLO satisfies the ready waiter");
	g->ready = g->connected = false;
}

int main(void)
{
	struct pvirq_host *h = t_host();
	struct pvirq_guest *g = t_guest(h, "g0", 2);

	t_guest(h, "g1", 2);
	test_parsing(h);
	test_knobs(h, g);
	test_async(h, g);
	pvirq_sb_free(&rep);
	t_host_free(h);
	return tap_done();
}
