/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of the kernel's <asm/sync_bitops.h>: bit operations on
 * memory shared with a hypervisor, atomic even in a uniprocessor kernel.
 * On x86-64 they are the same locked bit instructions the kernel uses, so
 * benchmarks count what the kernel runs; elsewhere sequentially consistent
 * GCC builtins.  Like the kernel's, @nr may index past the first word.
 */
#ifndef _PVIRQ_SHIM_ASM_SYNC_BITOPS_H
#define _PVIRQ_SHIM_ASM_SYNC_BITOPS_H

#include <linux/bitops.h>

#ifdef __x86_64__

static inline void sync_set_bit(long nr, volatile unsigned long *addr)
{
	asm volatile("lock btsq %1,%0"
		     : "+m" (*(volatile long *)addr) : "Ir" (nr) : "memory");
}

static inline void sync_clear_bit(long nr, volatile unsigned long *addr)
{
	asm volatile("lock btrq %1,%0"
		     : "+m" (*(volatile long *)addr) : "Ir" (nr) : "memory");
}

static inline bool sync_test_and_set_bit(long nr, volatile unsigned long *addr)
{
	bool old;

	asm volatile("lock btsq %2,%1"
		     : "=@ccc" (old), "+m" (*(volatile long *)addr)
		     : "Ir" (nr) : "memory");
	return old;
}

static inline int sync_test_and_clear_bit(long nr, volatile unsigned long *addr)
{
	bool old;

	asm volatile("lock btrq %2,%1"
		     : "=@ccc" (old), "+m" (*(volatile long *)addr)
		     : "Ir" (nr) : "memory");
	return old;
}

#else

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

#endif

#define sync_test_bit(nr, addr)	test_bit(nr, addr)

#endif
