/* hull: nftables through libnftables, in hull's own table.
 *
 * Everything hull does with packets lives in `table inet hull` (nft.c shows
 * it): no rule of anyone else is flushed, reordered or even read, so hull
 * coexists with iptables-nft, firewalld and docker.  The table's rules never
 * change after it is made; networks and published ports are set and map
 * elements (add/delete element), so no rule handle is ever needed and a
 * change is one atomic transaction.
 *
 * libnftables (and the libnftnl, libjansson, libgmp, libxtables it loads) is
 * opened with dlopen on first use: linked normally it would cost every exec
 * of `hull` ~0.6 ms to load, and `hull run` execs twice; most commands, and a
 * `hull run` without -p, never touch nftables. */
#ifndef HULL_NETWORK_NFT_H
#define HULL_NETWORK_NFT_H

#include <stdbool.h>

#include "util/error_internal.h"

/* Runs nft commands (one or more lines, applied as one transaction). */
int nft_run(const char *commands, struct hull_error **err);

/* Whether `table inet hull` exists. */
bool nft_table_exists(void);
/* Whether it exists with the layout of this hull (older ones lack the IPv6 sets). */
bool nft_table_current(void);

/* Creates `table inet hull` with its sets, maps and chains (the caller then
 * adds the elements of every network and published port: the table may have
 * been flushed by someone, and its state is rebuilt from the store). */
int nft_table_create(struct hull_error **err);

/* Whether libnftables can be loaded at all (for a clear error). */
bool nft_available(void);

#endif
