# SPDX-License-Identifier: GPL-2.0
#
# Guest-side helpers for the PVI tests with two or three guests, whatever
# the backend: g0 (A) sends, g1 (B) receives through pvi_client (a kernel
# handler on GSI 5) and /dev/pvi (an eventfd on GSI 6).  Source after
# lib.sh; $me is this guest's name.  PVI_COUNTS names the host's model
# command that prints a guest's PVI counts (rx_delivered, rx_merged...).

P=/sys/kernel/debug/pvi
C=/sys/kernel/debug/pvi_client
me=$PVIRQ_GUEST
A=$(hostctl model g0 uuid | sed 's/^ok //')
B=$(hostctl model g1 uuid | sed 's/^ok //')

field() { # "ok k1 v1 k2 v2 ..." KEY
	echo "$1" | tr ' ' '\n' | sed -n "/^$2\$/{n;p;q}"
}
hcount() { # GUEST KEY: the host's count
	field "$(hostctl model $1 $PVI_COUNTS)" $2
}
client() { # KEY of the "send" line, or "gsi G" irqs
	case $1 in
	gsi) awk -v g=$2 '$1 == "gsi" && $2 == g { print $4 }' $C/counts ;;
	*) awk -v k=$1 '$1 == "send" { for (i = 2; i < NF; i += 2) if ($i == k) print $(i + 1) }' $C/counts ;;
	esac
}
received() { awk -v g=$1 '$1 == g { print $2 }' $P/gsis; }

# pvi_listen N CLEAR: B listens on 5, allows A on 5 and 6, waits for N on
# 6 in the background ($wpid), then runs the host's CLEAR command.
pvi_listen() {
	tap_ok "B listens on GSI 5 (kernel handler)" sh -c "echo listen 5 > $C/ctl"
	tap_ok "B allows A on GSIs 5 and 6" \
		sh -c "echo allow $A 5 > $C/ctl && pvictl allow $A 6 | grep -qx OK"
	pvictl wait 6 $1 20 > /tmp/wait6 &
	wpid=$!
	while ! grep -q bound /tmp/wait6; do sleep 0.1; done
	hostctl model g1 $2 > /dev/null
}

# pvi_send_both N: A sends N to B's GSI 5 from the kernel, N to GSI 6
# through /dev/pvi.
pvi_send_both() {
	_t0=$(date +%s)
	tap_ok "A resolves B" sh -c "pvictl resolve $B | grep -q ^0x"
	tap_ok "A sends $1 PVIs to B's GSI 5 from the kernel" sh -c "echo send $B 5 $1 > $C/ctl"
	tap_is "... all accepted" "$(client sent)" $1
	tap_ok "A sends $1 PVIs to B's GSI 6 through /dev/pvi" \
		sh -c "pvictl send $B 6 $1 | grep -qx 'sent $1'"
	tap_diag "$((2 * $1)) sends in $(($(date +%s) - _t0)) s"
}

# pvi_check_received N: on B, after pvi_send_both N: what the host made
# pending plus what it merged is all A sent, and the handler and eventfd
# saw every pending one.
pvi_check_received() {
	wait $wpid
	_got6=$(sed -n 's/^got //p' /tmp/wait6)
	_irq5=$(client gsi 5)
	_i=0
	while [ $_i -lt 50 ]; do
		# let the last ones land
		[ "$(received 5)" = "$_irq5" ] && break
		sleep 0.1; _i=$((_i + 1)); _irq5=$(client gsi 5)
	done
	_merged=$(hcount g1 rx_merged)
	_deliv=$(hcount g1 rx_delivered)
	tap_is "host: B was sent $((2 * $1)): delivered $_deliv + merged $_merged" \
		$((_deliv + _merged)) $((2 * $1))
	tap_is "B's handler and eventfd saw every delivered PVI (GSI 5 $_irq5, GSI 6 $_got6)" \
		$((_irq5 + _got6)) $_deliv
	tap_is "the handler ran once per PVI pvi took for GSI 5" "$_irq5" "$(received 5)"
	tap_is "the eventfd counted every PVI pvi took for GSI 6" "$_got6" "$(received 6)"
	tap_diag "merged (coalesced, counted by the host): $_merged"
}

# pvi_revoke_midstream GUESTS SENDS: A streams SENDS PVIs to B's GSI 5, B
# revokes A once 100 have arrived.  A's sends split into accepted, then
# EPERM; B takes at most a few after the revoke, none once A's last
# accepted send was handled.  Holds the barriers "revoked" and
# "stream-done"; the caller holds the next one.
pvi_revoke_midstream() {
	if [ $me = g0 ]; then
		(echo send $B 5 $2 > $C/ctl) &
		_spid=$!
	fi
	if [ $me = g1 ]; then
		_base=$(client gsi 5)
		_i=0
		while [ $(($(client gsi 5) - _base)) -lt 100 ] && [ $_i -lt 300 ]; do
			sleep 0.05; _i=$((_i + 1))
		done
		tap_ok "B revokes A mid-stream" sh -c "echo revoke $A 5 > $C/ctl"
		_at=$(client gsi 5)
	fi
	hostctl barrier revoked $1 > /dev/null
	if [ $me = g0 ]; then
		wait $_spid
		_s=$(client sent)
		_e=$(client EPERM)
		tap_ok "A: accepted before the revoke ($_s), EPERM after ($_e)" \
			test "$_s" -gt 0 -a "$_e" -gt 0 -a $((_s + _e)) = $2
	fi
	hostctl barrier stream-done $1 > /dev/null
	if [ $me = g1 ]; then
		sleep 0.5
		_after=$(client gsi 5)
		tap_ok "B got at most a few more after the revoke (revoke at $_at, now $_after)" \
			test $((_after - _at)) -lt 64
		tap_is "nothing arrived after A's last accepted send was handled" \
			"$(sleep 1; client gsi 5)" "$_after"
	fi
}

# pvi_rate_limit N: on A, the host's limit of 100/s (burst 10) answers
# EBUSY to 300 sends at once and refills; off again, N are accepted.
pvi_rate_limit() {
	hostctl model g0 rate 100 10 > /dev/null
	_out=$(pvictl send $B 6 300)
	_s=$(echo "$_out" | sed -n 's/^sent \([0-9]*\).*/\1/p')
	_b=$(echo "$_out" | sed -n 's/.*EBUSY \([0-9]*\).*/\1/p')
	tap_ok "100/s, burst 10: 300 sends at once, some EBUSY ($_out)" \
		test "${_b:-0}" -gt 0 -a $((_s + _b)) = 300
	sleep 1
	tap_ok "after a second the bucket has refilled: 10 more accepted" \
		sh -c "pvictl send $B 6 10 | grep -qx 'sent 10'"
	hostctl model g0 rate 0 0 > /dev/null
	tap_ok "rate limit off: $1 accepted" sh -c "pvictl send $B 6 $1 | grep -qx 'sent $1'"
}
