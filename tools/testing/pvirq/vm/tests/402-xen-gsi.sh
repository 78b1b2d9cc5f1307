# pvirq-vm: smp=2 host=xen devices=edu timeout=150
# SPDX-License-Identifier: GPL-2.0
#
# Legacy INTx through pvhvm_irq: the edu device's GSI is learnt, mapped to a
# pirq as its driver binds, and every level the host raises arrives once on
# our level chip with the EOI the host wants; unbinding and unloading give
# the device its IO-APIC interrupt back and leave the host nothing.
. /pvirq/lib.sh
. /pvirq/xen.sh

N=50
pv_load
insmod "$PVIRQ_MODDIR/pvirq_testdev.ko" mode=intx nvec=1
echo "1234 11e8" > /sys/bus/pci/drivers/pvirq_testdev/new_id
tap_ok "the edu device is bound to the test driver" \
	test -e /sys/bus/pci/drivers/pvirq_testdev/$EDU
attr=$(cat /sys/bus/pci/devices/$EDU/pvhvm_gsi)
tap_diag "pvhvm_gsi: $attr"
gsi=$(echo "$attr" | sed -n 's/^gsi \([0-9]*\) irq \([0-9]*\)$/\1/p')
irq=$(echo "$attr" | sed -n 's/^gsi \([0-9]*\) irq \([0-9]*\)$/\2/p')
tap_ok "its GSI is remapped, and the sysfs attribute says to which IRQ" \
	test -n "$irq"
tap_is "the driver got that IRQ" "$(cat /sys/bus/pci/devices/$EDU/irq)" "$irq"
tap_is "the IRQ is a level pirq on our chip" \
	"$(awk -v i="$irq:" '$1 == i { print $4 }' /proc/interrupts)" \
	"pvhvm-pirq-level"
tap_is "the table row names GSI, kind and device" \
	"$(row "$irq" 5) $(row "$irq" 6) $(row "$irq" 9)" "$gsi gsi-level $EDU"
tap_is "the host wants an EOI for it" "$(row "$irq" 7)" 1
tap_ok "the IRQ and the GSI are different numbers here" [ "$irq" != "$gsi" ]

edu_hits() { awk '{ print $3 }' $TD/$EDU/irqs; }
# One pulse at a time: a pulse while the last is still pending merges.
pulse_wait() {
	_c=$(edu_hits)
	hostctl gsi g0 "$gsi" pulse > /dev/null
	_w=0
	while [ "$(edu_hits)" = "$_c" ] && [ $_w -lt 200 ]; do
		sleep 0.01
		_w=$((_w + 1))
	done
}
i=0
while [ $i -lt $N ]; do
	pulse_wait
	i=$((i + 1))
done
tap_is "$N level interrupts raised, $N handled by the driver" \
	"$(awk '{ print $3 }' $TD/$EDU/irqs)" $N
tap_is "and $N dispatched by our table" "$(row "$irq" 8)" $N
eois=$(hostctl state g0 | grep -o "\"gsi\":$gsi,[^}]*" | grep -o '"eois":[0-9]*' | head -1 | cut -d: -f2)
tap_ok "the host got an EOI for each ($eois)" [ "$eois" -ge $N ]

# The tracepoints see each delivery and EOI.
T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs tracefs $T
echo > $T/trace
echo 1 > $T/events/pvhvm_irq/enable
pulse_wait
pulse_wait
echo 0 > $T/events/pvhvm_irq/enable
tap_is "tracepoints: 2 pvhvm_deliver events" "$(grep -c 'pvhvm_deliver:' $T/trace)" 2
tap_is "tracepoints: 2 pvhvm_eoi events for pirq $(row "$irq" 2)" \
	"$(grep -c "pvhvm_eoi: pirq $(row "$irq" 2) ret 0" $T/trace)" 2
N=$((N + 2))

# A level held high is re-sent after each EOI (Xen: GSIs >= 16; QEMU: all);
# testing it needs a device that lowers the line from its handler, which
# edu cannot do for the host, so the model's unit tests cover it.

echo "$EDU" > /sys/bus/pci/drivers/pvirq_testdev/unbind
tap_is "unbinding the driver unmaps the GSI: no pirq in use" "$(mstate pirqs in_use)" 0
tap_is "and no port" "$(mstate ports in_use)" 0
echo "$EDU" > /sys/bus/pci/drivers/pvirq_testdev/bind
tap_is "rebinding remaps it" "$(awk -v i="$(cat /sys/bus/pci/devices/$EDU/irq):" '$1 == i { print $4 }' /proc/interrupts)" \
	"pvhvm-pirq-level"

tap_ok "pvhvm_irq unloads with the device bound" pv_unload
tap_ok "the device is bound again, to its driver" \
	test -e /sys/bus/pci/drivers/pvirq_testdev/$EDU
nirq=$(cat /sys/bus/pci/devices/$EDU/irq)
tap_is "its IRQ is an IO-APIC one again" \
	"$(awk -v i="$nirq:" '$1 == i { print $4 }' /proc/interrupts)" "IO-APIC"
tap_is "the host holds no pirq" "$(mstate pirqs in_use)" 0
tap_is "and no port" "$(mstate ports in_use)" 0

rmmod pvirq_testdev
