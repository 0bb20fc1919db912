/*
 * cmd_copy.c -- plenum copy: a thin front end over io/orgcopy.c that moves
 * orgs between a SQLite file and a PostgreSQL database (either way) and
 * prints what it copied (text or --json).
 *
 * Not for backups of a whole database (cmd_backup.c) nor for export files
 * (cmd_data.c). Database URLs are never printed: they may hold a password.
 */
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "cli.h"
#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/err.h"
#include "../io/orgcopy.h"
#include "../store/db.h"
#include "../core/banned.h"

/* A name for a database that is safe to print. */
static const char *label(const char *db)
{
	return db_is_url(db) ? "the PostgreSQL database" : db;
}

static void print_report(const struct cli_common *c, const struct orgcopy_report *rep, const char *to)
{
	if (c->json) {
		json_t *orgs = json_array();
		char *text;

		for (size_t i = 0; i < rep->norgs; i++) {
			const struct orgcopy_org *o = &rep->orgs[i];

			json_array_append_new(orgs, json_pack("{s:s, s:I, s:I, s:b, s:b, s:f, s:f}", "key", o->key, "rows",
							      (json_int_t)o->rows, "audit_entries",
							      (json_int_t)o->audit_entries, "replaced", o->replaced,
							      "audit_intact", 1, "copy_seconds", o->copy_s,
							      "check_seconds", o->check_s));
		}
		text = json_dumps(json_pack("{s:o}", "copied", orgs), JSON_INDENT(2));
		if (text)
			printf("%s\n", text);
		free(text);
		return;
	}
	for (size_t i = 0; i < rep->norgs; i++) {
		const struct orgcopy_org *o = &rep->orgs[i];

		printf("copied org \"%s\" to %s%s: %ld rows in %.1f s (%.0f rows/s), %lld audit entries, chain intact, "
		       "rows identical (chain verified in %.1f s)\n", o->key, label(to), o->replaced ? " (replaced)" : "", o->rows,
		       o->copy_s, o->copy_s > 0 ? (double)o->rows / o->copy_s : 0.0, (long long)o->audit_entries, o->check_s);
	}
}

static int copy_run(struct cli_run *r)
{
	const char *from = cli_opt(r, "from"), *to = cli_opt(r, "to");
	struct buf problems = BUF_INIT(1 << 20);
	struct orgcopy_report rep = { 0, NULL, &problems };
	struct err err = ERR_INIT;
	struct arena a;
	int rc;

	if (*from == '\0')
		return cli_bad(r, "name the source with --from");
	if (*to == '\0')
		return cli_bad(r, "name the destination with --to");
	arena_init(&a);
	if (orgcopy_run(from, to, r->c.org, cli_flag(r, "replace"), &a, &rep, &err) != 0) {
		print_report(&r->c, &rep, to);
		if (buf_len(&problems))
			fprintf(stderr, "%s", buf_str(&problems));
		rc = cli_fail(&err);
	} else {
		print_report(&r->c, &rep, to);
		rc = EXIT_OK;
	}
	buf_release(&problems);
	arena_release(&a);
	return rc;
}

static const struct cli_option copy_options[] = {
	{ "from", 0, "DB", "the source: a SQLite file or a postgresql:// URL (only read)", 1 },
	{ "to", 0, "DB", "the destination: a SQLite file (created when missing) or a postgresql:// URL", 1 },
	{ "replace", 0, NULL, "replace an org the destination has already", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

const struct cli_command cmd_copy_commands[] = {
	{ "copy", "copy orgs between databases (SQLite file, PostgreSQL URL), audit chain kept", NULL, 0, copy_options,
	  CMD_JSON, copy_run,
	  "Copies an org (--org KEY), or every org, from one database to another: a SQLite\n"
	  "file or a postgresql:// URL on either side. --from is only read; a missing SQLite\n"
	  "--to file is created, a PostgreSQL database must exist. Each org is copied row for\n"
	  "row in one transaction with its audit chain, which ends with the copy's own entry;\n"
	  "the rows are read back and compared with the source's before the commit, and\n"
	  "'plenum audit verify' must pass on the destination after it. While it copies into\n"
	  "PostgreSQL, other writers of the same tables wait. An org already in the\n"
	  "destination is refused (before anything is written) unless --replace. Passwords\n"
	  "are copied; sessions, API tokens and calendar links are not.\n" },
	{ NULL, NULL, NULL, 0, NULL, 0, NULL, NULL },
};
