/*
 * cmd_data.c -- the commands that move whole orgs: init, demo, import, export.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "cli.h"
#include "../core/buf.h"
#include "../core/limits.h"
#include "../io/orgjson.h"
#include "../service/auth.h"
#include "../service/service.h"
#include "../service/tx.h"
#include "../core/banned.h"

#define DEMO_PASSWORD "plenum-demo"

/* The demo data, relative to the directory of the running binary: an
 * installed binary (PREFIX/bin/plenum) finds PREFIX/share/plenum whatever
 * PREFIX was given to make install, and a binary in the source tree finds
 * data/. Never relative to the current directory. */
static const char *const demo_places[] = {
	"../share/plenum/demo/jiangmen.json",
	"data/demo/jiangmen.json",
};

/* Reads a whole file (or standard input for "-") into b, within its cap. */
static int read_all(const char *path, struct buf *b, struct err *err)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int rc = 0;

	if (f == NULL)
		return err_set(err, ST_INVALID, "cannot read \"%s\": %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (buf_add(b, chunk, n) != 0) {
			rc = err_set(err, ST_TOOBIG, "\"%s\" is larger than the limit of %u bytes", path, LIM_IMPORT_BYTES);
			break;
		}
	}
	if (rc == 0 && ferror(f))
		rc = err_set(err, ST_FAIL, "cannot read \"%s\": %s", path, strerror(errno));
	if (f != stdin)
		fclose(f);
	return rc;
}

/* Imports a document into svc; prints every problem to stderr. */
static int import_doc(struct svc *svc, const char *label, const char *data, size_t len, int replace,
		      int quiet)
{
	struct buf problems = BUF_INIT(1 << 20);
	struct import_report rep = { &problems, 0, 0 };
	struct err err = ERR_INIT;
	int rc;

	if (orgjson_import(svc, data, len, replace, &rep, &err) != 0) {
		if (buf_len(&problems))
			fprintf(stderr, "%s", buf_str(&problems));
		if (rep.nproblems > LIM_ERRORS_SHOWN)
			fprintf(stderr, "... and %d more\n", rep.nproblems - LIM_ERRORS_SHOWN);
		fprintf(stderr, "plenum: %s: %s\n", label, err.msg);
		rc = err_exit_code(err.code);
	} else {
		if (!quiet)
			printf("imported org \"%s\" (%s): %ld rows\n", svc->org.key, svc->org.name, rep.rows);
		rc = EXIT_OK;
	}
	buf_release(&problems);
	return rc;
}

static int init_run(struct cli_run *r)
{
	const char *name = cli_opt(r, "name"), *org = r->c.org;
	int rc;

	if ((org == NULL) != (name == NULL))
		return cli_bad(r, "--org and --name go together");
	r->c.org = NULL;
	rc = cli_ready(r);
	if (rc)
		return rc;
	if (org) {
		json_t *doc = json_pack("{s:{s:s, s:s, s:s?}}", "org", "key", org, "name", name, "name_en",
					cli_opt(r, "name-en"));
		char *text = json_dumps(doc, JSON_COMPACT);

		rc = import_doc(&r->svc, "init", text, strlen(text), 0, 1);
		if (rc == 0)
			printf("created org \"%s\" in %s\n", org, r->c.db);
		free(text);
		json_decref(doc);
	} else {
		printf("database %s is ready (schema version %d)\n", r->c.db, store_schema_version());
	}
	return rc;
}

/* The directory of the running binary, with a trailing '/', or "" . */
static void exe_dir(char *out, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", out, size - 1);
	char *slash;

	if (n <= 0 || (size_t)n >= size - 1) {
		out[0] = '\0';
		return;
	}
	out[n] = '\0';
	slash = strrchr(out, '/');
	if (slash)
		slash[1] = '\0';
	else
		out[0] = '\0';
}

static const char *find_demo(char *out, size_t size)
{
	const char *env = getenv("PLENUM_DEMO");
	char dir[4096];

	if (env && *env)
		return env;
	exe_dir(dir, sizeof(dir));
	if (dir[0] == '\0')
		return NULL;
	for (size_t i = 0; i < sizeof(demo_places) / sizeof(demo_places[0]); i++) {
		if ((size_t)snprintf(out, size, "%s%s", dir, demo_places[i]) < size && access(out, R_OK) == 0)
			return out;
	}
	return NULL;
}

/* The demo's users come without passwords; give each the demo password. */
static int demo_passwords(struct svc *svc)
{
	static const char *const logins[] = {
		"admin", "secretary", "leader", "reporter", "reporter-commerce", "observer", "viewer", NULL,
	};
	struct err err = ERR_INIT;

	for (int i = 0; logins[i]; i++)
		if (auth_user_passwd(svc, logins[i], DEMO_PASSWORD, &err) != 0)
			return cli_fail(&err);
	printf("demo logins (password \"%s\"): admin, secretary, leader (member), reporter (unit u-jm-miit),\n"
	       "  reporter-commerce (unit u-jm-commerce), observer, viewer\n", DEMO_PASSWORD);
	return EXIT_OK;
}

