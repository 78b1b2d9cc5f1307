// SPDX-License-Identifier: GPL-2.0
/*
 * One guest: its BAR2 region, its RAM, and interrupt injection.
 *
 * BAR2 is a memfd we create once and seal against resizing, so a peer that
 * maps it can never make our own mapping fault.  It is wiped and its header
 * rewritten whenever a new client connects: a new connection is a new VM.
 *
 * Guest RAM is the file QEMU's memory-backend-file uses.  QEMU connects to
 * our socket before it creates that file, so it is mapped on first use (or
 * at HELLO) and unmapped when the VM goes.  On q35 the first
 * ram_lowmem bytes sit at GPA 0 (file offset == GPA) and the rest above
 * 4 GiB; every access is range checked against that layout, never against
 * what the guest claims.
 *
 * Injection: the vector's bit is set in the vCPU's pvirq_wire_inject block
 * with an atomic OR (the guest takes the word with xchg), then the guest's
 * eventfd for ivshmem MSI-X vector 0 is written; the guest transport sends
 * each pending vector to its vCPU as an IPI.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pvirq_model.h"

#define GIB		(1ull << 30)
#define Q35_LOWMEM_MAX	0xb0000000ull	/* q35: RAM below 4 GiB if it fits */
#define Q35_LOWMEM_SPLIT 0x80000000ull	/* ... else this much, rest above */

BUILD_BUG_ON(sizeof(struct pvirq_wire_hdr) > PVIRQ_WIRE_INJECT_OFF);
BUILD_BUG_ON(PVIRQ_WIRE_INJECT_OFF + PVIRQ_WIRE_MAX_VCPUS *
	     sizeof(struct pvirq_wire_inject) > PVIRQ_WIRE_SLOT_OFF);
BUILD_BUG_ON(sizeof(struct pvirq_wire_slot) > PVIRQ_WIRE_BUF_OFF(0));
BUILD_BUG_ON(PVIRQ_WIRE_BUF_OFF(PVIRQ_WIRE_NBUFS) > PVIRQ_WIRE_SLOT_SIZE);
BUILD_BUG_ON(PVIRQ_WIRE_SLOT_OFF + PVIRQ_WIRE_MAX_VCPUS * PVIRQ_WIRE_SLOT_SIZE >
	     PVIRQ_WIRE_BAR_OFF);
BUILD_BUG_ON(PVIRQ_WIRE_BAR_OFF + PVIRQ_WIRE_BAR_SIZE > PVIRQ_WIRE_SHM_SIZE);

static int parse_size(const char *s, u64 *out)
{
	char *end;
	u64 v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *s == '-')
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K':
		v <<= 10;
		end++;
		break;
	case 'm': case 'M':
		v <<= 20;
		end++;
		break;
	case 'g': case 'G':
		v <<= 30;
		end++;
		break;
	}
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s), i;

	if (!n || n > PVIRQ_HOST_NAME_MAX || !strcmp(s, "self"))
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !(c >= '0' && c <= '9') && c != '_' && c != '-' && c != '.')
			return false;
	}
	return s[0] != '.';
}

/*
 * "NAME[,model=M][,ram=PATH][,ramsize=BYTES][,vcpus=N][,vectors=N]" into
 * @cfg, whose strings then point into @store.
 */
int pvirq_guest_parse(const char *spec, struct pvirq_guest_cfg *cfg,
		      char *store, size_t store_len)
{
	char *tok, *save = NULL, *val;
	u64 v;

	memset(cfg, 0, sizeof(*cfg));
	if (strlen(spec) >= store_len)
		return -E2BIG;
	strcpy(store, spec);
	tok = strtok_r(store, ",", &save);
	if (!tok || !valid_name(tok))
		return -EINVAL;
	cfg->name = tok;
	while ((tok = strtok_r(NULL, ",", &save))) {
		val = strchr(tok, '=');
		if (!val)
			return -EINVAL;
		*val++ = '\0';
		if (!strcmp(tok, "model")) {
			cfg->model = val;
		} else if (!strcmp(tok, "ram")) {
			cfg->ram_path = val;
		} else if (!strcmp(tok, "ramsize")) {
			if (parse_size(val, &cfg->ram_size))
				return -EINVAL;
		} else if (!strcmp(tok, "vcpus") || !strcmp(tok, "vectors")) {
			if (parse_size(val, &v) || !v || v > 1024)
				return -EINVAL;
			if (tok[1] == 'c')
				cfg->max_vcpus = v;
			else
				cfg->vectors = v;
		} else {
			return -EINVAL;
		}
	}
	return 0;
}

