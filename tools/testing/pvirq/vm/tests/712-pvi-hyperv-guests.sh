# pvirq-vm: smp=2 host=hyperv guests=3 timeout=420
# SPDX-License-Identifier: GPL-2.0
#
# pvi's Hyper-V backend guest to guest, hv_synic and pvi in every guest:
# g0 (A) sends, g1 (B) receives, g2 (C) is a sender B never allowed.
# 2,000 PVIs to a kernel handler (pvi_client) and 2,000 to an eventfd
# (/dev/pvi) arrive exactly: every HvSignalEvent either set B's flag or
# merged with a pending one (the host counts merges).  C is refused with
# EPERM (ACCESS_DENIED) and B sees nothing; revoking mid-stream stops
# delivery; the rate limit answers EBUSY (INSUFFICIENT_BUFFERS) and
# recovers; B unloading pvi leaves A with ESHUTDOWN (INVALID_PORT_ID),
# a stale connection stays refused after B is back.
. /pvirq/lib.sh

P=/sys/kernel/debug/pvi
C=/sys/kernel/debug/pvi_client
N=2000
me=$PVIRQ_GUEST
field() { # "ok k1 v1 k2 v2 ..." KEY
	echo "$1" | tr ' ' '\n' | sed -n "/^$2\$/{n;p;q}"
}
hcount() { # GUEST KEY: the host's count
	field "$(hostctl model $1 counts)" $2
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

tap_ok "hv_synic loads" insmod $PVIRQ_MODDIR/hv_synic.ko
tap_ok "pvi loads (Hyper-V backend)" insmod $PVIRQ_MODDIR/pvi.ko
tap_ok "pvi_client loads" insmod $PVIRQ_MODDIR/pvi_client.ko
tap_ok "backend is hyperv" sh -c "pvictl info | grep -q 'backend hyperv'"
tap_is "all guests are up" "$(hostctl wait-guests 3)" ok

if [ $me = g1 ]; then
	tap_ok "B listens on GSI 5 (kernel handler)" sh -c "echo listen 5 > $C/ctl"
	tap_ok "B allows A on GSIs 5 and 6" sh -c "echo allow $A 5 > $C/ctl && pvictl allow $A 6 | grep -qx OK"
	pvictl wait 6 $N 10 > /tmp/wait6 &
	wpid=$!
	while ! grep -q bound /tmp/wait6; do sleep 0.1; done
	hostctl model g1 clear-counts > /dev/null
fi
hostctl barrier ready 3 > /dev/null

if [ $me = g0 ]; then
	t0=$(date +%s)
	tap_ok "A resolves B to a connection id" sh -c "pvictl resolve $B | grep -q ^0x"
	tap_ok "A sends $N PVIs to B's GSI 5 from the kernel" sh -c "echo send $B 5 $N > $C/ctl"
	tap_is "... all accepted" "$(client sent)" $N
	tap_ok "A sends $N PVIs to B's GSI 6 through /dev/pvi" sh -c "pvictl send $B 6 $N | grep -qx 'sent $N'"
	tap_diag "$((2 * N)) HvSignalEvents in $(($(date +%s) - t0)) s"
fi
hostctl barrier sent 3 > /dev/null

if [ $me = g1 ]; then
	wait $wpid
	got6=$(sed -n 's/^got //p' /tmp/wait6)
	irq5=$(client gsi 5)
	i=0
	while [ $i -lt 50 ]; do
		[ "$(received 5)" = "$irq5" ] && break
		sleep 0.1; i=$((i + 1)); irq5=$(client gsi 5)
	done
	merged=$(hcount g1 rx_merged)
	deliv=$(hcount g1 rx_delivered)
	tap_is "host: B was sent $((2 * N)): flag set $deliv + merged $merged" $((deliv + merged)) $((2 * N))
	tap_is "B's handler and eventfd saw every flag set (GSI 5 $irq5, GSI 6 $got6)" $((irq5 + got6)) $deliv
	tap_is "the handler ran once per flag pvi took for GSI 5" "$irq5" "$(received 5)"
	tap_is "the eventfd counted every flag pvi took for GSI 6" "$got6" "$(received 6)"
	tap_diag "merged (coalesced, counted by the host): $merged"
fi
hostctl barrier counted 3 > /dev/null

# C, never allowed.
if [ $me = g2 ]; then
	tap_ok "C resolves B too" sh -c "pvictl resolve $B | grep -q ^0x"
	echo send $B 5 200 > $C/ctl
	tap_is "C is not allowed: 200 x EPERM" "$(client sent) $(client EPERM)" "0 200"
	tap_ok "the host logged C's refusals" has "$(hostctl model g2 refused)" "g1:5:EPERM"
fi
hostctl barrier c-sent 3 > /dev/null
if [ $me = g1 ]; then
	before=$(client gsi 5)
	sleep 1
	tap_is "B saw nothing of C" "$(client gsi 5)" "$before"
	tap_is "the host refused C for B: rx_refused" "$(hcount g1 rx_refused)" 200
fi
hostctl barrier c-checked 3 > /dev/null

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
fi
hostctl barrier revoke-checked 3 > /dev/null

# The rate limit.
if [ $me = g0 ]; then
	hostctl model g0 rate 100 10 > /dev/null
	out=$(pvictl send $B 6 300)
	s=$(echo "$out" | sed -n 's/^sent \([0-9]*\).*/\1/p')
	b=$(echo "$out" | sed -n 's/.*EBUSY \([0-9]*\).*/\1/p')
	tap_ok "100/s, burst 10: 300 sends at once, some EBUSY ($out)" \
		test "${b:-0}" -gt 0 -a $((s + b)) = 300
	sleep 1
	tap_ok "after a second the bucket has refilled: 10 more accepted" \
		sh -c "pvictl send $B 6 10 | grep -qx 'sent 10'"
	hostctl model g0 rate 0 0 > /dev/null
	tap_ok "rate limit off: 500 accepted" sh -c "pvictl send $B 6 500 | grep -qx 'sent 500'"
fi
hostctl barrier rate-done 3 > /dev/null

# B shuts pvi down.
if [ $me = g1 ]; then
	tap_ok "B unloads pvi_client and pvi" sh -c "rmmod pvi_client && rmmod pvi"
fi
hostctl barrier b-down 3 > /dev/null
if [ $me = g0 ]; then
	e0=$(hcount g0 eshutdown)
	echo send $B 6 3 > $C/ctl
	tap_is "resolving B: peer gone (ESHUTDOWN)" "$(pvictl resolve $B)" ESHUTDOWN
	tap_is "pvictl send: refused at resolve" "$(pvictl send $B 6 1)" "sent 0 resolve ESHUTDOWN"
	tap_ok "resolving an unknown guest: ENOENT" sh -c "pvictl resolve 00000000-0000-8000-8000-00000000abcd | grep -qx ENOENT"
fi
hostctl barrier b-checked 3 > /dev/null
if [ $me = g1 ]; then
	tap_ok "B loads pvi again" insmod $PVIRQ_MODDIR/pvi.ko
fi
hostctl barrier b-up 3 > /dev/null
if [ $me = g0 ]; then
	tap_is "B back: a fresh allowlist, EPERM" "$(pvictl send $B 6 3)" "sent 0 EPERM 3"
	tap_ok "pvi_client unloads" rmmod pvi_client
fi
if [ $me = g2 ]; then
	rmmod pvi_client
fi
hostctl barrier done 3 > /dev/null
tap_ok "pvi unloads" rmmod pvi
tap_ok "hv_synic unloads" rmmod hv_synic
