// SPDX-License-Identifier: GPL-2.0
/*
 * The control protocol: one text command per line, one reply line per
 * command, "ok[ TEXT]" or "err ENAME TEXT".  It is spoken on the unix socket
 * DIR/control (pvirq-hostctl is its client) and, with --guest-control, by
 * guests through PVIRQ_OP_CONTROL.
 *
 * Most commands answer at once.  "barrier" and "wait-guests" may have to
 * wait for other guests; they queue their pvirq_ctl_req and the event loop
 * goes on serving everyone else.  A socket client with a queued command gets
 * no further line read until it is answered, so replies stay in order.  A
 * queued request whose owner goes away (client hangs up, VM disconnects) is
 * cancelled, and leaves the barrier it waited on.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pvirq_model.h"

#define MAX_ARGS	32
#define OUT_MAX		(4u << 20)	/* unread reply bytes before we hang up */

struct pvirq_ctl_client {
	struct pvirq_host *host;
	struct pvirq_ev ev;
	struct pvirq_ctl_req req;
	bool waiting;			/* req is queued */
	bool dead;			/* freed by pvirq_ctl_reap() */
	bool discard;			/* skipping the rest of a long line */
	bool eof;			/* it sends no more */
	u32 events;
	size_t inlen;
	char in[PVIRQ_HOST_LINE_MAX + 1];
	struct pvirq_sb out;
	size_t out_off;
	struct pvirq_ctl_client *next;
};

struct ctl_ctx {
	struct pvirq_host *h;
	struct pvirq_ctl_req *req;
	struct pvirq_sb *reply;
	int argc;
	char **argv;
};

static __attribute__((format(printf, 3, 4)))
int fail(struct ctl_ctx *c, int err, const char *fmt, ...)
{
	va_list ap;

	pvirq_sb_reset(c->reply);
	pvirq_sb_printf(c->reply, "err %s ", pvirq_errno_name(err));
	va_start(ap, fmt);
	pvirq_sb_vprintf(c->reply, fmt, ap);
	va_end(ap);
	return err;
}

static int parse_u64(const char *s, u64 max, u64 *v)
{
	char *end;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || *end || *v > max)
		return -EINVAL;
	return 0;
}

static int parse_u32(const char *s, u32 max, u32 *v)
{
	u64 t;
	int ret = parse_u64(s, max, &t);

	if (!ret)
		*v = t;
	return ret;
}

/* argv[1] names a guest ("self": the guest that sent the command). */
static struct pvirq_guest *guest_arg(struct ctl_ctx *c)
{
	struct pvirq_guest *g;

	if (c->argc < 2) {
		fail(c, -EINVAL, "%s: guest name missing", c->argv[0]);
		return NULL;
	}
	if (!strcmp(c->argv[1], "self") && c->req && c->req->origin)
		return c->req->origin;
	g = pvirq_host_find(c->h, c->argv[1]);
	if (!g)
		fail(c, -ENOENT, "no guest '%s'", c->argv[1]);
	return g;
}

static int need_args(struct ctl_ctx *c, int n, const char *usage)
{
	if (c->argc == n)
		return 0;
	return fail(c, -EINVAL, "usage: %s %s", c->argv[0], usage);
}

static int cmd_ok(struct ctl_ctx *c)
{
	pvirq_sb_printf(c->reply, "ok");
	return 0;
}

static int cmd_help(struct ctl_ctx *c);

static int cmd_ping(struct ctl_ctx *c)
{
	pvirq_sb_printf(c->reply, "ok pong");
	return 0;
}

static int cmd_list(struct ctl_ctx *c)
{
	u32 i;

	pvirq_sb_printf(c->reply, "ok [");
	for (i = 0; i < c->h->nguests; i++) {
		struct pvirq_guest *g = c->h->guests[i];

		pvirq_sb_printf(c->reply, "%s{\"name\":", i ? "," : "");
		pvirq_sb_json_str(c->reply, g->name);
		pvirq_sb_printf(c->reply, ",\"id\":%u,\"model\":", g->id);
		pvirq_sb_json_str(c->reply, g->model->name);
		pvirq_sb_printf(c->reply, ",\"connected\":%s,\"ready\":%s,\"nr_cpus\":%u}",
				g->connected ? "true" : "false",
				g->ready ? "true" : "false", g->nr_cpus);
	}
	pvirq_sb_printf(c->reply, "]");
	return 0;
}

