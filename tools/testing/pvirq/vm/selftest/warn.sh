# pvirq-vm: expect=warn timeout=30
# SPDX-License-Identifier: GPL-2.0
# Self-test of the VM tier: this guest must be reported as failed (warn).
. /pvirq/lib.sh
insmod $PVIRQ_MODDIR/pvirq_crash.ko mode=warn
tap_ok "pvirq_crash mode=warn returned (a hang never gets here)" true
