/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hv_synic tracepoints: every message taken from a slot, every batch of
 * event flags, every EOM and every HvPostMessage attempt.
 *
 *   echo 1 > /sys/kernel/tracing/events/hv_synic/enable
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM hv_synic

#if !defined(_HV_SYNIC_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _HV_SYNIC_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(hv_synic_message,
	    TP_PROTO(unsigned int cpu, unsigned int sint, u32 type, u8 size,
		     bool handled),
	    TP_ARGS(cpu, sint, type, size, handled),
	    TP_STRUCT__entry(__field(unsigned int, cpu)
			     __field(unsigned int, sint)
			     __field(u32, type)
			     __field(u8, size)
			     __field(bool, handled)),
	    TP_fast_assign(__entry->cpu = cpu;
			   __entry->sint = sint;
			   __entry->type = type;
			   __entry->size = size;
			   __entry->handled = handled;),
	    TP_printk("cpu %u sint %u type 0x%x size %u %s", __entry->cpu,
		      __entry->sint, __entry->type, __entry->size,
		      __entry->handled ? "handled" : "rejected")
);

TRACE_EVENT(hv_synic_event,
	    TP_PROTO(unsigned int cpu, unsigned int sint, unsigned int n),
	    TP_ARGS(cpu, sint, n),
	    TP_STRUCT__entry(__field(unsigned int, cpu)
			     __field(unsigned int, sint)
			     __field(unsigned int, n)),
	    TP_fast_assign(__entry->cpu = cpu;
			   __entry->sint = sint;
			   __entry->n = n;),
	    TP_printk("cpu %u sint %u flags %u", __entry->cpu, __entry->sint,
		      __entry->n)
);

TRACE_EVENT(hv_synic_eom,
	    TP_PROTO(unsigned int cpu, unsigned int sint),
	    TP_ARGS(cpu, sint),
	    TP_STRUCT__entry(__field(unsigned int, cpu)
			     __field(unsigned int, sint)),
	    TP_fast_assign(__entry->cpu = cpu;
			   __entry->sint = sint;),
	    TP_printk("cpu %u sint %u", __entry->cpu, __entry->sint)
);

TRACE_EVENT(hv_synic_post,
	    TP_PROTO(u32 conn, u32 type, u32 size, u16 status, unsigned int tries),
	    TP_ARGS(conn, type, size, status, tries),
	    TP_STRUCT__entry(__field(u32, conn)
			     __field(u32, type)
			     __field(u32, size)
			     __field(u16, status)
			     __field(unsigned int, tries)),
	    TP_fast_assign(__entry->conn = conn;
			   __entry->type = type;
			   __entry->size = size;
			   __entry->status = status;
			   __entry->tries = tries;),
	    TP_printk("connection %u type 0x%x size %u status 0x%x try %u",
		      __entry->conn, __entry->type, __entry->size,
		      __entry->status, __entry->tries)
);

#endif /* _HV_SYNIC_TRACE_H */

/* Out of tree: the header is found beside the sources, not in include/. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE synic_trace
#include <trace/define_trace.h>
