/*
 * db_pg.c -- the PostgreSQL driver behind db.h, on libpq.
 *
 * One PGconn per struct db. Statements are cached per connection by SQL
 * text: the `?N` placeholders are rewritten to `$N` once, and the statement
 * is prepared on the server (PQprepare, names p1, p2, ...) the first time it
 * runs, with BIGINT for parameters bound as integers, DOUBLE PRECISION for
 * doubles and "unknown" (inferred by the server) for text, so the same text
 * bound with other kinds is prepared again. Parameters travel as text with
 * no quoting; results come back as text and are parsed by db_col_*.
 *
 * A statement's whole result is fetched when it first steps (no single-row
 * mode), because store code runs other queries on the same connection while
 * it walks rows. Large scans must therefore page (LIMIT/OFFSET or keyset).
 *
 * Change notification: every connection LISTENs on plenum_change; a commit
 * that wrote anything sends NOTIFY plenum_change inside its transaction, so
 * every listener hears of it once it is committed (see db_change_token()).
 *
 * This is the only file in plenum that includes libpq-fe.h. It is NOT a
 * connection pool and does not reconnect: a broken connection fails every
 * call with ST_FAIL until it is closed.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "db.h"
#include "db_driver.h"
#include "../core/err.h"
#include "../core/limits.h"
#include "../core/xalloc.h"
#include "../core/banned.h"

#define PG_CACHE_MAX 256
#define PG_PARAMS_MAX 999          /* as SQLite's default ?NNN limit */
#define PG_OID_INT8 20
#define PG_OID_INT2 21
#define PG_OID_INT4 23
#define PG_OID_BOOL 16
#define PG_OID_FLOAT4 700
#define PG_OID_FLOAT8 701
#define PG_OID_NUMERIC 1700
#define PG_OID_TEXT 25

struct db_stmt {
	const struct db_driver *drv;   /* first member: see db_driver.h */
	struct db *db;
	char *sql;                     /* the cache key, as given */
	char *pgsql;                   /* with $N placeholders */
	int nparams;
	char name[24];                 /* server-side name once prepared, else "" */
	char *prepared_sig;            /* per parameter: 'i', 'd' or '0' (unknown) */
	char *sig;                     /* kinds of the current bindings */
	char *as_text;                 /* per parameter: 1 when a text one is typed TEXT (see ensure_prepared) */
	char **vals;                   /* owned text of each binding, NULL for SQL NULL */
	PGresult *res;                 /* result of the current execution, or NULL */
	int row;                       /* current row in res */
	int busy;                      /* handed out by db_prepare, not yet db_done: never evicted */
};

struct db {
	const struct db_driver *drv;   /* first member: see db_driver.h */
	PGconn *conn;
	struct db_stmt *cache[PG_CACHE_MAX];
	int ncache;
	unsigned next_name;
	int wrote;                     /* the open transaction has written */
	int64_t changes;
	int64_t others;                /* notifications from other sessions */
	int64_t own_commits;
};

static void chomp(char *msg, size_t n)
{
	size_t len = strnlen(msg, n);

	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		msg[--len] = '\0';
}

/* Maps a failed result (or the connection's error when res is NULL) to an
 * error class, as db.h promises: SQLSTATE class 23 is a conflict. */
static int pg_fail(struct db *db, const PGresult *res, struct err *err, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char msg[400];

	snprintf(msg, sizeof(msg), "%s", primary ? primary : db && db->conn ? PQerrorMessage(db->conn) : "no connection");
	chomp(msg, sizeof(msg));
	if (state && strncmp(state, "23", 2) == 0)
		return err_set(err, ST_CONFLICT, "database: %s", msg);
	if (state && (strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0 || strcmp(state, "40001") == 0))
		return err_set(err, ST_BUSY, "database busy: %s: %s", what, msg);
	if (state && strcmp(state, "53100") == 0)
		return err_set(err, ST_FAIL, "database: disk full: %s", msg);
	return err_set(err, ST_FAIL, "database: %s: %s", what, msg);
}

