/*
 * cmd_server.c -- plenum serve, plenum routes and plenum user: running the
 * HTTP API and managing the accounts that use it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "../core/buf.h"
#include "../core/limits.h"
#include "../core/text.h"
#include "../http/http.h"
#include "../service/auth.h"
#include "../core/banned.h"

int cmd_serve(int argc, char **argv)
{
	static const char usage[] = "plenum serve [--db FILE] [--listen ADDRESS:PORT] [--threads N] [--quiet] [--secure-cookies]\n"
				    "                    [--hsts] [--base-url URL] [--web-root DIR] [--max-connections N]\n"
				    "                    [--per-address N] [--header-timeout SECONDS] [--body-timeout SECONDS]\n"
				    "                    [--read-db URL] [--trusted-proxy ADDRESS[,ADDRESS...]]";
	struct cli_common c = { 0 };
	struct server_opts o = { 0 };
	const char *threads = NULL, *max_conn = NULL, *per_address = NULL, *header_timeout = NULL;
	const char *body_timeout = NULL;
	const struct cli_opt opts[] = {
		{ "listen", 0, 1, &o.listen, NULL },
		{ "threads", 0, 1, &threads, NULL },
		{ "quiet", 0, 0, NULL, &o.quiet },
		{ "secure-cookies", 0, 0, NULL, &o.secure_cookies },
		{ "hsts", 0, 0, NULL, &o.hsts },
		{ "base-url", 0, 1, &o.base_url, NULL },
		{ "web-root", 0, 1, &o.web_root, NULL },
		{ "max-connections", 0, 1, &max_conn, NULL },
		{ "per-address", 0, 1, &per_address, NULL },
		{ "header-timeout", 0, 1, &header_timeout, NULL },
		{ "body-timeout", 0, 1, &body_timeout, NULL },
		{ "read-db", 0, 1, &o.read_db, NULL },
		{ "trusted-proxy", 0, 1, &o.trusted_proxy, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct err err = ERR_INIT;
	char base[LIM_BASE_URL_BYTES + 1];
	const struct config *cfg;
	int npos = 0;
	long long n;

	if (cli_parse(argc, argv, &c, opts, NULL, &npos, usage) != 0)
		return EXIT_USAGE;
	if (c.help) {
		printf("usage: %s\n\nServes the JSON API under /api/v1 until SIGTERM or SIGINT, then finishes the\n"
		       "requests in flight and stops. An access log line per request goes to standard error\n"
		       "(--quiet: none). --secure-cookies marks the session cookie Secure, behind TLS;\n"
		       "--hsts sends Strict-Transport-Security (only when every client reaches plenum over TLS).\n"
		       "--base-url is the address users reach plenum at (https://plenum.example.gov), used in\n"
		       "calendar feed links; without it links use the --listen address (none on 0.0.0.0).\n"
		       "The web application is served at / from the binary, or from DIR with --web-root\n"
		       "(edit web/ and reload, while developing; regular files inside DIR only).\n"
		       "Connections: at most --max-connections open (default %d; more are answered 503),\n"
		       "--per-address from one address (default %d; raise it behind a proxy or NAT), and the\n"
		       "request line and headers must arrive within --header-timeout seconds (default %d),\n"
		       "a request body within --body-timeout seconds (default %d).\n"
		       "--read-db URL sends the reports and dashboards (GET) to a read replica, such as a\n"
		       "PostgreSQL hot standby: as stale as its replay lag, except that a browser reads from\n"
		       "--db for %d seconds after each of its writes (docs/SCALING.md).\n"
		       "--trusted-proxy: the load balancers' addresses; a request from one of them is counted\n"
		       "(login throttle, log) as coming from the last address of its X-Forwarded-For header.\n"
		       "The configuration file (%s, or $PLENUM_CONFIG) may set db, listen, threads,\n"
		       "base_url, secure_cookies and hsts; the command line overrides it.\n",
		       usage, LIM_CONNECTIONS, LIM_CONN_PER_ADDRESS, LIM_HEADER_TIMEOUT_S, LIM_BODY_TIMEOUT_S,
		       LIM_REPLICA_PRIMARY_S, CONFIG_DEFAULT_PATH);
		return EXIT_OK;
	}
	/* What the command line leaves unset comes from the configuration file
	 * (cli_parse has read it already, and refused a bad one). */
	config_get(&cfg, NULL);
	if (o.listen == NULL)
		o.listen = cfg->listen ? cfg->listen : "127.0.0.1:8080";
	if (threads == NULL)
		threads = cfg->threads;
	if (o.base_url == NULL)
		o.base_url = cfg->base_url;
	if (!o.secure_cookies && cfg->secure_cookies == 1)
		o.secure_cookies = 1;
	if (!o.hsts && cfg->hsts == 1)
		o.hsts = 1;
	if (threads) {
		if (parse_int(threads, 1, 256, &n, "--threads", &err) != 0)
			return cli_usage(usage, "%s", err.msg);
		o.threads = (int)n;
	}
	if (max_conn) {
		if (parse_int(max_conn, 1, 60000, &n, "--max-connections", &err) != 0)
			return cli_usage(usage, "%s", err.msg);
		o.max_connections = (unsigned)n;
	}
	if (per_address) {
		if (parse_int(per_address, 1, 60000, &n, "--per-address", &err) != 0)
			return cli_usage(usage, "%s", err.msg);
		o.per_address = (unsigned)n;
	}
	if (header_timeout) {
		if (parse_int(header_timeout, 1, 3600, &n, "--header-timeout", &err) != 0)
			return cli_usage(usage, "%s", err.msg);
		o.header_timeout_s = (unsigned)n;
	}
	if (body_timeout) {
		if (parse_int(body_timeout, 1, 3600, &n, "--body-timeout", &err) != 0)
			return cli_usage(usage, "%s", err.msg);
		o.body_timeout_s = (unsigned)n;
	}
	if (o.base_url && text_base_url(o.base_url, base, sizeof(base), "--base-url", &err) != 0)
		return cli_usage(usage, "%s", err.msg);
	o.db = c.db;
	return server_run(&o);
}

