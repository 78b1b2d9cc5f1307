# pvirq-vm: expect=lockdep kernels=6.1-debug timeout=60
# SPDX-License-Identifier: GPL-2.0
# Self-test of the VM tier on the debug kernel: this guest must be
# reported as failed, with the report of a lock order inversion (lockdep).
. /pvirq/lib.sh
insmod $PVIRQ_MODDIR/pvirq_crash.ko mode=lockdep
tap_ok "pvirq_crash mode=lockdep loaded or failed to load, the guest lives on" true