static int demo_run(struct cli_run *r)
{
	const char *file = cli_opt(r, "file");
	struct buf data = BUF_INIT(LIM_IMPORT_BYTES);
	struct err err = ERR_INIT;
	int rc;
	char path[4096];

	if (file == NULL)
		file = find_demo(path, sizeof(path));
	if (file == NULL) {
		fprintf(stderr, "plenum: cannot find the demo data: give it with --file or $PLENUM_DEMO\n");
		return EXIT_FAIL;
	}
	if (read_all(file, &data, &err) != 0)
		return cli_fail(&err);
	r->c.org = NULL;
	rc = cli_ready(r);
	if (rc == 0) {
		/* The import and the demo passwords are one write: all or nothing. */
		if (svc_tx_begin(&r->svc, &err) != 0) {
			rc = cli_fail(&err);
		} else {
			rc = import_doc(&r->svc, file, buf_str(&data), buf_len(&data), 1, 0);
			if (rc == 0)
				rc = demo_passwords(&r->svc);
			if (svc_tx_end(&r->svc, rc, "import", "org", r->svc.has_org ? r->svc.org.id : 0, NULL,
				       "{\"demo\":true}", &err) != 0 && rc == 0)
				rc = cli_fail(&err);
		}
	}
	buf_release(&data);
	return rc;
}

static int import_run(struct cli_run *r)
{
	struct buf data = BUF_INIT(LIM_IMPORT_BYTES);
	struct err err = ERR_INIT;
	int rc;

	if (r->narg != 1)
		return cli_bad(r, "name the file to import");
	if (read_all(r->arg[0], &data, &err) != 0) {
		buf_release(&data);
		return cli_fail(&err);
	}
	r->c.org = NULL;
	rc = cli_ready(r);
	if (rc == 0)
		rc = import_doc(&r->svc, r->arg[0], buf_str(&data), buf_len(&data), cli_flag(r, "replace"), 0);
	buf_release(&data);
	return rc;
}

static int export_run(struct cli_run *r)
{
	const char *out = cli_opt(r, "output");
	struct buf doc = BUF_INIT(LIM_IMPORT_BYTES);
	struct err err = ERR_INIT;
	int rc;

	rc = cli_ready(r);
	if (rc)
		return rc;
	if (orgjson_export(&r->svc, &doc, cli_flag(r, "no-audit") ? 0 : ORGJSON_AUDIT, &err) != 0) {
		rc = cli_fail(&err);
	} else if (out) {
		if (cli_write_out(out, &doc) != 0) {
			fprintf(stderr, "plenum: cannot write \"%s\": %s\n", out, strerror(errno));
			rc = EXIT_FAIL;
		}
	} else if (fwrite(buf_str(&doc), 1, buf_len(&doc), stdout) != buf_len(&doc) || fflush(stdout) != 0) {
		rc = EXIT_FAIL;
	}
	buf_release(&doc);
	return rc;
}

static const struct cli_option init_options[] = {
	{ "name", 0, "NAME", "with --org: the new org's name", 0 },
	{ "name-en", 0, "NAME", "with --org: its English name", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct cli_option demo_options[] = {
	{ "file", 0, "FILE", "the demo document to load instead of the installed one", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct cli_option import_options[] = {
	{ "replace", 0, NULL, "replace an org with the same key", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct cli_option export_options[] = {
	{ "output", 'o', "FILE", "write to FILE (replaced whole, never half written) instead of standard output", 0 },
	{ "no-audit", 0, NULL, "leave the audit chain out", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

const struct cli_command cmd_data_commands[] = {
	{ "init", "create an empty database, or an org in it", NULL, 0, init_options,
	  CMD_NEEDS_DB | CMD_INIT, init_run,
	  "Creates the database (and applies the schema) when it does not exist.\n"
	  "With --org and --name, also creates an empty org.\n" },
	{ "demo", "load the Jiangmen demo (data/demo/jiangmen.json)", NULL, 0, demo_options,
	  CMD_NEEDS_DB | CMD_CREATES, demo_run,
	  "Loads the Jiangmen demo org into the database, replacing an earlier copy.\n"
	  "The file is $PLENUM_DEMO, else share/plenum/demo/jiangmen.json beside the binary's\n"
	  "directory (PREFIX/bin/../share/plenum), else data/demo/jiangmen.json in the source tree.\n" },
	{ "import", "load an org from a JSON document (all or nothing)", "FILE.json", 1, import_options,
	  CMD_NEEDS_DB | CMD_CREATES, import_run,
	  "Loads one org from a JSON document (\"-\" reads standard input), creating the\n"
	  "database when it does not exist. The whole document is checked first: on any\n"
	  "problem every one is listed with its JSON path and nothing is written.\n" },
	{ "export", "write the whole org as one JSON document", NULL, 0, export_options,
	  CMD_NEEDS_DB | CMD_ORG, export_run,
	  "Writes the whole org as one JSON document (standard output unless -o), read\n"
	  "as one snapshot, with its audit chain (\"audit\": every entry and the row changes it sealed;\n"
	  "--no-audit leaves it out). 'plenum import' of it reproduces the data exactly and carries the\n"
	  "chain over after checking it; the chain then ends with the import's own entry. API tokens,\n"
	  "sessions and calendar secrets are never exported.\n" },
	{ NULL, NULL, NULL, 0, NULL, 0, NULL, NULL },
};