/* Runs sql with no parameters; 0 when it completed. */
static int run(struct db *db, const char *sql, struct err *err, const char *what)
{
	PGresult *res = PQexec(db->conn, sql);
	ExecStatusType s = PQresultStatus(res);
	int rc = 0;

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_EMPTY_QUERY)
		rc = pg_fail(db, res, err, what);
	PQclear(res);
	return rc;
}

static int in_tx(struct db *db)
{
	return PQtransactionStatus(db->conn) != PQTRANS_IDLE;
}

/* A write outside a transaction has committed already: tell the others. */
static void wrote_something(struct db *db)
{
	if (in_tx(db)) {
		db->wrote = 1;
		return;
	}
	db->own_commits++;
	run(db, "NOTIFY plenum_change", NULL, "notify");
}

static void pg_close(struct db *db);

static struct db *pg_open(const char *url, int flags, struct err *err)
{
	struct db *db = xcalloc(1, sizeof(*db));
	const char *hs;

	db->drv = &db_driver_pg;
	db->conn = PQconnectdb(url);
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		char msg[300];

		snprintf(msg, sizeof(msg), "%s", db->conn ? PQerrorMessage(db->conn) : "out of memory");
		chomp(msg, sizeof(msg));
		/* The URL may hold a password: name the driver, not the URL. */
		err_set(err, ST_FAIL, "cannot open the PostgreSQL database: %s", msg);
		goto fail;
	}
	if (PQsetClientEncoding(db->conn, "UTF8") != 0) {
		pg_fail(db, NULL, err, "client encoding");
		goto fail;
	}
	/* Server notices ("already exists, skipping") are not for plenum's users.
	 * A hot standby refuses LISTEN (and hears no NOTIFY): it is read only. */
	hs = PQparameterStatus(db->conn, "in_hot_standby");
	if (run(db, hs && strcmp(hs, "on") == 0 ? "SET TIME ZONE 'UTC'; SET client_min_messages = warning"
		    : "SET TIME ZONE 'UTC'; SET client_min_messages = warning; LISTEN plenum_change", err, "open") != 0)
		goto fail;
	if ((flags & DB_OPEN_READONLY) && run(db, "SET default_transaction_read_only = on", err, "open") != 0)
		goto fail;
	return db;
fail:
	pg_close(db);
	return NULL;
}

static void stmt_free(struct db_stmt *s)
{
	if (s == NULL)
		return;
	PQclear(s->res);
	for (int i = 0; i < s->nparams; i++)
		free(s->vals[i]);
	free(s->vals);
	free(s->sig);
	free(s->as_text);
	free(s->prepared_sig);
	free(s->pgsql);
	free(s->sql);
	free(s);
}

static void pg_close(struct db *db)
{
	if (db == NULL)
		return;
	for (int i = 0; i < db->ncache; i++)
		stmt_free(db->cache[i]);
	PQfinish(db->conn);
	free(db);
}

static int pg_exec(struct db *db, const char *sql, struct err *err)
{
	if (run(db, sql, err, "exec") != 0)
		return -1;
	wrote_something(db);
	return 0;
}

/* Rewrites `?N` and bare `?` (one more than the largest number so far, as
 * in SQLite) into `$N`, leaving quoted strings ('...', E'...' with its
 * backslash escapes), quoted identifiers and comments (line and block)
 * alone. Dollar-quoted bodies are not recognised: they belong
 * in migrations, which go through db_exec() and are never rewritten.
 * Fails on numbers out of range and on gaps. */
