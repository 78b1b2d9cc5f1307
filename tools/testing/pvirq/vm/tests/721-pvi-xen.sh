# pvirq-vm: smp=2 host=xen guests=3 timeout=420
# SPDX-License-Identifier: GPL-2.0
#
# pvi's Xen backend, guest to guest over interdomain event channels: g0
# (A) sends, g1 (B) receives, g2 (C) is a guest B never allowed.  Without
# the host's PVI directory, or without pvhvm_irq, pvi says why and does not
# load.  Then N PVIs to a kernel handler (pvi_client) and N to an eventfd
# (/dev/pvi) arrive exactly: every send raised B's port and either made it
# pending or merged with a pending event (the host counts both); C's sends
# are refused with EPERM -- Xen lets only A's domain bind B's ports -- and B
# sees nothing; B revoking mid-stream turns A's sends into EPERM; B
# unloading pvi leaves A with ESHUTDOWN ("peer gone"), and after B reloads
# the old handle stays gone and the new allowlist is empty.
. /pvirq/lib.sh
. /pvirq/xen.sh

P=/sys/kernel/debug/pvi
C=/sys/kernel/debug/pvi_client
N=2000
me=$PVIRQ_GUEST
field() { # "ok k1 v1 k2 v2 ..." KEY
	echo "$1" | tr ' ' '\n' | sed -n "/^$2\$/{n;p;q}"
}
pcount() { # GUEST KEY: the Xen model's interdomain/PVI count
	field "$(hostctl model $1 pvi-counts)" $2
}
client() { # KEY of the "send" line, or "gsi G" irqs
	case $1 in
	gsi) awk -v g=$2 '$1 == "gsi" && $2 == g { print $4 }' $C/counts ;;
	*) awk -v k=$1 '$1 == "send" { for (i = 2; i < NF; i += 2) if ($i == k) print $(i + 1) }' $C/counts ;;
	esac
}
received() { awk -v g=$1 '$1 == g { print $2 }' $P/gsis; }
A=$(hostctl model g0 uuid | sed 's/^ok //')
B=$(hostctl model g1 uuid | sed 's/^ok //')

# Refusals at load, each in one log line.
kmsg_mark nodir
out=$(insmod $PVIRQ_MODDIR/pvi.ko 2>&1)
tap_ok "no PVI directory on this Xen: pvi does not load" \
	sh -c "! grep -q '^pvi ' /proc/modules"
tap_ok "... and says why" \
	has "$(kmsg_since nodir)" 'has no pvirq PVI directory'
model pvi on
kmsg_mark nopvhvm
insmod $PVIRQ_MODDIR/pvi.ko 2>/dev/null
tap_ok "directory, but no pvhvm_irq: pvi does not load" \
	sh -c "! grep -q '^pvi ' /proc/modules"
tap_ok "... and says pvhvm_irq is not loaded" \
	has "$(kmsg_since nopvhvm)" 'pvhvm_irq (which owns the event channels) is not loaded'

tap_ok "pvhvm_irq loads" pv_load
kmsg_mark up
tap_ok "pvi loads on Xen" insmod $PVIRQ_MODDIR/pvi.ko
tap_ok "... with the Xen backend" has "$(kmsg_since up)" 'pvi: xen: 64 GSIs'
tap_ok "pvi_client loads" insmod $PVIRQ_MODDIR/pvi_client.ko
tap_is "this guest's UUID is its Xen domain handle" \
	"$(cat $P/uuid)" "$(hostctl model $me uuid | sed 's/^ok //')"
tap_ok "pvhvm_irq cannot go while pvi uses its event channels" \
	sh -c "! rmmod pvhvm_irq 2>/dev/null"
tap_is "all three guests are up" "$(hostctl wait-guests 3)" ok

if [ $me = g1 ]; then
	tap_ok "B listens on GSI 5 (kernel handler)" sh -c "echo listen 5 > $C/ctl"
	tap_ok "B allows A on GSIs 5 and 6" \
		sh -c "echo allow $A 5 > $C/ctl && pvictl allow $A 6 | grep -qx OK"
	tap_is "the host sees two ports of B published for A's domain" \
		"$(hostctl state g1 | grep -o '"pvi_gsi":[56]' | wc -l)" 2
	pvictl wait 6 $N 20 > /tmp/wait6 &
	wpid=$!
	while ! grep -q bound /tmp/wait6; do sleep 0.1; done
	hostctl model g1 pvi-clear-counts > /dev/null
fi
hostctl barrier ready 3 > /dev/null

if [ $me = g0 ]; then
	t0=$(date +%s)
	tap_ok "A resolves B" sh -c "pvictl resolve $B | grep -q ^0x"
	tap_ok "A sends $N PVIs to B's GSI 5 from the kernel" sh -c "echo send $B 5 $N > $C/ctl"
	tap_is "... all accepted" "$(client sent)" $N
	tap_ok "A sends $N PVIs to B's GSI 6 through /dev/pvi" \
		sh -c "pvictl send $B 6 $N | grep -qx 'sent $N'"
	tap_diag "$((2 * N)) sends in $(($(date +%s) - t0)) s"
