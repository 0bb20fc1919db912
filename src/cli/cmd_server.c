/*
 * cmd_server.c -- plenum serve and plenum routes: running the HTTP API and
 * the web application, and listing the API's routes.
 *
 * Not for the server itself (src/http/) nor its accounts (cmd_user.c).
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

/* The value of a number option (or the configuration's) within lo..hi into
 * *out, left alone when value is NULL: 0, or -1 when it is refused. */
static int number(const char *value, const char *option, long long lo, long long hi, unsigned *out,
		  struct err *err)
{
	long long n;

	if (value == NULL)
		return 0;
	if (parse_int(value, lo, hi, &n, option, err) != 0)
		return -1;
	*out = (unsigned)n;
	return 0;
}

static int serve_run(struct cli_run *r)
{
	struct server_opts o = { 0 };
	const char *threads = cli_opt(r, "threads");
	struct err err = ERR_INIT;
	char base[LIM_BASE_URL_BYTES + 1];
	const struct config *cfg;
	unsigned nthreads = 0;

	o.listen = cli_opt(r, "listen");
	o.quiet = cli_flag(r, "quiet");
	o.secure_cookies = cli_flag(r, "secure-cookies");
	o.hsts = cli_flag(r, "hsts");
	o.base_url = cli_opt(r, "base-url");
	o.web_root = cli_opt(r, "web-root");
	o.read_db = cli_opt(r, "read-db");
	o.trusted_proxy = cli_opt(r, "trusted-proxy");

	/* What the command line leaves unset comes from the configuration file
	 * (the dispatcher has read it already, and refused a bad one). */
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
	if (number(threads, "--threads", 1, 256, &nthreads, &err) != 0 ||
	    number(cli_opt(r, "max-connections"), "--max-connections", 1, 60000, &o.max_connections, &err) != 0 ||
	    number(cli_opt(r, "per-address"), "--per-address", 1, 60000, &o.per_address, &err) != 0 ||
	    number(cli_opt(r, "header-timeout"), "--header-timeout", 1, 3600, &o.header_timeout_s, &err) != 0 ||
	    number(cli_opt(r, "body-timeout"), "--body-timeout", 1, 3600, &o.body_timeout_s, &err) != 0)
		return cli_bad(r, "%s", err.msg);
	o.threads = (int)nthreads;
	if (o.base_url && text_base_url(o.base_url, base, sizeof(base), "--base-url", &err) != 0)
		return cli_bad(r, "%s", err.msg);
	o.db = r->c.db;
	return server_run(&o);
}

static int routes_run(struct cli_run *r)
{
	struct buf out = BUF_INIT(1 << 20);

	if (cli_flag(r, "openapi")) {
		json_t *doc = http_openapi();

		json_dumpf(doc, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(doc);
		return EXIT_OK;
	}
	if (cli_flag(r, "rules"))
		http_route_rules(&out);
	else
		http_route_list(&out);
	fputs(buf_str(&out), stdout);
	buf_release(&out);
	return EXIT_OK;
}

#define CLI_STR_(x) #x
#define CLI_STR(x) CLI_STR_(x)

static const struct cli_option serve_options[] = {
	{ "listen", 0, "ADDRESS:PORT", "where to listen (default 127.0.0.1:8080)", 0 },
	{ "threads", 0, "N", "worker threads, 1 to 256", 0 },
	{ "quiet", 0, NULL, "no access log", 0 },
	{ "secure-cookies", 0, NULL, "mark the session cookie Secure (behind TLS)", 0 },
	{ "hsts", 0, NULL, "send Strict-Transport-Security", 0 },
	{ "base-url", 0, "URL", "the address users reach plenum at, for links", 0 },
	{ "web-root", 0, "DIR", "serve the web application from DIR instead of the binary", 0 },
	{ "max-connections", 0, "N", "connections open at most (default " CLI_STR(LIM_CONNECTIONS) ")", 0 },
	{ "per-address", 0, "N", "connections from one address at most (default " CLI_STR(LIM_CONN_PER_ADDRESS) ")", 0 },
	{ "header-timeout", 0, "SECONDS",
	  "the request line and headers must arrive within this (default " CLI_STR(LIM_HEADER_TIMEOUT_S) ")", 0 },
	{ "body-timeout", 0, "SECONDS", "a request body must arrive within this (default " CLI_STR(LIM_BODY_TIMEOUT_S) ")", 0 },
	{ "read-db", 0, "URL", "send reports and dashboards (GET) to this read replica", 0 },
	{ "trusted-proxy", 0, "ADDRESS[,ADDRESS...]", "load balancers whose X-Forwarded-For is believed", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct cli_option routes_options[] = {
	{ "openapi", 0, NULL, "print the OpenAPI document instead", 0 },
	{ "rules", 0, NULL, "print who may call each route, as the rows of a Markdown table", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

const struct cli_command cmd_server_commands[] = {
	{ "serve", "serve the web application and the JSON API (plenum.service runs it)", NULL, 0, serve_options,
	  0, serve_run,
	  "Serves the JSON API under /api/v1 until SIGTERM or SIGINT, then finishes the\n"
	  "requests in flight and stops. An access log line per request goes to standard error\n"
	  "(--quiet: none). --secure-cookies marks the session cookie Secure, behind TLS;\n"
	  "--hsts sends Strict-Transport-Security (only when every client reaches plenum over TLS).\n"
	  "--base-url is the address users reach plenum at (https://plenum.example.gov), used in\n"
	  "calendar feed links; without it links use the --listen address (none on 0.0.0.0).\n"
	  "The web application is served at / from the binary, or from DIR with --web-root\n"
	  "(edit web/ and reload, while developing; regular files inside DIR only).\n"
	  "Connections: at most --max-connections open (more are answered 503),\n"
	  "--per-address from one address (raise it behind a proxy or NAT), and the\n"
	  "request line and headers must arrive within --header-timeout seconds,\n"
	  "a request body within --body-timeout seconds.\n"
	  "--read-db URL sends the reports and dashboards (GET) to a read replica, such as a\n"
	  "PostgreSQL hot standby: as stale as its replay lag, except that a browser reads from\n"
	  "--db for " CLI_STR(LIM_REPLICA_PRIMARY_S) " seconds after each of its writes (docs/SCALING.md).\n"
	  "--trusted-proxy: the load balancers' addresses; a request from one of them is counted\n"
	  "(login throttle, log) as coming from the last address of its X-Forwarded-For header.\n"
	  "The configuration file (" CONFIG_DEFAULT_PATH ", or $PLENUM_CONFIG) may set db, listen, threads,\n"
	  "base_url, secure_cookies and hsts; the command line overrides it.\n" },
	{ "routes", "list the API's routes, or print its OpenAPI document", NULL, 0, routes_options, 0, routes_run,
	  "Prints every method and path the server answers (or the OpenAPI document, or\n"
	  "--rules: who may call each, from the route table, as the rows of a Markdown table).\n" },
	{ NULL, NULL, NULL, 0, NULL, 0, NULL, NULL },
};
