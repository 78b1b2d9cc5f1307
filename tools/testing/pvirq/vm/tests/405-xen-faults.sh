# pvirq-vm: smp=2 host=xen devices=edu timeout=300
# SPDX-License-Identifier: GPL-2.0
#
# Xen refusing each hypercall pvhvm_irq makes while a device's INTx is
# bound, unbound and moved (the model's "fail" knob: the call fails with
# no effect): each refusal gives the driver a clean error or leaves the old
# setting, with a log line naming the call, and after the last unbind the
# host holds nothing but what it refused to give back itself.  A final bind
# works and interrupts arrive.
. /pvirq/lib.sh
. /pvirq/xen.sh

drv=/sys/bus/pci/drivers/pvirq_testdev
bound() { test -e $drv/$EDU; }
hits() { awk '{ print $3 }' $TD/$EDU/irqs 2>/dev/null; }
pulse_wait() {
	_c=$(hits)
	hostctl gsi "$PVIRQ_GUEST" "$gsi" pulse > /dev/null
	_w=0
	while [ "$(hits)" = "$_c" ] && [ $_w -lt 200 ]; do
		sleep 0.01
		_w=$((_w + 1))
	done
}
works() { # the bound driver gets 3 pulses
	echo 0 > $TD/$EDU/irqs
	pulse_wait; pulse_wait; pulse_wait
	[ "$(hits)" = 3 ]
}
counts() { echo "$(mstate pirqs in_use)/$(mstate ports in_use)"; }
chip() { awk -v i="$(cat /sys/bus/pci/devices/$EDU/irq):" '$1 == i { print $4 }' /proc/interrupts; }
fail() { model fail "$1" 1 "$2"; kmsg_mark "$1"; }
logged() { has "$(kmsg_since "$1")" "$2"; }

pv_load
insmod "$PVIRQ_MODDIR/pvirq_testdev.ko" mode=intx nvec=1
echo "1234 11e8" > $drv/new_id
gsi=$(sed -n 's/^gsi \([0-9]*\) irq .*/\1/p' /sys/bus/pci/devices/$EDU/pvhvm_gsi)
tap_ok "edu bound, GSI $gsi remapped, interrupts arrive" works
echo "$EDU" > $drv/unbind
base=$(counts)
tap_is "unbound: the host holds no pirq and no port" "$base" "0/0"

# map_pirq refused: the GSI stays with the IO-APIC, the driver works natively.
fail physdev_op:map_pirq EIO
echo "$EDU" > $drv/bind
tap_ok "map_pirq refused: logged" logged physdev_op:map_pirq "PHYSDEVOP_map_pirq(GSI $gsi) failed: -5"
tap_ok "the driver is bound, on the IO-APIC" sh -c "[ -e $drv/$EDU ] && [ '$(chip)' = IO-APIC ]"
echo "$EDU" > $drv/unbind
tap_is "unbound: nothing held" "$(counts)" "$base"

# bind_pirq refused: request_irq fails, probe fails, the GSI is unmapped.
fail event_channel_op:bind_pirq ENOSPC
echo "$EDU" > $drv/bind 2>/dev/null
tap_ok "bind_pirq refused: logged" logged event_channel_op:bind_pirq "EVTCHNOP_bind_pirq(pirq"
tap_ok "the driver's probe failed cleanly (not bound)" sh -c "! test -e $drv/$EDU"
tap_is "nothing held" "$(counts)" "$base"

# irq_status_query refused: no EOI assumed, interrupts still arrive.
fail physdev_op:irq_status_query EINVAL
echo "$EDU" > $drv/bind
tap_ok "irq_status_query refused: logged" logged physdev_op:irq_status_query "assuming no EOI"
tap_ok "bound and working" works
echo "$EDU" > $drv/unbind
tap_is "unbound: nothing held" "$(counts)" "$base"

