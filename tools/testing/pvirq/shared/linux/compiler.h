/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim for the subset of <linux/compiler.h> pure logic uses. */
#ifndef _PVIRQ_SHIM_COMPILER_H
#define _PVIRQ_SHIM_COMPILER_H

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#undef __always_inline
#define __always_inline	inline __attribute__((always_inline))
#define noinline	__attribute__((noinline))
#define __must_check	__attribute__((warn_unused_result))
#define __maybe_unused	__attribute__((unused))
#define __packed	__attribute__((packed))
#define BUILD_BUG_ON(c)	_Static_assert(!(c), #c)
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define fallthrough	__attribute__((fallthrough))

#endif
