/*
 * backup.c -- checked backups and checked restores (see backup.h).
 *
 * Temporary files are made with mkstemp() beside their final name, so the
 * final step is a rename or link within one directory, and are removed on
 * every failure path. Nothing is written to the file being restored from.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup.h"
#include "audit.h"
#include "service.h"
#include "../store/store_backup.h"
#include "../core/arena.h"
#include "../core/err.h"
#include "../core/banned.h"

static int exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

static int64_t file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (int64_t)sb.st_size : 0;
}

/* "YYYYMMDDTHHMMSSZ", now, in UTC. */
static void stamp(char out[32])
{
	char now[32];
	size_t n = 0;

	svc_now(now);
	for (const char *p = now; *p && n < 31; p++)
		if (*p != '-' && *p != ':')
			out[n++] = *p;
	out[n] = '\0';
}

const char *backup_default_name(const char *db, const char *dir, struct arena *a)
{
	char *copy = arena_strdup(a, db), *base = basename(copy), *dot = strrchr(base, '.');
	char ts[32];

	if (dot && dot != base)
		*dot = '\0';
	stamp(ts);
	return arena_printf(a, "%s%s%s-backup-%s.db", dir ? dir : "", dir ? "/" : "", base, ts);
}

/* A new empty file named like path plus ".tag-XXXXXX"; NULL with *err. */
static char *temp_beside(const char *path, const char *tag, struct arena *a, struct err *err)
{
	char *t = arena_printf(a, "%s.%s-XXXXXX", path, tag);
	int fd = mkstemp(t);

	if (fd < 0) {
		err_set(err, ST_FAIL, "cannot create a temporary file beside \"%s\": %s", path, strerror(errno));
		return NULL;
	}
	close(fd);
	return t;
}

static int sync_dir_of(const char *path, struct err *err)
{
	char copy[4096];
	int fd, rc = 0;

	snprintf(copy, sizeof(copy), "%s", path);
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0)
		rc = err_set(err, ST_FAIL, "cannot flush the folder of \"%s\": %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Copies a plain file to the new file to, flushed. */
static int copy_file(const char *from, const char *to, struct err *err)
{
	char chunk[65536];
	int in = -1, out = -1, rc = -1;
	ssize_t n;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		err_set(err, ST_FAIL, "cannot read \"%s\": %s", from, strerror(errno));
		goto out;
	}
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0) {
		err_set(err, ST_FAIL, "cannot write \"%s\": %s", to, strerror(errno));
		goto out;
	}
	while ((n = read(in, chunk, sizeof(chunk))) > 0) {
		for (ssize_t done = 0; done < n;) {
			ssize_t w = write(out, chunk + done, (size_t)(n - done));

			if (w < 0) {
				err_set(err, ST_FAIL, "cannot write \"%s\": %s", to, strerror(errno));
				goto out;
			}
			done += w;
		}
	}
	if (n < 0) {
		err_set(err, ST_FAIL, "cannot read \"%s\": %s", from, strerror(errno));
		goto out;
	}
	if (fsync(out) != 0) {
		err_set(err, ST_FAIL, "cannot flush \"%s\": %s", to, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) != 0 && rc == 0)
		rc = err_set(err, ST_FAIL, "cannot write \"%s\": %s", to, strerror(errno));
	return rc;
}

/* Gives tmp the name final without ever replacing an existing file. */
static int publish(const char *tmp, const char *final, struct err *err)
{
	if (link(tmp, final) == 0) {
		unlink(tmp);
		return 0;
	}
	if (errno == EEXIST)
		return err_set(err, ST_INVALID, "\"%s\" exists: a backup never overwrites a file; choose another "
			       "name or remove it first", final);
	/* File systems without hard links: a check, then a rename. */
	if ((errno == EPERM || errno == ENOTSUP || errno == EXDEV) && !exists(final) && rename(tmp, final) == 0)
		return 0;
	return err_set(err, ST_FAIL, "cannot name the backup \"%s\": %s", final, strerror(errno));
}