static char *rewrite(const char *sql, int *nparams, struct err *err)
{
	size_t n = strlen(sql);
	char *out = xmalloc(n * 4 + 1);      /* "?" may become "$999" */
	unsigned char seen[PG_PARAMS_MAX + 1] = { 0 };
	size_t o = 0;
	int max = 0;
	char quote = 0;
	int escapes = 0;               /* inside E'...': a backslash quotes the next byte */

	for (size_t i = 0; i < n; i++) {
		char c = sql[i];

		if (quote) {
			out[o++] = c;
			if (escapes && c == '\\' && i + 1 < n)
				out[o++] = sql[++i];
			else if (c == quote)
				quote = 0;
			continue;
		}
		if (c == '\'' || c == '"') {
			quote = c;
			escapes = c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
				  (i == 1 || !(isalnum((unsigned char)sql[i - 2]) || sql[i - 2] == '_'));
			out[o++] = c;
			continue;
		}
		if (c == '/' && sql[i + 1] == '*') {
			const char *end = strstr(sql + i + 2, "*/");
			size_t len = end ? (size_t)(end + 2 - (sql + i)) : n - i;

			memcpy(out + o, sql + i, len);
			o += len;
			i += len - 1;
			continue;
		}
		if (c == '-' && sql[i + 1] == '-') {
			while (i < n && sql[i] != '\n')
				out[o++] = sql[i++];
			if (i < n)
				out[o++] = sql[i];
			continue;
		}
		if (c != '?') {
			out[o++] = c;
			continue;
		}
		long num;
		if (sql[i + 1] >= '0' && sql[i + 1] <= '9') {
			char *end;

			errno = 0;
			num = strtol(sql + i + 1, &end, 10);
			if (errno != 0 || num < 1 || num > PG_PARAMS_MAX) {
				err_set(err, ST_FAIL, "database: placeholder ?%.10s out of range 1..%d", sql + i + 1, PG_PARAMS_MAX);
				goto fail;
			}
			i = (size_t)(end - sql) - 1;
		} else {
			num = max + 1;
			if (num > PG_PARAMS_MAX) {
				err_set(err, ST_FAIL, "database: more than %d placeholders", PG_PARAMS_MAX);
				goto fail;
			}
		}
		seen[num] = 1;
		if (num > max)
			max = (int)num;
		o += (size_t)snprintf(out + o, 8, "$%ld", num);
	}
	out[o] = '\0';
	for (int k = 1; k <= max; k++) {
		if (!seen[k]) {
			err_set(err, ST_FAIL, "database: placeholder ?%d is missing (numbers must run from ?1 without gaps): %.80s",
				k, sql);
			goto fail;
		}
	}
	*nparams = max;
	return out;
fail:
	free(out);
	return NULL;
}

static void deallocate(struct db_stmt *s)
{
	char sql[48];

	if (s->name[0] == '\0')
		return;
	snprintf(sql, sizeof(sql), "DEALLOCATE %s", s->name);
	/* In an aborted transaction this fails; the name is then left on the
	 * server until the connection closes, which is harmless. */
	run(s->db, sql, NULL, "deallocate");
	s->name[0] = '\0';
}

static struct db_stmt *pg_prepare(struct db *db, const char *sql, struct err *err)
{
	struct db_stmt *s;
	char *pgsql;
	int n = 0;

