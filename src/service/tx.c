/*
 * tx.c -- the one owner of every write (see tx.h).
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#include "tx.h"
#include "audit.h"
#include "service.h"
#include "lights.h"
#include "../core/date.h"
#include "../core/banned.h"

int svc_tx_begin(struct svc *svc, struct err *err)
{
	if (svc->tx_depth > 0) {
		svc->tx_depth++;
		return 0;
	}
	/* One lock per write transaction of the org: under PostgreSQL's READ
	 * COMMITTED two writers would otherwise both read the chain's last
	 * hash and fork it (SQLite's BEGIN IMMEDIATE already serialises). */
	if (store_begin(svc->st, err) != 0)
		return -1;
	if (store_lock_org(svc->st, svc->org.id, err) != 0) {
		store_rollback(svc->st);
		return -1;
	}
	lights_forget(svc);
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

/* Every write but the tasks' progress gives the org's record a new token
 * (tx.h svc_record_token). */
static int new_record_token(struct svc *svc, const char *action, const char *entity, int64_t row_id,
			    struct err *err)
{
	int progress = entity && (strcmp(entity, "task") == 0 || strcmp(entity, "report") == 0 ||
				  strcmp(entity, "extension") == 0);
	int is_org = entity && strcmp(entity, "org") == 0;
	int64_t org_id = svc->has_org ? svc->org.id : is_org ? row_id : 0, token;

	/* an import of tasks may bring units and people along; an org's
	 * creation or import (no org selected yet) names the org */
	if (org_id == 0 || (progress && !(action && strncmp(action, "import", 6) == 0)) ||
	    (is_org && action && strcmp(action, "delete") == 0))
		return 0;
	randombytes_buf(&token, sizeof(token));
	token = (token & INT64_MAX) | 1;     /* positive, never 0 ("none yet") */
	return store_record_token_set(svc->st, org_id, token, err);
}

int svc_record_token(struct svc *svc, int64_t *token, struct err *err)
{
	return store_record_token(svc->st, svc->org.id, token, err);
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
	/* An import or an org's whole data: the light counts are recounted. */
	if (action && (strncmp(action, "import", 6) == 0 || (entity && strcmp(entity, "org") == 0)))
		lights_touch_all(svc);
	if (lights_apply(svc, err) != 0 || new_record_token(svc, action, entity, row_id, err) != 0 ||
	    claim_idempotency_key(svc, err) != 0 ||
	    audit_append(svc, action, entity, row_id, before, after, err) != 0 ||
	    store_commit(svc->st, err) != 0)
		goto fail;
	audit_checkpoint_maybe(svc);
	return 0;
fail:
	store_rollback(svc->st);
	lights_forget(svc);
	svc->tx_failed = 0;
	if (svc->idem.claimed)
		svc->idem.claimed = 0;
	return -1;
}

int svc_idem_lookup(struct svc *svc, const char *key, const char *request_hash, struct arena *a,
		    struct idem_row *out, struct err *err)
{
	memset(&svc->idem, 0, sizeof(svc->idem));
	if (store_idem_get(svc->st, svc->org.id, svc->actor, key, a, out, err) != 0)
		return -1;
	if (!out->found) {
		svc->idem.key = key;
		svc->idem.request_hash = request_hash;
	}
	return 0;
}

int svc_idem_finish(struct svc *svc, int status, const char *location, const char *body, struct err *err)
{
	static _Atomic unsigned finished;
	char cutoff[DATETIME_LEN];
	int rc = 0;

	if (svc->idem.key && svc->idem.claimed) {
		/* Its own small transaction: the write it answers has committed. */
		if (store_begin(svc->st, err) != 0)
			rc = -1;
		if (rc == 0 && store_idem_finish(svc->st, svc->org.id, svc->actor, svc->idem.key, status, location, body,
						 err) != 0)
			rc = -1;
		/* Keys are kept for at least 24 hours; older ones go now and then. */
		if (rc == 0 && (atomic_fetch_add(&finished, 1) & 255) == 0) {
			datetime_format_utc(datetime_now() - 2 * 86400, cutoff);
			rc = store_idem_purge(svc->st, cutoff, err);
		}
		if (rc == 0)
			rc = store_commit(svc->st, err);
		if (rc != 0)
			store_rollback(svc->st);
	}
	memset(&svc->idem, 0, sizeof(svc->idem));
	return rc;
}

void svc_idem_hash(const char *const *parts, size_t n, char out[65])
{
	crypto_generichash_state h;
	unsigned char d[32];

	crypto_generichash_init(&h, NULL, 0, sizeof(d));
	for (size_t i = 0; i < n; i++)
		crypto_generichash_update(&h, (const unsigned char *)(parts[i] ? parts[i] : ""),
					  parts[i] ? strlen(parts[i]) + 1 : 0);
	crypto_generichash_final(&h, d, sizeof(d));
	sodium_bin2hex(out, 65, d, sizeof(d));
}
