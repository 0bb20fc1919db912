/*
 * orgcopy.c -- `plenum copy`: orgs from one store to another, each as one
 * write on the destination made of the source's rows and chain
 * (store_copy_org) and the copy's own audit entry, then checked
 * (orgcopy.h). Not for whole-file backups.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "orgcopy.h"
#include "../core/arena.h"
#include "../core/err.h"
#include "../core/limits.h"
#include "../service/audit.h"
#include "../service/service.h"
#include "../service/tx.h"
#include "../store/db.h"
#include "../store/store.h"
#include "../core/banned.h"

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 1 when from and to name the same database: the same text, or two names of
 * one SQLite file. */
static int same_database(const char *from, const char *to)
{
	struct stat a, b;

	if (strcmp(from, to) == 0)
		return 1;
	if (db_is_url(from) || db_is_url(to))
		return 0;
	return stat(from, &a) == 0 && stat(to, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* After the commit: the destination's chain verifies (the rows were read
 * back and compared with the source's before it, store_copy_org()). */
static int check_copy(struct svc *dst, const char *key, struct orgcopy_org *o, struct err *err)
{
	struct audit_report ar;
	struct err why = ERR_INIT;

	memset(&ar, 0, sizeof(ar));
	if (audit_verify(dst, NULL, &ar, &why) != 0)
		return err_set(err, why.code == ST_OK ? ST_FAIL : why.code,
			       "org \"%s\" was copied, but checking the copy failed: %s", key, why.msg);
	if (ar.problem[0])
		return err_set(err, ST_FAIL, "org \"%s\" was copied but its audit chain does not verify there: %s", key,
			       ar.problem);
	o->audit_entries = ar.entries;
	return 0;
}

/* One org, in one write on the destination from one read snapshot of the
 * source: an org of the same key replaced (its chain ended) when replace,
 * the rows and the chain copied (store_copy_org), and the copy's own entry
 * sealing the rows as they now are. */
static int copy_org(struct svc *src, struct svc *dst, const char *key, int replace, struct orgcopy_org *o,
		    struct err *err)
{
	struct store_copy_stats stats;
	struct org_row existing;
	struct arena a = ARENA_INIT;
	struct err none = ERR_INIT;
	char summary[512], carried[160] = "", replaced[160] = "";
	int64_t org_id = 0;
	int rc = -1;

	if (svc_select_org(src, key, err) != 0 || store_read_begin(src->st, err) != 0)
		goto out;
	if (store_audit_last_hash(src->st, src->org.id, carried, sizeof(carried), err) != 0)
		goto read_out;
	if (svc_tx_begin(dst, err) != 0)
		goto read_out;
	if (replace && store_org_get(dst->st, key, &a, &existing, &none) == 0 &&
	    (store_audit_last_hash(dst->st, existing.id, replaced, sizeof(replaced), err) != 0 ||
	     svc_org_delete(dst, existing.id, existing.key, err) != 0))
		goto fail;
	dst->has_org = 0;
	if (store_copy_org(src->st, src->org.id, dst->st, &org_id, &stats, err) != 0 ||
	    svc_select_org(dst, key, err) != 0)
		goto fail;
	o->rows = (long)stats.rows;
	/* As an import's entry: what the new chain starts from (the carried
	 * head) and the chain of the org replaced (ended). */
	snprintf(summary, sizeof(summary), "{\"copy\":true,\"rows\":%" PRId64 ",\"replace\":%s,\"carried_head\":%s%s%s,"
		 "\"replaced_head\":%s%s%s}", stats.rows, replace ? "true" : "false",
		 carried[0] ? "\"" : "", carried[0] ? carried : "null", carried[0] ? "\"" : "",
		 replaced[0] ? "\"" : "", replaced[0] ? replaced : "null", replaced[0] ? "\"" : "");
	if (svc_tx_end(dst, 0, "import", "org", org_id, NULL, summary, err) != 0) {
		dst->has_org = 0;
		goto read_out;
	}
	rc = 0;
	goto read_out;
fail:
	svc_tx_end(dst, -1, NULL, NULL, 0, NULL, NULL, NULL);
	dst->has_org = 0;
read_out:
	store_read_end(src->st);
out:
	arena_release(&a);
	return rc;
}

int orgcopy_run(const char *from, const char *to, const char *org_key, int replace, struct arena *a,
		struct orgcopy_report *rep, struct err *err)
{
	struct svc src, dst;
	const char **keys = NULL;
	size_t nkeys = 0;
	int src_open = 0, dst_open = 0, rc = -1;

	memset(&src, 0, sizeof(src));
	memset(&dst, 0, sizeof(dst));
	rep->norgs = 0;
	rep->orgs = NULL;
	if (same_database(from, to)) {
		err_field(err, ST_INVALID, "to", "--to names the same database as --from");
		goto out;
	}
	src_open = 1;   /* svc_close() undoes a failed svc_open() too */
	if (svc_open(&src, from, STORE_READONLY, NULL, 0, err) != 0)
		goto out;
	if (org_key) {
		if (svc_select_org(&src, org_key, err) != 0)
			goto out;
		keys = arena_calloc(a, 1, sizeof(*keys));
		keys[0] = arena_strdup(a, org_key);
		nkeys = 1;
	} else {
		/* One more than the limit, to tell "exactly the limit" from "more". */
		keys = arena_calloc(a, LIM_COPY_ORGS + 1, sizeof(*keys));
		if (store_org_keys(src.st, a, keys, LIM_COPY_ORGS + 1, &nkeys, err) != 0)
			goto out;
		if (nkeys > LIM_COPY_ORGS) {
			err_field(err, ST_TOOBIG, "org", "the source holds more than %d orgs: copy them with --org",
				  LIM_COPY_ORGS);
			goto out;
		}
		if (nkeys == 0) {
			err_set(err, ST_NOTFOUND, "%s holds no org to copy", db_is_url(from) ? "the source database" : from);
			goto out;
		}
	}
	dst_open = 1;
	if (svc_open(&dst, to, STORE_CREATE, NULL, 0, err) != 0)
		goto out;
	dst.actor = "cli:copy";
	rep->orgs = arena_calloc(a, nkeys, sizeof(rep->orgs[0]));
	/* Every conflict is found before anything is written. */
	for (size_t i = 0; i < nkeys; i++) {
		struct arena tmp;
		struct org_row row;
		struct err none = ERR_INIT;
		int exists;

		arena_init(&tmp);
		exists = store_org_get(dst.st, keys[i], &tmp, &row, &none) == 0;
		arena_release(&tmp);
		if (!exists && none.code != ST_NOTFOUND) {
			*err = none;
			goto out;
		}
		if (exists && !replace) {
			err_field(err, ST_CONFLICT, "org", "org \"%s\" is already in the destination (--replace replaces it)",
				  keys[i]);
			goto out;
		}
		rep->orgs[i].key = keys[i];
		rep->orgs[i].replaced = exists;
	}
	for (size_t i = 0; i < nkeys; i++) {
		double t0 = seconds(), t1;

		if (copy_org(&src, &dst, keys[i], replace, &rep->orgs[i], err) != 0)
			goto out;
		t1 = seconds();
		rep->orgs[i].copy_s = t1 - t0;
		if (check_copy(&dst, keys[i], &rep->orgs[i], err) != 0)
			goto out;
		rep->orgs[i].check_s = seconds() - t1;
		rep->norgs++;
	}
	rc = 0;
out:
	if (dst_open)
		svc_close(&dst);
	if (src_open)
		svc_close(&src);
	return rc;
}
