# pvirq-vm: smp=2 host=pvi guests=2 timeout=300
# SPDX-License-Identifier: GPL-2.0
#
# Guest to guest: g0 (A) sends, g1 (B) receives.  10,000 PVIs to a kernel
# handler (pvi_client) and 10,000 to an eventfd (/dev/pvi, pvictl wait)
# arrive exactly: every send is either received or merged with a pending
# one (the host counts merges).  A sender under another UUID (the host
# changes A's identity: a second sender, "C") is refused with EPERM and B
# sees nothing, also when it puts the allowed UUID in the registers;
# revoking mid-stream stops delivery; the rate limit answers EBUSY and
# recovers; B unloading pvi leaves A with ESHUTDOWN ("peer gone").
. /pvirq/lib.sh

N=10000
PVI_COUNTS=counts
. /pvirq/pvi.sh
CUUID=00000000-0000-8000-8000-00000000000c

tap_ok "pvi loads" insmod $PVIRQ_MODDIR/pvi.ko
tap_ok "pvi_client loads" insmod $PVIRQ_MODDIR/pvi_client.ko
tap_is "both guests are up" "$(hostctl wait-guests 2)" ok

if [ $me = g1 ]; then
	pvi_listen $N clear-counts
fi
hostctl barrier ready 2 > /dev/null

if [ $me = g0 ]; then
	pvi_send_both $N
fi
hostctl barrier sent 2 > /dev/null

if [ $me = g1 ]; then
	pvi_check_received $N
fi
hostctl barrier counted 2 > /dev/null

# A second sender identity: the host gives A another UUID ("C").
if [ $me = g0 ]; then
	tap_ok "the host makes A into C" hostctl model g0 uuid $CUUID
	echo send $B 5 200 > $C/ctl
	tap_is "C is not allowed: 200 x EPERM" "$(client sent) $(client EPERM)" "0 200"
	nr=$(dmesg | sed -n 's/.*KVM PVI at CPUID 0x[0-9a-f]*: hypercall \([0-9]*\).*/\1/p' | tail -1)
	h=$(pvictl resolve $B)
	lo=0x$(echo $A | tr -d - | cut -c1-16 | sed 's/\(..\)\(..\)\(..\)\(..\)\(..\)\(..\)\(..\)\(..\)/\8\7\6\5\4\3\2\1/')
	echo raw $nr 8 $h 5 $lo > $C/ctl
	tap_is "C with A's UUID in a spare register: still EPERM" "$(sed -n 's/^raw //p' $C/counts)" -1
	echo raw $nr 5 $lo 0 5 > $C/ctl
	tap_is "C cannot ALLOW itself at B: ALLOW only edits the caller's own list" \
		"$(sed -n 's/^raw //p' $C/counts)" 0
	echo send $B 5 10 > $C/ctl
	tap_is "... and is still refused at B" "$(client EPERM)" 10
	tap_ok "the host makes C into A again" hostctl model g0 uuid $A
fi
hostctl barrier identity 2 > /dev/null
if [ $me = g1 ]; then
	before=$(client gsi 5)
	sleep 1
	tap_is "B saw nothing of C" "$(client gsi 5)" "$before"
	tap_ok "the host logged C's refusals" has "$(hostctl model g0 refused)" "g1:5:EPERM"
fi
hostctl barrier identity-checked 2 > /dev/null

# Revoke in the middle of a stream.
pvi_revoke_midstream 2 30000
hostctl barrier revoke-checked 2 > /dev/null

# The rate limit.
if [ $me = g0 ]; then
	pvi_rate_limit 1000
fi
hostctl barrier rate-done 2 > /dev/null

# B shuts pvi down.
if [ $me = g0 ]; then
	h=$(pvictl resolve $B)
	nr=$(dmesg | sed -n 's/.*KVM PVI at CPUID 0x[0-9a-f]*: hypercall \([0-9]*\).*/\1/p' | tail -1)
fi
if [ $me = g1 ]; then
	tap_ok "B unloads pvi_client and pvi" sh -c "rmmod pvi_client && rmmod pvi"
fi
hostctl barrier b-down 2 > /dev/null
if [ $me = g0 ]; then
	e0=$(hcount g0 eshutdown)
	echo raw $nr 8 $h 6 0 > $C/ctl
	tap_is "A's handle of B ($h): peer gone (-ESHUTDOWN)" "$(sed -n 's/^raw //p' $C/counts)" -108
	tap_is "resolving B: peer gone (ESHUTDOWN)" "$(pvictl resolve $B)" ESHUTDOWN
	tap_is "pvictl send: refused at resolve" "$(pvictl send $B 6 1)" "sent 0 resolve ESHUTDOWN"
	tap_is "the host counted the refused send" "$(hcount g0 eshutdown)" $((e0 + 1))
fi
hostctl barrier b-checked 2 > /dev/null
if [ $me = g1 ]; then
	tap_ok "B loads pvi again" insmod $PVIRQ_MODDIR/pvi.ko
fi
hostctl barrier b-up 2 > /dev/null
if [ $me = g0 ]; then
	echo raw $nr 8 $h 6 0 > $C/ctl
	tap_is "B back: the old handle stays gone (-ESHUTDOWN)" "$(sed -n 's/^raw //p' $C/counts)" -108
	tap_is "a new handle, but a fresh allowlist: EPERM" "$(pvictl send $B 6 3)" "sent 0 EPERM 3"
	tap_ok "pvi_client unloads" rmmod pvi_client
fi
hostctl barrier done 2 > /dev/null
tap_ok "pvi unloads" rmmod pvi
