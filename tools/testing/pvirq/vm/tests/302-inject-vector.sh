# pvirq-vm: smp=2 host=base guests=1
# SPDX-License-Identifier: GPL-2.0
#
# Injection: pvirq-host sets a vector for one vCPU and kicks the transport,
# which sends it to that CPU as a real IPI.  pvirq_vectest owns one managed
# vector pinned to each CPU and counts where its interrupts arrive.
. /pvirq/lib.sh

T=/sys/kernel/debug/pvirq_transport
V=/sys/kernel/debug/pvirq_vectest/vectors
delivered() { sed -n "s/^cpu $1 delivered //p" $T/stats; }
hits() { awk -v c="$1" '$1 == c { print $3 " " $4 }' $V; }
vector() { awk -v c="$1" '$1 == c { print $2 }' $V; }
# wait_hits CPU N: until CPU's vector has N hits (3 s at most)
wait_hits() {
	_i=0
	while [ "$(hits "$1" | cut -d' ' -f1)" -lt "$2" ] && [ $_i -lt 30 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
}

tap_ok "pvirq_vectest loads" insmod $PVIRQ_MODDIR/pvirq_vectest.ko
tap_is "it owns a vector on each of the 2 CPUs" "$(wc -l < $V)" 2

for cpu in 0 1; do
	vec=$(vector $cpu)
	tap_diag "cpu $cpu owns vector $vec"
	d0=$(delivered $cpu)
	tap_ok "host injects vector $vec on vcpu $cpu" \
		hostctl inject self $cpu $((vec))
	wait_hits $cpu 1
	tap_is "it arrives once, on cpu $cpu" "$(hits $cpu)" "1 0"
	tap_is "the transport counts one delivery to cpu $cpu" \
		"$(($(delivered $cpu) - d0))" 1
done
# The other CPU's vector did not fire on the way.
tap_is "no stray hits: cpu 0 still 1, cpu 1 still 1" \
	"$(hits 0 | cut -d' ' -f1) $(hits 1 | cut -d' ' -f1)" "1 1"

# One at a time, so that the APIC cannot merge two into one.
for cpu in 0 1; do
	vec=$(vector $cpu)
	n=1
	while [ $n -le 10 ]; do
		hostctl inject self $cpu $((vec)) > /dev/null
		wait_hits $cpu $((n + 1))
		n=$((n + 1))
	done
	tap_is "10 more injections on vcpu $cpu arrive exactly" \
		"$(hits $cpu)" "11 0"
done

# Vectors below 0x20 or in the system range are refused by the transport.
bad0=$(sed -n 's/^inject kicks [0-9]* bad_vector \([0-9]*\).*/\1/p' $T/stats)
tap_ok "host injects vector 0x10 (an exception vector)" \
	hostctl inject self 0 16
tap_ok "host injects vector 0xfd (a system vector)" \
	hostctl inject self 1 253
sleep 0.3
tap_is "the transport drops both" \
	"$(($(sed -n 's/^inject kicks [0-9]* bad_vector \([0-9]*\).*/\1/p' $T/stats) - bad0))" 2
tap_ok "the host refuses a vCPU the guest does not have" \
	sh -c '! hostctl inject self 5 0x40'

tap_ok "pvirq_vectest unloads" rmmod pvirq_vectest
tap_ok "and loads again" insmod $PVIRQ_MODDIR/pvirq_vectest.ko
vec=$(vector 1)
hostctl inject self 1 $((vec)) > /dev/null
wait_hits 1 1
tap_is "an injection after reload arrives" "$(hits 1)" "1 0"
tap_ok "pvirq_vectest unloads again" rmmod pvirq_vectest