static int cmd_inject(struct ctl_ctx *c)
{
	struct pvirq_guest *g;
	u32 cpu, vec;
	int ret;
	bool apic = !strcmp(c->argv[0], "inject-apic");

	if (need_args(c, 4, apic ? "GUEST APICID VECTOR" : "GUEST VCPU VECTOR"))
		return -EINVAL;
	g = guest_arg(c);
	if (!g)
		return -ENOENT;
	if (parse_u32(c->argv[2], ~0u, &cpu) || parse_u32(c->argv[3], 255, &vec))
		return fail(c, -EINVAL, "bad number");
	ret = apic ? pvirq_inject_apic(g, cpu, vec) : pvirq_inject(g, cpu, vec);
	if (ret)
		return fail(c, ret, "cannot inject vector %u into %s %u of %s",
			    vec, apic ? "APIC ID" : "vcpu", cpu, g->name);
	return cmd_ok(c);
}

static int cmd_msi(struct ctl_ctx *c)
{
	struct pvirq_guest *g;
	u64 addr;
	u32 data;
	int ret;

	if (need_args(c, 4, "GUEST ADDR DATA"))
		return -EINVAL;
	g = guest_arg(c);
	if (!g)
		return -ENOENT;
	if (parse_u64(c->argv[2], ~0ull, &addr) || parse_u32(c->argv[3], ~0u, &data))
		return fail(c, -EINVAL, "bad number");
	ret = pvirq_deliver_msi(g, addr, data);
	if (ret)
		return fail(c, ret, "message %#llx/%#x not delivered",
			    (unsigned long long)addr, data);
	return cmd_ok(c);
}

static int cmd_fire(struct ctl_ctx *c)
{
	struct pvirq_sb what = { 0 };
	struct pvirq_guest *g;
	u32 k;
	int ret;

	if (need_args(c, 3, "GUEST K"))
		return -EINVAL;
	g = guest_arg(c);
	if (!g)
		return -ENOENT;
	if (parse_u32(c->argv[2], ~0u, &k))
		return fail(c, -EINVAL, "bad vector number");
	ret = pvirq_pci_fire(g, k, &what);
	if (ret)
		fail(c, ret, "fire %u: %s", k, pvirq_sb_str(&what));
	else
		pvirq_sb_printf(c->reply, "ok %s", pvirq_sb_str(&what));
	pvirq_sb_free(&what);
	return ret;
}

static int cmd_gsi(struct ctl_ctx *c)
{
	struct pvirq_guest *g;
	u32 gsi;
	bool level;
	int ret;

	if (need_args(c, 4, "GUEST N raise|lower|pulse"))
		return -EINVAL;
	g = guest_arg(c);
	if (!g)
		return -ENOENT;
	if (parse_u32(c->argv[2], ~0u, &gsi))
		return fail(c, -EINVAL, "bad GSI");
	if (strcmp(c->argv[3], "raise") && strcmp(c->argv[3], "lower") &&
	    strcmp(c->argv[3], "pulse"))
		return fail(c, -EINVAL, "raise, lower or pulse, not '%s'", c->argv[3]);
	level = c->argv[3][0] == 'r';
	if (!g->model->gsi)
		return fail(c, -EOPNOTSUPP, "model %s has no GSIs", g->model->name);
	/*
	 * pulse: a device that asserts and is acked at once; lowered before
	 * the guest's EOI can be served, so a level GSI is not re-sent.
	 */
	if (c->argv[3][0] == 'p') {
		ret = g->model->gsi(g, gsi, true);
		if (!ret)
			ret = g->model->gsi(g, gsi, false);
	} else {
		ret = g->model->gsi(g, gsi, level);
	}
	if (ret)
		return fail(c, ret, "model %s refused gsi %u", g->model->name, gsi);
	return cmd_ok(c);
}

static int cmd_msi_state(struct ctl_ctx *c)
{
	struct pvirq_guest *g;

	if (need_args(c, 2, "GUEST"))
		return -EINVAL;
	g = guest_arg(c);
	if (!g)
		return -ENOENT;
	pvirq_sb_printf(c->reply, "ok ");
	pvirq_pci_state_json(g, c->reply);
	return 0;
}