	for (int i = 0; i < db->ncache; i++) {
		s = db->cache[i];
		if (s->sql == sql || strcmp(s->sql, sql) == 0) {
			s->busy = 1;
			return s;
		}
	}
	pgsql = rewrite(sql, &n, err);
	if (pgsql == NULL)
		return NULL;
	s = xcalloc(1, sizeof(*s));
	s->drv = &db_driver_pg;
	s->db = db;
	s->sql = xstrdup(sql);
	s->pgsql = pgsql;
	s->nparams = n;
	s->vals = xcalloc((size_t)n + 1, sizeof(*s->vals));
	s->sig = xcalloc((size_t)n + 1, 1);
	s->as_text = xcalloc((size_t)n + 1, 1);
	memset(s->sig, '0', (size_t)n);
	if (db->ncache == PG_CACHE_MAX) {
		/* Full: evict the oldest statement nobody holds, so that a
		 * statement stays valid from db_prepare to db_done (db.h). */
		int victim = -1;

		for (int i = 0; i < db->ncache && victim < 0; i++)
			if (!db->cache[i]->busy)
				victim = i;
		if (victim < 0) {
			stmt_free(s);
			err_set(err, ST_FAIL, "database: more than %d statements in use at once", PG_CACHE_MAX);
			return NULL;
		}
		deallocate(db->cache[victim]);
		stmt_free(db->cache[victim]);
		memmove(db->cache + victim, db->cache + victim + 1, sizeof(db->cache[0]) * (size_t)(db->ncache - victim - 1));
		db->ncache--;
	}
	db->cache[db->ncache++] = s;
	s->busy = 1;
	return s;
}

static void pg_done(struct db_stmt *s)
{
	s->busy = 0;
	PQclear(s->res);
	s->res = NULL;
	s->row = 0;
	for (int i = 0; i < s->nparams; i++) {
		free(s->vals[i]);
		s->vals[i] = NULL;
	}
	memset(s->sig, '0', (size_t)s->nparams);
}

static int bind_owned(struct db_stmt *s, int i, char *v, char kind)
{
	if (i < 1 || i > s->nparams || s->res != NULL) {
		free(v);
		return -1;
	}
	free(s->vals[i - 1]);
	s->vals[i - 1] = v;
	/* NULL fits any type: keep the prepared one, so that the statement
	 * is not prepared again just for a NULL. */
	if (kind == 'n')
		kind = s->prepared_sig ? s->prepared_sig[i - 1] : '0';
	s->sig[i - 1] = kind;
	return 0;
}

static int pg_bind_int(struct db_stmt *s, int i, int64_t v)
{
	char t[24];

	snprintf(t, sizeof(t), "%" PRId64, v);
	return bind_owned(s, i, xstrdup(t), 'i');
}

static int pg_bind_double(struct db_stmt *s, int i, double v)
{
	char t[40];

	if (v != v)
		snprintf(t, sizeof(t), "NaN");
	else if (v > 1.7976931348623157e308)
		snprintf(t, sizeof(t), "Infinity");
	else if (v < -1.7976931348623157e308)
		snprintf(t, sizeof(t), "-Infinity");
	else
		snprintf(t, sizeof(t), "%.17g", v);
	return bind_owned(s, i, xstrdup(t), 'd');
}

static int pg_bind_text(struct db_stmt *s, int i, const char *v)
{
	return bind_owned(s, i, v ? xstrdup(v) : NULL, v ? '0' : 'n');
}

static int pg_bind_null(struct db_stmt *s, int i)
{
	return bind_owned(s, i, NULL, 'n');
}

static unsigned kind_oid(const struct db_stmt *s, int i)
{
	char k = s->sig[i];

	if (k == '0' && s->as_text[i])
		return PG_OID_TEXT;
	return k == 'i' ? PG_OID_INT8 : k == 'd' ? PG_OID_FLOAT8 : 0;
}

/* The parameter number of "could not determine data type of parameter $N"
 * (SQLSTATE 42P08 or 42P18), or 0. */
static int indeterminate_param(const PGresult *res)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *d = msg ? strrchr(msg, '$') : NULL;
	long n;

	if (state == NULL || (strcmp(state, "42P18") != 0 && strcmp(state, "42P08") != 0) || d == NULL)
		return 0;
	n = strtol(d + 1, NULL, 10);
	return n >= 1 && n <= PG_PARAMS_MAX ? (int)n : 0;
}

/* Prepares s on the server for the kinds now bound, unless it already is.
 * Text is sent untyped so that the server infers each parameter's type
 * from its use (a key compared with an integer column is an integer). A
 * parameter the server cannot type that way (`?2 IS NULL OR x = ?2` as
 * written first) is text: it is typed TEXT and the statement prepared
 * again, once per statement and connection; inside a transaction a
 * savepoint keeps the failed attempt from aborting it. */
