/*
 * tx.c -- the one owner of every write (see tx.h).
 */
#include <stdio.h>
#include <string.h>

#include "tx.h"
#include "audit.h"
#include "service.h"
#include "../core/banned.h"

int svc_tx_begin(struct svc *svc, struct err *err)
{
	if (svc->tx_depth > 0) {
		svc->tx_depth++;
		return 0;
	}
	if (store_begin(svc->st, err) != 0)
		return -1;
	svc->tx_depth = 1;
	svc->tx_failed = 0;
	return 0;
}

static int claim_idempotency_key(struct svc *svc, struct err *err)
{
	char now[32];

	if (svc->idem.key == NULL || svc->idem.claimed)
		return 0;
	if (store_idem_claim(svc->st, svc->org.id, svc->actor, svc->idem.key, svc->idem.request_hash,
			     svc_now(now), err) != 0)
		return -1;
	svc->idem.claimed = 1;
	return 0;
}

int svc_tx_end(struct svc *svc, int rc, const char *action, const char *entity, int64_t row_id,
	       const char *before, const char *after, struct err *err)
{
	if (svc->tx_depth <= 0)
		return err_set(err, ST_FAIL, "svc_tx_end without svc_tx_begin");
	if (rc != 0)
		svc->tx_failed = 1;
	if (--svc->tx_depth > 0)
		return rc != 0 ? -1 : 0;
	if (svc->tx_failed)
		goto fail;
	if (claim_idempotency_key(svc, err) != 0 ||
	    audit_append(svc, action, entity, row_id, before, after, err) != 0 ||
	    store_commit(svc->st, err) != 0)
		goto fail;
	audit_checkpoint_maybe(svc);
	return 0;
fail:
	store_rollback(svc->st);
	svc->tx_failed = 0;
	if (svc->idem.claimed)
		svc->idem.claimed = 0;
	return -1;
}
