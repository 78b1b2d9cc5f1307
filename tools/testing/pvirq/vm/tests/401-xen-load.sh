# pvirq-vm: smp=2 host=xen timeout=150
# SPDX-License-Identifier: GPL-2.0
#
# pvhvm_irq against the Xen model: what it detects and chooses at load
# (pirq mode, event channel ABI, upcall delivery, multi-MSI), refusal when
# Xen lacks a feature it needs, and a failure injected into every hypercall
# of the load path: the load fails cleanly and the host holds nothing.
. /pvirq/lib.sh
. /pvirq/xen.sh

load_log() { # mark args...: load, print the log lines of the load
	_m=$1
	shift
	kmsg_mark "$_m"
	pv_load "$@"
	_rc=$?
	kmsg_since "$_m" | grep 'pvhvm_irq:' | sed 's/^\[[^]]*\] //'
	return $_rc
}

log=$(load_log plain)
tap_ok "loads on the Xen model" grep -q '^pvhvm_irq ' /proc/modules
tap_diag "$log"
tap_ok "finds Xen 4.17 at 0x40000000" \
	has "$log" 'Xen 4.17 at CPUID 0x40000000'
tap_ok "no get_nr_pirqs, as on Xen: the host picks pirqs" \
	has "$log" 'no PHYSDEVOP_get_nr_pirqs (-ENOSYS, as on Xen); the host picks them'
tap_ok "FIFO event channels, an upcall vector per vCPU" \
	has "$log" 'FIFO ABI, upcall vector per vCPU'
tap_ok "multi-MSI not offered: Xen refuses pirq blocks" \
	has "$log" 'multi-MSI: not offered by the host'
tap_is "one upcall IRQ per CPU" "$(grep -c pvhvm-upcall /proc/interrupts)" 2
tap_is "the model registered both vCPUs' upcall vectors" \
	"$(hostctl state g0 | grep -o '"upcall_vector":[1-9][0-9]*' | wc -l)" 2
tap_is "the model runs FIFO" \
	"$(hostctl state g0 | grep -o '"abi":"[a-z0-9]*"')" '"abi":"fifo"'
tap_ok "unloads" pv_unload
tap_is "after unload the host has no port in use" "$(mstate ports in_use)" 0
tap_is "after unload FIFO is reset to 2-level" \
	"$(hostctl state g0 | grep -o '"abi":"[a-z0-9]*"')" '"abi":"2l"'

log=$(load_log twol evtchn_abi=2l)
tap_ok "evtchn_abi=2l: 2-level event channels" \
	has "$log" '2-level ABI'
pv_unload

model op22 on
model multimsi on
log=$(load_log ext)
tap_ok "with the op22 extension the guest picks pirqs" \
	has "$log" 'PHYSDEVOP_get_nr_pirqs says 56; the guest picks them'
tap_ok "with the multi-MSI extension pirq blocks are offered" \
	has "$log" 'multi-MSI: the host maps pirq blocks'
pv_unload
model op22 off
model multimsi off

model feature upcall off
log=$(load_log global)
tap_ok "without per-vCPU upcall vectors: one callback vector" \
	has "$log" 'on one callback vector'
tap_ok "unloads from callback-vector mode" pv_unload
model feature upcall on

model cpuid_base 0x40000100
log=$(load_log moved)
tap_ok "finds Xen moved to 0x40000100 (Viridian on)" \
	has "$log" 'at CPUID 0x40000100'
pv_unload
model cpuid_base 0x40000000

model feature pirqs off
out=$(load_log nopirqs 2>&1)
tap_ok "without XENFEAT_hvm_pirqs it refuses to load" \
	sh -c "! grep -q '^pvhvm_irq ' /proc/modules"
tap_ok "and says why in one line" \
	has "$out" 'Xen does not offer HVM pirqs (XENFEAT_hvm_pirqs'
model feature pirqs on

model feature callback off
out=$(load_log nocb 2>&1)
tap_ok "without the vector callback it refuses to load" \
	sh -c "! grep -q '^pvhvm_irq ' /proc/modules"
tap_ok "and says why" has "$out" 'no vector callback'
model feature callback on

# Every hypercall of a load and unload, failed in turn (the Nth call of
# each op, until one load+unload makes fewer than N): the module either
# loads without what failed (e.g. no FIFO, no get_nr_pirqs) or refuses to
# load; either way the host holds no port or pirq of it afterwards.
for op in xen_version memory_op hvm_op physdev_op event_channel_op; do
	n=1
	leaks=0
	while [ $n -le 16 ]; do
		model fail "$op" $n EIO
		pv_load 2>/dev/null && pv_unload
		armed=$(hostctl state g0 | grep -c '"faults":\[{')
		model fail clear
		[ "$(mstate ports in_use)" = 0 ] || leaks=$((leaks + 1))
		[ "$(mstate pirqs in_use)" = 0 ] || leaks=$((leaks + 1))
		[ "$armed" = 1 ] && break
		n=$((n + 1))
	done
	tap_ok "load+unload make $op calls to fail ($((n - 1)))" [ $n -gt 1 ]
	tap_is "each $op call failed in turn: nothing left on the host" "$leaks" 0
done
tap_ok "loads again after all that" pv_load
tap_ok "and unloads" pv_unload
