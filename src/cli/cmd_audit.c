/*
 * cmd_audit.c -- plenum audit verify|checkpoint: the audit trail's hash
 * chain checked against the rows and the signed checkpoints, and a
 * checkpoint signed now.
 *
 * Not for the chain itself (service/audit.c).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../service/audit.h"
#include "../core/banned.h"

static int verify_run(struct cli_run *r)
{
	const struct cli_common *c = &r->c;
	struct audit_report rep;
	struct err err = ERR_INIT;
	int rc = cli_ready(r);

	if (rc)
		return rc;
	if (audit_verify(&r->svc, cli_opt(r, "against"), &rep, &err) != 0) {
		rc = cli_fail(&err);
	} else if (c->json) {
		printf("{\"intact\":%s,\"entries\":%lld,\"rows\":%lld,\"checkpoints\":%d,\"first_bad_id\":%lld,"
		       "\"problem\":\"", rep.problem[0] ? "false" : "true", (long long)rep.entries, (long long)rep.rows,
		       rep.checkpoints, (long long)rep.first_bad_id);
		for (const char *p = rep.problem; *p; p++)
			printf(*p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
		printf("\"}\n");
		rc = rep.problem[0] ? EXIT_FAIL : EXIT_OK;
	} else if (rep.problem[0]) {
		printf("audit chain broken: %s\n", rep.problem);
		rc = EXIT_FAIL;
	} else {
		printf("audit chain intact: %lld entries, %lld rows match their last sealed image, %d signed "
		       "checkpoint%s hold\n", (long long)rep.entries, (long long)rep.rows, rep.checkpoints,
		       rep.checkpoints == 1 ? "" : "s");
	}
	return rc;
}

static int checkpoint_run(struct cli_run *r)
{
	struct err err = ERR_INIT;
	char line[1024];
	int rc = cli_ready(r);

	if (rc)
		return rc;
	if (audit_checkpoint(&r->svc, line, sizeof(line), &err) != 0)
		return cli_fail(&err);
	printf("%s\n", line);
	return EXIT_OK;
}

static const struct cli_option verify_options[] = {
	{ "against", 0, "CHECKPOINTS", "judge against this checkpoint file (e.g. a copy kept elsewhere)", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

const struct cli_command cmd_audit_commands[] = {
	{ "audit verify", "check the audit trail's hash chain, the rows and the checkpoints", NULL, 0,
	  verify_options, CMD_NEEDS_DB | CMD_ORG | CMD_JSON, verify_run,
	  "Walks the org's audit trail and reports the first problem: an entry altered,\n"
	  "inserted or removed; a row changed outside plenum (a change no entry seals, or a row that\n"
	  "differs from the image its last entry sealed); the newest entries removed or the chain\n"
	  "re-hashed, judged against the signed checkpoints (DB.checkpoints, or --against FILE, e.g.\n"
	  "a copy kept on another machine). Exit status 1 when anything is wrong.\n" },
	{ "audit checkpoint", "sign the chain's head now", NULL, 0, NULL, CMD_NEEDS_DB | CMD_ORG, checkpoint_run,
	  "Signs the chain's head now and appends it to DB.checkpoints (the key is\n"
	  ".plenum-audit-key beside DB, or $PLENUM_AUDIT_KEY; made on first use). Writes add them too.\n" },
	{ NULL, NULL, NULL, 0, NULL, 0, NULL, NULL },
};
