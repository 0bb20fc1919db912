/*
 * server.c -- the HTTP server: libmicrohttpd with its internal epoll thread
 * pool, one database connection per worker thread, request and body limits,
 * an access log line per request, and a graceful stop on SIGTERM or SIGINT
 * (new connections refused, requests in flight finished, database closed).
 *
 * Connections are bounded three ways (docs/SECURITY.md): a cap per address
 * (MHD closes the rest at once), a total cap (over it a fast 503, past the
 * spare room MHD closes), and deadlines MHD has no option for: the request
 * line and headers within --header-timeout, a body within --body-timeout,
 * however slowly the bytes trickle in: conns.h keeps those deadlines, this
 * file tells it when a connection opens, reads a body, answers and closes.
 *
 * This is the only file that includes microhttpd.h. Responses are built in
 * a struct buf and handed to MHD with MHD_RESPMEM_MUST_FREE: MHD owns the
 * body from then on and frees it with free().
 */
#include <arpa/inet.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <microhttpd.h>
#include <sodium.h>

#include "http.h"
#include "static.h"
#include "cache.h"
#include "replica.h"
#include "proxy.h"
#include "conns.h"
#include "../report/render.h"
#include "../service/lights.h"
#include "../service/tx.h"
#include "../core/date.h"
#include "../core/limits.h"
#include "../core/text.h"
#include "../core/xalloc.h"
#include "../report/render.h"
#include "../core/banned.h"

#define STR_(x) #x
#define HTTP_STR(x) STR_(x)

static const char *g_db;
static int g_quiet;
static int g_secure;
static int g_hsts;
static char g_base_url[LIM_BASE_URL_BYTES + 1];  /* "" when links cannot be made */
static unsigned g_max_conn = LIM_CONNECTIONS;
static char g_csp[512];
static pthread_key_t g_svc_key;
static atomic_int g_inflight;
static atomic_int g_stopping;
static atomic_int g_first_answer;

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

/* ---- connections (conns.h keeps their deadlines) ---- */

static struct conn *conn_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	(void)cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);

		*socket_context = conns_open(ci ? ci->connect_fd : -1);
		return;
	}
	/* MHD closes the socket only after this returns. */
	conns_close(*socket_context);
	*socket_context = NULL;
}

/* The worker thread's own service context, opened on its first request. */
static struct svc *thread_svc(struct err *err)
{
	struct svc *svc = pthread_getspecific(g_svc_key);

	if (svc)
		return svc;
	svc = xcalloc(1, sizeof(*svc));
	if (svc_open(svc, g_db, STORE_EXISTING, NULL, 0, err) != 0) {
		svc_close(svc);
		free(svc);
		return NULL;
	}
	/* A write waits for another process's lock only briefly, then gets 503:
	 * the few event threads must never all sit in SQLite's busy handler. */
	store_set_lock_wait(svc->st, LIM_DB_SERVER_WAIT_MS);
	/* its commits leave the WAL to the checkpointer thread; its page cache
	 * is bounded (memory per thread, docs/SCALING.md) */
	if (store_wal_manual(svc->st, err) != 0 || store_cache_kb(svc->st, LIM_DB_SERVER_CACHE_KB, err) != 0) {
		svc_close(svc);
		free(svc);
		return NULL;
	}
	pthread_setspecific(g_svc_key, svc);
	return svc;
}

/* The WAL checkpointer: its own connection, a passive checkpoint every
 * LIM_CHECKPOINT_MS, so that no request commits and checkpoints at once
 * (store_wal.c); every LIM_LIGHTS_CHECK_MS it also brings the orgs' light
 * counts to the day (lights_keep_up). Stops with the server. */
static pthread_t g_checkpointer;
static int g_checkpointing;