fi
if [ $me = g2 ]; then
	echo send $B 5 200 > $C/ctl
	tap_is "C is not allowed: 200 x EPERM" "$(client sent) $(client EPERM)" "0 200"
	tap_is "C through /dev/pvi: EPERM too" "$(pvictl send $B 6 5)" "sent 0 EPERM 5"
	tap_is "C's domain holds no channel to B" "$(pcount g2 sent)" 0
fi
hostctl barrier sent 3 > /dev/null

if [ $me = g1 ]; then
	wait $wpid
	got6=$(sed -n 's/^got //p' /tmp/wait6)
	irq5=$(client gsi 5)
	i=0
	while [ $i -lt 50 ]; do
		# let the last ones land
		[ "$(received 5)" = "$irq5" ] && break
		sleep 0.1; i=$((i + 1)); irq5=$(client gsi 5)
	done
	merged=$(pcount g1 rx_merged)
	deliv=$(pcount g1 rx_delivered)
	tap_is "host: B was sent $((2 * N)): pending $deliv + merged $merged" \
		$((deliv + merged)) $((2 * N))
	tap_is "B's handler and eventfd saw every pending PVI (GSI 5 $irq5, GSI 6 $got6)" \
		$((irq5 + got6)) $deliv
	tap_is "the handler ran once per PVI pvi took for GSI 5" "$irq5" "$(received 5)"
	tap_is "the eventfd counted every PVI pvi took for GSI 6" "$got6" "$(received 6)"
	tap_diag "merged (coalesced, counted by the host): $merged"
fi
hostctl barrier counted 3 > /dev/null

# Revoke in the middle of a stream.
if [ $me = g0 ]; then
	(echo send $B 5 20000 > $C/ctl) &
	spid=$!
fi
if [ $me = g1 ]; then
	base=$(client gsi 5)
	i=0
	while [ $(($(client gsi 5) - base)) -lt 100 ] && [ $i -lt 300 ]; do
		sleep 0.05; i=$((i + 1))
	done
	tap_ok "B revokes A mid-stream" sh -c "echo revoke $A 5 > $C/ctl"
	at=$(client gsi 5)
fi
hostctl barrier revoked 3 > /dev/null
if [ $me = g0 ]; then
	wait $spid
	s=$(client sent)
	e=$(client EPERM)
	tap_ok "A: accepted before the revoke ($s), EPERM after ($e)" \
		test "$s" -gt 0 -a "$e" -gt 0 -a $((s + e)) = 20000
fi
hostctl barrier stream-done 3 > /dev/null
if [ $me = g1 ]; then
	sleep 0.5
	after=$(client gsi 5)
	tap_ok "B got at most a few more after the revoke (revoke at $at, now $after)" \
		test $((after - at)) -lt 64
	tap_is "nothing arrived after A's last accepted send was handled" \
		"$(sleep 1; client gsi 5)" "$after"
	tap_is "the revoked port is gone from the host" \
		"$(hostctl state g1 | grep -o '"pvi_gsi":5' | wc -l)" 0
fi
hostctl barrier revoke-checked 3 > /dev/null

# B shuts pvi down while A streams to it with the handle it resolved.
if [ $me = g0 ]; then
	(echo send $B 6 20000 > $C/ctl) &
	spid=$!
fi
if [ $me = g1 ]; then
	base=$(received 6)
	i=0
	while [ $(($(received 6) - base)) -lt 100 ] && [ $i -lt 300 ]; do
		sleep 0.05; i=$((i + 1))
	done
	tap_ok "B unloads pvi_client and pvi mid-stream" sh -c "rmmod pvi_client && rmmod pvi"
fi
hostctl barrier b-down 3 > /dev/null
if [ $me = g0 ]; then
	wait $spid
	s=$(client sent)
	e=$(client ESHUTDOWN)
	tap_ok "A: accepted before B went ($s), peer gone (ESHUTDOWN) after ($e)" \
		test "$s" -gt 0 -a "$e" -gt 0 -a $((s + e)) = 20000
	tap_ok "Xen dropped the sends on A's unbound end (the model counted $(pcount g0 dropped))" \
		test "$(pcount g0 dropped)" -gt 0
	tap_is "resolving B: peer gone (ESHUTDOWN)" "$(pvictl resolve $B)" ESHUTDOWN
	tap_is "pvictl send: refused at resolve" "$(pvictl send $B 6 1)" "sent 0 resolve ESHUTDOWN"
fi
hostctl barrier b-checked 3 > /dev/null
if [ $me = g1 ]; then
	tap_ok "B loads pvi again" insmod $PVIRQ_MODDIR/pvi.ko
fi
hostctl barrier b-up 3 > /dev/null
if [ $me = g0 ]; then
	tap_is "B back: a new handle, but a fresh allowlist: EPERM" \
		"$(pvictl send $B 6 3)" "sent 0 EPERM 3"
fi
hostctl barrier done 3 > /dev/null
rmmod pvi_client 2>/dev/null
tap_ok "pvi unloads" rmmod pvi
tap_ok "pvhvm_irq unloads after pvi" pv_unload
tap_is "nothing of pvi is left on the host: no port in use" "$(mstate ports in_use)" 0