static int ensure_prepared(struct db_stmt *s, struct err *err)
{
	Oid types[PG_PARAMS_MAX];
	PGresult *res = NULL;
	int rc = 0, saved = 0;

	if (s->name[0] && s->prepared_sig && memcmp(s->prepared_sig, s->sig, (size_t)s->nparams) == 0)
		return 0;
	deallocate(s);
	snprintf(s->name, sizeof(s->name), "p%u", ++s->db->next_name);
	for (int attempt = 0; attempt <= s->nparams; attempt++) {
		int bad;

		for (int i = 0; i < s->nparams; i++)
			types[i] = kind_oid(s, i);
		if (in_tx(s->db) && !saved) {
			if (run(s->db, "SAVEPOINT plenum_prepare", err, "prepare") != 0)
				goto fail;
			saved = 1;
		}
		PQclear(res);
		res = PQprepare(s->db->conn, s->name, s->pgsql, s->nparams, types);
		if (PQresultStatus(res) == PGRES_COMMAND_OK)
			break;
		bad = indeterminate_param(res);
		if (bad == 0 || s->as_text[bad - 1] || s->sig[bad - 1] != '0')
			break;
		s->as_text[bad - 1] = 1;
		if (saved && run(s->db, "ROLLBACK TO SAVEPOINT plenum_prepare", err, "prepare") != 0)
			goto fail;
	}
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = pg_fail(s->db, res, err, "prepare");
		s->name[0] = '\0';
	} else {
		free(s->prepared_sig);
		s->prepared_sig = xmalloc((size_t)s->nparams + 1);
		memcpy(s->prepared_sig, s->sig, (size_t)s->nparams + 1);
	}
	if (saved && rc == 0 && run(s->db, "RELEASE SAVEPOINT plenum_prepare", err, "prepare") != 0)
		rc = -1;
	PQclear(res);
	return rc;
fail:
	PQclear(res);
	s->name[0] = '\0';
	return -1;
}

static int is_write(const PGresult *res)
{
	const char *tag = PQcmdStatus((PGresult *)res);
	const char *n = PQcmdTuples((PGresult *)res);

	if (strncmp(tag, "INSERT", 6) && strncmp(tag, "UPDATE", 6) && strncmp(tag, "DELETE", 6) && strncmp(tag, "MERGE", 5))
		return 0;
	return n[0] != '\0' && strcmp(n, "0") != 0;
}

static int pg_step(struct db_stmt *s, struct err *err)
{
	ExecStatusType st;
	const char *n;

	if (s->res != NULL) {
		s->row++;
		return s->row < PQntuples(s->res) ? DB_ROW : DB_DONE;
	}
	if (ensure_prepared(s, err) != 0)
		return -1;
	s->res = PQexecPrepared(s->db->conn, s->name, s->nparams, (const char *const *)s->vals, NULL, NULL, 0);
	st = PQresultStatus(s->res);
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		pg_fail(s->db, s->res, err, "step");
		PQclear(s->res);
		s->res = NULL;
		return -1;
	}
	n = PQcmdTuples(s->res);
	if (n[0] != '\0')
		s->db->changes = strtoll(n, NULL, 10);
	if (is_write(s->res))
		wrote_something(s->db);
	s->row = 0;
	return st == PGRES_TUPLES_OK && PQntuples(s->res) > 0 ? DB_ROW : DB_DONE;
}

static int has_cell(struct db_stmt *s, int i)
{
	return s->res != NULL && s->row < PQntuples(s->res) && i >= 0 && i < PQnfields(s->res);
}

static int pg_col_count(struct db_stmt *s)
{
	return s->res ? PQnfields(s->res) : 0;
}

