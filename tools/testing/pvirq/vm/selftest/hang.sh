# pvirq-vm: expect=hang timeout=20
# SPDX-License-Identifier: GPL-2.0
# Self-test of the VM tier: this guest must be reported as failed (hang).
. /pvirq/lib.sh
insmod $PVIRQ_MODDIR/pvirq_crash.ko mode=hang
tap_ok "pvirq_crash mode=hang returned (a hang never gets here)" true