static int cmd_state(struct ctl_ctx *c)
{
	struct pvirq_guest *g;

	if (need_args(c, 2, "GUEST"))
		return -EINVAL;
	g = guest_arg(c);
	if (!g)
		return -ENOENT;
	pvirq_sb_printf(c->reply, "ok {\"guest\":");
	pvirq_sb_json_str(c->reply, g->name);
	pvirq_sb_printf(c->reply, ",\"model\":");
	pvirq_sb_json_str(c->reply, g->model->name);
	pvirq_sb_printf(c->reply, ",\"state\":");
	if (g->model->state_json)
		g->model->state_json(g, c->reply);
	else
		pvirq_sb_printf(c->reply, "{}");
	pvirq_sb_printf(c->reply, "}");
	return 0;
}

static int cmd_fault(struct ctl_ctx *c)
{
	struct pvirq_guest *g;
	int fop, err = 0;
	u32 nth;

	if (need_args(c, 5, "GUEST OP NTH ERRNO"))
		return -EINVAL;
	g = guest_arg(c);
	if (!g)
		return -ENOENT;
	fop = pvirq_fop_parse(c->argv[2]);
	if (fop < 0)
		return fail(c, -EINVAL, "op is cpuid, rdmsr, wrmsr, hypercall or pci");
	if (parse_u32(c->argv[3], ~0u, &nth))
		return fail(c, -EINVAL, "bad NTH");
	if (nth && pvirq_errno_parse(c->argv[4], &err))
		return fail(c, -EINVAL, "bad errno '%s'", c->argv[4]);
	g->fault[fop].nth = nth;
	g->fault[fop].err = err;
	return cmd_ok(c);
}

static int cmd_delay(struct ctl_ctx *c)
{
	struct pvirq_guest *g;
	int fop;
	u32 us;

	if (need_args(c, 4, "GUEST OP USEC"))
		return -EINVAL;
	g = guest_arg(c);
	if (!g)
		return -ENOENT;
	fop = pvirq_fop_parse(c->argv[2]);
	if (fop < 0)
		return fail(c, -EINVAL, "op is cpuid, rdmsr, wrmsr, hypercall or pci");
	if (parse_u32(c->argv[3], 60000000, &us))
		return fail(c, -EINVAL, "bad USEC (at most 60 s)");
	g->delay_us[fop] = us;
	return cmd_ok(c);
}

static int cmd_drop(struct ctl_ctx *c)
{
	struct pvirq_guest *g;
	u32 n;

	if (need_args(c, 3, "GUEST N"))
		return -EINVAL;
	g = guest_arg(c);
	if (!g)
		return -ENOENT;
	if (parse_u32(c->argv[2], ~0u, &n))
		return fail(c, -EINVAL, "bad N");
	g->drop = n;
	return cmd_ok(c);
}

static int cmd_stats(struct ctl_ctx *c)
{
	struct pvirq_guest *g;
	const struct pvirq_guest_stats *st;
	u32 op;

	if (need_args(c, 2, "GUEST"))
		return -EINVAL;
	g = guest_arg(c);
	if (!g)
		return -ENOENT;
	st = &g->st;
	pvirq_sb_printf(c->reply, "ok {\"requests\":{");
	for (op = 1; op < PVIRQ_OP_MAX; op++)
		pvirq_sb_printf(c->reply, "%s\"%s\":%llu", op > 1 ? "," : "",
				pvirq_op_name(op),
				(unsigned long long)st->requests[op]);
	pvirq_sb_printf(c->reply, "},\"invalid\":%llu,\"failed\":%llu,\"faults\":%llu,"
			"\"doorbells\":%llu,\"injected\":%llu,\"dropped\":%llu,"
			"\"connects\":%llu,\"msi_delivered\":%llu}",
			(unsigned long long)st->invalid,
			(unsigned long long)st->failed,
			(unsigned long long)st->faults,
			(unsigned long long)st->doorbells,
			(unsigned long long)st->injected,
			(unsigned long long)st->dropped,
			(unsigned long long)st->connects,
			(unsigned long long)g->pci.delivered);
	return 0;
}