static int pg_col_is_null(struct db_stmt *s, int i)
{
	return !has_cell(s, i) || PQgetisnull(s->res, s->row, i);
}

static int64_t pg_col_int(struct db_stmt *s, int i)
{
	const char *v;

	if (pg_col_is_null(s, i))
		return 0;
	v = PQgetvalue(s->res, s->row, i);
	if (v[0] == 't' && v[1] == '\0')
		return 1;
	if (PQftype(s->res, i) == PG_OID_FLOAT8 || PQftype(s->res, i) == PG_OID_FLOAT4 || PQftype(s->res, i) == PG_OID_NUMERIC)
		return (int64_t)strtod(v, NULL);
	return strtoll(v, NULL, 10);
}

static double pg_col_double(struct db_stmt *s, int i)
{
	if (pg_col_is_null(s, i))
		return 0.0;
	return strtod(PQgetvalue(s->res, s->row, i), NULL);
}

static const char *pg_col_text(struct db_stmt *s, int i)
{
	if (pg_col_is_null(s, i))
		return NULL;
	return PQgetvalue(s->res, s->row, i);
}

static int pg_col_kind(struct db_stmt *s, int i)
{
	if (pg_col_is_null(s, i))
		return 0;
	switch (PQftype(s->res, i)) {
	case PG_OID_INT8: case PG_OID_INT4: case PG_OID_INT2: case PG_OID_BOOL:
		return 1;
	case PG_OID_FLOAT8: case PG_OID_FLOAT4: case PG_OID_NUMERIC:
		return 2;
	default:
		return 3;
	}
}

static int pg_begin(struct db *db, struct err *err)
{
	db->wrote = 0;
	return run(db, "BEGIN ISOLATION LEVEL READ COMMITTED", err, "begin");
}

/* A read snapshot: every statement until the commit sees the same data. */
static int pg_begin_read(struct db *db, struct err *err)
{
	db->wrote = 0;
	return run(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err, "begin");
}

static int pg_in_transaction(struct db *db)
{
	return PQtransactionStatus(db->conn) != PQTRANS_IDLE;
}

/* How long a statement waits for a lock held elsewhere before it fails
 * (mapped to busy). Best effort: a failure here leaves the server's default. */
static void pg_set_busy_wait(struct db *db, int ms)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "SET lock_timeout = %d", ms);
	run(db, sql, NULL, "lock_timeout");
}

static int pg_commit(struct db *db, struct err *err)
{
	PGresult *res;
	int rc = 0;

	if (db->wrote && run(db, "NOTIFY plenum_change", err, "notify") != 0) {
		run(db, "ROLLBACK", NULL, "rollback");
		return -1;
	}
	res = PQexec(db->conn, "COMMIT");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pg_fail(db, res, err, "commit");
	else if (strcmp(PQcmdStatus(res), "COMMIT") != 0)
		/* COMMIT of a transaction that had failed answers ROLLBACK. */
		rc = err_set(err, ST_FAIL, "database: commit: the transaction had failed and was rolled back");
	else if (db->wrote)
		db->own_commits++;
	PQclear(res);
	db->wrote = 0;
	return rc;
}

static void pg_rollback(struct db *db)
{
	if (in_tx(db))
		run(db, "ROLLBACK", NULL, "rollback");
	db->wrote = 0;
}

static int pg_lock_org(struct db *db, int64_t org_id, struct err *err)
{
	struct db_stmt *s;
	int rc;

	if (!in_tx(db))
		return err_set(err, ST_FAIL, "database: db_lock_org outside a transaction");
	/* Advisory locks are the whole database's: the key is the org within
	 * this schema, so that plenums in other schemas of the same database
	 * (the tests', or tenants') never wait for each other. */
	s = pg_prepare(db, "SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || '/' || CAST(?1 AS TEXT), 0))",
		       err);
	if (s == NULL)
		return -1;
	pg_bind_int(s, 1, org_id);
	rc = pg_step(s, err);
	pg_done(s);
	return rc < 0 ? -1 : 0;
}

