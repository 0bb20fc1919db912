/*
 * http.h -- the HTTP adapter's shared types: one request, its reply, and the
 * helpers handlers use to read input and to answer.
 *
 * Every helper whose name starts with req_ and that returns int has ALREADY
 * REPLIED when it returns -1 (an error status and a JSON error body), like
 * Redis's ...OrReply functions; a handler then just returns. So handlers
 * read as a straight line:
 *
 *	if (req_only_params(r, params) != 0 || req_body_json(r, &body) != 0)
 *		return 0;
 *
 * Who may call a route is not the handler's business: the route table says
 * what each route needs and http_route_permit() checks it first.
 *
 * Only server.c knows libmicrohttpd; handlers see struct req alone.
 * Errors have the shape {"error": {"code", "message", "field"}}.
 */
#ifndef PLENUM_HTTP_H
#define PLENUM_HTTP_H

#include <stdint.h>
#include <jansson.h>

#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/err.h"
#include "../service/auth.h"
#include "../service/service.h"

#define HTTP_MAX_PARAMS 4

struct route;

struct req {
	void *conn;                       /* server.c's connection: do not touch */
	const char *method, *path;        /* path without the query string */
	char addr[64];                    /* peer address, for logs and throttling */
	struct buf body;                  /* capped at LIM_BODY_BYTES */
	int body_toobig;
	size_t dropped;                   /* body bytes read past the limit */
	struct svc *svc;                  /* this thread's service context */
	struct principal who;
	int authed;
	int has_version;                  /* version below read by enter_org() for this request */
	struct store_version version;     /* the store's, as of this request (cache.c keys on it) */
	const char *session;              /* the session cookie, when one came */
	struct arena a;                   /* everything of this request */
	const struct route *route;
	const char *params[HTTP_MAX_PARAMS];
	int nparams;
	int64_t started_us;
	size_t uri_len;                   /* of the request target as sent, query included */
	int uri_nul;                      /* it holds %00 */
	/* the reply */
	int status;
	struct buf out;
	const char *content_type;
	char etag[32];
	char location[256];
	char cookie[512];
	char disposition[320];            /* Content-Disposition of a file */
	int retry_after;
	int is_static;                    /* a file of the web application */
	const char *content_encoding;     /* "gzip" for a compressed file, or NULL */
	const char *cache_control;        /* NULL: no-cache for files, no-store for the API */
	int replayed;                     /* the stored answer to an Idempotency-Key */
	int on_replica;                   /* answered from --read-db (replica.h) */
	int has_file;                     /* send file_fd (file_bytes long) instead of out; */
	int file_fd;                      /*   server.c closes it, sent or not */
	int64_t file_bytes;
	int close;                        /* Connection: close after this reply */
	int answered;                     /* server.c: a write thread has handled it (the reply is ready) */
	struct req *next_write;           /* server.c: the queue of writes */
};

/* ---- Idempotency-Key (idem.c) ---- */
/* Before a POST runs: 0 to go on, 1 when the stored answer was replayed,
 * -1 when an error was replied (a reused or malformed key). */
int http_idem_before(struct req *r);
/* After it ran: stores the answer of a write that used a key. */
void http_idem_after(struct req *r);

/* ---- reading (server.c) ---- */
const char *req_query(struct req *r, const char *name);   /* NULL when absent */
const char *req_header(struct req *r, const char *name);
/* The last of the request's headers of that name (a proxy appends its own
 * line after any the client sent); NULL when absent. */
const char *req_header_last(struct req *r, const char *name);
/* Calls cb for every query argument; stops when cb returns non-zero. */
int req_query_each(struct req *r, int (*cb)(void *ctx, const char *name, const char *value), void *ctx);

