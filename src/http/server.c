/*
 * server.c -- the HTTP server: libmicrohttpd with its internal epoll thread
 * pool, one database connection per worker thread, request and body limits,
 * an access log line per request, and a graceful stop on SIGTERM or SIGINT
 * (new connections refused, requests in flight finished, database closed).
 *
 * This is the only file that includes microhttpd.h. Responses are built in
 * a struct buf and handed to MHD with MHD_RESPMEM_MUST_FREE: MHD owns the
 * body from then on and frees it with free().
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <microhttpd.h>

#include "http.h"
#include "static.h"
#include "cache.h"
#include "../core/date.h"
#include "../core/limits.h"
#include "../core/text.h"
#include "../core/xalloc.h"
#include "../core/banned.h"

static const char *g_db;
static int g_quiet;
static int g_secure;
static pthread_key_t g_svc_key;
static atomic_int g_inflight;
static atomic_int g_stopping;
_Atomic int http_settings_generation;

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void svc_destroy(void *p)
{
	svc_close(p);
	free(p);
}

/* The worker thread's own service context, opened on its first request. */
static struct svc *thread_svc(struct err *err)
{
	struct svc *svc = pthread_getspecific(g_svc_key);

	if (svc)
		return svc;
	svc = xcalloc(1, sizeof(*svc));
	if (svc_open(svc, g_db, 0, NULL, 0, err) != 0) {
		svc_close(svc);
		free(svc);
		return NULL;
	}
	pthread_setspecific(g_svc_key, svc);
	return svc;
}

/* ---- reading ---- */

const char *req_query(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

struct each_ctx {
	int (*cb)(void *ctx, const char *name, const char *value);
	void *ctx;
	int rc;
};

static enum MHD_Result each_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct each_ctx *e = cls;

	(void)kind;
	e->rc = e->cb(e->ctx, key, value ? value : "");
	return e->rc ? MHD_NO : MHD_YES;
}

int req_query_each(struct req *r, int (*cb)(void *ctx, const char *name, const char *value), void *ctx)
{
	struct each_ctx e = { cb, ctx, 0 };

	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, each_arg, &e);
	return e.rc;
}

/* ---- one request ---- */

static void req_free(struct req *r)
{
	if (r->has_file)
		close(r->file_fd);
	buf_release(&r->body);
	buf_release(&r->out);
	arena_release(&r->a);
	free(r);
}