struct pvirq_guest *pvirq_guest_new(struct pvirq_host *h,
				    const struct pvirq_guest_cfg *cfg)
{
	const char *mname = cfg->model ? cfg->model : "base";
	struct pvirq_guest *g;
	u32 i;

	if (!cfg->name || !valid_name(cfg->name)) {
		pvirq_log(h, "bad guest name '%s'", cfg->name ? cfg->name : "");
		return NULL;
	}
	if (pvirq_host_find(h, cfg->name) || h->nguests >= PVIRQ_HOST_MAX_GUESTS) {
		pvirq_log(h, "guest %s: duplicate name or more than %d guests",
			  cfg->name, PVIRQ_HOST_MAX_GUESTS);
		return NULL;
	}
	if (cfg->max_vcpus > PVIRQ_WIRE_MAX_VCPUS ||
	    cfg->vectors > PVIRQ_HOST_MAX_VECTORS) {
		pvirq_log(h, "guest %s: at most %d vcpus and %d vectors", cfg->name,
			  PVIRQ_WIRE_MAX_VCPUS, PVIRQ_HOST_MAX_VECTORS);
		return NULL;
	}

	g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->host = h;
	g->id = h->nguests;
	strcpy(g->name, cfg->name);
	g->max_vcpus = cfg->max_vcpus ? cfg->max_vcpus : PVIRQ_WIRE_MAX_VCPUS;
	g->vectors = cfg->vectors ? cfg->vectors : 2;
	g->peer_id = g->id + 1;
	g->shm_fd = -1;
	g->listen_ev.fd = -1;
	g->conn_ev.fd = -1;
	for (i = 0; i < PVIRQ_HOST_MAX_VECTORS; i++) {
		g->doorbell_ev[i].fd = -1;
		g->irq_fd[i] = -1;
	}
	g->model = pvirq_model_find(mname);
	if (!g->model) {
		pvirq_log(h, "guest %s: unknown model '%s' (known: %s)", g->name,
			  mname, pvirq_model_names());
		goto free_guest;
	}
	if (cfg->ram_path) {
		g->ram_path = strdup(cfg->ram_path);
		if (!g->ram_path)
			goto free_guest;
		g->ram_size_cfg = cfg->ram_size;
	}
	g->vcpu = calloc(g->max_vcpus, sizeof(*g->vcpu));
	if (!g->vcpu)
		goto free_guest;

	g->shm_fd = memfd_create("pvirq-bar2", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (g->shm_fd < 0)
		goto log_errno;
	if (ftruncate(g->shm_fd, PVIRQ_WIRE_SHM_SIZE) ||
	    fcntl(g->shm_fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL))
		goto log_errno;
	g->shm = mmap(NULL, PVIRQ_WIRE_SHM_SIZE, PROT_READ | PROT_WRITE,
		      MAP_SHARED, g->shm_fd, 0);
	if (g->shm == MAP_FAILED) {
		g->shm = NULL;
		goto log_errno;
	}
	if (g->model->init && g->model->init(g)) {
		pvirq_log(h, "guest %s: model %s failed to initialise", g->name,
			  g->model->name);
		goto unmap_shm;
	}
	h->guests[h->nguests++] = g;
	pvirq_guest_reset(g);
	return g;

log_errno:
	pvirq_log(h, "guest %s: shared region: %s", g->name, strerror(errno));
unmap_shm:
	if (g->shm)
		munmap(g->shm, PVIRQ_WIRE_SHM_SIZE);
	if (g->shm_fd >= 0)
		close(g->shm_fd);
free_guest:
	free(g->vcpu);
	free(g->ram_path);
	free(g);
	return NULL;
}

void pvirq_guest_free(struct pvirq_guest *g)
{
	pvirq_ivshmem_close(g);
	pvirq_guest_unmap_ram(g);
	if (g->model->destroy)
		g->model->destroy(g);
	munmap(g->shm, PVIRQ_WIRE_SHM_SIZE);
	close(g->shm_fd);
	free(g->vcpu);
	free(g->ram_path);
	free(g->sock_path);
	free(g);
}

/* A new VM: fresh BAR2, device and model state.  Test knobs and stats stay. */
void pvirq_guest_reset(struct pvirq_guest *g)
{
	struct pvirq_wire_hdr *hdr = pvirq_hdr(g);

	pvirq_cancel_all(g);
	memset(g->shm, 0, PVIRQ_WIRE_SHM_SIZE);
	hdr->magic = PVIRQ_WIRE_MAGIC;
	hdr->version = PVIRQ_WIRE_VERSION;
	hdr->host_peer = PVIRQ_HOST_PEER;
	hdr->guest_id = g->id;
	hdr->max_vcpus = g->max_vcpus;
	memcpy(hdr->name, g->name, strlen(g->name) + 1);
	g->ready = false;
	g->nr_cpus = 0;
	memset(g->apic_id, 0, sizeof(g->apic_id));
	g->window_known = false;
	g->window_bus = 0;
	pvirq_pci_reset(g);
	if (g->model->reset)
		g->model->reset(g);
}

int pvirq_guest_map_ram(struct pvirq_guest *g)
{
	struct stat st;
	u64 len;
	void *p;
	int fd, ret;

	if (!g->ram_path || g->ram)
		return 0;
	fd = open(g->ram_path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		ret = -errno;
		pvirq_glog(g, "cannot open guest RAM %s: %s", g->ram_path,
			   strerror(-ret));
		goto close_fd;
	}
	len = g->ram_size_cfg ? g->ram_size_cfg : (u64)st.st_size;
	/* mapping past the end of the file would fault on access */
	if (!len || (u64)st.st_size < len) {
		ret = -EINVAL;
		pvirq_glog(g, "guest RAM %s has %lld bytes, %llu expected",
			   g->ram_path, (long long)st.st_size,
			   (unsigned long long)len);
		goto close_fd;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		ret = -errno;
		pvirq_glog(g, "cannot map guest RAM: %s", strerror(-ret));
		goto close_fd;
	}
	close(fd);
	g->ram = p;
	g->ram_len = len;
	g->ram_lowmem = len >= Q35_LOWMEM_MAX ? Q35_LOWMEM_SPLIT : len;
	return 0;

close_fd:
	if (fd >= 0)
		close(fd);
	return ret;
}

void pvirq_guest_unmap_ram(struct pvirq_guest *g)
{
	if (g->ram)
		munmap(g->ram, g->ram_len);
	g->ram = NULL;
	g->ram_len = 0;
	g->ram_lowmem = 0;
}

/* File offset of [gpa, gpa + len), which must lie in one RAM block. */
static int gpa_to_off(struct pvirq_guest *g, u64 gpa, size_t len, u64 *off)
{
	u64 high;

	if (!g->ram && (!g->connected || pvirq_guest_map_ram(g)))
		return -EFAULT;
	if (gpa < 4 * GIB) {
		if (gpa > g->ram_lowmem || len > g->ram_lowmem - gpa)
			return -EFAULT;
		*off = gpa;
		return 0;
	}
	high = g->ram_len - g->ram_lowmem;
	gpa -= 4 * GIB;
	if (gpa > high || len > high - gpa)
		return -EFAULT;
	*off = g->ram_lowmem + gpa;
	return 0;
}

/**
 * pvirq_gpa_read() - copy guest memory out
 * @g: the guest
 * @gpa: guest physical address
 * @buf: destination
 * @len: bytes
 *
 * Return: 0, or -EFAULT if any byte is outside guest RAM (nothing copied).
 */
int pvirq_gpa_read(struct pvirq_guest *g, u64 gpa, void *buf, size_t len)
{
	u64 off;
	int ret = gpa_to_off(g, gpa, len, &off);

	if (!ret)
		memcpy(buf, g->ram + off, len);
	return ret;
}

/**
 * pvirq_gpa_write() - copy into guest memory
 * @g: the guest
 * @gpa: guest physical address
 * @buf: source
 * @len: bytes
 *
 * Return: 0, or -EFAULT if any byte is outside guest RAM (nothing copied).
 */
int pvirq_gpa_write(struct pvirq_guest *g, u64 gpa, const void *buf, size_t len)
{
	u64 off;
	int ret = gpa_to_off(g, gpa, len, &off);

	if (!ret)
		memcpy(g->ram + off, buf, len);
	return ret;
}

/* Raises the guest's ivshmem MSI-X vector 0. */
int pvirq_guest_kick(struct pvirq_guest *g)
{
	u64 one = 1;

	if (!g->connected || g->irq_fd[0] < 0)
		return -ENOTCONN;
	/* EAGAIN: the counter is saturated, an interrupt is pending anyway */
	if (write(g->irq_fd[0], &one, sizeof(one)) != sizeof(one) &&
	    errno != EAGAIN)
		return -errno;
	return 0;
}

static u32 nr_vcpus(struct pvirq_guest *g)
{
	return g->ready ? g->nr_cpus : g->max_vcpus;
}

/**
 * pvirq_inject() - send a vector to one vCPU of a guest
 * @g: the guest
 * @vcpu: vCPU index (the transport's CPU number)
 * @vector: 16..255
 *
 * Return: 0 (also when a "drop" swallowed it), -EINVAL for a bad vector or
 * vCPU, -ENOTCONN when no VM is connected.
 */
int pvirq_inject(struct pvirq_guest *g, u32 vcpu, u32 vector)
{
	struct pvirq_wire_inject *blk;

	if (vector < 16 || vector > 255 || vcpu >= nr_vcpus(g))
		return -EINVAL;
	if (!g->connected)
		return -ENOTCONN;
	if (g->drop) {
		g->drop--;
		g->st.dropped++;
		return 0;
	}
	blk = pvirq_inject_blk(g, vcpu);
	/* the guest takes each word with xchg: OR, never a plain store */
	__atomic_fetch_or(&blk->pending[vector / 64], 1ull << (vector % 64),
			  __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&blk->injected, 1, __ATOMIC_RELAXED);
	g->st.injected++;
	return pvirq_guest_kick(g);
}

/**
 * pvirq_inject_apic() - send a vector to the vCPU with an APIC ID
 * @g: the guest
 * @apic_id: as reported by HELLO (before HELLO: the vCPU index)
 * @vector: 16..255
 *
 * Return: as pvirq_inject(); -ENXIO if no vCPU has that APIC ID (real
 * hardware drops such a message).
 */
int pvirq_inject_apic(struct pvirq_guest *g, u32 apic_id, u32 vector)
{
	u32 i;

	if (!g->ready)
		return pvirq_inject(g, apic_id, vector);
	for (i = 0; i < g->nr_cpus; i++)
		if (g->apic_id[i] == apic_id)
			return pvirq_inject(g, i, vector);
	return -ENXIO;
}

/**
 * pvirq_deliver_msi() - deliver an MSI the virtual device (or a model) sends
 * @g: the guest
 * @addr: message address
 * @data: message data
 *
 * The model sees it first (qemu-xen snoops vector-0 messages, for one);
 * otherwise it is decoded as a native x86 message: destination APIC ID in
 * address bits 19:12, bit 2 logical (flat: bit n = CPU n), vector in data
 * bits 7:0, fixed or lowest-priority delivery.  The extended destination ID
 * and the upper address dword are ignored.
 *
 * Return: 0 or -errno (the message was not delivered).
 */
int pvirq_deliver_msi(struct pvirq_guest *g, u64 addr, u32 data)
{
	u32 dest = (addr >> 12) & 0xff, vector = data & 0xff;
	u32 mode = (data >> 8) & 7, i, n = nr_vcpus(g);
	int ret = -ENXIO;

	if (g->model->msi && g->model->msi(g, addr, data))
		return 0;
	if ((addr & 0xfff00000u) != 0xfee00000u)
		return -EINVAL;
	if (mode > 1)			/* SMI, NMI, INIT, ExtINT... */
		return -EOPNOTSUPP;
	if (!(addr & 4) && dest != 0xff)
		return pvirq_inject_apic(g, dest, vector);
	/* logical flat: bit n is CPU n; 0xff broadcasts in either mode */
	for (i = 0; i < n; i++) {
		if (dest != 0xff && (i >= 8 || !(dest & (1u << i))))
			continue;
		ret = pvirq_inject(g, i, vector);
		if (ret || mode == 1)	/* lowest priority: one CPU */
			break;
	}
	return ret;
}
