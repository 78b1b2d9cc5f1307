# pvirq-vm: smp=2 host=hyperv guests=1 timeout=180
# SPDX-License-Identifier: GPL-2.0
#
# hv_synic against pvirq-host's "hyperv" model: bring-up and clean
# teardown, and the kvm-unit-tests hyperv_connections scenarios --
# messages to this CPU and to the other one, a busy slot (msg_pending, no
# interrupt), the pending message delivered after EOM, an event flag that
# is already set raising no interrupt -- plus HvPostMessage/HvSignalEvent
# statuses, retries, threaded handlers and a host writing bad headers.
. /pvirq/lib.sh

C=/sys/kernel/debug/synic_client
S=/sys/kernel/debug/hv_synic
ctl() { echo "$*" > $C/ctl; }
# msgfield SINT TYPE FIELD: a field of the client's line for that handler
msgfield() {
	awk -v s="$1" -v t="$(($2))" -v f="$3" \
		'$1 == "msg" && $2 == s && $3 == t { for (i = 4; i < NF; i++) if ($i == f) print $(i + 1) }' $C/counts
}
evtcount() { awk -v s="$1" -v f="$2" '$1 == "evt" && $2 == s && $3 == f { print $5 }' $C/counts; }
# sint_stat CPU SINT FIELD: hv_synic's debugfs counter
sint_stat() {
	awk -v c="$1" -v s="$2" -v f="$3" \
		'$2 == c && $4 == s { for (i = 5; i < NF; i++) if ($i == f) print $(i + 1) }' $S/stats
}
cpu_stat() { awk -v c="$1" -v f="$2" '$2 == c { for (i = 3; i < NF; i++) if ($i == f) { print $(i + 1); exit } }' $S/cpus; }
hstate() { hostctl state self; }
# hv FIELD [VCPU]: a number from the model's state (per vCPU if VCPU given)
hv() {
	if [ -n "$2" ]; then
		hstate | tr '{' '\n' | grep "^\"vcpu\":$2," | grep -o "\"$1\":[0-9]*" | head -1 | cut -d: -f2
	else
		hstate | grep -o "\"$1\":[0-9]*" | head -1 | cut -d: -f2
	fi
}
# hva FIELD VCPU SINT: one element of a per-SINT array of a vCPU
hva() {
	hstate | tr '{' '\n' | grep "^\"vcpu\":$2," | grep -o "\"$1\":\[[0-9,]*\]" |
		sed 's/.*\[//; s/\]//' | awk -F, -v i="$3" '{ print $(i + 1) }'
}
# wait_for CMD WANT: poll until CMD prints WANT (5 s)
wait_for() {
	_i=0
	while [ "$(eval "$1")" != "$2" ] && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
}

tap_ok "hv_synic loads on the hyperv model" insmod $PVIRQ_MODDIR/hv_synic.ko
tap_is "SynIC enabled on both CPUs" "$(grep -c 'enabled 1' $S/cpus)" 2
tap_is "VP indexes are read per CPU" "$(cpu_stat 0 vp) $(cpu_stat 1 vp)" "0 1"
tap_ok "the guest OS ID is set" sh -c "[ $(hv guest_os_id) != 0 ]"
tap_is "a hypercall page of ours is enabled" "$(($(hv hypercall) & 1))" 1
tap_is "SCONTROL enabled on vCPU 0 and 1" "$(hv scontrol 0) $(hv scontrol 1)" "1 1"
vec0=$(cpu_stat 0 vector)
vec1=$(cpu_stat 1 vector)
tap_is "SINT6 of each vCPU carries that CPU's own vector, unmasked" \
	"$(hva sint 0 6) $(hva sint 1 6)" "$((vec0)) $((vec1))"
tap_is "SINT2 (VMBus's) is left masked" "$(hva sint 0 2)" 65536
tap_ok "synic_client loads" insmod $PVIRQ_MODDIR/synic_client.ko

# -- messages to this CPU and to the other one (HvPostMessage) --
hostctl model self conn 100 msg 0 6 > /dev/null
hostctl model self conn 101 msg 1 6 > /dev/null
tap_ok "register a handler for SINT 6 type 0x10" ctl msg 6 0x10
tap_ok "post 5 messages to connection 100 (vCPU 0)" ctl post 100 0x10 5
tap_ok "post 7 messages to connection 101 (vCPU 1)" ctl post 101 0x10 7
wait_for "msgfield 6 0x10 recv" 12
tap_is "all arrive: 5 on cpu 0, 7 on cpu 1" \
	"$(msgfield 6 0x10 cpu0) $(msgfield 6 0x10 cpu1)" "5 7"
tap_is "in order, in hard IRQ context" \
	"$(msgfield 6 0x10 bad_seq) $(msgfield 6 0x10 wrong_ctx)" "0 0"