static const char *cookie_value(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

static int authenticate(struct req *r)
{
	const char *auth = req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	struct err err = ERR_INIT;
	int rc;

	r->session = cookie_value(r, "plenum_session");
	if (auth && strncmp(auth, "Bearer ", 7) == 0)
		rc = auth_bearer(r->svc, auth + 7, &r->a, &r->who, &err);
	else if (r->session)
		rc = auth_session(r->svc, r->session, &r->a, &r->who, &err);
	else
		return req_error(r, 401, "unauthorized", NULL, "log in, or send an API token as 'Authorization: Bearer ...'");
	if (rc != 0)
		return req_fail(r, &err);
	r->authed = 1;
	return 0;
}

/* Runs the request in the org of whoever is asking. */
static int enter_org(struct req *r)
{
	struct svc *svc = r->svc;
	struct err err = ERR_INIT;
	int gen = atomic_load(&http_settings_generation);

	if (!svc->has_org || svc->org.id != r->who.user.org_id || svc->settings_generation != gen) {
		if (svc_select_org(svc, r->who.user.org_key, &err) != 0)
			return req_fail(r, &err);
		svc->settings_generation = gen;
	}
	svc->today = date_today(svc->org.utc_offset);
	svc->actor = arena_printf(&r->a, "user:%s", r->who.user.login);
	return 0;
}

static void handle(struct req *r)
{
	struct err err = ERR_INIT;
	int writes;

	if (!text_utf8_valid(r->path, strlen(r->path))) {
		req_error(r, 400, "invalid_url", NULL, "the address is not valid UTF-8");
		return;
	}
	if (strlen(r->path) > LIM_URL_BYTES) {
		req_error(r, 400, "invalid_url", NULL, "the address is longer than %d bytes", LIM_URL_BYTES);
		return;
	}
	r->svc = thread_svc(&err);
	if (r->svc == NULL) {
		req_error(r, 500, "internal", NULL, "the database cannot be opened: %s", err.msg);
		return;
	}
	r->svc->actor = "anonymous";
	if (http_route(r) != 0)
		return;
	if (!(r->route->flags & RF_PUBLIC)) {
		if (authenticate(r) != 0 || enter_org(r) != 0)
			return;
		writes = strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0;
		if (writes && r->who.via_session) {
			const char *csrf = req_header(r, "X-CSRF-Token");

			if (csrf == NULL || r->who.csrf == NULL || strcmp(csrf, r->who.csrf) != 0) {
				req_error(r, 403, "csrf", NULL, "send the X-CSRF-Token header you got at login");
				return;
			}
		}
		if (http_route_permit(r) != 0)     /* role and scope, from the route table */
			return;
	}
	if (r->body_toobig) {
		req_error(r, 413, "too_large", NULL, "the request body is over the limit of %u bytes", LIM_BODY_BYTES);
		return;
	}
	/* Reads are answered from the cache until the data changes. */
	if (cache_lookup(r))
		return;
	if (r->route->flags & RF_PUBLIC)
		memset(&r->svc->idem, 0, sizeof(r->svc->idem));
	else if (http_idem_before(r) != 0)
		return;
	r->route->handler(r);
	if (r->status == 0)
		req_error(r, 500, "internal", NULL, "the handler gave no answer");
	http_idem_after(r);
	cache_store(r);
}

static enum MHD_Result send_reply(struct MHD_Connection *c, struct req *r)
{
	struct MHD_Response *resp;
	size_t len = 0;
	char *body;
	char retry[16];
	enum MHD_Result ok;

	if (strcmp(r->method, "HEAD") == 0)
		buf_reset(&r->out);
	if (r->has_file && r->status == 200) {
		/* MHD reads the file as it sends and closes it at the end. */
		resp = MHD_create_response_from_fd((uint64_t)r->file_bytes, r->file_fd);
		if (resp == NULL)
			return MHD_NO;
		r->has_file = 0;
		buf_reset(&r->out);
		len = (size_t)r->file_bytes;
	} else {
		body = buf_detach(&r->out, &len);
		/* MHD_RESPMEM_MUST_FREE: MHD owns body now and frees it with free(). */
		resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
		if (resp == NULL) {
			free(body);
			return MHD_NO;
		}
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				r->content_type ? r->content_type : "application/json; charset=utf-8");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
				r->cache_control ? r->cache_control : r->is_static ? "no-cache" : "no-store");
	if (r->is_static)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	if (r->content_encoding)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, r->content_encoding);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	/* Nothing from elsewhere, no inline script or style, no framing. */
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
				"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
				"frame-ancestors 'none'");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	if (r->etag[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, r->etag);
	if (r->location[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, r->location);
	if (r->disposition[0])
		MHD_add_response_header(resp, "Content-Disposition", r->disposition);
	if (r->cookie[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, r->cookie);
	if (atomic_load(&g_stopping))
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	if (r->retry_after) {
		snprintf(retry, sizeof(retry), "%d", r->retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, retry);
	}
	r->out.len = len;            /* kept for the access log */
	ok = MHD_queue_response(c, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ok;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				 const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct req *r = *con_cls;

	(void)cls;
	(void)version;
	if (r == NULL) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);

		r = xcalloc(1, sizeof(*r));
		r->conn = c;
		r->method = method;
		r->path = url;
		r->started_us = now_us();
		buf_init(&r->body, LIM_BODY_BYTES);
		buf_init(&r->out, 64u * 1024 * 1024);
		arena_init(&r->a);
		if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, r->addr, sizeof(r->addr));
		else
			snprintf(r->addr, sizeof(r->addr), "unknown");
		atomic_fetch_add(&g_inflight, 1);
		*con_cls = r;
		/* A body announced far over the limit is refused before it is sent
		 * (the client may see the connection close); one a little over is
		 * read and dropped, so that the client gets its 413 cleanly. */
		if (cl && strtoull(cl, NULL, 10) >= LIM_BODY_BYTES) {
			r->body_toobig = 1;
			if (strtoull(cl, NULL, 10) > LIM_BODY_DRAIN) {
				handle(r);
				return send_reply(c, r);
			}
		}
		return MHD_YES;
	}
	if (*upload_size) {
		/* MHD cannot answer in the middle of a body: past the limit the
		 * rest is read and dropped, and the 413 goes out at the end. A
		 * body that goes on and on is cut off. */
		if (!r->body_toobig && buf_add(&r->body, upload, *upload_size) != 0)
			r->body_toobig = 1;
		if (r->body_toobig) {
			r->dropped += *upload_size;
			if (r->dropped > LIM_BODY_DRAIN)
				return MHD_NO;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	handle(r);
	return send_reply(c, r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode why)
{
	struct req *r = *con_cls;

	(void)cls;
	(void)c;
	if (r == NULL)
		return;
	if (!g_quiet)
		fprintf(stderr, "%s %s %s %d %zuB %lldus user=%s%s\n", r->addr, r->method, r->path, r->status,
			r->out.len, (long long)(now_us() - r->started_us), r->authed ? r->who.user.login : "-",
			why == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
	req_free(r);
	*con_cls = NULL;
	atomic_fetch_sub(&g_inflight, 1);
}

static int parse_listen(const char *listen, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(listen, ':');
	long long port;

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	if (colon == NULL || (size_t)(colon - listen) >= sizeof(host))
		return -1;
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	if (parse_int(colon + 1, 0, 65535, &port, "port", NULL) != 0)
		return -1;
	sa->sin_port = htons((uint16_t)port);
	if (strcmp(host, "localhost") == 0 || host[0] == '\0')
		return inet_pton(AF_INET, "127.0.0.1", &sa->sin_addr) == 1 ? 0 : -1;
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

int server_run(const struct server_opts *o)
{
	struct MHD_Daemon *d;
	struct sockaddr_in sa;
	struct svc probe;
	struct err err = ERR_INIT;
	sigset_t set;
	int sig = 0, threads = o->threads;
	int64_t deadline;
	MHD_socket fd;

	if (parse_listen(o->listen, &sa) != 0) {
		fprintf(stderr, "plenum: --listen: expected ADDRESS:PORT such as 127.0.0.1:8080, got \"%s\"\n", o->listen);
		return 2;
	}
	/* Open once here so that a bad database fails at start, not at the first request. */
	if (svc_open(&probe, o->db, 0, NULL, 0, &err) != 0) {
		svc_close(&probe);
		fprintf(stderr, "plenum: %s\n", err.msg);
		return err_exit_code(err.code);
	}
	svc_close(&probe);
	g_db = o->db;
	static_set_root(o->web_root);
	g_quiet = o->quiet;
	g_secure = o->secure_cookies;
	if (threads <= 0)
		threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (threads <= 0)
		threads = 2;
	pthread_key_create(&g_svc_key, svc_destroy);
	/* Workers inherit this mask; only sigwait() below sees the signals. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC, 0, NULL, NULL,
			     on_access, NULL,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
			     MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)threads,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)LIM_CONNECTIONS,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)LIM_CONN_TIMEOUT_S,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(2 * LIM_HEADER_BYTES),
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
			     MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "plenum: cannot listen on %s (in use, or not an address of this machine)\n", o->listen);
		return 1;
	}
	printf("plenum: serving %s on http://%s/ with %d threads\n", o->db, o->listen, threads);
	fflush(stdout);
	sigwait(&set, &sig);
	if (!g_quiet)
		fprintf(stderr, "plenum: %s: finishing requests in flight\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	atomic_store(&g_stopping, 1);
	fd = MHD_quiesce_daemon(d);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	/* Requests in flight finish; a request that reaches a kept-alive
	 * connection just now is served too (quiet for 100 ms means done). */
	deadline = now_us() + (int64_t)LIM_STOP_WAIT_S * 1000000;
	for (int quiet = 0; quiet < 20 && now_us() < deadline;) {
		quiet = atomic_load(&g_inflight) > 0 ? 0 : quiet + 1;
		usleep(5000);
	}
	MHD_stop_daemon(d);
	if (!g_quiet)
		fprintf(stderr, "plenum: stopped\n");
	return 0;
}

/* ---- replies ---- */

static int dump_to_buf(const char *data, size_t n, void *ctx)
{
	return buf_add(ctx, data, n) != 0 ? -1 : 0;
}

int req_json(struct req *r, int status, json_t *j)
{
	int rc;

	buf_reset(&r->out);
	/* Written straight onto the reply, not through a copy. */
	rc = j ? json_dump_callback(j, dump_to_buf, &r->out, JSON_COMPACT | JSON_REAL_PRECISION(15)) : -1;
	json_decref(j);
	if (rc != 0 || r->out.err) {
		buf_reset(&r->out);
		buf_adds(&r->out, "{\"error\":{\"code\":\"internal\",\"message\":\"reply too large\"}}");
		r->status = 500;
		return -1;
	}
	r->status = status;
	return 0;
}

const char *http_db_path(void)
{
	return g_db;
}

const char *http_cookie_attrs(void)
{
	return g_secure ? "; HttpOnly; SameSite=Strict; Path=/; Secure" : "; HttpOnly; SameSite=Strict; Path=/";
}
