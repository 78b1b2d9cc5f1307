# pvirq-vm: smp=2 host=hyperv guests=1 timeout=300
# SPDX-License-Identifier: GPL-2.0
#
# CPU hotplug: a CPU with a handler bound to it refuses to go offline; an
# unbound CPU goes offline under message load (its SynIC drained, then
# disabled), comes back with SynIC enabled on a vector read anew, and no
# message of the stream is lost, duplicated or reordered.
. /pvirq/lib.sh

C=/sys/kernel/debug/synic_client
S=/sys/kernel/debug/hv_synic
CPU1=/sys/devices/system/cpu/cpu1/online
ctl() { echo "$*" > $C/ctl; }
msgfield() {
	awk -v s="$1" -v t="$(($2))" -v f="$3" \
		'$1 == "msg" && $2 == s && $3 == t { for (i = 4; i < NF; i++) if ($i == f) print $(i + 1) }' $C/counts
}
cpu_stat() { awk -v c="$1" -v f="$2" '$2 == c { for (i = 3; i < NF; i++) if ($i == f) { print $(i + 1); exit } }' $S/cpus; }
hv() { hostctl state self | tr '{' '\n' | grep "^\"vcpu\":$2," | grep -o "\"$1\":[0-9]*" | head -1 | cut -d: -f2; }

insmod $PVIRQ_MODDIR/hv_synic.ko
insmod $PVIRQ_MODDIR/synic_client.ko
tap_ok "a handler bound to cpu 1 registers" ctl msg 11 0x50 cpu 1
tap_ok "cpu 1 refuses to go offline while it is bound" sh -c "! echo 0 > $CPU1"
tap_is "cpu 1 is still online, SynIC on" "$(cat $CPU1) $(cpu_stat 1 enabled)" "1 1"
tap_ok "the handler unregisters" ctl unmsg 11 0x50

ctl msg 6 0x51
ctl msg 7 0x52 thread
N=3000
hostctl model self burst 1 6 0x51 $N 64 > /dev/null
hostctl model self burst 1 7 0x52 $N 64 > /dev/null
cycles=0
i=0
while [ $i -lt 5 ]; do
	echo 0 > $CPU1 && cycles=$((cycles + 1))
	[ "$(hv simp 1)" = 0 ] || tap_diag "cycle $i: SIMP still on with cpu 1 offline"
	sleep 0.2
	echo 1 > $CPU1
	sleep 0.3
	i=$((i + 1))
done
tap_is "5 offline/online cycles of cpu 1 under load" $cycles 5
tap_is "SynIC back on cpu 1" "$(cpu_stat 1 enabled) $(hv scontrol 1)" "1 1"
vec=$(cpu_stat 1 vector)
tap_is "SINT6 of vCPU 1 has cpu 1's vector again" \
	"$(hostctl state self | tr '{' '\n' | grep '^"vcpu":1,' | grep -o '"sint":\[[0-9,]*\]' | sed 's/.*\[//; s/\]//' | cut -d, -f7)" "$((vec))"
_i=0
while [ $(($(msgfield 6 0x51 recv) + $(msgfield 7 0x52 recv))) -lt $((2 * N)) ] && [ $_i -lt 300 ]; do
	sleep 0.1
	_i=$((_i + 1))
done
tap_is "hard handler: all $N, in order, on cpu 1" \
	"$(msgfield 6 0x51 cpu1) $(msgfield 6 0x51 bad_seq) $(msgfield 6 0x51 wrong_dest)" "$N 0 0"
tap_is "threaded handler: all $N, in order, on cpu 1" \
	"$(msgfield 7 0x52 cpu1) $(msgfield 7 0x52 bad_seq) $(msgfield 7 0x52 wrong_ctx)" "$N 0 0"
tap_ok "unload" sh -c "rmmod synic_client && rmmod hv_synic"