static int cmd_model(struct ctl_ctx *c)
{
	struct pvirq_sb text = { 0 };
	struct pvirq_guest *g;
	int ret;

	if (c->argc < 3)
		return fail(c, -EINVAL, "usage: model GUEST ARGS...");
	g = guest_arg(c);
	if (!g)
		return -ENOENT;
	if (!g->model->command)
		return fail(c, -EOPNOTSUPP, "model %s has no commands",
			    g->model->name);
	ret = g->model->command(g, c->argc - 2, c->argv + 2, &text);
	if (text.err)
		ret = fail(c, -ENOMEM, "reply too long");
	else if (ret)
		fail(c, ret, "%s", pvirq_sb_str(&text));
	else
		pvirq_sb_printf(c->reply, "ok%s%s", text.len ? " " : "",
				pvirq_sb_str(&text));
	pvirq_sb_free(&text);
	return ret;
}

static void finish(struct pvirq_ctl_req *req, const char *reply)
{
	req->queued = false;
	req->next = NULL;
	req->barrier = NULL;
	req->done(req, reply);
}

static int cmd_barrier(struct ctl_ctx *c)
{
	struct pvirq_barrier *b, **pb;
	struct pvirq_ctl_req *w;
	char msg[64];
	u32 count;

	if (need_args(c, 3, "NAME COUNT"))
		return -EINVAL;
	if (strlen(c->argv[1]) > PVIRQ_HOST_NAME_MAX)
		return fail(c, -EINVAL, "barrier name too long");
	if (parse_u32(c->argv[2], 1024, &count) || !count)
		return fail(c, -EINVAL, "COUNT is 1..1024");
	for (pb = &c->h->barriers; (b = *pb); pb = &b->next)
		if (!strcmp(b->name, c->argv[1]))
			break;
	if (b && b->count != count)
		return fail(c, -EINVAL, "barrier %s waits for %u, not %u",
			    b->name, b->count, count);
	snprintf(msg, sizeof(msg), "ok barrier %s", c->argv[1]);
	if (!b && count == 1)
		goto passed;
	if (!c->req || !c->req->done)
		return fail(c, -EOPNOTSUPP, "cannot wait here");
	if (!b) {
		b = calloc(1, sizeof(*b));
		if (!b)
			return fail(c, -ENOMEM, "out of memory");
		strcpy(b->name, c->argv[1]);
		b->count = count;
		b->next = c->h->barriers;
		c->h->barriers = b;
		pb = &c->h->barriers;
	}
	if (++b->arrived < b->count) {
		c->req->next = b->waiters;
		c->req->barrier = b;
		c->req->queued = true;
		b->waiters = c->req;
		return PVIRQ_CTL_ASYNC;
	}
	/* the last one: release the others, then answer it */
	*pb = b->next;
	while ((w = b->waiters)) {
		b->waiters = w->next;
		finish(w, msg);
	}
	free(b);
passed:
	pvirq_sb_printf(c->reply, "%s", msg);
	return 0;
}

static u32 count_guests(struct pvirq_host *h, bool connected)
{
	u32 i, n = 0;

	if (!connected)
		return pvirq_host_nready(h);
	for (i = 0; i < h->nguests; i++)
		n += h->guests[i]->connected;
	return n;
}

/* wait-guests N [ready|connected]: N guests said HELLO / have a VM. */
static int cmd_wait_guests(struct ctl_ctx *c)
{
	bool connected = false;
	u32 n;

	if (c->argc != 2 && c->argc != 3)
		return fail(c, -EINVAL, "usage: wait-guests N [ready|connected]");
	if (parse_u32(c->argv[1], PVIRQ_HOST_MAX_GUESTS, &n))
		return fail(c, -EINVAL, "N is 0..%u", PVIRQ_HOST_MAX_GUESTS);
	if (c->argc == 3) {
		if (strcmp(c->argv[2], "ready") && strcmp(c->argv[2], "connected"))
			return fail(c, -EINVAL, "ready or connected");
		connected = c->argv[2][0] == 'c';
	}
	if (n > c->h->nguests)
		return fail(c, -ERANGE, "only %u guests configured", c->h->nguests);
	if (count_guests(c->h, connected) >= n)
		return cmd_ok(c);
	if (!c->req || !c->req->done)
		return fail(c, -EOPNOTSUPP, "cannot wait here");
	c->req->want = n | (connected ? 0x80000000u : 0);
	c->req->barrier = NULL;
	c->req->queued = true;
	c->req->next = c->h->guest_waiters;
	c->h->guest_waiters = c->req;
	return PVIRQ_CTL_ASYNC;
}

