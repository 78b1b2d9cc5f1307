/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PVIRQ_SHIM_ERRNO_H
#define _PVIRQ_SHIM_ERRNO_H
#include <asm-generic/errno.h>
#endif
