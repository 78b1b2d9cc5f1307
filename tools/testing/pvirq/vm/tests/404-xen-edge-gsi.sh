# pvirq-vm: smp=2 host=xen timeout=240
# SPDX-License-Identifier: GPL-2.0
#
# An edge GSI through pvhvm_irq: an ISA-range GSI remapped with debugfs's
# gsi file, requested rising-edge by a driver told its IRQ (pvirq_testdev
# legacy_irq=), lands on our edge chip.  Each pulse the host sends is one
# interrupt; pulses while the port is masked or the handler runs are
# latched in the port's pending bit, as Xen does (one bit: several merge
# into one event), and delivered after; PHYSDEVOP_eoi goes out once per
# interrupt where the host's status query says needs_eoi (Xen says so for
# every HVM pirq) and never where it does not; an ISA GSI is never re-sent.
# Freeing the IRQ closes its port, unmapping gives the pirq back.
. /pvirq/lib.sh
. /pvirq/xen.sh

G=5
N=50
# gsij FIELD: a field of GSI $G in the model's "gsis" list
gsij() {
	hostctl state "$PVIRQ_GUEST" | sed 's/.*"gsis":\[//' |
		grep -o "{\"gsi\":$G,[^}]*" | grep -o "\"$1\":-*[0-9a-z]*" |
		head -1 | cut -d: -f2
}
hits() { awk '{ print $3 }' $TD/legacy/irqs; }
# the IRQ's count in /proc/interrupts, all CPUs
procirq() {
	awk -v i="$1:" '$1 == i { s = 0; for (k = 2; k <= NF && $k ~ /^[0-9]+$/; k++) s += $k; print s }' /proc/interrupts
}
chip_of() {
	awk -v i="$1:" '$1 == i { for (k = 2; k <= NF && $k ~ /^[0-9]+$/; k++); print $k }' /proc/interrupts
}
wait_hits() { # want
	_w=0
	while [ "$(hits)" != "$1" ] && [ $_w -lt 300 ]; do
		sleep 0.01
		_w=$((_w + 1))
	done
}
pulse_wait() {
	_c=$(hits)
	hostctl gsi "$PVIRQ_GUEST" $G pulse > /dev/null
	wait_hits $((_c + 1))
}
td_load() { insmod "$PVIRQ_MODDIR/pvirq_testdev.ko" legacy_irq="$1"; }

# msi=0: the virtual device's MSI-X stays native, so the model's counters
# are this GSI's alone.
pv_load msi=0
pirqs0=$(mstate pirqs in_use)
ports0=$(mstate ports in_use)
tap_ok "debugfs maps GSI $G as an edge GSI" sh -c "echo 'map $G edge' > $PV/gsi"
irq=$(awk -v g=$G '$5 == g && $6 == "gsi-edge" { print $1 }' $PV/table)
tap_ok "the table has an edge row for GSI $G, with no device (IRQ $irq)" \
	sh -c "[ -n '$irq' ] && [ '$(row "$irq" 9)' = - ]"
tap_is "no port before a driver requests it" "$(row "$irq" 3)" "-"
tap_is "the host mapped one pirq for it" "$(mstate pirqs in_use)" $((pirqs0 + 1))
tap_ok "mapping the same GSI again is refused" \
	sh -c "! echo 'map $G edge' > $PV/gsi 2>/dev/null"

td_load "$irq"
tap_is "the driver's IRQ is on our edge chip" "$(chip_of "$irq")" "pvhvm-pirq-edge"
tap_ok "requesting it bound a port" sh -c "[ '$(row "$irq" 3)' != - ]"
tap_is "Xen wants an EOI for it, as for every HVM pirq" "$(row "$irq" 7)" 1

eoi0=$(gsij eois)
p0=$(procirq "$irq")
i=0
while [ $i -lt $N ]; do
	pulse_wait
	i=$((i + 1))
done
tap_is "$N pulses, $N interrupts in the driver" "$(hits)" $N
tap_is "and $N more on the IRQ in /proc/interrupts" $(($(procirq "$irq") - p0)) $N
tap_is "and $N dispatched by our table" "$(row "$irq" 8)" $N
tap_is "one PHYSDEVOP_eoi per interrupt" $(($(gsij eois) - eoi0)) $N
tap_is "an ISA GSI is never re-sent on EOI" "$(gsij resent)" 0

