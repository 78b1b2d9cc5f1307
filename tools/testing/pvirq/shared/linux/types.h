/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: lets the drivers' pure-logic files, which include only
 * <linux/types.h>, <linux/bits.h>, <linux/bitops.h>, <linux/compiler.h>,
 * <linux/errno.h> and <linux/string.h>, compile unchanged in unit tests
 * (the tools/testing/radix-tree pattern).  Not for kernel builds.
 */
#ifndef _PVIRQ_SHIM_TYPES_H
#define _PVIRQ_SHIM_TYPES_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <asm-generic/int-ll64.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;

#endif
