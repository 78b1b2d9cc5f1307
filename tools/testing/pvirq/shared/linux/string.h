/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PVIRQ_SHIM_STRING_H
#define _PVIRQ_SHIM_STRING_H
#include <string.h>
#endif
