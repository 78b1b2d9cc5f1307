# SPDX-License-Identifier: GPL-2.0
#
# Real Xen, seen from an HVM guest booted with xen_nopv: the kernel's own
# Xen code stays out; pvhvm_irq, loaded by /init before the device drivers,
# finds Xen, says which version, takes the -ENOSYS fallback for pirqs and
# registers its upcall vector (or, where Xen offers no HVM pirqs, refuses
# in one line); the probe module records what Xen answers ("# xen-fact:"
# lines) -- the answers pvirq's host model must give too.
. /pvirq/lib.sh

# Kernel messages of one module since a mark, without timestamps.
kmsgs() { # mark module
	kmsg_since "$1" | sed 's/^\[[^]]*\] //' | grep "^$2: " |
		grep -v -e 'taints kernel' -e 'module verification failed'
}

hex() { printf '0x%x' "$1"; }

# With xen_nopv Linux still names the hypervisor (x86_hyper_type is Xen
# HVM) but sets up none of its Xen support: no xen_domain(), hence no
# /sys/hypervisor, no callback vector, no event channels.
own_xen=""
grep -qw xen_nopv /proc/cmdline || own_xen="xen_nopv is not on the command line"
[ -e /sys/hypervisor/type ] && own_xen="$own_xen /sys/hypervisor/type=$(cat /sys/hypervisor/type)"
for pat in 'Xen HVM callback vector' 'xen:events:' 'Xen version:'; do
	dmesg | grep -q "$pat" && own_xen="$own_xen dmesg: $(dmesg | grep -m1 "$pat")"
done
tap_is "the kernel's own Xen support stays out (xen_nopv)" "$own_xen" ""
dmesg | grep -m1 'Hypervisor detected' | sed 's/^/# xen-fact: guest kernel: /'

# --- pvhvm_irq: the driver under test, loaded by /init before any device
# driver -----------------------------------------------------------------
rc=$(cat /tmp/pvhvm-load.rc)
PVHVM=$(kmsgs pvhvm-load pvhvm_irq | awk '!seen[$0]++')
echo "$PVHVM" | sed 's/^/#   /'
drv_ver=$(echo "$PVHVM" | sed -n 's/^pvhvm_irq: Xen \([0-9]*\.[0-9]*\) at CPUID.*/\1/p' | head -1)
tap_is "pvhvm_irq detects Xen and logs its version" "$drv_ver" "$PVIRQ_XEN"
if [ "$PVIRQ_WANT_PIRQ" = 1 ]; then
	tap_is "pvhvm_irq loads, before the device drivers" \
		"$rc $(cat /tmp/pvhvm-load.out)" "0 "
	tap_is "PHYSDEVOP_get_nr_pirqs: -ENOSYS, and the driver says it lets the host pick pirqs" \
		"$(echo "$PVHVM" | grep -c '^pvhvm_irq: pirqs: no PHYSDEVOP_get_nr_pirqs (-ENOSYS, as on Xen); the host picks them$')" 1
	tap_is "and its allocator is in host-picks mode" \
		"$(sed -n 's/^pirq_mode //p' "$PV/stats" 2> /dev/null)" host-picks
	tap_is "the upcall vector is registered per vCPU (HVMOP_set_evtchn_upcall_vector)" \
		"$(echo "$PVHVM" | grep -c '^pvhvm_irq: event channels: .* ABI, upcall vector per vCPU (HVMOP_set_evtchn_upcall_vector)$')" 1
	tap_is "one pvhvm-upcall IRQ per CPU ($NCPU)" \
		"$(grep -c ' pvhvm-upcall$' /proc/interrupts)" "$NCPU"
	tap_is "MSI and MSI-X are remapped too (Xen does not virtualize the APIC here)" \
		"$(echo "$PVHVM" | grep -c '^pvhvm_irq: remapping GSIs, MSI and MSI-X of devices as their drivers bind$')" 1
	tap_is "the driver logged no error, at load or as the devices bound" \
		"$(echo "$PVHVM" | grep -iE 'fail|refus|error|cannot|beyond' | head -3)" ""