# bind_vcpu refused: the affinity write fails, the port stays where it was.
echo "$EDU" > $drv/bind
irq=$(cat /sys/bus/pci/devices/$EDU/irq)
fail event_channel_op:bind_vcpu EINVAL
tap_ok "bind_vcpu refused: the affinity write fails" \
	sh -c "! echo 1 > /proc/irq/$irq/smp_affinity_list 2>/dev/null"
tap_ok "logged" logged event_channel_op:bind_vcpu "EVTCHNOP_bind_vcpu(port"
tap_is "the port stays on CPU 0" "$(row "$irq" 4)/$(cat /proc/irq/$irq/effective_affinity_list)" "0/0"
on_cpu() { works && [ "$(awk -v c=$((4 + $1)) '{ print $c }' $TD/$EDU/irqs)" = 3 ]; }
tap_ok "and interrupts arrive there" on_cpu 0
echo 1 > /proc/irq/$irq/smp_affinity_list
tap_is "the next affinity write moves it" "$(row "$irq" 4)" 1
tap_ok "and interrupts follow" on_cpu 1

# eoi refused: logged, the next interrupts still arrive.
fail physdev_op:eoi EINVAL
tap_ok "eoi refused once: interrupts keep arriving" works
tap_ok "logged" logged physdev_op:eoi "PHYSDEVOP_eoi(pirq"

# Many cycles with affinity changes: nothing accumulates.
echo "$EDU" > $drv/unbind
before=$(counts)
i=0
while [ $i -lt 50 ]; do
	echo "$EDU" > $drv/bind
	echo $((i % 2)) > /proc/irq/$(cat /sys/bus/pci/devices/$EDU/irq)/smp_affinity_list
	echo "$EDU" > $drv/unbind
	i=$((i + 1))
done
tap_is "50 bind/move/unbind cycles: nothing accumulates" "$(counts)" "$before"
echo "$EDU" > $drv/bind
tap_ok "a final bind works and interrupts arrive" works
echo "$EDU" > $drv/unbind
tap_is "unbound: nothing held" "$(counts)" "$base"

# Refusals that leave the host holding something.  Xen hands a GSI the
# lowest free pirq (is_free_pirq ignores a bound port), so a refused close
# or unmap must not wedge the next bind of the same GSI.
echo "$EDU" > $drv/bind
# close refused at unbind: logged; the driver unbinds; only that port stays.
fail event_channel_op:close EINVAL
echo "$EDU" > $drv/unbind
tap_ok "close refused: logged" logged event_channel_op:close "EVTCHNOP_close(port"
tap_ok "the driver unbound" sh -c "! test -e $drv/$EDU"
tap_is "the host kept only the port it refused to close" "$(mstate ports in_use)" 1

echo "$EDU" > $drv/bind
tap_ok "the port is closed at the next bind" logged event_channel_op:close "closed at a later attempt"
tap_ok "rebinding after a refused close works" works
tap_is "only the new port is open" "$(mstate ports in_use)" 1

# unmap_pirq refused at unbind: the next map of the GSI unmaps it first
# (Xen would map a fresh pirq to nothing while the GSI keeps its old one).
fail physdev_op:unmap_pirq EINVAL
echo "$EDU" > $drv/unbind
tap_ok "unmap_pirq refused: logged" logged physdev_op:unmap_pirq "PHYSDEVOP_unmap_pirq(pirq"
tap_ok "the driver unbound" sh -c "! test -e $drv/$EDU"
echo "$EDU" > $drv/bind
tap_ok "the next map unmaps the old pirq first" logged physdev_op:unmap_pirq "unmapped at a later attempt"
tap_ok "the next bind works: interrupts arrive" works
echo "$EDU" > $drv/unbind
tap_is "unbound at last: nothing held" "$(counts)" "$base"
tap_diag "final counts: $(hostctl model "$PVIRQ_GUEST" counts)"

rmmod pvirq_testdev
tap_ok "pvhvm_irq unloads" pv_unload