# Masked: the host latches the event in the port's pending bit.
echo 0 > $TD/legacy/enabled
h=$(hits)
for i in 1 2 3 4 5; do
	hostctl gsi "$PVIRQ_GUEST" $G pulse > /dev/null
done
sleep 0.5
tap_is "5 pulses while the IRQ is disabled (port masked): nothing arrives" "$(hits)" "$h"
echo 1 > $TD/legacy/enabled
wait_hits $((h + 1))
sleep 0.5
tap_is "enabled again: the latched event arrives, once (one pending bit)" "$(hits)" $((h + 1))

# Busy: pulses while the handler runs are pending again when it returns.
# The handler spins on CPU 1; this shell stays on CPU 0.
echo 1 > /proc/irq/$irq/smp_affinity_list
taskset -p 1 $$ > /dev/null
tap_is "the IRQ moved to CPU 1 (EVTCHNOP_bind_vcpu)" "$(row "$irq" 4)" 1
echo 0 > $TD/legacy/irqs
h=0
echo 1 > $TD/legacy/hold
hostctl gsi "$PVIRQ_GUEST" $G pulse > /dev/null
w=0
while [ "$(cat $TD/legacy/hold)" != "in_handler 1" ] && [ $w -lt 200 ]; do
	sleep 0.01
	w=$((w + 1))
done
tap_is "the handler is running" "$(cat $TD/legacy/hold)" "in_handler 1"
for i in 1 2 3; do
	hostctl gsi "$PVIRQ_GUEST" $G pulse > /dev/null
done
echo 0 > $TD/legacy/hold
wait_hits $((h + 2))
sleep 0.5
tap_is "3 pulses while it ran: latched, one more interrupt after it" "$(hits)" $((h + 2))
tap_is "both on CPU 1" "$(awk '{ print $4 "/" $5 }' $TD/legacy/irqs)" "0/2"
taskset -p 3 $$ > /dev/null

tap_ok "unmapping is refused while a handler is attached" \
	sh -c "! echo 'unmap $G' > $PV/gsi 2>/dev/null"
tap_ok "and so is unloading pvhvm_irq while the GSI is mapped" \
	sh -c "! rmmod pvhvm_irq 2>/dev/null"
rmmod pvirq_testdev
tap_is "freeing the IRQ closes its port" "$(row "$irq" 3)" "-"
tap_is "the host has no port for it" "$(mstate ports in_use)" "$ports0"
tap_is "the pirq stays mapped while the IRQ exists" "$(mstate pirqs in_use)" $((pirqs0 + 1))

# A host whose status query does not say needs_eoi gets no EOI.  Xen and
# QEMU always say it for a GSI; the driver reads a failed query as "no
# EOI", which is how this host is made to say it.
model fail physdev_op:irq_status_query 1 EINVAL
kmsg_mark noeoi
td_load "$irq"
tap_is "status query failed: the table says no EOI" "$(row "$irq" 7)" 0
tap_ok "and the log says what was assumed" \
	has "$(kmsg_since noeoi)" "PHYSDEVOP_irq_status_query(pirq $(row "$irq" 2), GSI $G) failed: -22; assuming no EOI"
eoi0=$(gsij eois)
echo 0 > $TD/legacy/irqs
i=0
while [ $i -lt 10 ]; do
	pulse_wait
	i=$((i + 1))
done
tap_is "10 pulses, 10 interrupts" "$(hits)" 10
tap_is "and no PHYSDEVOP_eoi" $(($(gsij eois) - eoi0)) 0
rmmod pvirq_testdev

tap_ok "with no handler left, debugfs unmaps the GSI" sh -c "echo 'unmap $G' > $PV/gsi"
tap_is "its row is gone" "$(awk -v g=$G '$5 == g' $PV/table | wc -l)" 0
tap_is "the host holds no pirq for it" "$(mstate pirqs in_use)" "$pirqs0"
tap_is "GSI $G is unmapped at the host" "$(gsij pirq)" "-1"
tap_ok "pvhvm_irq unloads" pv_unload
tap_is "the host holds no port" "$(mstate ports in_use)" 0