# -- busy slot: msg_pending, no interrupt; EOM delivers the next --
ctl reset
inj0=$(hva injected 0 7)
q0=$(hv queued 0)
ctl msg 7 0x11
# Asked from cpu 0 itself: the transport holds its interrupts off until the
# host answers, so the guest cannot free the slot between the two.
tap_ok "host delivers two messages at once to SINT 7 of vCPU 0" \
	taskset -c 0 sh -c '. /pvirq/lib.sh; hostctl model self burst 0 7 0x11 2'
wait_for "msgfield 7 0x11 recv" 2
tap_is "the second found the slot busy and was queued" "$(($(hv queued 0) - q0))" 1
tap_is "the guest took both, in order" \
	"$(msgfield 7 0x11 recv) $(msgfield 7 0x11 bad_seq)" "2 0"
tap_is "two interrupts: the busy slot raised none, the EOM rescan one" \
	"$(($(hva injected 0 7) - inj0))" 2
tap_is "exactly one EOM, on SINT 7" "$(sint_stat 0 7 eoms)" 1

# -- event flags: already set raises nothing --
ctl evt 8 3
hostctl model self conn 200 event 0 8 0 16 > /dev/null
tap_ok "HvSignalEvent(connection 200, flag 3)" ctl signal 200 3
wait_for "evtcount 8 3" 1
tap_is "the handler of SINT 8 flag 3 runs once" "$(evtcount 8 3)" 1
inj=$(hva injected 0 8)
tap_is "host sets flag 5 (no handler): raised" \
	"$(hostctl model self flag 0 8 5)" "ok raised"
tap_is "setting it again: already set" \
	"$(hostctl model self flag 0 8 5)" "ok already set"
tap_is "one interrupt for the two" "$(($(hva injected 0 8) - inj))" 1

# -- statuses --
tap_ok "post to an unknown connection fails" sh -c "! echo post 999 0x10 1 > $C/ctl"
tap_ok "signal to a message connection fails" sh -c "! echo signal 100 0 > $C/ctl"
tap_ok "signal a flag past the port's count fails" sh -c "! echo signal 200 16 > $C/ctl"
ctl reset
r0=$(($(cpu_stat 0 retries) + $(cpu_stat 1 retries)))
hostctl model self fault 0x13 3 > /dev/null
tap_ok "post succeeds after 3 insufficient-buffers answers" ctl post 100 0x10 1
tap_is "3 retries counted" \
	"$(($(cpu_stat 0 retries) + $(cpu_stat 1 retries) - r0))" 3
echo 4 > /sys/module/hv_synic/parameters/post_tries
hostctl model self fault 0x13 10 > /dev/null
tap_ok "post gives up after post_tries=4 with ENOBUFS" \
	sh -c "! echo post 100 0x10 1 > $C/ctl && grep -q 'last_err -105' $C/counts"
hostctl model self fault off > /dev/null
echo 100 > /sys/module/hv_synic/parameters/post_tries

# -- threaded handlers --
ctl msg 9 0x30 thread
hostctl model self burst 1 9 0x30 50 > /dev/null
wait_for "msgfield 9 0x30 recv" 50
tap_is "50 threaded messages on cpu 1, in order, in a thread" \
	"$(msgfield 9 0x30 cpu1) $(msgfield 9 0x30 bad_seq) $(msgfield 9 0x30 wrong_ctx)" "50 0 0"
tap_ok "threaded and hard handlers cannot share (SINT, type)" \
	sh -c "! echo msg 9 0x30 > $C/ctl"

# -- a malicious host --
ctl reset
rej=$(sint_stat 0 6 rejected)
hostctl model self malicious 3 size > /dev/null
for i in 1 2 3; do hostctl model self post 0 6 0x10 1 > /dev/null; done
hostctl model self malicious 2 type > /dev/null
for i in 1 2; do hostctl model self post 0 6 0x10 1 > /dev/null; done
wait_for "sint_stat 0 6 rejected" $((rej + 5))
tap_is "5 bad headers rejected and counted" "$(($(sint_stat 0 6 rejected) - rej))" 5
tap_is "none reached the handler" "$(msgfield 6 0x10 recv)" 0

# -- unload leaves the host clean --
tap_ok "synic_client unloads" rmmod synic_client
tap_ok "hv_synic unloads" rmmod hv_synic
tap_is "SCONTROL, SIMP, SIEFP off on both vCPUs" \
	"$(hv scontrol 0)$(hv simp 0)$(hv siefp 0) $(hv scontrol 1)$(hv simp 1)$(hv siefp 1)" "000 000"
tap_is "hypercall page off, guest OS ID cleared" "$(hv hypercall) $(hv guest_os_id)" "0 0"
tap_is "no hv_synic interrupt left" "$(grep -c hv_synic /proc/interrupts)" 0