/* ---- replying ---- */
/* Sets status and a JSON error body; returns -1. field may be NULL. */
int req_error(struct req *r, int status, const char *code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Replies with the error in *err, its status chosen from err->code. */
int req_fail(struct req *r, const struct err *err);

/* One entry of an error's "problems" list: {"field", "message"} and, when
 * why names a reason, "code" (the reason) and its parameters (numbers when
 * they read as whole numbers), so that clients can word the problem in the
 * user's language. Returns a new reference. why may be NULL. */
json_t *req_problem(const char *field, const char *msg, const struct err *why);
/* Replies with j (taken: released here). Returns 0. */
int req_json(struct req *r, int status, json_t *j);

/* ---- input helpers (reply on failure) ---- */
/* The body as a JSON object: size, UTF-8, syntax, depth and type checked. */
int req_body_json(struct req *r, json_t **out);
/* An integer query argument in [min, max], def when absent. */
int req_param_int(struct req *r, const char *name, long long min, long long max, long long def,
		  long long *out);
/* A date query argument (YYYY-MM-DD), NULL when absent. */
int req_param_date(struct req *r, const char *name, const char **out);
/* Refuses the request with 403 unless the principal may. */
int req_need(struct req *r, enum auth_action action, const char *entity);
/* The version the client read, from If-Match; 412 when missing or not a number. */
int req_if_match(struct req *r, int64_t *version);
/* Only the query arguments named in allowed (NULL-terminated) may appear. */
int req_only_params(struct req *r, const char *const *allowed);

/* Cursors are opaque to clients: "c" + the last id in base 36. */
const char *req_cursor_make(struct req *r, int64_t last_id);
int req_cursor(struct req *r, int64_t *after_id);

/* ---- routing (router.c) ---- */
enum route_flags {
	RF_PUBLIC = 1,          /* no login needed */
	RF_WRITE = 2,           /* changes data: browser sessions must send the CSRF token */
	RF_NOCACHE = 4,         /* the answer depends on more than the data and the caller's role */
	RF_OWN_SNAPSHOT = 8,    /* a GET that opens its own transaction (a backup): not wrapped in a read snapshot */
};

/* The scope a route's :key must be in, for the roles that are scoped (a
 * reporter to its unit's tasks, an observer to the meetings observed);
 * other roles pass. */
enum route_scope {
	SCOPE_NONE,
	SCOPE_KEY,              /* generic routes: SCOPE_MEETING under meetings, SCOPE_TASK under tasks */
	SCOPE_TASK,             /* the task is the reporter's unit's (lead or supporting) */
	SCOPE_TASK_LEAD,        /* the reporter's unit leads the task */
	SCOPE_MEETING,          /* the observer attended the meeting as observer */
	SCOPE_UNIT,             /* the unit is the reporter's own */
};
#define NEED_NONE (-2)          /* public: no login */
#define NEED_LOGIN (-1)         /* anyone logged in: their own session, tokens and calendar */
#define NEED_INSTANCE (-3)      /* an administrator of the installation (app_user.instance_admin) */

struct route {
	const char *method;
	const char *pattern;    /* "/api/v1/tasks/:key/reports"; :list and :child match the data dictionary */
	int (*handler)(struct req *r);
	unsigned flags;
	const char *tag, *summary;
	int need;               /* an enum auth_action, NEED_NONE or NEED_LOGIN */
	const char *what;       /* the entity the action is on; NULL: the :child's, else the :list's */
	enum route_scope scope;
};

extern const struct route http_routes[];
extern const int http_nroutes;

/* Whether the caller may POST to the route `pattern` ("/api/v1/tasks/:key/close")
 * for task t, by the same rule http_route_permit() applies to the request
 * itself, without replying: 0 (no), 1 (yes), or 2 (yes, but it is the unit's
 * step -- a CAN_REPORT route -- that the caller, not the unit's reporter,
 * would record on the unit's behalf, e.g. from paper). For the actions a task
 * view offers. */
struct task_view;
int http_route_permits_task(struct req *r, const char *pattern, const struct task_view *t);
/* Finds the route and fills r->params; 0, or -1 after replying 404/405. */
int http_route(struct req *r);
/* Checks what the route needs -- the role's right to the action on the
 * entity, and the scope of the :key -- before the handler runs: the one
 * place where access is decided. 0, or -1 after replying 403 (a key that
 * does not exist is left to the handler's 404). Also points r->svc->who at
 * the caller, so that every list the services build keeps to its scope. */
int http_route_permit(struct req *r);
/* Who may call each route, as Markdown table rows ("| GET | /api/v1/... |
 * roles | scope |"), generated from the table and auth_can(). */
void http_route_rules(struct buf *out);
/* Every concrete method and path the server answers (generic routes
 * expanded over the data dictionary), one "METHOD PATH" per line. */
void http_route_list(struct buf *out);
/* A route made concrete: generic patterns expanded over the data dictionary
 * (/api/v1/meetings/{key}/speeches), with the entity and child entity. */
struct expanded {
	const struct route *rt;
	char method[8];
	char path[256];          /* OpenAPI style: {key} */
	const struct entity *e, *child;
};
/* Calls fn for every concrete API route, specific ones first, each method
 * and path once (the web application's files left out). */
void http_each_route(void (*fn)(void *ctx, const struct expanded *x), void *ctx);
/* The OpenAPI 3 document of the routes (openapi.c); the caller owns it. */
json_t *http_openapi(void);

/* The entity a top-level list name or a child list name stands for. */
const struct entity *http_list_entity(const char *list);
const struct entity *http_child_entity(const struct entity *parent, const char *child);

/* The JSON of one stored row (links included, nested records not), NULL
 * with *err when it is gone; and its version as the reply's ETag. */
json_t *http_row_json(struct req *r, const struct entity *e, int64_t id, struct err *err);
void http_set_etag(struct req *r, json_t *obj);

/* ---- handlers ---- */
int h_health(struct req *r);
int h_openapi(struct req *r);
int h_login(struct req *r);
int h_logout(struct req *r);
int h_me(struct req *r);
int h_my_tokens(struct req *r);
int h_my_token_revoke(struct req *r);
int h_user_tokens(struct req *r);
int h_user_token_revoke(struct req *r);
int h_rows_list(struct req *r);
int h_rows_get(struct req *r);
int h_rows_create(struct req *r);
int h_rows_update(struct req *r);
int h_rows_delete(struct req *r);
int h_children_list(struct req *r);
int h_children_create(struct req *r);
int h_feedback_create(struct req *r);
int h_child_update(struct req *r);
int h_child_delete(struct req *r);
int h_user_create(struct req *r);
int h_user_password(struct req *r);
int h_task_list(struct req *r);
int h_task_get(struct req *r);
int h_task_action(struct req *r);
int h_task_report(struct req *r);
int h_task_extension(struct req *r);
int h_task_extension_decide(struct req *r);
int h_meeting_get(struct req *r);
int h_unit_get(struct req *r);
int h_unit_ranking(struct req *r);
int h_dashboard(struct req *r);
int h_search(struct req *r);
int h_audit(struct req *r);
int h_audit_verify(struct req *r);
int h_settings_get(struct req *r);
int h_settings_put(struct req *r);
int h_org_create(struct req *r);
int h_check(struct req *r);
int h_initiative_tree(struct req *r);
int h_static(struct req *r);
int h_light_history(struct req *r);
int h_meeting_report(struct req *r);
int h_dossier(struct req *r);
int h_package(struct req *r);
int h_notice(struct req *r);
int h_ledger(struct req *r);
int h_ledger_import(struct req *r);
int h_group_calendar(struct req *r);
int h_calendar_token(struct req *r);
int h_personal_calendar(struct req *r);
int h_backup(struct req *r);

/* ---- the server (server.c) ---- */
struct server_opts {
	const char *db;
	const char *listen;     /* "127.0.0.1:8080" */
	int threads;            /* 0: one per core */
	int secure_cookies;     /* mark cookies Secure (behind TLS) */
	int quiet;              /* no access log */
	const char *web_root;   /* serve the web application from this folder, not the binary */
	const char *base_url;   /* links in feeds: "https://plenum.example.gov"; NULL: http://LISTEN */
	int hsts;               /* send Strict-Transport-Security (behind TLS) */
	unsigned max_connections;  /* 0: LIM_CONNECTIONS */
	unsigned per_address;      /* 0: LIM_CONN_PER_ADDRESS */
	unsigned header_timeout_s; /* 0: LIM_HEADER_TIMEOUT_S */
	unsigned body_timeout_s;   /* 0: LIM_BODY_TIMEOUT_S */
	const char *read_db;       /* --read-db: reports and dashboards from this replica (replica.h); NULL: none */
	const char *trusted_proxy; /* --trusted-proxy: balancers whose X-Forwarded-For is believed (proxy.h) */
};
/* The database file the server serves (for backups). */
const char *http_db_path(void);
/* The base of links the server writes (calendar feeds), from --base-url or
 * the listen address; NULL when there is none (listening on 0.0.0.0 without
 * --base-url). Never taken from a request's Host header. */
const char *http_base_url(void);
/* The attributes of the session cookie (Secure behind TLS). */
const char *http_cookie_attrs(void);

/* Runs until SIGTERM or SIGINT, then stops gracefully. Returns an exit code. */
int server_run(const struct server_opts *o);

#endif
