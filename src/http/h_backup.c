/*
 * h_backup.c -- GET /api/v1/backup: a fresh, checked backup of the database
 * as a download, for admins.
 *
 * The backup is written to a temporary folder beside the database (same
 * disk, so no copy through memory), opened, and removed from the folder at
 * once: the open file is streamed by server.c and disappears when it is
 * closed. A database that also holds other orgs is not handed out, since the
 * file would carry their records: that backup is taken on the server with
 * `plenum backup`. Not for restores (those are `plenum restore`, on the
 * server, where the operator can see what is replaced).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http.h"
#include "../service/backup.h"
#include "../core/banned.h"

static void cleanup(const char *dir, const char *file, const char *checkpoints)
{
	unlink(file);
	unlink(checkpoints);
	rmdir(dir);
}

int h_backup(struct req *r)
{
	struct backup_info info;
	struct err err = ERR_INIT;
	char *dir, *file, *checkpoints, now[32], stamp[32];
	struct stat sb;
	size_t n = 0;
	int fd;

	if (req_need(r, CAN_ADMIN, "backup") != 0)
		return 0;
	/* A database URL has no file to download. */
	if (strstr(http_db_path(), "://"))
		return req_error(r, 403, "forbidden", NULL, "backups of a PostgreSQL database are made on the server "
				 "with pg_dump or pg_basebackup (docs/SCALING.md), not downloaded");
	dir = arena_printf(&r->a, "%s.download-XXXXXX", http_db_path());
	if (mkdtemp(dir) == NULL)
		return req_error(r, 500, "internal", NULL, "cannot make a temporary folder beside the database: %s",
				 strerror(errno));
	file = arena_printf(&r->a, "%s/backup.db", dir);
	checkpoints = arena_printf(&r->a, "%s.checkpoints", file);
	if (backup_make(http_db_path(), file, &r->a, &info, &err) != 0) {
		cleanup(dir, file, checkpoints);
		return req_fail(r, &err);
	}
	for (size_t i = 0; i < info.norgs; i++) {
		if (info.orgs[i].id != r->who.user.org_id) {
			cleanup(dir, file, checkpoints);
			return req_error(r, 403, "forbidden", NULL, "this database also holds other orgs (%zu in all), "
					 "whose records a download would carry: back up on the server with "
					 "'plenum backup'", info.norgs);
		}
	}
	fd = open(file, O_RDONLY | O_CLOEXEC);
	cleanup(dir, file, checkpoints);
	if (fd < 0 || fstat(fd, &sb) != 0) {
		if (fd >= 0)
			close(fd);
		return req_error(r, 500, "internal", NULL, "cannot read the backup: %s", strerror(errno));
	}
	svc_now(now);
	for (const char *p = now; *p && n < sizeof(stamp) - 1; p++)
		if (*p != '-' && *p != ':')
			stamp[n++] = *p;
	stamp[n] = '\0';
	snprintf(r->disposition, sizeof(r->disposition), "attachment; filename=\"plenum-%s-%s.db\"",
		 r->svc->org.key, stamp);
	r->content_type = "application/vnd.sqlite3";
	r->has_file = 1;
	r->file_fd = fd;
	r->file_bytes = (int64_t)sb.st_size;
	r->status = 200;
	return 0;
}
