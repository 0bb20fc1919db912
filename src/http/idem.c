/*
 * idem.c -- Idempotency-Key on POST: a client that did not get the answer to
 * a write sends the same request with the same key again and gets the first
 * answer, instead of a second report or task.
 *
 * The key is recorded by the write's own transaction (service/tx.c), so a
 * write is applied at most once per key even when the reply is lost between
 * the commit and the client; the reply itself is stored right after. Keys
 * are per user and kept at least 24 hours. This file only reads the header,
 * fingerprints the request and replays; it is NOT where writes happen.
 */
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#include "http.h"
#include "../core/limits.h"
#include "../service/tx.h"
#include "../core/banned.h"

#define IDEM_KEY_MAX 200

static int hash_arg(void *ctx, const char *name, const char *value)
{
	crypto_generichash_state *h = ctx;

	crypto_generichash_update(h, (const unsigned char *)name, strlen(name) + 1);
	crypto_generichash_update(h, (const unsigned char *)(value ? value : ""), value ? strlen(value) + 1 : 1);
	return 0;
}

/* BLAKE2b of method, path, query and body: "the same request". */
static void fingerprint(struct req *r, char out[65])
{
	crypto_generichash_state h;
	unsigned char d[32];

	crypto_generichash_init(&h, NULL, 0, sizeof(d));
	crypto_generichash_update(&h, (const unsigned char *)r->method, strlen(r->method) + 1);
	crypto_generichash_update(&h, (const unsigned char *)r->path, strlen(r->path) + 1);
	req_query_each(r, hash_arg, &h);
	crypto_generichash_update(&h, (const unsigned char *)buf_str(&r->body), buf_len(&r->body));
	crypto_generichash_final(&h, d, sizeof(d));
	sodium_bin2hex(out, 65, d, sizeof(d));
}

int http_idem_before(struct req *r)
{
	const char *key = req_header(r, "Idempotency-Key");
	struct idem_row row;
	struct err err = ERR_INIT;
	char *hash;
	size_t n;

	memset(&r->svc->idem, 0, sizeof(r->svc->idem));
	if (key == NULL || strcmp(r->method, "POST") != 0)
		return 0;
	n = strlen(key);
	if (n == 0 || n > IDEM_KEY_MAX)
		return req_error(r, 400, "invalid_field", "Idempotency-Key",
				 "Idempotency-Key: expected 1 to %d printable characters", IDEM_KEY_MAX);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)key[i] < 0x21 || (unsigned char)key[i] > 0x7e)
			return req_error(r, 400, "invalid_field", "Idempotency-Key",
					 "Idempotency-Key: expected 1 to %d printable characters", IDEM_KEY_MAX);
	hash = arena_alloc(&r->a, 65);
	fingerprint(r, hash);
	if (svc_idem_lookup(r->svc, arena_strdup(&r->a, key), hash, &r->a, &row, &err) != 0)
		return req_fail(r, &err);
	if (!row.found)
		return 0;
	if (strcmp(row.request_hash, hash) != 0)
		return req_error(r, 422, "idempotency_key_reused", "Idempotency-Key",
				 "Idempotency-Key: this key was used for a different request; use a new key for a new write");
	if (row.status == 0) {
		r->retry_after = 1;
		return req_error(r, 409, "in_progress", "Idempotency-Key",
				 "Idempotency-Key: the first request with this key was applied or is being applied; "
				 "its answer is not stored yet: retry in a moment");
	}
	r->status = row.status;
	buf_reset(&r->out);
	if (row.body && buf_adds(&r->out, row.body) != 0)
		return req_error(r, 500, "internal", NULL, "the stored answer does not fit");
	if (row.location)
		snprintf(r->location, sizeof(r->location), "%s", row.location);
	r->replayed = 1;
	return 1;
}

void http_idem_after(struct req *r)
{
	struct err err = ERR_INIT;

	if (r->svc == NULL || r->svc->idem.key == NULL)
		return;
	if (svc_idem_finish(r->svc, r->status, r->location[0] ? r->location : NULL, buf_str(&r->out), &err) != 0)
		fprintf(stderr, "plenum: idempotency: cannot store the answer: %s\n", err.msg);
}