int backup_check(const char *path, struct arena *a, struct backup_info *out, struct err *err)
{
	struct store_file_info fi;
	struct svc svc;
	struct err local = ERR_INIT;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (store_file_inspect(path, a, &fi, err) != 0)
		return -1;
	if (!fi.integrity_ok)
		return err_set(err, ST_INVALID, "\"%s\" fails the integrity check (%s): it is damaged; use another backup",
			       path, fi.integrity);
	out->file = path;
	out->bytes = fi.bytes;
	out->schema = fi.schema;
	out->norgs = fi.norgs;
	out->orgs = arena_calloc(a, fi.norgs + 1, sizeof(out->orgs[0]));
	if (svc_open(&svc, path, 0, NULL, 0, err) != 0)
		goto out;
	for (size_t i = 0; i < fi.norgs; i++) {
		const struct store_file_org *o = &fi.orgs[i];
		struct backup_org *b = &out->orgs[i];
		struct audit_report rep;

		b->id = o->id;
		b->key = o->key;
		b->name = o->name;
		b->meetings = o->meetings;
		b->tasks = o->tasks;
		b->reports = o->reports;
		b->audit_entries = o->audit_entries;
		b->audit_head = o->audit_head;
		if (svc_select_org(&svc, o->key, &local) != 0 || audit_verify(&svc, NULL, &rep, &local) != 0) {
			err_set(err, ST_FAIL, "\"%s\": cannot verify the audit chain of org \"%s\": %s", path, o->key,
				local.msg);
			goto out;
		}
		if (rep.problem[0]) {
			err_set(err, ST_INVALID, "\"%s\": the audit chain of org \"%s\" is broken: %s", path, o->key,
				rep.problem);
			goto out;
		}
	}
	rc = 0;
out:
	svc_close(&svc);
	return rc;
}

/* A backup of db named out; checked (check != 0) or only a consistent copy,
 * which is what a restore keeps of a database it replaces, damaged or not. */
static int make(const char *db, const char *out, int check, struct arena *a, struct backup_info *info,
		struct err *err)
{
	const char *cp_src = arena_printf(a, "%s.checkpoints", db);
	const char *cp_out = arena_printf(a, "%s.checkpoints", out);
	char *tmp = NULL, *cp_tmp = NULL;
	struct err local = ERR_INIT;
	int rc = -1;

	memset(info, 0, sizeof(*info));
	if (exists(out))
		return err_set(err, ST_INVALID, "\"%s\" exists: a backup never overwrites a file; choose another "
			       "name or remove it first", out);
	if (store_file_probe(db, NULL, err) != 0)
		return -1;
	/* The checkpoints first: each one then names a head the copy holds. */
	if (exists(cp_src)) {
		cp_tmp = temp_beside(cp_out, "tmp", a, err);
		if (cp_tmp == NULL || copy_file(cp_src, cp_tmp, err) != 0)
			goto out;
	}
	tmp = temp_beside(out, "tmp", a, err);
	if (tmp == NULL || store_file_backup(db, tmp, err) != 0)
		goto out;
	/* A copy that fails its check is a failure here, not bad input. */
	if (check && backup_check(tmp, a, info, &local) != 0) {
		/* Named after the database, not the temporary copy. */
		const char *at = strstr(local.msg, tmp);
		char why[sizeof(local.msg)];

		if (at)
			snprintf(why, sizeof(why), "%.*s%s%s", (int)(at - local.msg), local.msg, db, at + strlen(tmp));
		else
			snprintf(why, sizeof(why), "%s", local.msg);
		err_set(err, ST_FAIL, "no backup was kept, the copy failed its check: %s", why);
		goto out;
	}
	if (store_file_settle(tmp, err) != 0 || publish(tmp, out, err) != 0)
		goto out;
	tmp = NULL;
	info->file = out;
	info->bytes = file_size(out);
	if (cp_tmp) {
		if (rename(cp_tmp, cp_out) != 0) {
			err_set(err, ST_FAIL, "the backup \"%s\" is written, but its checkpoints \"%s\" are not: %s",
				out, cp_out, strerror(errno));
			goto out;
		}
		cp_tmp = NULL;
		info->checkpoints = cp_out;
	}
	rc = sync_dir_of(out, err);
out:
	if (tmp)
		unlink(tmp);
	if (cp_tmp)
		unlink(cp_tmp);
	return rc;
}

int backup_make(const char *db, const char *out, struct arena *a, struct backup_info *info, struct err *err)
{
	return make(db, out, 1, a, info, err);
}