/* A guest connected, said HELLO, or left: wake the wait-guests it satisfies. */
void pvirq_host_guests_changed(struct pvirq_host *h)
{
	struct pvirq_ctl_req **pw = &h->guest_waiters, *w, *ready = NULL;

	while ((w = *pw)) {
		bool conn = w->want & 0x80000000u;

		if (count_guests(h, conn) >= (w->want & 0x7fffffffu)) {
			*pw = w->next;
			w->next = ready;
			ready = w;
		} else {
			pw = &w->next;
		}
	}
	while ((w = ready)) {
		ready = w->next;
		finish(w, "ok");
	}
}

/**
 * pvirq_ctl_cancel() - forget a queued request whose owner went away
 * @req: the request; nothing happens if it is not queued
 */
void pvirq_ctl_cancel(struct pvirq_ctl_req *req)
{
	struct pvirq_host *h = req->host;
	struct pvirq_barrier *b = req->barrier, **pb;
	struct pvirq_ctl_req **pw;

	if (!req->queued)
		return;
	for (pw = b ? &b->waiters : &h->guest_waiters; *pw; pw = &(*pw)->next) {
		if (*pw == req) {
			*pw = req->next;
			break;
		}
	}
	req->queued = false;
	req->next = NULL;
	req->barrier = NULL;
	if (!b || --b->arrived)
		return;
	for (pb = &h->barriers; *pb; pb = &(*pb)->next) {
		if (*pb == b) {
			*pb = b->next;
			break;
		}
	}
	free(b);
}

static int cmd_quit(struct ctl_ctx *c)
{
	c->h->stop = true;
	pvirq_log(c->h, "quit requested");
	return cmd_ok(c);
}

static int cmd_log(struct ctl_ctx *c)
{
	struct pvirq_sb text = { 0 };
	int i;

	for (i = 1; i < c->argc; i++)
		pvirq_sb_printf(&text, "%s%s", i > 1 ? " " : "", c->argv[i]);
	pvirq_log(c->h, "log: %s", pvirq_sb_str(&text));
	pvirq_sb_free(&text);
	return cmd_ok(c);
}

static const struct {
	const char *name;
	int (*fn)(struct ctl_ctx *c);
	const char *usage;
} cmds[] = {
	{ "help", cmd_help, "" },
	{ "ping", cmd_ping, "" },
	{ "list", cmd_list, "" },
	{ "inject", cmd_inject, "GUEST VCPU VECTOR" },
	{ "inject-apic", cmd_inject, "GUEST APICID VECTOR" },
	{ "msi", cmd_msi, "GUEST ADDR DATA" },
	{ "fire", cmd_fire, "GUEST K" },
	{ "gsi", cmd_gsi, "GUEST N raise|lower|pulse" },
	{ "msi-state", cmd_msi_state, "GUEST" },
	{ "state", cmd_state, "GUEST" },
	{ "fault", cmd_fault, "GUEST OP NTH ERRNO" },
	{ "delay", cmd_delay, "GUEST OP USEC" },
	{ "drop", cmd_drop, "GUEST N" },
	{ "stats", cmd_stats, "GUEST" },
	{ "model", cmd_model, "GUEST ARGS..." },
	{ "barrier", cmd_barrier, "NAME COUNT" },
	{ "wait-guests", cmd_wait_guests, "N [ready|connected]" },
	{ "log", cmd_log, "TEXT..." },
	{ "quit", cmd_quit, "" },
};

static int cmd_help(struct ctl_ctx *c)
{
	size_t i;

	pvirq_sb_printf(c->reply, "ok");
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		pvirq_sb_printf(c->reply, "%s %s%s%s", i ? ";" : "", cmds[i].name,
				*cmds[i].usage ? " " : "", cmds[i].usage);
	return 0;
}

/* Splits @line in place at blanks; returns the word count or -E2BIG. */
int pvirq_ctl_split(char *line, char **argv, int max)
{
	int argc = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p)
			return argc;
		if (argc == max)
			return -E2BIG;
		argv[argc++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			p++;
		if (*p)
			*p++ = '\0';
	}
}