static void *checkpointer(void *arg)
{
	struct svc svc;
	struct err err = ERR_INIT;
	int copied, failed = 0;

	(void)arg;
	if (svc_open(&svc, g_db, STORE_EXISTING, NULL, 0, &err) != 0) {
		fprintf(stderr, "plenum: checkpointer: %s\n", err.msg);
		svc_close(&svc);
		return NULL;
	}
	for (int tick = 0; !atomic_load(&g_stopping); tick++) {
		/* the light counts brought to the day: at start, then shortly
		 * after each midnight or settings change (service/lights.h) */
		if (tick % (LIM_LIGHTS_CHECK_MS / LIM_CHECKPOINT_MS) == 0 && lights_keep_up(&svc, &err) != 0)
			fprintf(stderr, "plenum: light counts: %s\n", err.msg);
		usleep(LIM_CHECKPOINT_MS * 1000);
		if (store_wal_checkpoint(svc.st, &copied, &err) != 0 && !failed++)
			fprintf(stderr, "plenum: checkpoint: %s\n", err.msg);
	}
	store_wal_checkpoint(svc.st, &copied, &err);
	svc_close(&svc);
	return NULL;
}

/* ---- writes: a pool of threads of their own ----
 *
 * A request that may write (any method but GET and HEAD) is not handled on
 * MHD's event thread: the connection is suspended and the request queued
 * for one of LIM_WRITE_THREADS write threads, which handles it (blocking on
 * the group commit, service/tx.h) and resumes the connection; MHD then
 * calls on_access() again and the reply goes out. So the few event threads
 * keep serving reads while writes wait for their commit, and as many writes
 * as there are write threads can share one commit. */
static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct req *head, *tail;
	int stop;
	int n;                        /* threads started */
	int answered;                 /* the server has sent its first answer */
	pthread_t th[LIM_WRITE_THREADS];
} g_writes = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

static void handle(struct req *r);

static void *write_thread(void *arg)
{
	struct err err0 = ERR_INIT;
	struct svc *svc0;

	(void)arg;
	/* Its connection before its first write, so that a burst of writes
	 * right after the start waits for no thread's opening -- but once the
	 * server has answered its first request (or has waited a second), so
	 * that the start-up is not slowed by seven connections opening at once.
	 * A write that comes first opens it (handle()). */
	pthread_mutex_lock(&g_writes.mu);
	if (!g_writes.answered) {
		struct timespec until;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		while (!g_writes.answered && !g_writes.stop && g_writes.head == NULL &&
		       pthread_cond_timedwait(&g_writes.cv, &g_writes.mu, &until) == 0)
			;
	}
	pthread_mutex_unlock(&g_writes.mu);
	svc0 = thread_svc(&err0);
	if (svc0 == NULL || store_cache_kb(svc0->st, LIM_DB_WRITE_CACHE_KB, &err0) != 0)
		fprintf(stderr, "plenum: write thread: %s\n", err0.msg);
	for (;;) {
		struct req *r;
		struct svc *svc;
		int stale;

		pthread_mutex_lock(&g_writes.mu);
		while (g_writes.head == NULL && !g_writes.stop)
			pthread_cond_wait(&g_writes.cv, &g_writes.mu);
		r = g_writes.head;
		if (r) {
			g_writes.head = r->next_write;
			if (g_writes.head == NULL)
				g_writes.tail = NULL;
		}
		pthread_mutex_unlock(&g_writes.mu);
		if (r == NULL)
			return NULL;
		handle(r);
		/* The svc is this thread's: the event thread must not touch it
		 * after the reply (on_completed); a stale light count is
		 * recounted here, once the answer is on its way. */
		svc = r->svc;
		stale = svc && svc->lights.stale;
		if (svc)
			svc->lights.stale = 0;
		r->svc = NULL;
		r->answered = 1;
		MHD_resume_connection(r->conn);
		if (stale) {
			struct err err = ERR_INIT;

			if (lights_refresh(svc, &err) != 0)
				fprintf(stderr, "plenum: light counts: %s\n", err.msg);
		}
	}
}

/* Queues r for a write thread; the caller has suspended its connection. */
static void write_queue(struct req *r)
{
	pthread_mutex_lock(&g_writes.mu);
	r->next_write = NULL;
	if (g_writes.tail)
		g_writes.tail->next_write = r;
	else
		g_writes.head = r;
	g_writes.tail = r;
	pthread_cond_signal(&g_writes.cv);
	pthread_mutex_unlock(&g_writes.mu);
}

static void write_threads_start(void)
{
	for (int i = 0; i < LIM_WRITE_THREADS; i++) {
		if (pthread_create(&g_writes.th[g_writes.n], NULL, write_thread, NULL) != 0)
			break;
		g_writes.n++;
	}
}

