/*
 * orgcopy.c -- `plenum copy`: orgs from one store to another through the
 * in-memory export and import (orgcopy.h). Not for whole-file backups.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "orgcopy.h"
#include "orgjson.h"
#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/err.h"
#include "../core/limits.h"
#include "../service/audit.h"
#include "../service/service.h"
#include "../store/db.h"
#include "../store/store.h"
#include "../core/banned.h"

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

/* The selected org's export (flags of orgjson_export) into out, emptied first. */
static int export_into(struct svc *svc, int flags, struct buf *out, struct err *err)
{
	buf_reset(out);
	return orgjson_export(svc, out, flags, err);
}

/* After the commit: the destination's org reads back as the source's, and
 * its chain verifies. */
static int check_copy(struct svc *src, struct svc *dst, const char *key, struct buf *a, struct buf *b,
		      struct orgcopy_org *o, struct err *err)
{
	struct audit_report ar;

	struct err why = ERR_INIT;

	memset(&ar, 0, sizeof(ar));
	if (export_into(src, 0, a, &why) != 0 || export_into(dst, 0, b, &why) != 0 ||
	    audit_verify(dst, NULL, &ar, &why) != 0)
		return err_set(err, why.code == ST_OK ? ST_FAIL : why.code,
			       "org \"%s\" was copied, but checking the copy failed: %s", key, why.msg);
	if (buf_len(a) != buf_len(b) || memcmp(buf_str(a), buf_str(b), buf_len(a)) != 0)
		return err_set(err, ST_FAIL, "org \"%s\" was copied but its export differs from the source's "
				       "(a bug: compare 'plenum export --no-audit' on both sides)", key);
	if (ar.problem[0])
		return err_set(err, ST_FAIL, "org \"%s\" was copied but its audit chain does not verify there: %s", key,
			       ar.problem);
	o->audit_entries = ar.entries;
	return 0;
}

int orgcopy_run(const char *from, const char *to, const char *org_key, int replace, struct arena *a,
		struct orgcopy_report *rep, struct err *err)
{
	struct svc src, dst;
	struct buf doc = BUF_INIT(LIM_IMPORT_BYTES), other = BUF_INIT(LIM_IMPORT_BYTES);
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
		struct import_report ir = { rep->problems, 0, 0 };

		if (svc_select_org(&src, keys[i], err) != 0 ||
		    export_into(&src, ORGJSON_AUDIT | ORGJSON_SECRETS, &doc, err) != 0)
			goto out;
		if (orgjson_import(&dst, buf_str(&doc), buf_len(&doc), replace, &ir, err) != 0)
			goto out;
		rep->orgs[i].rows = ir.rows;
		if (check_copy(&src, &dst, keys[i], &doc, &other, &rep->orgs[i], err) != 0)
			goto out;
		rep->norgs++;
	}
	rc = 0;
out:
	buf_release(&doc);
	buf_release(&other);
	if (dst_open)
		svc_close(&dst);
	if (src_open)
		svc_close(&src);
	return rc;
}
