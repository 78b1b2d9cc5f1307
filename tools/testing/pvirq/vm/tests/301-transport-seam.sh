# pvirq-vm: smp=2 host=base guests=1
# SPDX-License-Identifier: GPL-2.0
#
# The seam over the test transport: CPUID, RDMSR/WRMSR and hypercalls, one
# with a buffer, make the round trip to pvirq-host's base model and back --
# from process context and, through "@CPU", from an IPI (hardirq) on each
# CPU -- and the transport counts what it sent.
. /pvirq/lib.sh

T=/sys/kernel/debug/pvirq_transport
st() { echo "$*" > $T/selftest && cat $T/selftest; }
stat_of() { sed -n "s/^op $1 *requests \([0-9]*\) errors.*/\1/p" $T/stats; }

tap_ok "pvirq_transport is loaded" grep -q '^pvirq_transport ' /proc/modules
tap_ok "it drives the ivshmem-doorbell device" \
	sh -c 'ls /sys/bus/pci/drivers/pvirq_transport | grep -q "^0000:"'
tap_is "the host named this guest" \
	"$(sed -n 's/^host "\([^"]*\)".*/\1/p' $T/stats)" "$PVIRQ_GUEST"
tap_is "one slot per vCPU" \
	"$(sed -n 's/.* slots \([0-9]*\)$/\1/p' $T/stats)" 2

SIG="0x40000001 0x72697670 0x53455471 0x564854"	# "pvirqTESTHV\0"
cpuid0=$(stat_of cpuid)
tap_is "cpuid 0x40000000: the base model's signature" \
	"$(st cpuid 0x40000000 0)" "$SIG"
for cpu in 0 1; do
	tap_is "cpuid 0x40000000 from hardirq on cpu $cpu" \
		"$(st @$cpu cpuid 0x40000000 0)" "$SIG"
done
tap_is "cpuid 0x40000001: the wire version" "$(st cpuid 0x40000001 0)" \
	"0x1 0x0 0x0 0x0"
tap_is "cpuid of a leaf the model does not have reads zeros" \
	"$(st cpuid 0x40000002 0)" "0x0 0x0 0x0 0x0"
tap_is "the transport counted the 5 cpuid requests" \
	"$(($(stat_of cpuid) - cpuid0))" 5

# Scratch MSRs are per vCPU in the base model: a value written on one CPU
# comes back there and not on the other.
tap_is "wrmsr scratch 0x50564903 on cpu 0" \
	"$(st @0 wrmsr 0x50564903 0x1122334455667788)" 0
tap_is "wrmsr scratch 0x50564903 on cpu 1" \
	"$(st @1 wrmsr 0x50564903 0xcafe)" 0
tap_is "rdmsr on cpu 0 reads back cpu 0's value" \
	"$(st @0 rdmsr 0x50564903)" "0 0x1122334455667788"
tap_is "rdmsr on cpu 1 reads back cpu 1's value" \
	"$(st @1 rdmsr 0x50564903)" "0 0xcafe"
tap_is "rdmsr of an MSR the host does not have: -EIO (#GP)" \
	"$(st rdmsr 0x12345678)" "-5 0x0"
tap_is "wrmsr of an MSR the host does not have: -EIO (#GP)" \
	"$(st wrmsr 0x12345678 1)" "-5"

# KVM hypercall 0x7fff0001 echoes a0 + a1, the total buffer length in out.
tap_is "KVM echo hypercall returns a0 + a1" \
	"$(st hypercall 3 0x7fff0001 40 2 0 0 0)" "42 0x0"
for cpu in 0 1; do
	tap_is "KVM echo hypercall from hardirq on cpu $cpu" \
		"$(st @$cpu hypercall 3 0x7fff0001 0x100000000 7 0 0 0)" \
		"4294967303 0x0"
done
hex() { printf '%s' "$1" | hexdump -v -e '1/1 "%02x"'; }
tap_is "an IN|OUT buffer goes to the host and comes back reversed" \
	"$(st hcbuf 3 0x7fff0001 2 3 11 hello-world)" "0 0xb $(hex dlrow-olleh)"
tap_is "an IN|OUT buffer of 4096 bytes makes the trip (first 8 bytes)" \
	"$(st hcbuf 3 0x7fff0001 0 3 4096 abcdefgh | cut -c1-25)" \
	"0 0x1000 0000000000000000"
tap_is "an OUT buffer is filled by the host" \
	"$(st hcbuf 3 0x7fff0001 1 2 6 ignored)" "0 0x6 000102030405"
tap_is "an IN buffer is not written back" \
	"$(st hcbuf 3 0x7fff0001 1 1 4 abcd)" "0 0x4 $(hex abcd)"
tap_is "unknown KVM hypercall: -KVM_ENOSYS" \
	"$(st hypercall 3 0x7fff00ff 0 0 0 0 0)" "-1000 0x0"
tap_is "unknown Xen hypercall: -ENOSYS" \
	"$(st hypercall 1 99 0 0 0 0 0)" "-38 0x0"
tap_is "unknown Hyper-V hypercall: HV_STATUS_INVALID_HYPERCALL_CODE" \
	"$(st hypercall 2 0x7f 0 0 0 0 0)" "2 0x0"

tap_is "the host answered no request with a transport error" \
	"$(sed -n 's/^timeouts //p' $T/stats) $(sed -n 's/^refused //p' $T/stats)" "0 0"
tap_is "host control from the guest: ping" "$(hostctl ping)" "ok pong"