static void write_threads_stop(void)
{
	pthread_mutex_lock(&g_writes.mu);
	g_writes.stop = 1;
	pthread_cond_broadcast(&g_writes.cv);
	pthread_mutex_unlock(&g_writes.mu);
	for (int i = 0; i < g_writes.n; i++)
		pthread_join(g_writes.th[i], NULL);
	g_writes.n = 0;
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

struct last_ctx {
	const char *name, *value;
};

static enum MHD_Result keep_last(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct last_ctx *l = cls;

	(void)kind;
	if (key && strcasecmp(key, l->name) == 0)
		l->value = value;
	return MHD_YES;
}

const char *req_header_last(struct req *r, const char *name)
{
	struct last_ctx l = { name, NULL };

	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, keep_last, &l);
	return l.value;
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

const char *http_base_url(void)
{
	return g_base_url[0] ? g_base_url : NULL;
}

/* Every query name and value is UTF-8 before a handler sees it (or echoes
 * it in an error): 400 naming the parameter otherwise. */
static int check_query_arg(void *ctx, const char *name, const char *value)
{
	struct req *r = ctx;

	if (!text_utf8_valid(name, strlen(name)))
		return req_error(r, 400, "invalid_url", NULL, "a query parameter name is not valid UTF-8");
	if (!text_utf8_valid(value, strlen(value)))
		return req_error(r, 400, "invalid_field", name, "%s: not valid UTF-8", name);
	return 0;
}

static enum MHD_Result add_header_bytes(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	size_t *n = cls;

	(void)kind;
	*n += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

/* What MHD would answer with its own bare page when larger than its
 * memory (2 * LIM_HEADER_BYTES) is answered here first, with our headers. */
static int check_request_size(struct req *r)
{
	size_t headers = 0;

	if (r->uri_len > LIM_URL_BYTES || strlen(r->path) > LIM_URL_BYTES)
		return req_error(r, 414, "uri_too_long", NULL, "the address is longer than %d bytes", LIM_URL_BYTES);
	/* MHD decodes %00 and cuts the path or value there: "/app.js%00.html"
	 * would be "/app.js". */
	if (r->uri_nul)
		return req_error(r, 400, "invalid_url", NULL, "the address holds a NUL byte (%%00)");
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, add_header_bytes, &headers);
	if (headers > LIM_HEADER_BYTES)
		return req_error(r, 431, "headers_too_large", NULL, "the request headers are over %u bytes",
				 LIM_HEADER_BYTES);
	return 0;
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

	if (!svc->has_org || svc->org.id != r->who.user.org_id) {
		if (svc_select_org(svc, r->who.user.org_key, &err) != 0)
			return req_fail(r, &err);
	} else if (svc_refresh_settings(svc, &err) != 0) {
		return req_fail(r, &err);
	}
	svc->today = date_today(svc->org.utc_offset);
	svc->actor = arena_printf(&r->a, "user:%s", r->who.user.login);
	/* Both paths above read the store's version once: the cache keys on
	 * that reading rather than making another round trip. */
	r->version = svc->settings_seen;
	r->has_version = 1;
	return 0;
}

static void handle(struct req *r)
{
	struct err err = ERR_INIT;
	int writes, snapshot;

	proxy_client_addr(r);
	if (check_request_size(r) != 0)
		return;
	if (!text_utf8_valid(r->path, strlen(r->path))) {
		req_error(r, 400, "invalid_url", NULL, "the address is not valid UTF-8");
		return;
	}
	if (req_query_each(r, check_query_arg, r) != 0)
		return;
	r->svc = thread_svc(&err);
	if (r->svc == NULL) {
		req_fail(r, &err);
		return;
	}
	r->svc->actor = "anonymous";
	/* The store version this request keys on must count every commit
	 * acknowledged before it arrived: authentication's statement brings it
	 * (no round trip of its own on PostgreSQL, db.h db_version_mark). */
	store_version_mark(r->svc->st);
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
	/* Reports and dashboards from the replica (never cached: replica.h);
	 * other reads are answered from the cache until the data changes. */
	if (!replica_enter(r) && cache_lookup(r))
		return;
	if (r->route->flags & RF_PUBLIC)
		memset(&r->svc->idem, 0, sizeof(r->svc->idem));
	else if (http_idem_before(r) != 0)
		return;
	/* A read sees one snapshot however many statements it runs (a backup
	 * makes its own: VACUUM INTO cannot run inside a transaction). */
	snapshot = !(r->route->flags & (RF_PUBLIC | RF_OWN_SNAPSHOT)) &&
		   (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0);
	if (snapshot && store_read_begin(r->svc->st, &err) != 0) {
		req_fail(r, &err);
		return;
	}
	lights_request(r->svc);
	r->route->handler(r);
	if (snapshot)
		store_read_end(r->svc->st);

	if (r->status == 0)
		req_error(r, 500, "internal", NULL, "the handler gave no answer");
	http_idem_after(r);
	if (!r->on_replica)
		cache_store(r);
	replica_leave(r);
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
	MHD_add_response_header(resp, "Content-Security-Policy", g_csp);
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	if (g_hsts)
		MHD_add_response_header(resp, "Strict-Transport-Security",
					"max-age=" HTTP_STR(LIM_HSTS_MAX_AGE_S) "; includeSubDomains");
	if (r->etag[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, r->etag);
	if (r->location[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, r->location);
	if (r->disposition[0])
		MHD_add_response_header(resp, "Content-Disposition", r->disposition);
	if (r->cookie[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, r->cookie);
	if (r->authed)
		MHD_add_response_header(resp, "X-Plenum-Store", r->on_replica ? "replica" : "primary");
	if (atomic_load(&g_stopping) || r->close)
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

/* MHD has the request line, not yet the headers: the request begins here,
 * so that the address length is known, and so that a request MHD itself
 * refuses (a header block over its memory) still gets its log line. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	struct req *r = xcalloc(1, sizeof(*r));

	(void)cls;
	r->conn = c;
	r->uri_len = strlen(uri);
	for (const char *p = strchr(uri, '%'); p && !r->uri_nul; p = strchr(p + 1, '%'))
		r->uri_nul = p[1] == '0' && p[2] == '0';
	r->started_us = now_us();
	buf_init(&r->body, LIM_BODY_BYTES);
	buf_init(&r->out, 64u * 1024 * 1024);
	arena_init(&r->a);
	if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, r->addr, sizeof(r->addr));
	else
		snprintf(r->addr, sizeof(r->addr), "unknown");
	return r;
}

/* The client said it closes after this request (HTTP/1.0, Connection:
 * close): it may have shut its side already, and MHD, reading that end of
 * file when a suspended connection is resumed, would close it unanswered.
 * Such a request is handled on the event thread (its write still goes
 * through the group commit). */
static int client_closes(struct MHD_Connection *c, const char *version)
{
	const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONNECTION);

	return strcmp(version, "HTTP/1.0") == 0 || (v && strcasecmp(v, "close") == 0);
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				 const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct req *r = *con_cls;

	(void)cls;
	(void)version;
	if (r == NULL)
		*con_cls = r = on_uri(NULL, "", c);
	if (r->method == NULL) {
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);

		r->method = method;
		r->path = url;
		/* In flight from here: a graceful stop waits for it, not for a
		 * client still trickling its headers. */
		atomic_fetch_add(&g_inflight, 1);
		/* The headers are in: now the body has its own deadline. */
		conns_phase(conn_of(c), CONN_BODY, 0);
		if (conns_over_cap(conn_of(c))) {
			r->close = 1;
			r->retry_after = 5;
			req_error(r, 503, "too_many_connections", NULL,
				  "the server holds its maximum of %u connections: try again shortly", g_max_conn);
			return send_reply(c, r);
		}
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
	if (r->answered)                 /* resumed by its write thread */
		return send_reply(c, r);
	conns_phase(conn_of(c), CONN_ANSWERING, 0);
	if (g_writes.n > 0 && strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 && !client_closes(c, version)) {
		MHD_suspend_connection(c);
		write_queue(r);
		return MHD_YES;
	}
	handle(r);
	return send_reply(c, r);
}

/* Text for the access log: control bytes, spaces, backslashes and DEL are
 * written as \n, \xHH..., so that one request is always one line of
 * space-separated fields. Truncated with "..." to fit. */
static void log_text(char *out, size_t size, const char *s)
{
	size_t o = 0;

	for (; *s && o + 8 < size; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '\n')
			o += (size_t)snprintf(out + o, size - o, "\\n");
		else if (ch == '\r')
			o += (size_t)snprintf(out + o, size - o, "\\r");
		else if (ch == '\t')
			o += (size_t)snprintf(out + o, size - o, "\\t");
		else if (ch == '\\')
			o += (size_t)snprintf(out + o, size - o, "\\\\");
		else if (ch <= ' ' || ch == 0x7f)
			o += (size_t)snprintf(out + o, size - o, "\\x%02x", ch);
		else
			out[o++] = (char)ch;
	}
	if (*s && o + 4 <= size)
		o += (size_t)snprintf(out + o, size - o, "...");
	out[o] = '\0';
}

/* The path as log_text() writes it, with the secret of a private calendar
 * feed (the whole key to it) left out. */
static void log_path(char *out, size_t size, const char *path)
{
	static const char feed[] = "/api/v1/calendar/";

	if (strncmp(path, feed, sizeof(feed) - 1) == 0 && path[sizeof(feed) - 1] != '\0') {
		snprintf(out, size, "%s(secret).ics", feed);
		return;
	}
	log_text(out, size, path);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode why)
{
	struct req *r = *con_cls;

	(void)cls;
	if (!atomic_load(&g_first_answer) && !atomic_exchange(&g_first_answer, 1)) {
		/* the write threads may open their connections now */
		pthread_mutex_lock(&g_writes.mu);
		g_writes.answered = 1;
		pthread_cond_broadcast(&g_writes.cv);
		pthread_mutex_unlock(&g_writes.mu);
	}
	/* Kept alive: the next request has the idle time and then the header
	 * time to arrive whole. */
	conns_phase(conn_of(c), CONN_WAITING, 1);
	if (r == NULL)
		return;
	if (!g_quiet) {
		char method[32], path[LIM_URL_BYTES * 4 + 64];

		log_text(method, sizeof(method), r->method ? r->method : "-");
		log_path(path, sizeof(path), r->path ? r->path : "-");
		fprintf(stderr, "%s %s %s %d %zuB %lldus user=%s%s\n", r->addr, method, path, r->status, r->out.len,
			(long long)(now_us() - r->started_us), r->authed ? r->who.user.login : "-",
			why == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
	}
	/* A read found the light counts stale (a new day, new rules): recount
	 * them once, after its answer went out, so that the next reads use them. */
	if (r->svc && r->svc->lights.stale) {
		struct err err = ERR_INIT;

		r->svc->lights.stale = 0;
		if (lights_refresh(r->svc, &err) != 0)
			fprintf(stderr, "plenum: light counts: %s\n", err.msg);
	}
	if (r->method)
		atomic_fetch_sub(&g_inflight, 1);
	req_free(r);
	*con_cls = NULL;
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

/* Nothing from elsewhere, no inline script, no framing; inline style only
 * the HTML reports' own sheet, named by its hash. */
static void make_csp(void)
{
	const char *css = report_html_style();
	unsigned char h[crypto_hash_sha256_BYTES];
	char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];

	crypto_hash_sha256(h, (const unsigned char *)css, strlen(css));
	sodium_bin2base64(b64, sizeof(b64), h, sizeof(h), sodium_base64_VARIANT_ORIGINAL);
	snprintf(g_csp, sizeof(g_csp),
		 "default-src 'self'; script-src 'self'; style-src 'self' 'sha256-%s'; img-src 'self' data:; "
		 "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
		 b64);
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
	/* Open once here so that a bad database fails at start, not at the first
	 * request (and is migrated, when older, before the threads start). */
	if (svc_open(&probe, o->db, STORE_EXISTING, NULL, 0, &err) != 0) {
		svc_close(&probe);
		fprintf(stderr, "plenum: %s\n", err.msg);
		return err_exit_code(err.code);
	}
	svc_close(&probe);
	if (proxy_setup(o->trusted_proxy, &err) != 0) {
		fprintf(stderr, "plenum: %s\n", err.msg);
		return 2;
	}
	if (replica_setup(o->read_db, &err) != 0) {
		fprintf(stderr, "plenum: %s\n", err.msg);
		return err_exit_code(err.code);
	}
	g_db = o->db;
	if (static_set_root(o->web_root) != 0) {
		fprintf(stderr, "plenum: --web-root: \"%s\" is not a folder\n", o->web_root);
		return 2;
	}
	g_quiet = o->quiet;
	g_secure = o->secure_cookies;
	g_hsts = o->hsts;
	make_csp();
	if (o->max_connections)
		g_max_conn = o->max_connections;
	conns_setup(g_max_conn, (int64_t)(o->header_timeout_s ? o->header_timeout_s : LIM_HEADER_TIMEOUT_S) * 1000000,
		    (int64_t)(o->body_timeout_s ? o->body_timeout_s : LIM_BODY_TIMEOUT_S) * 1000000,
		    (int64_t)LIM_CONN_TIMEOUT_S * 1000000);
	if (o->base_url) {
		if (text_base_url(o->base_url, g_base_url, sizeof(g_base_url), "--base-url", &err) != 0) {
			fprintf(stderr, "plenum: %s\n", err.msg);
			return 2;
		}
	} else if (sa.sin_addr.s_addr != htonl(INADDR_ANY)) {
		/* Links name the address served, never a client's Host header. */
		snprintf(g_base_url, sizeof(g_base_url), "http://%s", o->listen);
		if (strncmp(o->listen, "localhost:", 10) == 0 || o->listen[0] == ':')
			snprintf(g_base_url, sizeof(g_base_url), "http://127.0.0.1:%u", (unsigned)ntohs(sa.sin_port));
	}
	if (threads <= 0)
		threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (threads <= 0)
		threads = 2;
	pthread_key_create(&g_svc_key, svc_destroy);
	/* A few malloc arenas for all the threads, not one per thread: each
	 * arena keeps its own free pages (docs/SCALING.md, memory). */
	mallopt(M_ARENA_MAX, LIM_MALLOC_ARENAS);
	/* The report libraries are set up by the first report, when the
	 * report module is loaded (src/report/entry.c), not here. */
	if (auth_init() != 0) {
		fprintf(stderr, "plenum: libsodium cannot start (no random source?)\n");
		return 1;
	}
	/* Workers inherit this mask; only sigwait() below sees the signals. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Every write of the threads goes through one writer's connection,
	 * concurrent ones sharing a commit (service/tx.h). */
	if (svc_tx_group(o->db, LIM_DB_SERVER_WAIT_MS, &err) != 0) {
		fprintf(stderr, "plenum: %s\n", err.msg);
		return err_exit_code(err.code);
	}
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL,
			     on_access, NULL,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
			     MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)threads,
			     MHD_OPTION_CONNECTION_LIMIT, g_max_conn + (unsigned int)LIM_CONN_SPARE,
			     MHD_OPTION_PER_IP_CONNECTION_LIMIT,
			     o->per_address ? o->per_address : (unsigned int)LIM_CONN_PER_ADDRESS,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)LIM_CONN_TIMEOUT_S,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(2 * LIM_HEADER_BYTES),
			     MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
			     MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
			     MHD_OPTION_END);
	if (d == NULL) {
		svc_tx_group_close();
		fprintf(stderr, "plenum: cannot listen on %s (in use, or not an address of this machine)\n", o->listen);
		return 1;
	}
	conns_reaper_start();
	write_threads_start();
	g_checkpointing = pthread_create(&g_checkpointer, NULL, checkpointer, NULL) == 0;
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
	conns_reaper_stop();
	write_threads_stop();
	MHD_stop_daemon(d);
	svc_tx_group_close();
	if (g_checkpointing)
		pthread_join(g_checkpointer, NULL);
	if (!g_quiet) {
		int64_t commits, writes;

		/* writes per commit: what the group commit saved (docs/SCALING.md) */
		svc_tx_group_stats(&commits, &writes);
		fprintf(stderr, "plenum: stopped (%lld writes in %lld commits)\n", (long long)writes, (long long)commits);
	}
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
