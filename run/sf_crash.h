/* SPDX-License-Identifier: MIT */
/*
 * syncfault crashtest: the power-failure test of the durability modes.
 * The host side (cmd_crashtest.c) boots the guest, kills QEMU and tallies;
 * the guest side (crash_guest.c) makes the filesystem, writes and
 * acknowledges records, and verifies them after the next boot.  They talk
 * through the guest's serial console, one line per event:
 *
 *   SFCRASH READY nonce=N dax=0|1 map_sync=0|1     writer set up, about to append
 *   SFCRASH ACK SEQ                                record SEQ is durable (per its mode)
 *   SFCRASH FULL                                   the log file is full: no more acks
 *   SFCRASH UNMOUNTED nonce=N why=TEXT             the filesystem did not mount after
 *                                                  the crash: the kernel's words, then
 *                                                  mount's (before its VERIFY line,
 *                                                  which then has mounted=0, lost=0)
 *   SFCRASH VERIFY key=value ...                   the verifier's findings
 *   SFCRASH ERROR message                          the guest side gave up
 *
 * An ACK is written only after the mode's persist step returned, so every
 * ACK the host has seen names a record that must survive a power failure
 * in a durable mode.
 */
#ifndef SF_CRASH_H
#define SF_CRASH_H

#include <stdint.h>

#define CRASH_TAG		"SFCRASH "
#define CRASH_PAGE		4096
#define CRASH_DEFAULT_RECORDS	16384
#define CRASH_MAX_RECORDS	(1 << 20)
/* The NVDIMM that holds the crash filesystem (the guest's second one). */
#define CRASH_NVDIMM_BYTES	(1ull << 30)

/*
 * Page of record seq (1-based) in a log file of npages pages (npages - 1 a
 * power of two): a fixed odd stride through the pages after the header,
 * so each record lands in a page of its own far from the last one and
 * every append allocates a block.
 */
static inline uint64_t crash_page_of(uint64_t seq, uint64_t npages)
{
	uint64_t m = npages - 1;

	return 1 + (((seq - 1) * 0x9e3779b1ull) & (m - 1));
}

/* Entry of the guest side: `syncfault crashtest --guest ...`. */
int crash_guest_main(int argc, char **argv);

#endif
