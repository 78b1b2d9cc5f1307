/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Finding a hypervisor's CPUID leaves through the seam.
 *
 * Hypervisors put a 12-byte signature in EBX:ECX:EDX of their base leaf,
 * and EAX holds the highest leaf of their range.  Xen moves its base up in
 * steps of 0x100 when it also offers the Viridian (Hyper-V) interface, so
 * every base from 0x40000000 to 0x4000ff00 is tried.
 */
#ifndef _PVIRQ_DETECT_H
#define _PVIRQ_DETECT_H

#include <linux/string.h>
#include <pvirq/seam.h>

#define PVIRQ_CPUID_FIRST_BASE	0x40000000
#define PVIRQ_CPUID_LAST_BASE	0x4000ff00
#define PVIRQ_CPUID_BASE_STEP	0x100

/**
 * pvirq_find_cpuid_base() - look for a hypervisor signature
 * @sig: the 12-byte signature, e.g. "XenVMMXenVMM"
 * @min_leaves: how many leaves past the base the range must hold
 * @max_leaf: where to store EAX of the base leaf, or %NULL
 *
 * Return: the base leaf, or 0 when no base carries @sig.
 */
static inline u32 pvirq_find_cpuid_base(const char *sig, u32 min_leaves,
					u32 *max_leaf)
{
	u32 base, regs[4];
	char got[12];

	/* Natively, leaves above 0x40000000 mean nothing without this bit. */
	if (!pvirq_seam.transport && !boot_cpu_has(X86_FEATURE_HYPERVISOR))
		return 0;
	for (base = PVIRQ_CPUID_FIRST_BASE; base <= PVIRQ_CPUID_LAST_BASE;
	     base += PVIRQ_CPUID_BASE_STEP) {
		pvirq_cpuid(base, 0, regs);
		memcpy(got, &regs[1], 12);
		if (memcmp(got, sig, 12))
			continue;
		if (regs[0] < base + min_leaves)
			continue;
		if (max_leaf)
			*max_leaf = regs[0];
		return base;
	}
	return 0;
}

/**
 * pvirq_cpuid_signature() - the signature at the first base, for the log
 * @buf: 13 bytes, NUL-terminated on return; "none" when leaf 0x40000000
 *	holds no printable signature (no hypervisor bit, or bare metal)
 */
static inline void pvirq_cpuid_signature(char buf[13])
{
	u32 regs[4];
	int i;

	if (!boot_cpu_has(X86_FEATURE_HYPERVISOR) && !pvirq_seam.transport) {
		strscpy(buf, "none", 13);
		return;
	}
	pvirq_cpuid(PVIRQ_CPUID_FIRST_BASE, 0, regs);
	memcpy(buf, &regs[1], 12);
	buf[12] = '\0';
	for (i = 0; i < 12 && buf[i]; i++) {
		if (buf[i] < 0x20 || buf[i] > 0x7e) {
			strscpy(buf, "none", 13);
			return;
		}
	}
	if (!buf[0])
		strscpy(buf, "none", 13);
}

#endif /* _PVIRQ_DETECT_H */