/**
 * pvirq_ctl_exec() - run one control command
 * @h: the host
 * @line: the command, without its newline
 * @req: the request, for commands that may wait (and for "self"); its @done
 *	is called once if PVIRQ_CTL_ASYNC is returned.  May be NULL.
 * @reply: receives the reply line (no newline) unless PVIRQ_CTL_ASYNC
 *
 * Return: 0 for "ok", -errno for "err", or PVIRQ_CTL_ASYNC.
 */
int pvirq_ctl_exec(struct pvirq_host *h, const char *line,
		   struct pvirq_ctl_req *req, struct pvirq_sb *reply)
{
	char buf[PVIRQ_HOST_LINE_MAX + 1], *argv[MAX_ARGS];
	struct ctl_ctx c = { .h = h, .req = req, .reply = reply, .argv = argv };
	size_t i;

	pvirq_sb_reset(reply);
	if (strlen(line) > PVIRQ_HOST_LINE_MAX)
		return fail(&c, -E2BIG, "line longer than %d bytes",
			    PVIRQ_HOST_LINE_MAX);
	strcpy(buf, line);
	c.argc = pvirq_ctl_split(buf, argv, MAX_ARGS);
	if (c.argc < 0)
		return fail(&c, -E2BIG, "more than %d words", MAX_ARGS);
	if (!c.argc)
		return fail(&c, -EINVAL, "empty command");
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(argv[0], cmds[i].name))
			return cmds[i].fn(&c);
	return fail(&c, -EINVAL, "unknown command '%.40s' (try help)", argv[0]);
}

/* ---- the control socket ---- */

static void client_kill(struct pvirq_ctl_client *cl)
{
	if (cl->dead)
		return;
	pvirq_ctl_cancel(&cl->req);
	cl->waiting = false;
	if (cl->ev.fd >= 0) {
		int fd = cl->ev.fd;

		pvirq_ev_del(cl->host, &cl->ev);
		close(fd);
	}
	cl->dead = true;
}

/*
 * Watch for input unless a command is queued or the client has finished
 * sending; hang up once it has finished and has all its replies.
 */
static void client_settle(struct pvirq_ctl_client *cl)
{
	bool out = cl->out.len > cl->out_off;
	struct epoll_event e;
	u32 events = 0;

	if (cl->dead)
		return;
	if (cl->eof && !cl->waiting && !out) {
		client_kill(cl);
		return;
	}
	if (!cl->waiting && !cl->eof)
		events |= EPOLLIN | EPOLLRDHUP;
	if (out)
		events |= EPOLLOUT;
	if (events == cl->events)
		return;
	e.events = events;
	e.data.ptr = &cl->ev;
	epoll_ctl(cl->host->epfd, EPOLL_CTL_MOD, cl->ev.fd, &e);
	cl->events = events;
}

static void client_flush(struct pvirq_ctl_client *cl)
{
	ssize_t n;

	while (cl->out.len > cl->out_off) {
		n = send(cl->ev.fd, cl->out.buf + cl->out_off,
			 cl->out.len - cl->out_off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			client_kill(cl);
			return;
		}
		cl->out_off += n;
	}
	if (cl->out_off == cl->out.len) {
		pvirq_sb_reset(&cl->out);
		cl->out_off = 0;
	} else if (cl->out.len - cl->out_off > OUT_MAX) {
		client_kill(cl);
	}
}

static void client_reply(struct pvirq_ctl_client *cl, const char *line)
{
	if (cl->dead)
		return;
	pvirq_sb_printf(&cl->out, "%s\n", line);
	if (cl->out.err) {
		client_kill(cl);
		return;
	}
	client_flush(cl);
}

static void client_done(struct pvirq_ctl_req *req, const char *reply);

