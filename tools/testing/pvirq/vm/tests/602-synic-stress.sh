# pvirq-vm: smp=2 host=hyperv guests=1 timeout=600
# SPDX-License-Identifier: GPL-2.0
#
# Load: 100,000 host messages across 4 SINTs and 2 CPUs, each delivered
# once and in order per slot (the host queues behind busy slots, the
# guest EOMs); then event storms whose counts must come out exact.
. /pvirq/lib.sh

C=/sys/kernel/debug/synic_client
S=/sys/kernel/debug/hv_synic
ctl() { echo "$*" > $C/ctl; }
msgfield() {
	awk -v s="$1" -v t="$(($2))" -v f="$3" \
		'$1 == "msg" && $2 == s && $3 == t { for (i = 4; i < NF; i++) if ($i == f) print $(i + 1) }' $C/counts
}
total() { awk '$1 == "msg" { n += $5 } END { print n + 0 }' $C/counts; }
evtsum() { awk '$1 == "evt" { n += $5 } END { print n + 0 }' $C/counts; }
PER=${PER:-12500}
SINTS="6 7 8 9"

insmod $PVIRQ_MODDIR/hv_synic.ko
insmod $PVIRQ_MODDIR/synic_client.ko
for s in $SINTS; do ctl msg $s 0x40; done
start=$(cut -d' ' -f1 /proc/uptime)
for v in 0 1; do
	for s in $SINTS; do
		hostctl model self burst $v $s 0x40 $PER 32 > /dev/null
	done
done
want=$((PER * 8))
last=0
stall=0
while [ "$(total)" -lt $want ] && [ $stall -lt 100 ]; do
	sleep 0.2
	n=$(total)
	if [ "$n" = "$last" ]; then stall=$((stall + 1)); else stall=0; fi
	last=$n
done
end=$(cut -d' ' -f1 /proc/uptime)
tap_diag "$want messages in $(echo "$start $end" | awk '{ print $2 - $1 }') s"
tap_is "all $want messages delivered" "$(total)" $want
for s in $SINTS; do
	tap_is "SINT $s: $PER on each CPU, in order, none misrouted" \
		"$(msgfield $s 0x40 cpu0) $(msgfield $s 0x40 cpu1) $(msgfield $s 0x40 bad_seq) $(msgfield $s 0x40 wrong_dest)" \
		"$PER $PER 0 0"
done
sleep 0.5
tap_is "no more than $want arrive (none twice)" "$(total)" $want
tap_is "nothing rejected" "$(awk '{ n += $12 } END { print n + 0 }' $S/stats)" 0
tap_diag "$(awk '{ e += $10 } END { print e + 0 }' $S/stats) EOMs"

# Event storm: 64 flags per round on SINT 10, signalled by the guest; a
# round waits for the last one, so no two signals of a flag can merge.
hostctl model self conn 300 event 0 10 0 64 > /dev/null
hostctl model self conn 301 event 1 10 64 64 > /dev/null
f=0
while [ $f -lt 64 ]; do
	ctl evt 10 $f
	ctl evt 10 $((f + 64)) thread
	f=$((f + 1))
done
tap_is "128 event handlers registered (64 hard, 64 threaded)" \
	"$(grep -c '^evt 10 ' $C/counts)" 128
rounds=10
r=0
while [ $r -lt $rounds ]; do
	f=0
	while [ $f -lt 64 ]; do
		ctl signal 300 $f
		ctl signal 301 $f
		f=$((f + 1))
	done
	r=$((r + 1))
	_i=0
	while [ "$(evtsum)" -lt $((r * 128)) ] && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
done
tap_is "event storm: $((rounds * 128)) signals, as many handler calls" \
	"$(evtsum)" $((rounds * 128))
tap_is "every flag ran exactly $rounds times" \
	"$(awk -v r=$rounds '$1 == "evt" && $5 != r { n++ } END { print n + 0 }' $C/counts)" 0
tap_is "hard and threaded flags each in their context" \
	"$(awk '$1 == "evt" { n += $7 } END { print n + 0 }' $C/counts)" 0
tap_ok "unload" sh -c "rmmod synic_client && rmmod hv_synic"
