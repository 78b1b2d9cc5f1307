/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim for the part of <linux/atomic.h> pure logic uses: xchg()
 * and cmpxchg() (from the bitops shim) and sync_cmpxchg(), the form meant
 * for memory shared with a hypervisor.
 */
#ifndef _PVIRQ_SHIM_ATOMIC_H
#define _PVIRQ_SHIM_ATOMIC_H

#include <linux/bitops.h>

#define sync_cmpxchg(ptr, o, n)	cmpxchg(ptr, o, n)

#endif
