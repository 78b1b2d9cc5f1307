/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "hyperv" model's two halves: the partition's SynIC, MSRs and TLFS
 * hypercalls (model_hyperv.c), and the pvirq PVI extension of
 * include/pvirq/pvi_hv_abi.h (model_hyperv_pvi.c), which routes
 * HvSignalEvent between the guests of one pvirq-host.
 */
#ifndef _MODEL_HYPERV_H
#define _MODEL_HYPERV_H

#include "pvirq_model.h"
#include "model_pvi.h"

struct hvm_pvi;

/* model_hyperv.c */
extern PVIRQ_MODEL_DEFINE(hyperv);
/* @g's PVI extension state, NULL when @g is not a guest of this model. */
struct hvm_pvi *hvm_pvi_of(struct pvirq_guest *g);
/*
 * HvSignalEvent's effect on vCPU @vcpu of @g: set @flag of @sint in its
 * SIEF page, raise the SINT on 0 -> 1.  1: raised, 0: was set already,
 * -ENXIO: that vCPU's SynIC or SIEF page is off, -EINVAL: no such vCPU.
 */
int hvm_raise_flag(struct pvirq_guest *g, u32 vcpu, u32 sint, u32 flag);

/* model_hyperv_pvi.c */
struct hvm_pvi *hvm_pvi_new(struct pvirq_guest *g);
/* A new VM: not receiving any more; UUID, knobs and counts stay. */
void hvm_pvi_reset(struct hvm_pvi *p);
void hvm_pvi_free(struct hvm_pvi *p);
bool hvm_pvi_cpuid(struct hvm_pvi *p, u32 leaf, u32 regs[4]);
/* Whether @code is the extension call's (and the extension is offered). */
bool hvm_pvi_is_call(struct hvm_pvi *p, u32 code);
/* The extension call; returns a TLFS status. */
u16 hvm_pvi_call(struct pvirq_guest *g, struct pvirq_hc *hc);
/*
 * HvSignalEvent from @g on @conn: false if @conn is not one of the
 * extension's connections, else true with the TLFS status in *@status.
 */
bool hvm_pvi_signal(struct pvirq_guest *g, u32 conn, u32 flag, u16 *status);
/* "pvi":{...}, for the model's state. */
void hvm_pvi_state_json(struct hvm_pvi *p, struct pvirq_sb *out);
/* "feature pvi 0|1" */
void hvm_pvi_offer(struct hvm_pvi *p, bool on);
/* The extension's control commands; -ENOTTY when argv[0] is none. */
int hvm_pvi_command(struct pvirq_guest *g, int argc, char **argv,
		    struct pvirq_sb *reply);
#define HVM_PVI_COMMANDS	"pvi-sint N, pvi-hc CODE, " PVI_EP_COMMANDS

#endif /* _MODEL_HYPERV_H */
