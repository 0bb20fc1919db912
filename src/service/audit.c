/*
 * audit.c -- the hash-chained audit trail (see audit.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#include "audit.h"
#include "service.h"
#include "../core/buf.h"
#include "../core/limits.h"
#include "../core/xalloc.h"
#include "../core/banned.h"

#define HASH_BYTES 32
#define HASH_HEX (HASH_BYTES * 2 + 1)

/* BLAKE2b-256 over the fields, each followed by a NUL so that no two
 * different entries hash the same text. */
static void entry_hash(const struct audit_row *r, char out[HASH_HEX])
{
	crypto_generichash_state h;
	unsigned char digest[HASH_BYTES];
	char id[32];
	const char *parts[8];

	snprintf(id, sizeof(id), "%" PRId64, r->row_id);
	parts[0] = r->prev_hash;
	parts[1] = r->at;
	parts[2] = r->actor;
	parts[3] = r->action;
	parts[4] = r->entity;
	parts[5] = id;
	parts[6] = r->before ? r->before : "";
	parts[7] = r->after ? r->after : "";
	crypto_generichash_init(&h, NULL, 0, HASH_BYTES);
	for (int i = 0; i < 8; i++)
		crypto_generichash_update(&h, (const unsigned char *)parts[i], strlen(parts[i]) + 1);
	crypto_generichash_final(&h, digest, HASH_BYTES);
	sodium_bin2hex(out, HASH_HEX, digest, HASH_BYTES);
}

int audit_append(struct svc *svc, const char *action, const char *entity, int64_t row_id,
		 const char *before, const char *after, struct err *err)
{
	char prev[HASH_HEX + 64], hash[HASH_HEX], at[32];
	struct audit_row r;

	if (sodium_init() < 0)
		return err_set(err, ST_FAIL, "libsodium cannot start");
	if (store_audit_last_hash(svc->st, svc->org.id, prev, sizeof(prev), err) != 0)
		return -1;
	memset(&r, 0, sizeof(r));
	r.org_id = svc->org.id;
	r.at = svc_now(at);
	r.actor = svc->actor;
	r.action = action;
	r.entity = entity;
	r.row_id = row_id;
	r.before = before;
	r.after = after;
	r.prev_hash = prev;
	entry_hash(&r, hash);
	r.hash = hash;
	return store_audit_insert(svc->st, &r, err);
}

struct verify_ctx {
	struct audit_report *out;
	char prev[HASH_HEX + 64];
};

static int verify_one(void *ctx, const struct audit_row *r)
{
	struct verify_ctx *v = ctx;
	char hash[HASH_HEX];

	v->out->entries++;
	if (strcmp(r->prev_hash, v->prev) != 0) {
		v->out->first_bad_id = r->id;
		snprintf(v->out->problem, sizeof(v->out->problem),
			 "entry %" PRId64 " does not follow the entry before it: one was removed or inserted there",
			 r->id);
		return 1;
	}
	entry_hash(r, hash);
	if (strcmp(hash, r->hash) != 0) {
		v->out->first_bad_id = r->id;
		snprintf(v->out->problem, sizeof(v->out->problem),
			 "entry %" PRId64 " was altered: its content no longer matches its hash", r->id);
		return 1;
	}
	snprintf(v->prev, sizeof(v->prev), "%s", r->hash);
	return 0;
}

int audit_verify(struct svc *svc, struct audit_report *out, struct err *err)
{
	struct verify_ctx v;

	memset(out, 0, sizeof(*out));
	v.out = out;
	v.prev[0] = '\0';
	if (sodium_init() < 0)
		return err_set(err, ST_FAIL, "libsodium cannot start");
	return store_audit_scan(svc->st, svc->org.id, 0, 0, verify_one, &v, err) < 0 ? -1 : 0;
}
