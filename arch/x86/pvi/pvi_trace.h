/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvi tracepoints: every send the host accepted, every one it refused, and
 * every GSI received.
 *
 *   echo 1 > /sys/kernel/tracing/events/pvi/enable
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM pvi

#if !defined(_PVI_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _PVI_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(pvi_send,
	    TP_PROTO(u64 peer, u32 gsi),
	    TP_ARGS(peer, gsi),
	    TP_STRUCT__entry(__field(u64, peer)
			     __field(u32, gsi)),
	    TP_fast_assign(__entry->peer = peer;
			   __entry->gsi = gsi;),
	    TP_printk("peer 0x%llx gsi %u", __entry->peer, __entry->gsi)
);

TRACE_EVENT(pvi_refused,
	    TP_PROTO(u64 peer, u32 gsi, int err),
	    TP_ARGS(peer, gsi, err),
	    TP_STRUCT__entry(__field(u64, peer)
			     __field(u32, gsi)
			     __field(int, err)),
	    TP_fast_assign(__entry->peer = peer;
			   __entry->gsi = gsi;
			   __entry->err = err;),
	    TP_printk("peer 0x%llx gsi %u err %d", __entry->peer, __entry->gsi,
		      __entry->err)
);

TRACE_EVENT(pvi_receive,
	    TP_PROTO(unsigned int cpu, u32 gsi, bool mapped),
	    TP_ARGS(cpu, gsi, mapped),
	    TP_STRUCT__entry(__field(unsigned int, cpu)
			     __field(u32, gsi)
			     __field(bool, mapped)),
	    TP_fast_assign(__entry->cpu = cpu;
			   __entry->gsi = gsi;
			   __entry->mapped = mapped;),
	    TP_printk("cpu %u gsi %u %s", __entry->cpu, __entry->gsi,
		      __entry->mapped ? "dispatched" : "no irq")
);

#endif /* _PVI_TRACE_H */

/* Out of tree: the header is found beside the sources, not in include/. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE pvi_trace
#include <trace/define_trace.h>
