/*
 * cmd_backup.c -- plenum backup and plenum restore: thin front ends over
 * service/backup.c that print what a backup holds (text or --json).
 *
 * Not for exports of one org (cmd_data.c) nor for rotating old backups
 * (a cron job or timer does that: docs/OPERATIONS.md).
 */
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "cli.h"
#include "../core/arena.h"
#include "../core/err.h"
#include "../io/views.h"
#include "../service/backup.h"
#include "../core/banned.h"

static json_t *info_json(const struct backup_info *b)
{
	json_t *orgs = json_array();

	for (size_t i = 0; i < b->norgs; i++) {
		const struct backup_org *o = &b->orgs[i];

		json_array_append_new(orgs, json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:o, s:b}",
			"key", o->key, "name", o->name ? o->name : "",
			"meetings", (json_int_t)o->meetings, "tasks", (json_int_t)o->tasks,
			"progress_reports", (json_int_t)o->reports, "audit_entries", (json_int_t)o->audit_entries,
			"audit_head", o->audit_head ? json_string(o->audit_head) : json_null(),
			"audit_intact", 1));
	}
	return json_pack("{s:s, s:I, s:i, s:s, s:o, s:o, s:o}", "file", b->file, "bytes", (json_int_t)b->bytes,
			 "schema", b->schema, "integrity", "ok", "orgs", orgs,
			 "checkpoints", b->checkpoints ? json_string(b->checkpoints) : json_null(),
			 "saved", b->saved ? json_string(b->saved) : json_null());
}

static void info_print(const struct backup_info *b, const char *verb)
{
	printf("%s %s: %lld bytes, schema %d, integrity ok\n", verb, b->file, (long long)b->bytes, b->schema);
	for (size_t i = 0; i < b->norgs; i++) {
		const struct backup_org *o = &b->orgs[i];

		printf("  org %s (%s): %lld meetings, %lld tasks, %lld progress reports, %lld audit entries, "
		       "chain intact, head %s\n", o->key, o->name ? o->name : "", (long long)o->meetings,
		       (long long)o->tasks, (long long)o->reports, (long long)o->audit_entries,
		       o->audit_head ? o->audit_head : "(none)");
	}
	if (b->norgs == 0)
		printf("  no org yet\n");
	if (b->checkpoints)
		printf("  audit checkpoints: %s\n", b->checkpoints);
	if (b->saved)
		printf("  the database it replaced was saved as %s\n", b->saved);
}

static int report(const struct cli_common *c, const struct backup_info *b, const char *verb)
{
	if (c->json)
		return view_print(info_json(b)) ? EXIT_FAIL : EXIT_OK;
	info_print(b, verb);
	return EXIT_OK;
}

static int backup_run(struct cli_run *r)
{
	const struct cli_common *c = &r->c;
	const char *out = cli_opt(r, "output");
	struct arena a = ARENA_INIT;
	struct backup_info info;
	struct err err = ERR_INIT;
	int rc;

	if (out == NULL)
		out = backup_default_name(c->db, NULL, &a);
	if (backup_make(c->db, out, &a, &info, &err) != 0)
		rc = cli_fail(&err);
	else
		rc = report(c, &info, "backup");
	arena_release(&a);
	return rc;
}

static int restore_run(struct cli_run *r)
{
	const struct cli_common *c = &r->c;
	struct arena a = ARENA_INIT;
	struct backup_info info;
	struct err err = ERR_INIT;
	int rc;

	if (r->narg != 1)
		return cli_bad(r, "expected the backup file to restore");
	if (backup_restore(r->arg[0], c->db, &a, &info, &err) != 0)
		rc = cli_fail(&err);
	else
		rc = report(c, &info, "restored");
	arena_release(&a);
	return rc;
}

static const struct cli_option backup_options[] = {
	{ "output", 'o', "FILE", "the backup's name (default NAME-backup-<UTC time>.db here); never overwritten", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

const struct cli_command cmd_backup_commands[] = {
	{ "backup", "write a checked copy of the whole database while it is in use", NULL, 0, backup_options,
	  CMD_JSON, backup_run,
	  "Writes a consistent copy of the whole database (every org), as of one instant, while\n"
	  "servers keep running. The copy is checked before it gets its name: integrity check,\n"
	  "schema version, and every org's audit chain. Default name: NAME-backup-<UTC time>.db\n"
	  "in the current folder. An existing file is never overwritten. When DB.checkpoints\n"
	  "exists beside the database, it is copied beside the backup as FILE.checkpoints.\n"
	  "Exit status: 0 done, 1 the copy failed or failed its check, 2 bad usage or a bad database.\n" },
	{ "restore", "check a backup, save the current database, then replace it", "BACKUP", 1, NULL,
	  CMD_JSON, restore_run,
	  "Replaces the whole database (every org) with the backup BACKUP. BACKUP is checked first\n"
	  "(integrity, schema version, every org's audit chain) and only read; a damaged, empty,\n"
	  "foreign or newer file is refused and nothing is changed. The current database is saved\n"
	  "first as DB.before-restore-<UTC time> (as it is). A server running on DB may\n"
	  "stay up: the content is replaced in one transaction and it serves the restored data at\n"
	  "its next request (its users log in again when their sessions are not in the backup).\n"
	  "BACKUP.checkpoints, when present, becomes DB.checkpoints.\n"
	  "Exit status: 0 restored, 1 failure (nothing changed), 2 bad usage or a bad backup file.\n" },
	{ NULL, NULL, NULL, 0, NULL, 0, NULL, NULL },
};
