/*
 * store_backup.c -- whole database files: backup copies, restores into a
 * live database, and what a file holds (see store_backup.h).
 *
 * The SQL here reads a file plenum may not have opened before (a backup,
 * an upload, a stranger's file), so nothing is written to it while it is
 * inspected: it is opened read-only and migrations are not applied.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_backup.h"
#include "store.h"
#include "db.h"
#include "../core/arena.h"
#include "../core/err.h"
#include "../core/banned.h"

#define SQLITE_MAGIC "SQLite format 3"   /* the first 16 bytes, NUL included */

int store_file_probe(const char *path, int64_t *bytes, struct err *err)
{
	unsigned char head[16];
	struct stat sb;
	ssize_t n;
	int fd;

	if (stat(path, &sb) != 0) {
		if (errno == ENOENT)
			return err_set(err, ST_NOTFOUND, "no file \"%s\": check the name", path);
		return err_set(err, ST_INVALID, "cannot read \"%s\": %s", path, strerror(errno));
	}
	if (!S_ISREG(sb.st_mode))
		return err_set(err, ST_INVALID, "\"%s\" is not a regular file: give the database file itself", path);
	if (bytes)
		*bytes = (int64_t)sb.st_size;
	if (sb.st_size == 0)
		return err_set(err, ST_INVALID, "\"%s\" is empty (0 bytes), not a database: a copy or download "
			       "was cut short; use another backup", path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, ST_INVALID, "cannot read \"%s\": %s", path, strerror(errno));
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n != (ssize_t)sizeof(head) || memcmp(head, SQLITE_MAGIC, sizeof(head)) != 0)
		return err_set(err, ST_INVALID, "\"%s\" is not a SQLite database (it does not start like one): "
			       "give a file made by 'plenum backup'", path);
	return 0;
}

int store_file_backup(const char *from, const char *to, struct err *err)
{
	struct db *db = db_open(from, DB_OPEN_READONLY, err);
	int rc;

	if (db == NULL)
		return -1;
	rc = db_backup(db, to, err);
	db_close(db);
	return rc;
}

int store_file_restore(const char *from, const char *live, struct err *err)
{
	struct db *db = db_open(live, DB_OPEN_EXISTING, err);
	int rc;

	if (db == NULL)
		return -1;
	rc = db_restore(db, from, err);
	db_close(db);
	return rc;
}

static int one_int(struct db *db, const char *sql, int64_t *out, struct err *err)
{
	struct db_stmt *s = db_prepare(db, sql, err);
	int rc;

	if (s == NULL)
		return -1;
	rc = db_step(s, err);
	*out = rc == DB_ROW ? db_col_int(s, 0) : 0;
	db_done(s);
	return rc < 0 ? -1 : 0;
}

static int check_integrity(struct db *db, struct store_file_info *out)
{
	struct err local = ERR_INIT;
	struct db_stmt *s = db_prepare(db, "PRAGMA integrity_check(1)", &local);
	int rc = -1;

	if (s != NULL)
		rc = db_step(s, &local);
	if (rc == DB_ROW) {
		const char *t = db_col_text(s, 0), *nl;

		/* The first complaint, on one line, without the schema's name. */
		if (t && strncmp(t, "*** in database main ***\n", 25) == 0)
			t += 25;
		nl = t ? strchr(t, '\n') : NULL;
		snprintf(out->integrity, sizeof(out->integrity), "%.*s", nl ? (int)(nl - t) : 200,
			 t ? t : "(no answer)");
	} else {
		snprintf(out->integrity, sizeof(out->integrity), "%s",
			 local.msg[0] ? local.msg : "the check gave no answer");
	}
	db_done(s);
	out->integrity_ok = strcmp(out->integrity, "ok") == 0;
	return 0;
}

static int read_orgs(struct db *db, struct arena *a, struct store_file_info *out, struct err *err)
{
	static const char sql[] =
		"SELECT o.id, o.key, o.name,"
		" (SELECT count(*) FROM meeting WHERE org_id = o.id),"
		" (SELECT count(*) FROM task WHERE org_id = o.id),"
		" (SELECT count(*) FROM progress_report WHERE org_id = o.id),"
		" (SELECT count(*) FROM audit WHERE org_id = o.id),"
		" (SELECT hash FROM audit WHERE org_id = o.id ORDER BY id DESC LIMIT 1)"
		" FROM org o ORDER BY o.id";
	struct db_stmt *s;
	int64_t n = 0;
	size_t i = 0;
	int rc;

	if (one_int(db, "SELECT count(*) FROM org", &n, err) != 0)
		return -1;
	out->orgs = arena_calloc(a, (size_t)n + 1, sizeof(out->orgs[0]));
	s = db_prepare(db, sql, err);
	if (s == NULL)
		return -1;
	while ((rc = db_step(s, err)) == DB_ROW && i < (size_t)n) {
		struct store_file_org *o = &out->orgs[i++];

		o->id = db_col_int(s, 0);
		o->key = arena_strdup(a, db_col_text(s, 1));
		o->name = arena_strdup(a, db_col_text(s, 2));
		o->meetings = db_col_int(s, 3);
		o->tasks = db_col_int(s, 4);
		o->reports = db_col_int(s, 5);
		o->audit_entries = db_col_int(s, 6);
		o->audit_head = arena_strdup(a, db_col_text(s, 7));
	}
	db_done(s);
	out->norgs = i;
	return rc < 0 ? -1 : 0;
}

int store_file_inspect(const char *path, struct arena *a, struct store_file_info *out, struct err *err)
{
	struct db *db = NULL;
	int64_t has_table = 0, version = 0;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (store_file_probe(path, &out->bytes, err) != 0)
		return -1;
	db = db_open(path, DB_OPEN_READONLY, err);
	if (db == NULL)
		return -1;
	/* Everything below is read as of one instant. */
	if (db_exec(db, "BEGIN", err) != 0)
		goto out;
	check_integrity(db, out);
	if (one_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
		    &has_table, err) != 0)
		goto out;
	if (!has_table) {
		err_set(err, ST_INVALID, "\"%s\" is a SQLite database but not a plenum one (no schema_version table)", path);
		goto out;
	}
	if (one_int(db, "SELECT coalesce(max(version), 0) FROM schema_version", &version, err) != 0)
		goto out;
	out->schema = (int)version;
	if (version > store_schema_version()) {
		err_set(err, ST_INVALID, "\"%s\" has schema version %d, newer than this plenum understands (%d): "
			"use the plenum that made it, or a newer one", path, out->schema, store_schema_version());
		goto out;
	}
	if (version < 1) {
		err_set(err, ST_INVALID, "\"%s\" is an empty plenum database (no migration applied)", path);
		goto out;
	}
	if (out->integrity_ok && read_orgs(db, a, out, err) != 0)
		goto out;
	rc = 0;
out:
	if (db)
		db_exec(db, "COMMIT", NULL);
	db_close(db);
	return rc;
}

int store_file_settle(const char *path, struct err *err)
{
	struct db *db = db_open(path, DB_OPEN_EXISTING, err);
	int rc, fd;

	if (db == NULL)
		return -1;
	rc = db_exec(db, "PRAGMA journal_mode=DELETE", err);
	db_close(db);
	if (rc != 0)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0) {
		err_set(err, ST_FAIL, "cannot flush \"%s\" to disk: %s", path, strerror(errno));
		rc = -1;
	}
	if (fd >= 0)
		close(fd);
	return rc;
}
