# pvirq-vm: smp=2 host=base guests=1
# SPDX-License-Identifier: GPL-2.0
#
# Bad requests and failures: malformed requests sent raw (bypassing every
# guest-side check) get an error and the host goes on serving; faults the
# host injects become the errors a driver would see from a hypervisor; a
# request the host answers too late times out, blocks its slot until the
# late answer comes, and does not corrupt the next request.
. /pvirq/lib.sh

T=/sys/kernel/debug/pvirq_transport
st() { echo "$*" > $T/selftest && cat $T/selftest; }
SIG="0x40000001 0x72697670 0x53455471 0x564854"
invalid() { hostctl stats self | sed -n 's/.*"invalid":\([0-9]*\).*/\1/p'; }
tstat() { sed -n "s/^$1 //p" $T/stats; }

# Everything below that is not an "@CPU" request runs on cpu 0.
taskset -p 1 $$ > /dev/null

inv0=$(invalid)
tap_is "raw op 0: -EOPNOTSUPP" "$(st raw 0)" "0 -95 0x0 0x0 0x0 0x0"
tap_is "raw op 99: -EOPNOTSUPP" "$(st raw 99)" "0 -95 0x0 0x0 0x0 0x0"
tap_is "PCI read at offset 0x1000: -EINVAL" "$(st raw 6 0 0x1000 4)" \
	"0 -22 0x0 0x0 0x0 0x0"
tap_is "PCI read of 3 bytes: -EINVAL" "$(st raw 6 0 0 3)" \
	"0 -22 0x0 0x0 0x0 0x0"
tap_is "PCI read misaligned: -EINVAL" "$(st raw 6 0 2 4)" \
	"0 -22 0x0 0x0 0x0 0x0"
tap_is "PCI write to devfn 0x100: -EINVAL" "$(st raw 7 0x100 0 4 0)" \
	"0 -22 0x0 0x0 0x0 0x0"
tap_is "hypercall of an unknown ABI: -EINVAL" "$(st raw 5 7 1)" \
	"0 -22 0x0 0x0 0x0 0x0"
tap_is "cpuid leaf wider than 32 bits: -EINVAL" "$(st raw 2 0x100000000 0)" \
	"0 -22 0x0 0x0 0x0 0x0"
tap_is "HELLO for 0 CPUs: -EINVAL" "$(st raw 1 0)" "0 -22 0x0 0x0 0x0 0x0"
tap_is "the host counted 9 invalid requests" "$(($(invalid) - inv0))" 9
tap_is "and still serves: cpuid" "$(st @1 cpuid 0x40000000 0)" "$SIG"
tap_is "a well-formed raw PCI read of the vendor ID" "$(st raw 6 0 0 2)" \
	"0 0 0x1234 0x0 0x0 0x0"

tap_is "an unknown control command gets an error line" \
	"$(hostctl frobnicate | cut -d' ' -f1-2)" "err EINVAL"
tap_is "a control command for a guest that does not exist" \
	"$(hostctl inject nosuchguest 0 64 | cut -d' ' -f1-2)" "err ENOENT"
long=$(printf '%01100d' 0)
tap_ok "a control line of 1100 bytes is refused by the guest" \
	sh -c "! echo $long > $T/ctl"

# Faults the host injects: the transport turns them into what the caller
# would see from a hypervisor.
hostctl fault self cpuid 1 EIO > /dev/null
tap_is "cpuid failed by the host reads as zeros" \
	"$(st cpuid 0x40000000 0)" "0x0 0x0 0x0 0x0"
tap_is "the next cpuid is fine" "$(st cpuid 0x40000000 0)" "$SIG"
hostctl fault self rdmsr 1 EINVAL > /dev/null
tap_is "rdmsr failed by the host: -EIO" "$(st rdmsr 0x50564900)" "-5 0x0"
hostctl fault self wrmsr 1 EBUSY > /dev/null
tap_is "wrmsr failed by the host: -EIO" "$(st wrmsr 0x50564900 1)" "-5"
for abi in "3 -1000 KVM" "1 -38 Xen" "2 2 Hyper-V"; do
	set -- $abi
	hostctl fault self hypercall 1 EFAULT > /dev/null
	tap_is "$3 hypercall failed in transport: that ABI's 'no such call'" \
		"$(st hypercall $1 0x7fff0001 1 2 0 0 0 | cut -d' ' -f1)" $2
done
tap_is "the echo hypercall works again" \
	"$(st hypercall 3 0x7fff0001 1 2 0 0 0)" "3 0x0"
vendor() { od -An -tx2 -N 2 "$1" | tr -d ' '; }
dev=""
for d in /sys/bus/pci/devices/*; do
	[ "$(cat $d/vendor)" = 0x1234 ] && [ "$(cat $d/device)" = 0x5056 ] && dev=$d
done
hostctl fault self pci 1 EIO > /dev/null
tap_is "a config read the host fails reads all ones" "$(vendor $dev/config)" ffff
tap_is "the next one reads the vendor ID" "$(vendor $dev/config)" 1234

# A late answer.  cpu 1's cpuid is held for 2 s while the guest gives up
# after 0.5 s.
echo 500 > /sys/module/pvirq_transport/parameters/timeout_ms
to0=$(tstat timeouts)
ref0=$(tstat refused)
hostctl delay self cpuid 2000000 > /dev/null
tap_is "a cpuid the host holds for 2 s times out after 0.5 s: zeros" \
	"$(st @1 cpuid 0x40000000 0)" "0x0 0x0 0x0 0x0"
tap_is "the transport counted the timeout" $(($(tstat timeouts) - to0)) 1
hostctl delay self cpuid 0 > /dev/null
tap_is "cpu 1's slot is refused while the late answer is pending" \
	"$(st @1 cpuid 0x40000001 0)" "0x0 0x0 0x0 0x0"
tap_is "the transport counted the refusal" $(($(tstat refused) - ref0)) 1
tap_is "cpu 0 is not affected" "$(st @0 cpuid 0x40000000 0)" "$SIG"
sleep 2
tap_is "after the late answer, cpu 1 gets its own answer (leaf 0x40000001)" \
	"$(st @1 cpuid 0x40000001 0)" "0x1 0x0 0x0 0x0"
tap_is "and the next one too (leaf 0x40000000)" \
	"$(st @1 cpuid 0x40000000 0)" "$SIG"
echo 10000 > /sys/module/pvirq_transport/parameters/timeout_ms
tap_is "host control still works" "$(hostctl ping)" "ok pong"