int cmd_routes(int argc, char **argv)
{
	static const char usage[] = "plenum routes [--openapi | --rules]";
	struct cli_common c = { 0 };
	int openapi = 0, rules = 0;
	const struct cli_opt opts[] = {
		{ "openapi", 0, 0, NULL, &openapi },
		{ "rules", 0, 0, NULL, &rules },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct buf out = BUF_INIT(1 << 20);
	int npos = 0;

	if (cli_parse(argc, argv, &c, opts, NULL, &npos, usage) != 0)
		return EXIT_USAGE;
	if (c.help) {
		printf("usage: %s\n\nPrints every method and path the server answers (or the OpenAPI document, or\n"
		       "--rules: who may call each, from the route table, as the rows of a Markdown table).\n", usage);
		return EXIT_OK;
	}
	if (openapi) {
		json_t *doc = http_openapi();

		json_dumpf(doc, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(doc);
		return EXIT_OK;
	}
	if (rules)
		http_route_rules(&out);
	else
		http_route_list(&out);
	fputs(buf_str(&out), stdout);
	buf_release(&out);
	return EXIT_OK;
}

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

int cmd_user(int argc, char **argv)
{
	static const char usage[] = "plenum user add LOGIN --role ROLE [--person KEY] [--unit KEY] [--password-file F]\n"
				    "       plenum user passwd LOGIN [--password-file F]\n"
				    "       plenum user disable LOGIN\n"
				    "       plenum user token LOGIN [--name NAME]\n"
				    "       plenum user tokens LOGIN\n"
				    "       plenum user revoke LOGIN TOKEN-ID\n"
				    "       plenum user instance-admin LOGIN on|off";
	struct cli_common c = { 0 };
	const char *role = NULL, *person = NULL, *unit = NULL, *pwfile = NULL, *name = NULL;
	const struct cli_opt opts[] = {
		{ "role", 0, 1, &role, NULL },
		{ "person", 0, 1, &person, NULL },
		{ "unit", 0, 1, &unit, NULL },
		{ "password-file", 0, 1, &pwfile, NULL },
		{ "name", 0, 1, &name, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct err err = ERR_INIT;
	struct arena a = ARENA_INIT;
	const char *pos[3], *token;
	char pw[1100];
	struct svc svc;
	int npos = 3, rc;
	long long token_id = 0;

	if (cli_parse(argc, argv, &c, opts, pos, &npos, usage) != 0)
		return EXIT_USAGE;
	if (c.help) {
		printf("usage: %s\n\nRoles: admin, secretary, member, reporter (needs --unit), observer, viewer.\n"
		       "Passwords come from --password-file or the first line of standard input, never\n"
		       "from the command line. 'token' prints an API token once; keep it: only its hash\n"
		       "is stored. 'tokens' lists the live tokens (id, date, name); 'revoke' ends one.\n"
		       "Disabling a user or changing its password ends its sessions, tokens and calendar\n"
		       "address. 'instance-admin' lets an admin create orgs over the API (POST /api/v1/orgs).\n", usage);
		return EXIT_OK;
	}
	if (npos < 2)
		return cli_usage(usage, "expected a command and a login");
	if (strcmp(pos[0], "add") != 0 && strcmp(pos[0], "passwd") != 0 && strcmp(pos[0], "disable") != 0 &&
	    strcmp(pos[0], "token") != 0 && strcmp(pos[0], "tokens") != 0 && strcmp(pos[0], "revoke") != 0 &&
	    strcmp(pos[0], "instance-admin") != 0)
		return cli_usage(usage, "no user command \"%s\"", pos[0]);
	if (npos != (strcmp(pos[0], "revoke") == 0 || strcmp(pos[0], "instance-admin") == 0 ? 3 : 2))
		return cli_usage(usage, strcmp(pos[0], "revoke") == 0 ? "expected a login and a token id"
					: strcmp(pos[0], "instance-admin") == 0 ? "expected a login and on or off"
					: "expected a command and a login");
	if (strcmp(pos[0], "instance-admin") == 0 && strcmp(pos[2], "on") != 0 && strcmp(pos[2], "off") != 0)
		return cli_usage(usage, "expected on or off, not \"%s\"", pos[2]);
	if (strcmp(pos[0], "revoke") == 0 && parse_int(pos[2], 1, INT64_MAX, &token_id, "TOKEN-ID", &err) != 0)
		return cli_usage(usage, "%s", err.msg);
	if (strcmp(pos[0], "add") == 0 && role == NULL)
		return cli_usage(usage, "--role is required");
	if (strcmp(pos[0], "passwd") == 0 || (strcmp(pos[0], "add") == 0 && (pwfile || !isatty(0)))) {
		if (pwfile == NULL && isatty(0))
			fprintf(stderr, "password: ");
		if (read_password(pwfile, pw, sizeof(pw)) != 0)
			return cli_usage(usage, "cannot read the password");
	} else {
		pw[0] = '\0';
	}
	rc = cli_open(&svc, &c, 0, 0);
	if (rc)
		return rc;
	/* An existing user names its own org (logins are unique across orgs). */
	if (strcmp(pos[0], "add") != 0 && c.org == NULL) {
		struct user_row u;

		if (store_user_by_login(svc.st, pos[1], &a, &u, NULL) == 0)
			svc_select_org(&svc, u.org_key, NULL);
	}
	if (!svc.has_org) {
		err_set(&err, ST_INVALID, "name the org with --org (the database holds none, or several)");
		rc = -1;
	} else if (strcmp(pos[0], "add") == 0)
		rc = auth_user_add(&svc, pos[1], role, person, unit, pw[0] ? pw : NULL, &err);
	else if (strcmp(pos[0], "passwd") == 0)
		rc = auth_user_passwd(&svc, pos[1], pw, &err);
	else if (strcmp(pos[0], "disable") == 0)
		rc = auth_user_disable(&svc, pos[1], &err);
	else if (strcmp(pos[0], "token") == 0) {
		rc = auth_token_new(&svc, pos[1], name, &a, &token, &err);
		if (rc == 0)
			printf("%s\n", token);
	} else if (strcmp(pos[0], "tokens") == 0) {
		struct token_row *t;
		size_t n;

		rc = auth_token_list(&svc, pos[1], &a, &t, &n, &err);
		for (size_t i = 0; rc == 0 && i < n; i++)
			printf("%lld\t%s\t%s\n", (long long)t[i].id, t[i].created_at, t[i].name);
	} else if (strcmp(pos[0], "revoke") == 0)
		rc = auth_token_revoke(&svc, pos[1], token_id, &err);
	else if (strcmp(pos[0], "instance-admin") == 0)
		rc = auth_user_instance_admin(&svc, pos[1], strcmp(pos[2], "on") == 0, &err);
	if (rc != 0 && err.code == ST_OK)
		err_set(&err, ST_NOTFOUND, "no user \"%s\"", pos[1]);
	if (rc != 0)
		rc = cli_fail(&err);
	else if (strcmp(pos[0], "token") != 0 && strcmp(pos[0], "tokens") != 0)
		printf("user %s: %s done\n", pos[1], pos[0]);
	arena_release(&a);
	svc_close(&svc);
	return rc;
}
