/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of the kernel's <asm/sync_bitops.h>: bit operations on
 * memory shared with a hypervisor, atomic even in a uniprocessor kernel.
 * Sequentially consistent GCC builtins, like the x86 locked instructions.
 */
#ifndef _PVIRQ_SHIM_ASM_SYNC_BITOPS_H
#define _PVIRQ_SHIM_ASM_SYNC_BITOPS_H

#include <linux/bitops.h>

static inline void sync_set_bit(long nr, volatile unsigned long *addr)
{
	__atomic_fetch_or(&addr[BIT_WORD(nr)], BIT_MASK(nr), __ATOMIC_SEQ_CST);
}

static inline void sync_clear_bit(long nr, volatile unsigned long *addr)
{
	__atomic_fetch_and(&addr[BIT_WORD(nr)], ~BIT_MASK(nr), __ATOMIC_SEQ_CST);
}

static inline bool sync_test_and_set_bit(long nr, volatile unsigned long *addr)
{
	return __atomic_fetch_or(&addr[BIT_WORD(nr)], BIT_MASK(nr),
				 __ATOMIC_SEQ_CST) & BIT_MASK(nr);
}

static inline int sync_test_and_clear_bit(long nr, volatile unsigned long *addr)
{
	return !!(__atomic_fetch_and(&addr[BIT_WORD(nr)], ~BIT_MASK(nr),
				     __ATOMIC_SEQ_CST) & BIT_MASK(nr));
}

#define sync_test_bit(nr, addr)	test_bit(nr, addr)

#endif
