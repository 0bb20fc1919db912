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

int cmd_init(int argc, char **argv)
{
	static const char usage[] = "plenum init [--db FILE] [--org KEY --name NAME [--name-en NAME]]";
	struct cli_common c = { 0 };
	const char *name = NULL, *name_en = NULL;
	const struct cli_opt opts[] = {
		{ "name", 0, 1, &name, NULL },
		{ "name-en", 0, 1, &name_en, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};
	int npos = 0, rc;
	struct svc svc;

	if (cli_parse(argc, argv, &c, opts, NULL, &npos, usage) != 0)
		return EXIT_USAGE;
	if (c.help) {
		printf("usage: %s\n\nCreates the database (and applies the schema) when it does not exist.\n"
		       "With --org and --name, also creates an empty org.\n", usage);
		return EXIT_OK;
	}
	if ((c.org == NULL) != (name == NULL))
		return cli_usage(usage, "--org and --name go together");
	{
		const char *org = c.org;

		c.org = NULL;
		rc = cli_open(&svc, &c, STORE_INIT, 0);
		if (rc)
			return rc;
		if (org) {
			json_t *doc = json_pack("{s:{s:s, s:s, s:s?}}", "org", "key", org, "name", name, "name_en", name_en);
			char *text = json_dumps(doc, JSON_COMPACT);

			rc = import_doc(&svc, "init", text, strlen(text), 0, 1);
			if (rc == 0)
				printf("created org \"%s\" in %s\n", org, c.db);
			free(text);
			json_decref(doc);
		} else {
			printf("database %s is ready (schema version %d)\n", c.db, store_schema_version());
		}
	}
	svc_close(&svc);
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

int cmd_demo(int argc, char **argv)
{
	static const char usage[] = "plenum demo [--db FILE] [--file FILE]";
	struct cli_common c = { 0 };
	const char *file = NULL;
	const struct cli_opt opts[] = {
		{ "file", 0, 1, &file, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct buf data = BUF_INIT(LIM_IMPORT_BYTES);
	struct err err = ERR_INIT;
	struct svc svc;
	int npos = 0, rc;
	char path[4096];

	if (cli_parse(argc, argv, &c, opts, NULL, &npos, usage) != 0)
		return EXIT_USAGE;
	if (c.help) {
		printf("usage: %s\n\nLoads the Jiangmen demo org into the database, replacing an earlier copy.\n"
		       "The file is $PLENUM_DEMO, else share/plenum/demo/jiangmen.json beside the binary's\n"
		       "directory (PREFIX/bin/../share/plenum), else data/demo/jiangmen.json in the source tree.\n",
		       usage);
		return EXIT_OK;
	}
	if (file == NULL)
		file = find_demo(path, sizeof(path));
	if (file == NULL) {
		fprintf(stderr, "plenum: cannot find the demo data: give it with --file or $PLENUM_DEMO\n");
		return EXIT_FAIL;
	}
	if (read_all(file, &data, &err) != 0)
		return cli_fail(&err);
	c.org = NULL;
	rc = cli_open(&svc, &c, STORE_CREATE, 0);
	if (rc == 0) {
		/* The import and the demo passwords are one write: all or nothing. */
		if (svc_tx_begin(&svc, &err) != 0) {
			rc = cli_fail(&err);
		} else {
			rc = import_doc(&svc, file, buf_str(&data), buf_len(&data), 1, 0);
			if (rc == 0)
				rc = demo_passwords(&svc);
			if (svc_tx_end(&svc, rc, "import", "org", svc.has_org ? svc.org.id : 0, NULL, "{\"demo\":true}",
				       &err) != 0 && rc == 0)
				rc = cli_fail(&err);
		}
		svc_close(&svc);
	}
	buf_release(&data);
	return rc;
}

int cmd_import(int argc, char **argv)
{
	static const char usage[] = "plenum import FILE.json [--db FILE] [--replace]";
	struct cli_common c = { 0 };
	int replace = 0;
	const struct cli_opt opts[] = {
		{ "replace", 0, 0, NULL, &replace },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct buf data = BUF_INIT(LIM_IMPORT_BYTES);
	struct err err = ERR_INIT;
	const char *pos[1];
	struct svc svc;
	int npos = 1, rc;

	if (cli_parse(argc, argv, &c, opts, pos, &npos, usage) != 0)
		return EXIT_USAGE;
	if (c.help) {
		printf("usage: %s\n\nLoads one org from a JSON document (\"-\" reads standard input), creating the\n"
		       "database when it does not exist. The whole document is checked first: on any\n"
		       "problem every one is listed with its JSON path and nothing is written.\n"
		       "--replace replaces an org with the same key.\n", usage);
		return EXIT_OK;
	}
	if (npos != 1)
		return cli_usage(usage, "name the file to import");
	if (read_all(pos[0], &data, &err) != 0) {
		buf_release(&data);
		return cli_fail(&err);
	}
	c.org = NULL;
	rc = cli_open(&svc, &c, STORE_CREATE, 0);
	if (rc == 0) {
		rc = import_doc(&svc, pos[0], buf_str(&data), buf_len(&data), replace, 0);
		svc_close(&svc);
	}
	buf_release(&data);
	return rc;
}

int cmd_export(int argc, char **argv)
{
	static const char usage[] = "plenum export [--db FILE] [--org KEY] [-o FILE] [--no-audit]";
	struct cli_common c = { 0 };
	const char *out = NULL;
	int no_audit = 0;
	const struct cli_opt opts[] = {
		{ "output", 'o', 1, &out, NULL },
		{ "no-audit", 0, 0, NULL, &no_audit },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct buf doc = BUF_INIT(LIM_IMPORT_BYTES);
	struct err err = ERR_INIT;
	struct svc svc;
	int npos = 0, rc;

	if (cli_parse(argc, argv, &c, opts, NULL, &npos, usage) != 0)
		return EXIT_USAGE;
	if (c.help) {
		printf("usage: %s\n\nWrites the whole org as one JSON document (standard output unless -o), read\n"
		       "as one snapshot, with its audit chain (\"audit\": every entry and the row changes it sealed;\n"
		       "--no-audit leaves it out). 'plenum import' of it reproduces the data exactly and carries the\n"
		       "chain over after checking it; the chain then ends with the import's own entry. API tokens,\n"
		       "sessions and calendar secrets are never exported.\n", usage);
		return EXIT_OK;
	}
	rc = cli_open(&svc, &c, STORE_READONLY, 1);
	if (rc)
		return rc;
	if (orgjson_export(&svc, &doc, no_audit ? 0 : ORGJSON_AUDIT, &err) != 0) {
		rc = cli_fail(&err);
	} else if (out) {
		/* Write beside the target and rename, so a failure leaves no half file. */
		char tmp[4096];
		FILE *f;

		snprintf(tmp, sizeof(tmp), "%s.tmp", out);
		f = fopen(tmp, "wb");
		if (f == NULL || fwrite(buf_str(&doc), 1, buf_len(&doc), f) != buf_len(&doc) ||
		    fflush(f) != 0 || fsync(fileno(f)) != 0) {
			fprintf(stderr, "plenum: cannot write \"%s\": %s\n", out, strerror(errno));
			rc = EXIT_FAIL;
		}
		if (f && fclose(f) != 0)
			rc = EXIT_FAIL;
		if (rc == 0 && rename(tmp, out) != 0) {
			fprintf(stderr, "plenum: cannot write \"%s\": %s\n", out, strerror(errno));
			rc = EXIT_FAIL;
		}
		if (rc)
			unlink(tmp);
	} else if (fwrite(buf_str(&doc), 1, buf_len(&doc), stdout) != buf_len(&doc) || fflush(stdout) != 0) {
		rc = EXIT_FAIL;
	}
	buf_release(&doc);
	svc_close(&svc);
	return rc;
}
