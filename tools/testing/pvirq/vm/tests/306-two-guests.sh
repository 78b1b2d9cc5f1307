# pvirq-vm: smp=2 host=base guests=2
# SPDX-License-Identifier: GPL-2.0
#
# Two guests attached to one pvirq-host at once.  Each is served as itself
# (its own name, slots and per-vCPU MSRs) while both hammer the host from
# both CPUs, and each can fire the other's virtual device.
. /pvirq/lib.sh

T=/sys/kernel/debug/pvirq_transport
me=$PVIRQ_GUEST
case $me in
g0) peer=g1 ;;
*) peer=g0 ;;
esac

tap_is "this guest is $me to the host" \
	"$(sed -n 's/^host "\([^"]*\)".*/\1/p' $T/stats)" "$me"
tap_is "both guests have said HELLO" "$(hostctl wait-guests 2)" "ok"
peer_ready() {
	hostctl list | grep -q "\"name\":\"$peer\",[^}]*\"ready\":true,\"nr_cpus\":2"
}
tap_ok "the host lists $peer as ready with 2 CPUs" peer_ready
tap_is "barrier: both guests start together" "$(hostctl barrier start 2)" \
	"ok barrier start"

# Both CPUs of both guests at once; every answer must be the right one.
(echo "@0 stress 300" > $T/selftest) 2> /tmp/err0 &
p0=$!
(echo "@1 stress 300" > $T/selftest) 2> /tmp/err1 &
p1=$!
wait $p0
r0=$?
wait $p1
r1=$?
tap_is "300 MSR/CPUID rounds on each CPU, both guests at once: none wrong" \
	"$r0 $r1" "0 0"
[ -s /tmp/err0 ] && tap_diag "cpu 0: $(cat /tmp/err0)"
[ -s /tmp/err1 ] && tap_diag "cpu 1: $(cat /tmp/err1)"
tap_is "no timeouts" "$(sed -n 's/^timeouts //p' $T/stats)" 0

# Each guest's virtual device, fired by the other guest.
dev=""
for d in /sys/bus/pci/devices/*; do
	[ "$(cat $d/vendor)" = 0x1234 ] && [ "$(cat $d/device)" = 0x5056 ] && dev=$d
done
D=/sys/kernel/debug/pvirq_testdev/${dev##*/}
tap_ok "testdev binds with 2 MSI-X vectors" \
	insmod $PVIRQ_MODDIR/pvirq_testdev.ko mode=msix nvec=2
tap_is "barrier: both devices are ready" "$(hostctl barrier ready 2)" \
	"ok barrier ready"
tap_ok "$me fires vector 0 of $peer's device" hostctl fire $peer 0
tap_ok "$me fires vector 1 of $peer's device" hostctl fire $peer 1
tap_is "barrier: both have fired" "$(hostctl barrier fired 2)" \
	"ok barrier fired"
i=0
while [ "$(awk '{ s += $3 } END { print s }' $D/irqs)" -lt 2 ] && [ $i -lt 30 ]; do
	sleep 0.1
	i=$((i + 1))
done
tap_is "$peer's fires reached this guest: 1 on each vector" \
	"$(awk '{ printf "%s ", $3 }' $D/irqs)" "1 1 "
tap_ok "testdev unloads" rmmod pvirq_testdev
tap_is "barrier: both are done" "$(hostctl barrier done 2)" "ok barrier done"
