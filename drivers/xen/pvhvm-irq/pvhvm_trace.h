/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvhvm_irq tracepoints: a GSI or MSI vector mapped to a pirq, a pirq bound
 * to a port, each event delivered to its IRQ, each EOI sent to the host and
 * each move of a port to another vCPU.
 *
 *   echo 1 > /sys/kernel/tracing/events/pvhvm_irq/enable
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM pvhvm_irq

#if !defined(_PVHVM_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _PVHVM_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(pvhvm_map,
	    TP_PROTO(u32 pirq, u32 gsi, unsigned int irq, u8 kind),
	    TP_ARGS(pirq, gsi, irq, kind),
	    TP_STRUCT__entry(__field(u32, pirq)
			     __field(u32, gsi)
			     __field(unsigned int, irq)
			     __field(u8, kind)),
	    TP_fast_assign(__entry->pirq = pirq;
			   __entry->gsi = gsi;
			   __entry->irq = irq;
			   __entry->kind = kind;),
	    TP_printk("pirq %u gsi %d irq %u kind %u", __entry->pirq,
		      (int)__entry->gsi, __entry->irq, __entry->kind)
);

TRACE_EVENT(pvhvm_bind,
	    TP_PROTO(u32 pirq, u32 port, bool needs_eoi),
	    TP_ARGS(pirq, port, needs_eoi),
	    TP_STRUCT__entry(__field(u32, pirq)
			     __field(u32, port)
			     __field(bool, needs_eoi)),
	    TP_fast_assign(__entry->pirq = pirq;
			   __entry->port = port;
			   __entry->needs_eoi = needs_eoi;),
	    TP_printk("pirq %u port %u%s", __entry->pirq, __entry->port,
		      __entry->needs_eoi ? " needs_eoi" : "")
);

TRACE_EVENT(pvhvm_deliver,
	    TP_PROTO(u32 port, unsigned int irq),
	    TP_ARGS(port, irq),
	    TP_STRUCT__entry(__field(u32, port)
			     __field(unsigned int, irq)),
	    TP_fast_assign(__entry->port = port;
			   __entry->irq = irq;),
	    TP_printk("port %u irq %u", __entry->port, __entry->irq)
);

TRACE_EVENT(pvhvm_eoi,
	    TP_PROTO(u32 pirq, int ret),
	    TP_ARGS(pirq, ret),
	    TP_STRUCT__entry(__field(u32, pirq)
			     __field(int, ret)),
	    TP_fast_assign(__entry->pirq = pirq;
			   __entry->ret = ret;),
	    TP_printk("pirq %u ret %d", __entry->pirq, __entry->ret)
);

TRACE_EVENT(pvhvm_affinity,
	    TP_PROTO(u32 pirq, u32 port, unsigned int cpu, int ret),
	    TP_ARGS(pirq, port, cpu, ret),
	    TP_STRUCT__entry(__field(u32, pirq)
			     __field(u32, port)
			     __field(unsigned int, cpu)
			     __field(int, ret)),
	    TP_fast_assign(__entry->pirq = pirq;
			   __entry->port = port;
			   __entry->cpu = cpu;
			   __entry->ret = ret;),
	    TP_printk("pirq %u port %u cpu %u ret %d", __entry->pirq,
		      __entry->port, __entry->cpu, __entry->ret)
);

#endif /* _PVHVM_TRACE_H */

/* Out of tree: the header is found beside the sources, not in include/. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE pvhvm_trace
#include <trace/define_trace.h>
