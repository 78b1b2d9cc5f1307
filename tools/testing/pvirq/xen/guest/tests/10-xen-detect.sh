# SPDX-License-Identifier: GPL-2.0
#
# Real Xen, seen from an HVM guest booted with xen_nopv: the kernel's own
# Xen code stays out, pvhvm_irq finds Xen and says which version, and the
# probe module records what Xen answers ("# xen-fact:" lines) -- the
# answers pvirq's host model must give too.
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

# --- pvhvm_irq: the driver under test --------------------------------------
kmsg_mark pvhvm
out=$(insmod "$PVIRQ_MODDIR/pvhvm_irq.ko" 2>&1)
tap_is "pvhvm_irq loads" "$out" ""
PVHVM=$(kmsgs pvhvm pvhvm_irq | sort -u)
echo "$PVHVM" | sed 's/^/#   /'
drv_ver=$(echo "$PVHVM" | sed -n 's/^pvhvm_irq: Xen \([0-9]*\.[0-9]*\) at CPUID.*/\1/p' | head -1)
tap_is "pvhvm_irq detects Xen and logs its version" "$drv_ver" "$PVIRQ_XEN"

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
out=$(rmmod pvhvm_irq 2>&1)
tap_is "pvhvm_irq unloads" "$out" ""
