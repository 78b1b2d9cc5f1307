// SPDX-License-Identifier: GPL-2.0
/*
 * Small helpers of libpvirqhost: a bounded growing string for replies and
 * JSON, errno names for the control protocol, the op names, a clock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pvirq_host.h"

void pvirq_sb_vprintf(struct pvirq_sb *sb, const char *fmt, va_list ap)
{
	va_list aq;
	size_t need, cap;
	char *nb;
	int n;

	if (sb->err)
		return;
	va_copy(aq, ap);
	n = vsnprintf(sb->buf ? sb->buf + sb->len : NULL,
		      sb->buf ? sb->cap - sb->len : 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		goto overflow;
	if (sb->buf && sb->len + n < sb->cap) {
		sb->len += n;
		return;
	}
	need = sb->len + n + 1;
	if (need > PVIRQ_SB_MAX)
		goto overflow;
	cap = sb->cap ? sb->cap : 256;
	while (cap < need)
		cap *= 2;
	nb = realloc(sb->buf, cap);
	if (!nb)
		goto overflow;
	sb->buf = nb;
	sb->cap = cap;
	vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
	sb->len += n;
	return;

overflow:
	sb->err = true;
}

void pvirq_sb_printf(struct pvirq_sb *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pvirq_sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

/* A JSON string literal; bytes outside printable ASCII are \u escaped. */
void pvirq_sb_json_str(struct pvirq_sb *sb, const char *s)
{
	pvirq_sb_printf(sb, "\"");
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			pvirq_sb_printf(sb, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			pvirq_sb_printf(sb, "\\u%04x", c);
		else
			pvirq_sb_printf(sb, "%c", c);
	}
	pvirq_sb_printf(sb, "\"");
}

void pvirq_sb_reset(struct pvirq_sb *sb)
{
	sb->len = 0;
	sb->err = false;
	if (sb->buf)
		sb->buf[0] = '\0';
}

void pvirq_sb_free(struct pvirq_sb *sb)
{
	free(sb->buf);
	memset(sb, 0, sizeof(*sb));
}

const char *pvirq_sb_str(const struct pvirq_sb *sb)
{
	return sb->buf ? sb->buf : "";
}

#define E(x) { x, #x }
static const struct {
	int err;
	const char *name;
} errnames[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
	E(EBADF), E(EAGAIN), E(ENOMEM), E(EACCES), E(EFAULT), E(EBUSY),
	E(EEXIST), E(ENODEV), E(EINVAL), E(ENOSPC), E(ERANGE), E(EDEADLK),
	E(ENOSYS), E(ENODATA), E(ETIME), E(EPROTO), E(EOVERFLOW), E(EBADMSG),
	E(EMSGSIZE), E(EOPNOTSUPP), E(EADDRINUSE), E(ENOBUFS), E(ENOTCONN),
	E(ETIMEDOUT), E(ECONNREFUSED), E(EALREADY), E(EINPROGRESS),
	E(ECANCELED), E(ENOTTY), E(ENOEXEC), E(ECHILD), E(EMFILE),
};

#undef E

const char *pvirq_errno_name(int err)
{
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < ARRAY_SIZE(errnames); i++)
		if (errnames[i].err == err)
			return errnames[i].name;
	return "EIO";
}

/* "EINVAL", "22" or "-22" -> 22; 0 is refused. */
int pvirq_errno_parse(const char *s, int *err)
{
	char *end;
	long v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errnames); i++) {
		if (!strcmp(s, errnames[i].name)) {
			*err = errnames[i].err;
			return 0;
		}
	}
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v == 0 || v < -4095 || v > 4095)
		return -EINVAL;
	*err = v < 0 ? -v : v;
	return 0;
}

u64 pvirq_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static const char *const fop_names[PVIRQ_FOP_NR] = {
	[PVIRQ_FOP_CPUID] = "cpuid",
	[PVIRQ_FOP_RDMSR] = "rdmsr",
	[PVIRQ_FOP_WRMSR] = "wrmsr",
	[PVIRQ_FOP_HYPERCALL] = "hypercall",
	[PVIRQ_FOP_PCI] = "pci",
};

const char *pvirq_fop_name(enum pvirq_fop f)
{
	return (unsigned int)f < PVIRQ_FOP_NR ? fop_names[f] : "?";
}

int pvirq_fop_parse(const char *s)
{
	int i;

	for (i = 0; i < PVIRQ_FOP_NR; i++)
		if (!strcmp(s, fop_names[i]))
			return i;
	return -EINVAL;
}

static const char *const op_names[PVIRQ_OP_MAX] = {
	[PVIRQ_OP_HELLO] = "hello",
	[PVIRQ_OP_CPUID] = "cpuid",
	[PVIRQ_OP_RDMSR] = "rdmsr",
	[PVIRQ_OP_WRMSR] = "wrmsr",
	[PVIRQ_OP_HYPERCALL] = "hypercall",
	[PVIRQ_OP_PCI_READ] = "pci_read",
	[PVIRQ_OP_PCI_WRITE] = "pci_write",
	[PVIRQ_OP_GOODBYE] = "goodbye",
	[PVIRQ_OP_CONTROL] = "control",
};

const char *pvirq_op_name(u32 op)
{
	return op < PVIRQ_OP_MAX && op_names[op] ? op_names[op] : "?";
}
