/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of the kernel's <asm/barrier.h>: the one-sided barriers
 * pure logic uses to publish data to lockless readers.  C11 acquire and
 * release give what the kernel's primitives give on x86.
 */
#ifndef _PVIRQ_SHIM_ASM_BARRIER_H
#define _PVIRQ_SHIM_ASM_BARRIER_H

/* load, then no later access moves before it */
#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
/* store, after every earlier access */
#define smp_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)

#endif