/* Runs the complete lines in the input buffer until one has to wait. */
static void client_run(struct pvirq_ctl_client *cl)
{
	struct pvirq_sb reply = { 0 };
	char *nl;
	size_t n;
	int ret;

	while (!cl->dead && !cl->waiting &&
	       (nl = memchr(cl->in, '\n', cl->inlen))) {
		*nl = '\0';
		n = nl - cl->in + 1;
		if (cl->discard) {
			cl->discard = false;
		} else if (cl->in[strspn(cl->in, " \t\r")]) {
			cl->req = (struct pvirq_ctl_req) {
				.host = cl->host,
				.done = client_done,
			};
			ret = pvirq_ctl_exec(cl->host, cl->in, &cl->req, &reply);
			if (ret == PVIRQ_CTL_ASYNC)
				cl->waiting = true;
			else
				client_reply(cl, reply.err ?
					     "err ENOMEM reply too long" :
					     pvirq_sb_str(&reply));
		}
		memmove(cl->in, cl->in + n, cl->inlen - n);
		cl->inlen -= n;
	}
	if (!cl->dead && cl->inlen == PVIRQ_HOST_LINE_MAX) {
		/* no newline in a full buffer: refuse the line, skip its rest */
		if (!cl->discard)
			client_reply(cl, "err E2BIG line too long");
		cl->discard = true;
		cl->inlen = 0;
	}
	pvirq_sb_free(&reply);
	client_settle(cl);
}

static void client_done(struct pvirq_ctl_req *req, const char *reply)
{
	struct pvirq_ctl_client *cl = (struct pvirq_ctl_client *)
		((char *)req - offsetof(struct pvirq_ctl_client, req));

	cl->waiting = false;
	client_reply(cl, reply);
	client_run(cl);
}

static void client_event(struct pvirq_ev *ev, u32 events)
{
	struct pvirq_ctl_client *cl = ev->ctx;
	ssize_t n;

	if (events & (EPOLLHUP | EPOLLERR)) {
		client_kill(cl);
		return;
	}
	if (events & EPOLLOUT)
		client_flush(cl);
	if (!cl->dead && (events & EPOLLIN) && !cl->waiting && !cl->eof) {
		n = read(ev->fd, cl->in + cl->inlen,
			 PVIRQ_HOST_LINE_MAX - cl->inlen);
		if (n > 0) {
			cl->inlen += n;
			client_run(cl);
			return;
		}
		if (n == 0)
			cl->eof = true;
		else if (errno != EAGAIN && errno != EINTR)
			client_kill(cl);
	} else if (events & EPOLLRDHUP) {
		cl->eof = true;
	}
	client_settle(cl);
}

static void ctl_accept(struct pvirq_ev *ev, u32 events)
{
	struct pvirq_host *h = ev->ctx;
	struct pvirq_ctl_client *cl;
	int fd;

	fd = accept4(ev->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	cl = calloc(1, sizeof(*cl));
	if (!cl) {
		close(fd);
		return;
	}
	cl->host = h;
	cl->events = EPOLLIN | EPOLLRDHUP;
	if (pvirq_ev_add(h, &cl->ev, fd, cl->events, client_event, cl)) {
		close(fd);
		free(cl);
		return;
	}
	cl->next = h->clients;
	h->clients = cl;
}

int pvirq_ctl_listen(struct pvirq_host *h)
{
	int fd, ret;

	if (asprintf(&h->ctl_path, "%s/control", h->dir) < 0) {
		h->ctl_path = NULL;
		return -ENOMEM;
	}
	fd = pvirq_listen_unix(h, h->ctl_path);
	if (fd < 0)
		goto free_path;
	ret = pvirq_ev_add(h, &h->ctl_ev, fd, EPOLLIN, ctl_accept, h);
	if (ret) {
		close(fd);
		unlink(h->ctl_path);
		fd = ret;
		goto free_path;
	}
	return 0;

free_path:
	free(h->ctl_path);
	h->ctl_path = NULL;
	return fd;
}

/* Frees the clients that died during the last batch of events. */
void pvirq_ctl_reap(struct pvirq_host *h)
{
	struct pvirq_ctl_client **pc = &h->clients, *cl;

	while ((cl = *pc)) {
		if (cl->dead) {
			*pc = cl->next;
			pvirq_sb_free(&cl->out);
			free(cl);
		} else {
			pc = &cl->next;
		}
	}
}

void pvirq_ctl_close(struct pvirq_host *h)
{
	struct pvirq_ctl_client *cl;
	int fd = h->ctl_ev.fd;

	for (cl = h->clients; cl; cl = cl->next)
		client_kill(cl);
	pvirq_ctl_reap(h);
	if (h->ctl_path) {
		if (fd >= 0) {
			pvirq_ev_del(h, &h->ctl_ev);
			close(fd);
		}
		unlink(h->ctl_path);
		free(h->ctl_path);
		h->ctl_path = NULL;
	}
}