static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* The message of a refused restore: the file, the problem, the outcome. */
static int refuse(const char *file, const struct err *why, enum status code, struct err *err)
{
	if (strstr(why->msg, file))
		return err_set(err, code, "%s. Nothing was changed.", why->msg);
	return err_set(err, code, "\"%s\" cannot be restored: %s. Nothing was changed; use another backup.",
		       file, why->msg);
}

int backup_restore(const char *file, const char *db, struct arena *a, struct backup_info *info,
		   struct err *err)
{
	const char *cp_in = arena_printf(a, "%s.checkpoints", file);
	const char *cp_db = arena_printf(a, "%s.checkpoints", db);
	const char *wal = arena_printf(a, "%s-wal", db);
	struct store_file_info fi;
	struct backup_info saved;
	struct err local = ERR_INIT;
	char *tmp = NULL, *cp_tmp = NULL, ts[32];
	const char *saved_name = NULL;
	int rc = -1;

	memset(info, 0, sizeof(*info));
	if (same_file(file, db))
		return err_set(err, ST_INVALID, "\"%s\" is the database itself: give a backup file", file);
	/* The file as it is, read-only: its integrity and schema. */
	if (store_file_inspect(file, a, &fi, &local) != 0 || !fi.integrity_ok) {
		if (local.code == ST_OK)
			err_set(&local, ST_INVALID, "\"%s\" fails the integrity check (%s): it is damaged", file,
				fi.integrity);
		return refuse(file, &local, local.code == ST_NOTFOUND ? ST_NOTFOUND : ST_INVALID, err);
	}
	/* A copy we own, so that checks and migrations never touch file. */
	tmp = temp_beside(db, "restore", a, err);
	if (tmp == NULL)
		goto out;
	if (store_file_backup(file, tmp, &local) != 0 || backup_check(tmp, a, info, &local) != 0) {
		refuse(file, &local, ST_INVALID, err);
		goto out;
	}
	if (store_file_settle(tmp, err) != 0)
		goto out;
	if (exists(cp_in)) {
		cp_tmp = temp_beside(cp_db, "tmp", a, err);
		if (cp_tmp == NULL || copy_file(cp_in, cp_tmp, err) != 0)
			goto out;
	}
	if (file_size(db) > 0) {
		stamp(ts);
		saved_name = arena_printf(a, "%s.before-restore-%s", db, ts);
		/* Kept as it is: a restore is also how a damaged or forged record is replaced. */
		if (make(db, saved_name, 0, a, &saved, &local) != 0) {
			err_set(err, ST_FAIL, "the current database \"%s\" could not be saved before being replaced (%s). "
				"Nothing was changed. If it is damaged, move it aside (mv) and restore again.",
				db, local.msg);
			goto out;
		}
		if (store_file_restore(tmp, db, &local) != 0) {
			err_set(err, ST_FAIL, "restoring into \"%s\" failed: %s. Its content is unchanged (saved as \"%s\")",
				db, local.msg, saved_name);
			goto out;
		}
	} else {
		/* No database (or an empty file, the trace of a failed copy): the
		 * checked copy takes its name. A journal left without its database
		 * would be applied to the new file, so it must go first. */
		if (file_size(wal) > 0) {
			err_set(err, ST_INVALID, "\"%s\" has no database but a journal \"%s\" is left beside it: "
				"move the journal aside, then restore again. Nothing was changed.", db, wal);
			goto out;
		}
		if (rename(tmp, db) != 0) {
			err_set(err, ST_FAIL, "cannot create \"%s\": %s", db, strerror(errno));
			goto out;
		}
		tmp = NULL;
		if (sync_dir_of(db, err) != 0)
			goto out;
	}
	info->file = db;
	info->bytes = file_size(db);
	info->saved = saved_name;
	if (cp_tmp) {
		if (rename(cp_tmp, cp_db) != 0) {
			err_set(err, ST_FAIL, "\"%s\" is restored, but its checkpoints \"%s\" are not: %s", db, cp_db,
				strerror(errno));
			goto out;
		}
		cp_tmp = NULL;
		info->checkpoints = cp_db;
	}
	rc = 0;
out:
	if (tmp)
		unlink(tmp);
	if (cp_tmp)
		unlink(cp_tmp);
	return rc;
}
