# pvirq-vm: smp=2 host=hyperv kernels=6.1-debug timeout=300
# SPDX-License-Identifier: GPL-2.0
#
# Fault injection into hv_synic (debug kernel): the allocations of
# its load fail in turn (fail-nth on the insmod task; the host models
# inject hypercall failures in the 4xx-7xx tests), and
# each load either succeeds or fails cleanly with an errno, the host left
# with SynIC, the hypercall page and the guest OS ID off; HvPostMessage
# failing (fail_function) gives the caller an errno; enabling SynIC failing
# on a CPU coming online makes the online fail, and a retry works.
. /pvirq/lib.sh
. /pvirq/fault.sh

C=/sys/kernel/debug/synic_client
S=/sys/kernel/debug/hv_synic
CPU1=/sys/devices/system/cpu/cpu1/online
ctl() { echo "$*" > $C/ctl; }
cpu_stat() { awk -v c="$1" -v f="$2" '$2 == c { for (i = 3; i < NF; i++) if ($i == f) { print $(i + 1); exit } }' $S/cpus; }
hv_clean() {
	_s=$(hostctl state self)
	has "$_s" '"guest_os_id":0,"hypercall":0,' || { echo "host: $_s"; return 1; }
	! has "$_s" '"scontrol":1' || { echo "host: SynIC left on: $_s"; return 1; }
	! grep -q hv_synic /proc/interrupts || { echo "hv_synic IRQs left"; return 1; }
}
hostctl model self conn 100 msg 0 6 > /dev/null

tap_ok "failslab, fail_page_alloc and fail_function are set up" fault_setup
fault_sweep hv_synic "$PVIRQ_MODDIR/hv_synic.ko" hv_clean 150
fault_report hv_synic
tap_ok "the host is clean after the sweep" hv_clean

tap_ok "hv_synic loads" insmod $PVIRQ_MODDIR/hv_synic.ko
tap_ok "synic_client loads" insmod $PVIRQ_MODDIR/synic_client.ko
tap_ok "fail_function lists HvPostMessage and SynIC enable" \
	ff_arm synic_post_once synic_cpu_enable_regs
ff_fail 1
tap_ok "a post whose HvPostMessage fails fails" sh -c "! echo post 100 0x10 1 > $C/ctl"
tap_ok "with an errno for the caller" grep -q '^post ok 0 err 1 last_err -22' $C/counts
tap_ok "a post works again" ctl post 100 0x10 1

tap_ok "cpu 1 goes offline" sh -c "echo 0 > $CPU1"
ff_fail 1
tap_ok "with SynIC enable failing, cpu 1 does not come online" sh -c "! echo 1 > $CPU1"
tap_is "cpu 1 is offline" "$(cat $CPU1)" 0
tap_ok "fail_function cleared" ff_disarm
tap_ok "cpu 1 comes online" sh -c "echo 1 > $CPU1"
tap_is "with SynIC on" "$(cpu_stat 1 enabled)" 1
tap_ok "synic_client unloads" rmmod synic_client
tap_ok "hv_synic unloads" rmmod hv_synic
tap_ok "the host is clean" hv_clean

tap_ok "a last plain load works" insmod $PVIRQ_MODDIR/hv_synic.ko
tap_is "SynIC on on both CPUs" "$(cpu_stat 0 enabled) $(cpu_stat 1 enabled)" "1 1"
tap_ok "and unloads" rmmod hv_synic