/* lastval() would abort the transaction when no sequence was used yet, and
 * be wrong after a trigger's insert: callers use RETURNING (db.h). */
static int64_t pg_last_id(struct db *db)
{
	(void)db;
	return -1;
}

/* Drains the notifications that have arrived; a round trip first when no
 * transaction is open, so that commits acknowledged to others before this
 * call are counted. */
static int64_t pg_data_version(struct db *db)
{
	PGnotify *n;
	int self = PQbackendPID(db->conn);

	if (!in_tx(db) && run(db, "", NULL, "sync") != 0)
		return -1;
	if (PQconsumeInput(db->conn) == 0)
		return -1;
	while ((n = PQnotifies(db->conn)) != NULL) {
		if (n->be_pid != self)
			db->others++;
		PQfreemem(n);
	}
	return db->others;
}

static int64_t pg_change_token(struct db *db)
{
	int64_t v = pg_data_version(db);

	return v < 0 ? -1 : v + db->own_commits;
}

static int64_t pg_changes(struct db *db)
{
	return db->changes;
}

static int pg_backup(struct db *db, const char *path, struct err *err)
{
	(void)db;
	(void)path;
	return err_set(err, ST_FAIL, "backups of a PostgreSQL database are made with pg_dump or pg_basebackup (docs/SCALING.md)");
}

static int pg_restore(struct db *db, const char *path, struct err *err)
{
	(void)db;
	(void)path;
	return err_set(err, ST_FAIL, "a PostgreSQL database is restored with pg_restore or from a base backup (docs/SCALING.md)");
}

/* ---- bulk load (db.h): COPY ... FROM STDIN in text format. Rows are
 * escaped into a block sent with PQputCopyData once it passes
 * LIM_COPY_SEND_BYTES; the server checks them as they arrive, and its
 * verdict comes with PQputCopyEnd's result. ---- */

struct db_copy {
	const struct db_driver *drv;   /* first member: see db_driver.h */
	struct db *db;
	int ncols;
	char *block;
	size_t len, cap;
	int failed;                    /* a send failed: the rest is not sent */
};

static void copy_put(struct db_copy *c, const char *s, size_t n)
{
	if (c->len + n > c->cap) {
		while (c->len + n > c->cap)
			c->cap *= 2;
		c->block = xrealloc(c->block, c->cap);
	}
	memcpy(c->block + c->len, s, n);
	c->len += n;
}

/* Text in COPY's text format: backslash, tab, newline and CR escaped. */
static void copy_put_text(struct db_copy *c, const char *s)
{
	const char *run = s;

	for (; *s; s++) {
		const char *esc = *s == '\\' ? "\\\\" : *s == '\t' ? "\\t" : *s == '\n' ? "\\n" : *s == '\r' ? "\\r" : NULL;

		if (esc == NULL)
			continue;
		copy_put(c, run, (size_t)(s - run));
		copy_put(c, esc, 2);
		run = s + 1;
	}
	copy_put(c, run, (size_t)(s - run));
}

static int copy_send(struct db_copy *c, struct err *err)
{
	if (c->len == 0 || c->failed)
		return c->failed ? -1 : 0;
	if (PQputCopyData(c->db->conn, c->block, (int)c->len) != 1) {
		c->failed = 1;
		return pg_fail(c->db, NULL, err, "copy");
	}
	c->len = 0;
	return 0;
}

static struct db_copy *pg_copy_begin(struct db *db, const char *table, const char *const *cols, int ncols,
				     struct err *err)
{
	char sql[4096];
	size_t n;
	struct db_copy *c;
	PGresult *res;

