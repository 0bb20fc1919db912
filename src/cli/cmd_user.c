/*
 * cmd_user.c -- plenum user add|passwd|disable|token|tokens|revoke|
 * instance-admin: the accounts that use the web application and the API.
 *
 * Not for how passwords and tokens are kept (service/auth.c).
 */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "../core/text.h"
#include "../service/auth.h"
#include "../store/store.h"
#include "../core/banned.h"

/* A password from --password-file, or from standard input (first line). */
static int read_password(const char *file, char *out, size_t size)
{
	FILE *f = file ? fopen(file, "r") : stdin;
	size_t n;

	if (f == NULL)
		return -1;
	if (fgets(out, (int)size, f) == NULL) {
		if (f != stdin)
			fclose(f);
		return -1;
	}
	if (f != stdin)
		fclose(f);
	n = strlen(out);
	while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return 0;
}

/* One handler for the user commands: they share the password's reading,
 * the org of an existing login and the report of what was done. */
static int user_run(struct cli_run *r)
{
	const char *verb = r->cmd->name + strlen("user "), *login = r->arg[0], *token;
	int add = strcmp(verb, "add") == 0;
	const char *pwfile = cli_opt(r, "password-file");
	struct err err = ERR_INIT;
	struct arena a = ARENA_INIT;
	char pw[1100];
	int rc = 0;
	long long token_id = 0;

	if (r->narg != r->cmd->maxargs)
		return cli_bad(r, strcmp(verb, "revoke") == 0 ? "expected a login and a token id"
				  : strcmp(verb, "instance-admin") == 0 ? "expected a login and on or off"
				  : "expected a login");
	if (strcmp(verb, "instance-admin") == 0 && strcmp(r->arg[1], "on") != 0 && strcmp(r->arg[1], "off") != 0)
		return cli_bad(r, "expected on or off, not \"%s\"", r->arg[1]);
	if (strcmp(verb, "revoke") == 0 && parse_int(r->arg[1], 1, INT64_MAX, &token_id, "TOKEN-ID", &err) != 0)
		return cli_bad(r, "%s", err.msg);
	if (strcmp(verb, "passwd") == 0 || (add && (pwfile || !isatty(0)))) {
		if (pwfile == NULL && isatty(0))
			fprintf(stderr, "password: ");
		if (read_password(pwfile, pw, sizeof(pw)) != 0)
			return cli_bad(r, "cannot read the password");
	} else {
		pw[0] = '\0';
	}
	rc = cli_ready(r);
	if (rc)
		return rc;
	/* An existing user names its own org (logins are unique across orgs). */
	if (!add && r->c.org == NULL) {
		struct user_row u;

		if (store_user_by_login(r->svc.st, login, &a, &u, NULL) == 0)
			svc_select_org(&r->svc, u.org_key, NULL);
	}
	if (!r->svc.has_org) {
		err_set(&err, ST_INVALID, "name the org with --org (the database holds none, or several)");
		rc = -1;
	} else if (add) {
		rc = auth_user_add(&r->svc, login, cli_opt(r, "role"), cli_opt(r, "person"), cli_opt(r, "unit"),
				   pw[0] ? pw : NULL, &err);
	} else if (strcmp(verb, "passwd") == 0) {
		rc = auth_user_passwd(&r->svc, login, pw, &err);
	} else if (strcmp(verb, "disable") == 0) {
		rc = auth_user_disable(&r->svc, login, &err);
	} else if (strcmp(verb, "token") == 0) {
		rc = auth_token_new(&r->svc, login, cli_opt(r, "name"), &a, &token, &err);
		if (rc == 0)
			printf("%s\n", token);
	} else if (strcmp(verb, "tokens") == 0) {
		struct token_row *t;
		size_t n;

		rc = auth_token_list(&r->svc, login, &a, &t, &n, &err);
		for (size_t i = 0; rc == 0 && i < n; i++)
			printf("%lld\t%s\t%s\n", (long long)t[i].id, t[i].created_at, t[i].name);
	} else if (strcmp(verb, "revoke") == 0) {
		rc = auth_token_revoke(&r->svc, login, token_id, &err);
	} else {
		rc = auth_user_instance_admin(&r->svc, login, strcmp(r->arg[1], "on") == 0, &err);
	}
	if (rc != 0 && err.code == ST_OK)
		err_set(&err, ST_NOTFOUND, "no user \"%s\"", login);
	if (rc != 0)
		rc = cli_fail(&err);
	else if (strcmp(verb, "token") != 0 && strcmp(verb, "tokens") != 0)
		printf("user %s: %s done\n", login, verb);
	arena_release(&a);
	return rc;
}

static const struct cli_option add_options[] = {
	{ "role", 0, "ROLE", "admin, secretary, member, reporter (needs --unit), observer or viewer", 1 },
	{ "person", 0, "KEY", "the person the login belongs to (a member's own record)", 0 },
	{ "unit", 0, "KEY", "a reporter's unit: the tasks it may report on", 0 },
	{ "password-file", 0, "F", "read the password from the first line of F (default: standard input)", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct cli_option passwd_options[] = {
	{ "password-file", 0, "F", "read the password from the first line of F (default: standard input)", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct cli_option token_options[] = {
	{ "name", 0, "NAME", "what the token is for, shown by 'plenum user tokens'", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

#define USER_FLAGS (CMD_NEEDS_DB | CMD_WRITES)

const struct cli_command cmd_user_commands[] = {
	{ "user add", "add a login with a role", "LOGIN", 1, add_options, USER_FLAGS, user_run,
	  "Roles: admin, secretary, member, reporter (needs --unit), observer, viewer.\n"
	  "Passwords come from --password-file or the first line of standard input, never\n"
	  "from the command line.\n" },
	{ "user passwd", "set a login's password", "LOGIN", 1, passwd_options, USER_FLAGS, user_run,
	  "Sets the password from --password-file or the first line of standard input. Changing\n"
	  "it ends the user's sessions, tokens and calendar address.\n" },
	{ "user disable", "disable a login", "LOGIN", 1, NULL, USER_FLAGS, user_run,
	  "Disables the login; its sessions, tokens and calendar address end.\n" },
	{ "user token", "issue an API token", "LOGIN", 1, token_options, USER_FLAGS, user_run,
	  "Prints a new API token once; keep it: only its hash is stored.\n" },
	{ "user tokens", "list a login's live API tokens", "LOGIN", 1, NULL, USER_FLAGS, user_run,
	  "Lists the live tokens: id, date, name.\n" },
	{ "user revoke", "end one API token", "LOGIN TOKEN-ID", 2, NULL, USER_FLAGS, user_run,
	  "Ends the token TOKEN-ID ('plenum user tokens' lists them).\n" },
	{ "user instance-admin", "let an admin create orgs over the API, or not", "LOGIN on|off", 2, NULL,
	  USER_FLAGS, user_run,
	  "'instance-admin' lets an admin create orgs over the API (POST /api/v1/orgs).\n" },
	{ NULL, NULL, NULL, 0, NULL, 0, NULL, NULL },
};
