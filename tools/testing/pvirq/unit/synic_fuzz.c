// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target over drivers/hv/synic/synic_msg.c: the fuzzer plays a
 * hostile host that writes arbitrary bytes into message slots, changes
 * them between the guest's steps, and a driver that binds and unbinds
 * handlers.  Input, a sequence of operations:
 *
 *   0 sint type min		bind (sint, type) with a minimum size
 *   1 sint type		unbind
 *   2 sint len bytes[len]	write bytes at the start of the slot, then
 *				process it
 *   3 sint off val		poke one byte of the slot, then process it
 *   4 sint off val		fetch, poke one byte, release, dispatch
 *
 * sint is taken modulo 17 (16 is out of range on purpose); type is one
 * byte mapped onto a few guest and hypervisor message types.  Every
 * handler call and every verdict is checked against the rules the pure
 * logic promises; a violation aborts.
 */
#include <linux/compiler.h>
#include <linux/bitops.h>
#include <stdlib.h>
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>

#include "synic_msg.h"

#define CHECK(c)	do { if (!(c)) abort(); } while (0)

/* The SIM page, 8-byte aligned like the guest's for the slot atomics. */
static u64 page_mem[HV_MESSAGE_SIZE * HV_SYNIC_SINT_COUNT / 8];
static struct hv_message_page *const page = (void *)page_mem;
static struct synic_msg_table tbl;
static struct synic_msg_cpu pcpu;

struct binding {
	unsigned int sint;
	u32 type;
	u8 min;
	unsigned int calls;
};

static struct binding binds[HV_SYNIC_SINT_COUNT][SYNIC_MSG_TYPES_PER_SINT];
static unsigned int cur_sint;

static u32 map_type(u8 b)
{
	if (!b)
		return HVMSG_NONE;
	return b & 0x80 ? 0x80000000u | (b & 0x7f) : b;
}

static void fuzz_fn(const struct hv_message *msg, void *data)
{
	const struct binding *b = data;
	const u8 *p = (const u8 *)msg + sizeof(msg->header);
	unsigned int i;

	CHECK(b->sint == cur_sint);
	CHECK(msg->header.message_type == b->type);
	CHECK(msg->header.payload_size <= HV_MESSAGE_PAYLOAD_BYTE_COUNT);
	CHECK(msg->header.payload_size >= b->min);
	for (i = msg->header.payload_size; i < HV_MESSAGE_PAYLOAD_BYTE_COUNT; i++)
		CHECK(!p[i]);
	((struct binding *)b)->calls++;
}

static u64 total(const struct synic_msg_stats *s)
{
	return s->handled + s->bad_header + s->short_payload + s->unknown_type;
}

static void process(unsigned int sint)
{
	struct hv_message *slot = synic_msg_slot(page, sint);
	struct synic_msg_stats before = pcpu.stats;
	u32 type;
	bool eom, pending;

	if (sint >= HV_SYNIC_SINT_COUNT) {
		CHECK(!slot);
		return;
	}
	type = slot->header.message_type;
	pending = slot->header.message_flags.asu8 & PVIRQ_HV_MSG_PENDING;
	cur_sint = sint;
	eom = synic_msg_process(&tbl, sint, slot, &pcpu);
	if (type == HVMSG_NONE) {
		CHECK(total(&pcpu.stats) == total(&before));
		CHECK(eom == pending);
		return;
	}
	/* exactly one verdict, the slot freed, EOM iff msg_pending */
	CHECK(total(&pcpu.stats) == total(&before) + 1);
	CHECK(slot->header.message_type == HVMSG_NONE);
	CHECK(eom == pending);
	CHECK(pcpu.stats.eom == before.eom + eom);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	size_t i = 0;

	memset(page, 0, sizeof(*page));
	memset(&pcpu, 0, sizeof(pcpu));
	memset(binds, 0, sizeof(binds));
	synic_msg_table_init(&tbl);

	while (i + 2 <= size) {
		u8 op = data[i] % 5;
		unsigned int sint = data[i + 1] % (HV_SYNIC_SINT_COUNT + 1);
		unsigned int s = sint % HV_SYNIC_SINT_COUNT;
		struct hv_message *slot = &page->sint_message[s];
		struct binding *b;
		unsigned int j, len, off;
		int ret;

		i += 2;
		switch (op) {
		case 0:
			if (i + 2 > size)
				return 0;
			b = NULL;
			for (j = 0; j < SYNIC_MSG_TYPES_PER_SINT; j++)
				if (!binds[s][j].type)
					b = &binds[s][j];
			ret = synic_msg_register(&tbl, sint, map_type(data[i]),
						 data[i + 1], fuzz_fn, b);
			if (ret == 0) {
				CHECK(b && sint < HV_SYNIC_SINT_COUNT);
				b->sint = sint;
				b->type = map_type(data[i]);
				b->min = data[i + 1];
			} else {
				CHECK(ret == -EINVAL || ret == -EEXIST ||
				      ret == -ENOSPC);
			}
			i += 2;
			break;
		case 1:
			if (i + 1 > size)
				return 0;
			ret = synic_msg_unregister(&tbl, sint, map_type(data[i]));
			if (ret == 0) {
				for (j = 0; j < SYNIC_MSG_TYPES_PER_SINT; j++)
					if (binds[s][j].type == map_type(data[i]))
						binds[s][j].type = 0;
			}
			i += 1;
			break;
		case 2:
			if (i + 1 > size)
				return 0;
			len = data[i] % (HV_MESSAGE_SIZE + 1);
			i += 1;
			if (len > size - i)
				len = size - i;
			memcpy(slot, data + i, len);
			i += len;
			process(sint);
			break;
		case 3:
		case 4:
			if (i + 2 > size)
				return 0;
			off = data[i] % HV_MESSAGE_SIZE;
			if (op == 3) {
				((u8 *)slot)[off] = data[i + 1];
				process(sint);
			} else if (sint < HV_SYNIC_SINT_COUNT) {
				enum synic_msg_verdict v;
				enum synic_msg_release r;
				u32 t;

				v = synic_msg_fetch(slot, &pcpu.copy);
				t = pcpu.copy.header.message_type;
				((u8 *)slot)[off] = data[i + 1];
				if (v != SYNIC_MSG_EMPTY) {
					u32 now = slot->header.message_type;

					r = synic_msg_release(slot, t);
					/* freed iff the type was still ours */
					CHECK((r == SYNIC_MSG_CHANGED) == (now != t));
					if (r == SYNIC_MSG_CHANGED)
						CHECK(slot->header.message_type == now);
					else
						CHECK(slot->header.message_type == HVMSG_NONE);
				}
				if (v == SYNIC_MSG_VALID) {
					cur_sint = sint;
					synic_msg_dispatch(&tbl, sint, &pcpu.copy,
							   &pcpu.stats);
				}
			}
			i += 2;
			break;
		}
	}
	return 0;
}