else
	tap_ok "pvhvm_irq refuses to load (-ENODEV): Xen offers no HVM pirqs to this guest" \
		sh -c "[ $rc != 0 ] && grep -q 'No such device' /tmp/pvhvm-load.out"
	tap_is "with one clear line naming XENFEAT_hvm_pirqs and hvm_pirq=1" \
		"$(echo "$PVHVM" | grep -c '^pvhvm_irq: Xen does not offer HVM pirqs (XENFEAT_hvm_pirqs; Xen 4.19 and later need hvm_pirq=1 in the guest config); interrupts stay with the emulated IO-APIC and MSI; not loading$')" 1
	tap_is "and no other error" \
		"$(echo "$PVHVM" | grep -v -e '^pvhvm_irq: Xen [0-9.]* at CPUID' -e 'XENFEAT_hvm_pirqs' | head -3)" ""
fi

# --- the probe: facts ------------------------------------------------------
kmsg_mark probe
out=$(insmod "$PVIRQ_MODDIR/pvirq_xen_probe.ko" 2>&1)
tap_is "the probe module loads and runs every step" \
	"$out:$(kmsgs probe pvirq_xen_probe | grep -c '^pvirq_xen_probe: step: done$')" ":1"
FACTS=$(kmsgs probe pvirq_xen_probe | grep 'xen-fact: ' | awk '!seen[$0]++' |
	sed 's/^pvirq_xen_probe: xen-fact: //')
echo "$FACTS" | sed 's/^/# xen-fact: /'

base_line=$(echo "$FACTS" | grep -m1 'sig=XenVMMXenVMM')
base=$(echo "$base_line" | sed -n 's/^cpuid-base \(0x[0-9a-f]*\) .*/\1/p')
tap_ok "CPUID: Xen's signature XenVMMXenVMM at base $base" [ -n "$base" ]
bases=$(echo "$FACTS" | grep -c '^cpuid-base ')
tap_is "CPUID: no other hypervisor signature (no Viridian)" "$bases" 1

# Leaf base+1 EAX: major << 16 | minor.
leaf1=$(echo "$FACTS" | sed -n "s/^cpuid $(printf '0x%08x' $((base + 1))).0 eax=\(0x[0-9a-f]*\) .*/\1/p")
hc_ver=$(echo "$FACTS" | sed -n 's/^xen_version(XENVER_version) ret=\(0x[0-9a-f]*\)$/\1/p')
tap_is "XENVER_version agrees with CPUID leaf base+1" "$(hex "${hc_ver:-0}")" "$(hex "${leaf1:--1}")"
tap_is "XENVER_version is Xen $PVIRQ_XEN" \
	"$(( ${hc_ver:-0} >> 16 )).$(( ${hc_ver:-0} & 0xffff ))" "$PVIRQ_XEN"

feat=$(echo "$FACTS" | sed -n 's/^xen_version(XENVER_get_features) submap=0 ret=0 features=\(0x[0-9a-f]*\)$/\1/p')
tap_ok "XENVER_get_features: submap 0 is read ($feat)" [ -n "$feat" ]
feat=${feat:-0}
tap_is "XENVER_get_features: hvm_callback_vector (bit 8) is set" $(( (feat >> 8) & 1 )) 1
# 4.17 always offers HVM pirqs; 4.19+ only with hvm_pirq=1 in the xl config.
want_pirq=1
[ "$PVIRQ_HVM_PIRQ" = default ] && [ "$PVIRQ_XEN" != 4.17 ] && want_pirq=0
tap_is "XENVER_get_features: hvm_pirqs (bit 10) is $want_pirq (hvm_pirq=$PVIRQ_HVM_PIRQ)" \
	$(( (feat >> 10) & 1 )) $want_pirq

nr=$(echo "$FACTS" | sed -n 's/^physdev_op(PHYSDEVOP_get_nr_pirqs) ret=\(-*[0-9]*\) .*/\1/p')
tap_is "PHYSDEVOP_get_nr_pirqs is not implemented (-ENOSYS)" "$nr" -38

# pvhvm_irq must report what the hypercall says.
tap_is "pvhvm_irq's version is XENVER_version's" "$drv_ver" \
	"$(( ${hc_ver:-0} >> 16 )).$(( ${hc_ver:-0} & 0xffff ))"

out=$(rmmod pvirq_xen_probe 2>&1)
tap_is "the probe module unloads" "$out" ""
