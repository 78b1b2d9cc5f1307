// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of drivers/xen/pvhvm-irq/msi_vec0.c: the vector-0 MSI message that
 * carries a pirq, against the decoding rule Xen and QEMU apply (written out
 * here again, independently of the driver's).
 */
#include <linux/compiler.h>
#include <linux/bitops.h>
#include <stdlib.h>
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>

#include "msi_vec0.h"
#include "tap.h"

/* What Xen's hvm_inject_msi() does with a vector-0 message. */
static u32 host_pirq(const struct pvhvm_msi_msg *m)
{
	u64 addr = (u64)m->address_hi << 32 | m->address_lo;

	return ((addr >> 32) & 0xffffff00) | ((addr >> 12) & 0xff);
}

static u64 rng = 0x9e3779b97f4a7c15ULL;

static u64 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Compose @pirq for a 64-bit device and check every field; 0 if good. */
static int round_trip(u32 pirq)
{
	struct pvhvm_msi_msg m = { 0 };
	u32 back = 0;

	memset(&m, 0xa5, sizeof(m));
	if (pvhvm_msi_compose(pirq, true, &m))
		return 1;
	if ((m.address_lo & 0xfff00fff) != 0xfee00000 ||
	    (m.address_hi & 0xff) || (m.data & 0xff))
		return 2;
	if (host_pirq(&m) != pirq)
		return 3;
	if (pvhvm_msi_decode(&m, &back) || back != pirq)
		return 4;
	if (!pvhvm_msi_matches(&m, pirq) || pvhvm_msi_matches(&m, pirq ^ 1))
		return 5;
	return 0;
}

static void test_round_trip(void)
{
	u32 p, bad = 0, first_bad = 0, n = 0;
	unsigned int i;

	for (p = 1; p <= 1U << 20; p++, n++) {
		if (round_trip(p) && !bad++)
			first_bad = p;
	}
	/* Every high part once, with every low byte over the run. */
	for (p = 1; p < 1U << 23; p++, n++) {
		u32 pirq = p << 8 | (p & 0xff);

		if (pirq > PVHVM_PIRQ_MAX)
			break;
		if (round_trip(pirq) && !bad++)
			first_bad = pirq;
	}
	for (i = 0; i < 1000000; i++, n++) {
		u32 pirq = (rnd() & PVHVM_PIRQ_MAX) | 1;

		if (round_trip(pirq) && !bad++)
			first_bad = pirq;
	}
	if (round_trip(PVHVM_PIRQ_MAX) && !bad++)
		first_bad = PVHVM_PIRQ_MAX;
	tap_ok(!bad, "compose/decode round trip for %u pirqs incl. all of 1..2^20 (first bad %u)",
	       n, first_bad);
}

static void test_known_encoding(void)
{
	struct pvhvm_msi_msg m = { 0 };
	int ret;

	ret = pvhvm_msi_compose(0x1234, true, &m);
	tap_ok(!ret && m.address_lo == 0xfee34000 &&
	       m.address_hi == 0x00001200 && m.data == 0x700,
	       "pirq 0x1234 -> address_lo 0xfee34000, address_hi 0x1200, data 0x700 (got %#x %#x %#x)",
	       m.address_lo, m.address_hi, m.data);
	ret = pvhvm_msi_compose(0xff, false, &m);
	tap_ok(!ret && m.address_lo == 0xfeeff000 && m.address_hi == 0,
	       "pirq 255 fits a 32-bit device with address_hi 0");
}

static void test_refusals(void)
{
	struct pvhvm_msi_msg m, orig;
	u32 p, wrong = 0;

	memset(&orig, 0x5a, sizeof(orig));
	for (p = 1; p <= 0xffff; p++) {
		int want = p <= 255 ? 0 : -ERANGE;
		int ret;

		m = orig;
		ret = pvhvm_msi_compose(p, false, &m);
		if (ret != want || (ret && memcmp(&m, &orig, sizeof(m))) ||
		    (!ret && m.address_hi) ||
		    pvhvm_msi_pirq_fits(p, false) != !want ||
		    !pvhvm_msi_pirq_fits(p, true))
			wrong++;
	}
	tap_ok(!wrong, "32-bit device: pirqs 1..255 accepted, 256..65535 refused with -ERANGE, message untouched (%u wrong)",
	       wrong);

	m = orig;
	tap_ok(pvhvm_msi_compose(0, true, &m) == -EINVAL &&
	       !memcmp(&m, &orig, sizeof(m)) && !pvhvm_msi_pirq_fits(0, true),
	       "pirq 0 refused with -EINVAL");
	tap_ok(pvhvm_msi_compose(0x80000000U, true, &m) == -EINVAL &&
	       pvhvm_msi_compose(0xffffffffU, true, &m) == -EINVAL &&
	       !pvhvm_msi_pirq_fits(0x80000000U, true),
	       "pirqs above INT_MAX refused with -EINVAL");
}

static void test_decode(void)
{
	struct pvhvm_msi_msg m = { 0 };
	unsigned int v, wrong = 0;
	u32 pirq = 0xdead;

	pvhvm_msi_compose(0x4321, true, &m);
	for (v = 1; v < 256; v++) {
		struct pvhvm_msi_msg n = m;

		n.data |= v;
		if (pvhvm_msi_decode(&n, &pirq) != -ENOENT ||
		    pvhvm_msi_is_vec0(&n) || pvhvm_msi_matches(&n, 0x4321))
			wrong++;
	}
	tap_ok(!wrong && pirq == 0xdead,
	       "messages with vectors 1..255 are not pirq messages (-ENOENT)");

	m.address_lo = 0xfee00000;
	m.address_hi = 0;
	m.data = 0;
	tap_ok(pvhvm_msi_decode(&m, &pirq) == -ERANGE && pirq == 0xdead,
	       "a vector-0 message naming pirq 0 is refused with -ERANGE");
	m.address_hi = 0x80000000U;
	tap_ok(pvhvm_msi_decode(&m, &pirq) == -ERANGE,
	       "a vector-0 message naming a pirq above INT_MAX is refused");

	/* A stale message from a previous owner decodes, but only matches
	 * the pirq it names: the driver compares, it does not adopt.
	 */
	pvhvm_msi_compose(77, false, &m);
	tap_ok(pvhvm_msi_matches(&m, 77) && !pvhvm_msi_matches(&m, 78),
	       "matches() is true only for the pirq the message names");
}

static void test_multi(void)
{
	unsigned int nvec, i, wrong = 0;
	struct pvhvm_msi_msg m = { 0 };
	u32 pirq, base;

	for (nvec = 1; nvec <= 32; nvec <<= 1) {
		for (base = nvec; base < 4096; base += nvec * 7) {
			pvhvm_msi_compose(base, true, &m);
			for (i = 0; i < 32; i++) {
				struct pvhvm_msi_msg n = m;
				int ret;

				n.data |= i;
				ret = pvhvm_msi_decode_multi(&n, nvec, &pirq);
				if (i < nvec ? ret || pirq != base + i :
					       ret != -ENOENT)
					wrong++;
			}
			if (nvec > 1 &&
			    !pvhvm_msi_compose(base + 1, true, &m) &&
			    pvhvm_msi_decode_multi(&m, nvec, &pirq) != -ERANGE)
				wrong++;
		}
	}
	tap_ok(!wrong, "multi-MSI: message i of an aligned block names base + i, others refused (%u wrong)",
	       wrong);
	pvhvm_msi_compose(64, true, &m);
	tap_ok(pvhvm_msi_decode_multi(&m, 3, &pirq) == -EINVAL &&
	       pvhvm_msi_decode_multi(&m, 0, &pirq) == -EINVAL &&
	       pvhvm_msi_decode_multi(&m, 64, &pirq) == -EINVAL,
	       "multi-MSI decode refuses block sizes 0, 3 and 64");
}

int main(void)
{
	test_round_trip();
	test_known_encoding();
	test_refusals();
	test_decode();
	test_multi();
	return tap_done();
}
