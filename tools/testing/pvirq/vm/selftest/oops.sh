# pvirq-vm: expect=oops timeout=30
# SPDX-License-Identifier: GPL-2.0
# Self-test of the VM tier: this guest must be reported as failed (oops).
. /pvirq/lib.sh
insmod $PVIRQ_MODDIR/pvirq_crash.ko mode=oops
tap_ok "pvirq_crash mode=oops returned (a hang never gets here)" true