	if (ncols < 1 || ncols > LIM_COPY_COLUMNS) {
		err_set(err, ST_FAIL, "database: copy into %s: %d columns", table, ncols);
		return NULL;
	}
	n = (size_t)snprintf(sql, sizeof(sql), "COPY \"%s\" (", table);
	for (int i = 0; i < ncols && n < sizeof(sql); i++)
		n += (size_t)snprintf(sql + n, sizeof(sql) - n, "%s\"%s\"", i ? ", " : "", cols[i]);
	if (n < sizeof(sql))
		n += (size_t)snprintf(sql + n, sizeof(sql) - n, ") FROM STDIN");
	if (n >= sizeof(sql)) {
		err_set(err, ST_FAIL, "database: copy into %s: the statement is too long", table);
		return NULL;
	}
	res = PQexec(db->conn, sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		pg_fail(db, res, err, "copy");
		PQclear(res);
		return NULL;
	}
	PQclear(res);
	c = xcalloc(1, sizeof(*c));
	c->drv = &db_driver_pg;
	c->db = db;
	c->ncols = ncols;
	c->cap = LIM_COPY_SEND_BYTES + 4096;
	c->block = xmalloc(c->cap);
	return c;
}

static int pg_copy_row(struct db_copy *c, const struct db_value *v, struct err *err)
{
	char num[40];

	if (c->failed)
		return err_set(err, ST_FAIL, "database: copy: an earlier block was not sent");
	for (int i = 0; i < c->ncols; i++) {
		if (i)
			copy_put(c, "\t", 1);
		switch (v[i].kind) {
		case DB_KIND_INT:
			copy_put(c, num, (size_t)snprintf(num, sizeof(num), "%" PRId64, v[i].i));
			break;
		case DB_KIND_REAL:
			copy_put(c, num, (size_t)snprintf(num, sizeof(num), "%.17g", v[i].d));
			break;
		case DB_KIND_TEXT:
			copy_put_text(c, v[i].s);
			break;
		default:
			copy_put(c, "\\N", 2);
			break;
		}
	}
	copy_put(c, "\n", 1);
	return c->len >= LIM_COPY_SEND_BYTES ? copy_send(c, err) : 0;
}

static int pg_copy_end(struct db_copy *c, int ok, struct err *err)
{
	struct db *db = c->db;
	PGresult *res;
	int rc = 0;

	if (ok && copy_send(c, err) != 0)
		ok = 0, rc = -1;
	if (PQputCopyEnd(db->conn, ok ? NULL : "abandoned by plenum") != 1 && rc == 0 && ok)
		rc = pg_fail(db, NULL, err, "copy");
	while ((res = PQgetResult(db->conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == 0 && ok)
			rc = pg_fail(db, res, err, "copy");
		else if (PQresultStatus(res) == PGRES_COMMAND_OK)
			db->changes = strtoll(PQcmdTuples(res), NULL, 10);
		PQclear(res);
	}
	if (ok && rc == 0)
		db->wrote = 1;
	free(c->block);
	free(c);
	return ok ? rc : -1;
}

const struct db_driver db_driver_pg = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.done = pg_done,
	.bind_int = pg_bind_int,
	.bind_double = pg_bind_double,
	.bind_text = pg_bind_text,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.col_count = pg_col_count,
	.col_is_null = pg_col_is_null,
	.col_int = pg_col_int,
	.col_double = pg_col_double,
	.col_text = pg_col_text,
	.col_kind = pg_col_kind,
	.set_busy_wait = pg_set_busy_wait,
	.begin = pg_begin,
	.begin_read = pg_begin_read,
	.in_transaction = pg_in_transaction,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.lock_org = pg_lock_org,
	.last_id = pg_last_id,
	.data_version = pg_data_version,
	.change_token = pg_change_token,
	.changes = pg_changes,
	.backup = pg_backup,
	.restore = pg_restore,
	.copy_begin = pg_copy_begin,
	.copy_row = pg_copy_row,
	.copy_end = pg_copy_end,
};
