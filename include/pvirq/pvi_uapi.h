/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /dev/pvi: paravirtual interrupts between guests for user space.
 *
 * Opening /dev/pvi needs CAP_SYS_ADMIN; the open file is the permission
 * (it may be passed on).  Every ioctl checks its whole argument: reserved
 * fields and flags must be zero (-EINVAL), a bad pointer gives -EFAULT.
 * The errors of the host are those of the kernel API (include/pvirq/pvi.h):
 * -ENOENT, -ESHUTDOWN, -EPERM, -EBUSY, -EINVAL, -ENOSPC.
 *
 * PVI_IOC_BIND ties a received GSI to an eventfd: each PVI the guest
 * handles on that GSI adds 1 to the eventfd's counter (poll it, read it).
 * A GSI has at most one binding (-EBUSY); bindings end with PVI_IOC_UNBIND
 * or when the file is closed.
 */
#ifndef _PVIRQ_PVI_UAPI_H
#define _PVIRQ_PVI_UAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define PVI_DEV_NAME		"pvi"

/**
 * struct pvi_ioc_info - PVI_IOC_INFO
 * @uuid: this guest's UUID
 * @nr_gsis: GSIs 0 .. @nr_gsis - 1 may be sent and received
 * @features: PVI_F_* of include/pvirq/pvi_abi.h
 * @backend: "kvm", NUL terminated
 */
struct pvi_ioc_info {
	__u8 uuid[16];
	__u32 nr_gsis;
	__u32 features;
	char backend[16];
};

/**
 * struct pvi_ioc_resolve - PVI_IOC_RESOLVE
 * @uuid: the peer's UUID (in)
 * @peer: its handle (out), for PVI_IOC_SEND
 */
struct pvi_ioc_resolve {
	__u8 uuid[16];
	__u64 peer;
};

/**
 * struct pvi_ioc_send - PVI_IOC_SEND
 * @peer: a handle from PVI_IOC_RESOLVE
 * @gsi: the receiver's GSI
 * @flags: 0
 */
struct pvi_ioc_send {
	__u64 peer;
	__u32 gsi;
	__u32 flags;
};

/**
 * struct pvi_ioc_allow - PVI_IOC_ALLOW and PVI_IOC_REVOKE
 * @uuid: the sender's UUID
 * @gsi: a GSI of this guest, or 0xffffffff for every GSI
 * @flags: 0
 */
struct pvi_ioc_allow {
	__u8 uuid[16];
	__u32 gsi;
	__u32 flags;
};

/**
 * struct pvi_ioc_bind - PVI_IOC_BIND and PVI_IOC_UNBIND
 * @gsi: a GSI of this guest (not 0xffffffff)
 * @fd: BIND: an eventfd; UNBIND: -1
 * @flags: 0
 * @reserved: 0
 */
struct pvi_ioc_bind {
	__u32 gsi;
	__s32 fd;
	__u32 flags;
	__u32 reserved;
};

#define PVI_IOC_MAGIC		0xb7
#define PVI_IOC_INFO		_IOR(PVI_IOC_MAGIC, 0, struct pvi_ioc_info)
#define PVI_IOC_RESOLVE		_IOWR(PVI_IOC_MAGIC, 1, struct pvi_ioc_resolve)
#define PVI_IOC_SEND		_IOW(PVI_IOC_MAGIC, 2, struct pvi_ioc_send)
#define PVI_IOC_ALLOW		_IOW(PVI_IOC_MAGIC, 3, struct pvi_ioc_allow)
#define PVI_IOC_REVOKE		_IOW(PVI_IOC_MAGIC, 4, struct pvi_ioc_allow)
#define PVI_IOC_BIND		_IOW(PVI_IOC_MAGIC, 5, struct pvi_ioc_bind)
#define PVI_IOC_UNBIND		_IOW(PVI_IOC_MAGIC, 6, struct pvi_ioc_bind)

#endif /* _PVIRQ_PVI_UAPI_H */
