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
 * A SELECT's rows are read one at a time as it steps (libpq's single-row
 * mode: the server streams them, the socket holds back the rest), so that a
 * scan of a whole org holds a bounded part of it, as SQLite does; no
 * statement or round trip is added. Store code may run another statement on
 * the same connection while it walks rows: the rows still coming are then
 * read into memory first (drain_stream(), which settle() calls), and the
 * scan goes on from there. Other statements (writes, RETURNING) get their
 * whole result at once.
 *
 * Change notification: every connection LISTENs on plenum_change; a commit
 * that wrote anything sends NOTIFY plenum_change inside its transaction, so
 * every listener hears of it once it is committed (see db_change_token()).
 *
 * Round trips are what a request costs here (each statement waits for the
 * server), so the driver saves those it can without changing what db.h
 * promises: BEGIN is not sent by db_begin()/db_begin_read() but with the
 * transaction's first statement (in one pipeline: libpq's pipeline mode),
 * and a transaction that ran nothing sends nothing; the NOTIFY travels with
 * the COMMIT in one query; after db_version_mark() the change token is read
 * from the notifications that came with the next statement run outside a
 * transaction (the server's authentication), not with an empty query of
 * its own; a read snapshot's ROLLBACK is sent without waiting for its
 * answer. db_round_trips() counts what is left.
 *
 * So the connection may hold a BEGIN not sent yet, or an answer not read
 * yet: code in this file that calls libpq on db->conn itself, rather than
 * through run() or execute(), calls conn_ready() first.
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
#define PG_QUEUE_MAX 32            /* statements sent by db_send() and not yet read */
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
	int queued;                    /* sent by db_send(), in db->queue: its answer not read yet */
	int queued_prepare;            /* its preparation went in the same pipeline */
	int ready;                     /* its answer read into res by flush_queue(), not yet stepped */
	int select;                    /* a SELECT: its rows are streamed (single-row mode) */
	int streaming;                 /* res holds one row and more are coming: it is db->stream */
	PGresult *tail;                /* a failure after the rows drain_stream() kept: reported after them */
	PGresult *held;                /* the row drain_stream() copied: its text stays valid until the next step */
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
	int64_t round_trips;           /* times this connection waited for the server (db_round_trips) */
	const char *begin_sql;         /* a BEGIN not sent yet: goes with the next statement */
	int reading;                   /* the open transaction is a read snapshot (db_begin_read) */
	int inflight;                  /* a read snapshot's ROLLBACK sent, its answer not read yet */
	int piping;                    /* in pipeline mode for db_send(): queue[] not flushed yet */
	int queue_begin;               /* that pipeline starts with the pending BEGIN */
	struct db_stmt *queue[PG_QUEUE_MAX];
	int nqueue;
	int marked;                    /* db_version_mark() called, no version read since */
	int fresh;                     /* marked, and a statement completed outside a transaction since */
	struct db_stmt *stream;        /* the statement whose rows are still coming, or NULL */
	int stream_piped;              /* it was sent in a pipeline: a sync to read at its end */
};

/* After each exchange with the server: an exchange that ended outside a
 * transaction had the notifications committed before it delivered ahead
 * of its ReadyForQuery, so after a mark it is a reading of the version. */
static void answered(struct db *db)
{
	db->round_trips++;
	if (db->marked && PQtransactionStatus(db->conn) == PQTRANS_IDLE)
		db->fresh = 1;
}

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

static void flush_queue(struct db *db);
static void drain_stream(struct db *db);
static void drop_stream(struct db_stmt *s);

/* Reads the answers to statements sent by db_send() (flush_queue) and to
 * a read snapshot's ROLLBACK sent without waiting (pg_rollback), before
 * anything else is sent or the transaction status read. The ROLLBACK's
 * notifications are kept by libpq for db_data_version(); its failure can
 * only mean a broken connection, which the next call reports. */
static void settle(struct db *db)
{
	PGresult *r;

	drain_stream(db);
	flush_queue(db);
	if (!db->inflight)
		return;
	db->inflight = 0;
	while ((r = PQgetResult(db->conn)) != NULL)
		PQclear(r);
}

/* Runs sql with no parameters (one statement or several, one round trip),
 * after a BEGIN not sent yet; 0 when it completed. */
static int run(struct db *db, const char *sql, struct err *err, const char *what)
{
	PGresult *res;
	ExecStatusType s;
	char *both = NULL;
	int rc = 0;

	settle(db);
	if (db->begin_sql) {
		size_t nb = strlen(db->begin_sql), ns = strlen(sql);

		both = xmalloc(nb + ns + 3);
		memcpy(both, db->begin_sql, nb);
		memcpy(both + nb, "; ", 2);
		memcpy(both + nb + 2, sql, ns + 1);
		db->begin_sql = NULL;
	}
	res = PQexec(db->conn, both ? both : sql);
	free(both);
	s = PQresultStatus(res);
	answered(db);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_EMPTY_QUERY)
		rc = pg_fail(db, res, err, what);
	PQclear(res);
	return rc;
}

/* Sends a pending BEGIN and reads any answer not read yet, so that libpq
 * may be called directly (a COPY, say) inside the transaction the caller
 * opened. 0, or -1 with *err filled. */
static int conn_ready(struct db *db, struct err *err)
{
	settle(db);
	return db->begin_sql ? run(db, "", err, "begin") : 0;
}

static int in_tx(struct db *db)
{
	settle(db);
	return db->begin_sql != NULL || PQtransactionStatus(db->conn) != PQTRANS_IDLE;
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

	/* The encoding travels in the start-up packet (set after the URL's
	 * own keywords, so it wins): no round trip of its own. */
	const char *const keys[] = { "dbname", "client_encoding", NULL };
	const char *const vals[] = { url, "UTF8", NULL };
	char setup[160];

	db->drv = &db_driver_pg;
	db->conn = PQconnectdbParams(keys, vals, 1);
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		char msg[300];

		snprintf(msg, sizeof(msg), "%s", db->conn ? PQerrorMessage(db->conn) : "out of memory");
		chomp(msg, sizeof(msg));
		/* The URL may hold a password: name the driver, not the URL. */
		err_set(err, ST_FAIL, "cannot open the PostgreSQL database: %s", msg);
		goto fail;
	}
	if (strcmp(pg_encoding_to_char(PQclientEncoding(db->conn)), "UTF8") != 0 &&
	    PQsetClientEncoding(db->conn, "UTF8") != 0) {
		pg_fail(db, NULL, err, "client encoding");
		goto fail;
	}
	/* Server notices ("already exists, skipping") are not for plenum's users.
	 * A hot standby refuses LISTEN (and hears no NOTIFY): it is read only.
	 * One query, one round trip. */
	hs = PQparameterStatus(db->conn, "in_hot_standby");
	snprintf(setup, sizeof(setup), "SET TIME ZONE 'UTC'; SET client_min_messages = warning%s%s",
		 hs && strcmp(hs, "on") == 0 ? "" : "; LISTEN plenum_change",
		 flags & DB_OPEN_READONLY ? "; SET default_transaction_read_only = on" : "");
	if (run(db, setup, err, "open") != 0)
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
	PQclear(s->tail);
	PQclear(s->held);
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

/* DDL and migrations, whose text can be long: a pending BEGIN goes first
 * on its own rather than copied in front of it. */
static int pg_exec(struct db *db, const char *sql, struct err *err)
{
	if (conn_ready(db, err) != 0 || run(db, sql, err, "exec") != 0)
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

/* 1 when sql is a SELECT (not a WITH, which may write): a plain read,
 * whose rows may be streamed. */
static int is_select(const char *sql)
{
	const char *word = "select";

	while (isspace((unsigned char)*sql))
		sql++;
	for (int i = 0; word[i]; i++)
		if (tolower((unsigned char)sql[i]) != word[i])
			return 0;
	return !isalnum((unsigned char)sql[6]) && sql[6] != '_';
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
	s->select = is_select(pgsql);
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
	if (s->queued)
		flush_queue(s->db);            /* answers are read in the order sent */
	if (s->streaming)
		drop_stream(s);
	PQclear(s->tail);
	s->tail = NULL;
	PQclear(s->held);
	s->held = NULL;
	s->ready = 0;
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
	if (i >= 1 && i <= s->nparams && (s->queued || s->ready)) {
		/* sent already: binding the value it was sent with again is a
		 * no-op (a reader that binds before stepping, db_send) */
		int same = v == NULL ? s->vals[i - 1] == NULL : s->vals[i - 1] && strcmp(v, s->vals[i - 1]) == 0;

		free(v);
		return same ? 0 : -1;
	}
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
		answered(s->db);
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

/* The result of the next command in a pipeline, which ends (for libpq)
 * with a NULL: consumed here. */
static PGresult *next_result(PGconn *c)
{
	PGresult *res = PQgetResult(c), *extra;

	while (res && (extra = PQgetResult(c)) != NULL)
		PQclear(extra);
	return res;
}

/* The end of the stream of db->stream, whose last result (the command's
 * completion or its failure) was last: reads what follows it (the end of
 * the command, and the sync of a pipeline), so that the connection is
 * free again. last is consumed; the completion's row count is kept. */
static void end_stream(struct db *db, PGresult *last)
{
	PGconn *c = db->conn;
	PGresult *r;
	const char *n;

	if (last && PQresultStatus(last) == PGRES_TUPLES_OK) {
		n = PQcmdTuples(last);
		if (n[0] != '\0')
			db->changes = strtoll(n, NULL, 10);
	}
	if (last)
		while ((r = PQgetResult(c)) != NULL)
			PQclear(r);
	if (db->stream_piped) {
		PQclear(PQgetResult(c));       /* the sync */
		PQexitPipelineMode(c);
	}
	db->stream->streaming = 0;
	db->stream = NULL;
	db->stream_piped = 0;
	/* The command completed just now: after a mark, as answered() says. */
	if (db->marked && PQtransactionStatus(c) == PQTRANS_IDLE)
		db->fresh = 1;
}

/* Another use of the connection while a SELECT's rows are still coming:
 * the rest of them is read into the statement's result, its current row
 * first, so that the statement steps on as before (memory then grows with
 * what is left, as it did for every statement before rows were streamed).
 * A failure after the rows is kept for the step that reaches it. */
static void drain_stream(struct db *db)
{
	struct db_stmt *s = db->stream;
	PGresult *all, *r;
	int nf;

	if (s == NULL)
		return;
	all = PQcopyResult(s->res, PG_COPYRES_ATTRS | PG_COPYRES_TUPLES);
	nf = PQnfields(s->res);
	while ((r = PQgetResult(db->conn)) != NULL && PQresultStatus(r) == PGRES_SINGLE_TUPLE) {
		int t = all ? PQntuples(all) : 0;

		for (int i = 0; i < nf && all; i++) {
			int null = PQgetisnull(r, 0, i);

			if (PQsetvalue(all, t, i, null ? NULL : PQgetvalue(r, 0, i), null ? -1 : PQgetlength(r, 0, i)) != 1) {
				PQclear(all);
				all = NULL;
			}
		}
		PQclear(r);
	}
	if (all == NULL) {
		/* libpq out of memory: the statement fails at its next step */
		PQclear(r);
		r = PQmakeEmptyPGresult(db->conn, PGRES_FATAL_ERROR);
		all = PQmakeEmptyPGresult(db->conn, PGRES_TUPLES_OK);
	}
	PQclear(s->tail);
	s->tail = r && PQresultStatus(r) != PGRES_TUPLES_OK ? r : NULL;
	PQclear(s->held);
	s->held = s->res;              /* text read from the current row is borrowed until the next step */
	s->res = all;
	s->row = 0;
	end_stream(db, r);
	if (s->tail == NULL)
		PQclear(r);
}

/* The next row of a streamed SELECT. */
static int stream_step(struct db_stmt *s, struct err *err)
{
	struct db *db = s->db;
	PGresult *r = PQgetResult(db->conn);
	int rc;

	PQclear(s->res);
	s->res = NULL;
	s->row = 0;
	if (r && PQresultStatus(r) == PGRES_SINGLE_TUPLE) {
		s->res = r;
		return DB_ROW;
	}
	if (r && PQresultStatus(r) == PGRES_TUPLES_OK) {
		s->res = r;                    /* no rows: its columns are still described */
		rc = DB_DONE;
	} else {
		rc = pg_fail(db, r, err, "step");
	}
	end_stream(db, r);
	if (s->res == NULL)
		PQclear(r);
	return rc;
}

/* A statement done with before its last row: the rest is read and
 * dropped, one row at a time. */
static void drop_stream(struct db_stmt *s)
{
	PGresult *r;

	while ((r = PQgetResult(s->db->conn)) != NULL && PQresultStatus(r) == PGRES_SINGLE_TUPLE)
		PQclear(r);
	end_stream(s->db, r);
	PQclear(r);
}

/* The first result of s just sent (and nothing read of it yet): in
 * single-row mode for a SELECT. A first row starts the stream (the
 * connection is left busy until its end); else the whole result, the
 * command's end read. */
static PGresult *first_result(struct db_stmt *s, int piped)
{
	PGconn *c = s->db->conn;
	PGresult *res, *extra;

	if (s->select)
		PQsetSingleRowMode(c);         /* refused: the whole result, as before */
	res = PQgetResult(c);
	if (res && PQresultStatus(res) == PGRES_SINGLE_TUPLE) {
		s->streaming = 1;
		s->db->stream = s;
		s->db->stream_piped = piped;
		return res;
	}
	while (res && (extra = PQgetResult(c)) != NULL)
		PQclear(extra);
	return res;
}

/* The commands exec_pipelined() may send, in this order. */
enum { PIPE_BEGIN, PIPE_SAVEPOINT, PIPE_PREPARE, PIPE_RELEASE, PIPE_EXECUTE, PIPE_N };

static int pipe_ok(const PGresult *r)
{
	ExecStatusType st = PQresultStatus(r);

	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

/* Runs s in one pipeline, one round trip: the pending BEGIN when there is
 * one, then with types (not NULL) s's preparation under the name in
 * s->name (inside a savepoint in a transaction, as ensure_prepared()
 * does), then s's execution. Returns the execution's result, or the
 * result of the first command that failed (what followed it was not run)
 * with its place in *failed (else PIPE_N), or NULL when the connection
 * failed. */
static PGresult *exec_pipelined(struct db_stmt *s, const Oid *types, int *failed)
{
	PGconn *c = s->db->conn;
	const char *begin = s->db->begin_sql;
	int sp = types != NULL && in_tx(s->db);
	int want[PIPE_N] = { begin != NULL, sp, types != NULL, sp, 1 };
	PGresult *r[PIPE_N] = { NULL }, *res = NULL;
	int sent;

	*failed = PIPE_N;
	if (PQenterPipelineMode(c) != 1)
		return NULL;
	s->db->begin_sql = NULL;
	sent = (!want[PIPE_BEGIN] || PQsendQueryParams(c, begin, 0, NULL, NULL, NULL, NULL, 0) == 1) &&
	       (!want[PIPE_SAVEPOINT] ||
		PQsendQueryParams(c, "SAVEPOINT plenum_prepare", 0, NULL, NULL, NULL, NULL, 0) == 1) &&
	       (!want[PIPE_PREPARE] || PQsendPrepare(c, s->name, s->pgsql, s->nparams, types) == 1) &&
	       (!want[PIPE_RELEASE] ||
		PQsendQueryParams(c, "RELEASE SAVEPOINT plenum_prepare", 0, NULL, NULL, NULL, NULL, 0) == 1) &&
	       PQsendQueryPrepared(c, s->name, s->nparams, (const char *const *)s->vals, NULL, NULL, 0) == 1 &&
	       PQpipelineSync(c) == 1;
	if (sent) {
		int ok = 1;

		for (int i = 0; i < PIPE_EXECUTE; i++) {
			if (want[i]) {
				r[i] = next_result(c);
				ok = ok && pipe_ok(r[i]);
			}
		}
		if (ok && s->select) {
			r[PIPE_EXECUTE] = first_result(s, 1);
			if (s->streaming)
				goto streaming;
		} else {
			r[PIPE_EXECUTE] = next_result(c);
		}
		PQclear(PQgetResult(c));       /* the sync */
	}
	for (int i = 0; i < PIPE_N && sent; i++) {
		if (want[i] && (i == PIPE_EXECUTE || !pipe_ok(r[i]))) {
			res = r[i];
			r[i] = NULL;
			if (i != PIPE_EXECUTE)
				*failed = i;
			break;
		}
	}
	for (int i = 0; i < PIPE_N; i++)
		PQclear(r[i]);
	if (PQexitPipelineMode(c) != 1) {
		/* Results left unread: the connection is in no state to go on. */
		PQclear(res);
		return NULL;
	}
	return res;
streaming:
	/* its first row: the rest, and the sync, are read as it steps */
	for (int i = 0; i < PIPE_EXECUTE; i++)
		PQclear(r[i]);
	return r[PIPE_EXECUTE];
}

/* 1 when s is prepared on the server for the kinds now bound. */
static int prepared_as_bound(const struct db_stmt *s)
{
	return s->name[0] && s->prepared_sig && memcmp(s->prepared_sig, s->sig, (size_t)s->nparams) == 0;
}

/* Runs s, bound, after a pending BEGIN: prepared in the same round trip
 * when it is not yet (for these kinds). A preparation the server refuses
 * because it cannot type a parameter from its use goes the slow way of
 * ensure_prepared() (the savepoint undoes the failed attempt first).
 * 0 with the execution's result in *res (NULL when the connection failed),
 * or -1 with *err filled when the slow way failed. */
static int execute(struct db_stmt *s, PGresult **res, struct err *err)
{
	Oid types[PG_PARAMS_MAX];
	int failed, bad;

	settle(s->db);
	if (prepared_as_bound(s)) {
		/* A SELECT goes in a pipeline of its own (still one round trip):
		 * libpq 15 keeps single-row mode set after a query outside one,
		 * and would apply it to the first query of the next pipeline. */
		if (s->db->begin_sql == NULL && !s->select)
			*res = PQexecPrepared(s->db->conn, s->name, s->nparams, (const char *const *)s->vals, NULL, NULL, 0);
		else
			*res = exec_pipelined(s, NULL, &failed);
		return 0;
	}
	deallocate(s);
	snprintf(s->name, sizeof(s->name), "p%u", ++s->db->next_name);
	for (int i = 0; i < s->nparams; i++)
		types[i] = kind_oid(s, i);
	*res = exec_pipelined(s, types, &failed);
	if (failed == PIPE_N && *res != NULL) {
		free(s->prepared_sig);
		s->prepared_sig = xmalloc((size_t)s->nparams + 1);
		memcpy(s->prepared_sig, s->sig, (size_t)s->nparams + 1);
		return 0;
	}
	/* Not prepared (or not known to be): a new name next time. */
	s->name[0] = '\0';
	bad = failed == PIPE_PREPARE ? indeterminate_param(*res) : 0;
	if (bad == 0 || s->as_text[bad - 1] || s->sig[bad - 1] != '0')
		return 0;
	s->as_text[bad - 1] = 1;       /* typed TEXT from now on (ensure_prepared) */
	PQclear(*res);
	*res = NULL;
	answered(s->db);
	if (in_tx(s->db) && run(s->db, "ROLLBACK TO SAVEPOINT plenum_prepare; RELEASE SAVEPOINT plenum_prepare", err,
				"prepare") != 0)
		return -1;
	if (ensure_prepared(s, err) != 0)
		return -1;
	*res = PQexecPrepared(s->db->conn, s->name, s->nparams, (const char *const *)s->vals, NULL, NULL, 0);
	return 0;
}

/* Ends the pipeline db_send() filled: one round trip for all of it. Each
 * statement's answer goes into its res (ready: the next db_step() starts
 * there); a statement whose preparation failed keeps that failure, and
 * those after a failure get libpq's "pipeline aborted". */
static void flush_queue(struct db *db)
{
	PGconn *c = db->conn;
	int synced;

	if (!db->piping)
		return;
	db->piping = 0;
	synced = PQpipelineSync(c) == 1;
	if (synced && db->queue_begin)
		PQclear(next_result(c));       /* a failed BEGIN aborts the rest: they say so */
	for (int i = 0; i < db->nqueue; i++) {
		struct db_stmt *s = db->queue[i];
		PGresult *prep = NULL, *res = NULL;

		if (synced && s->queued_prepare)
			prep = next_result(c);
		if (synced && s->queued)
			res = next_result(c);
		if (s->queued_prepare && pipe_ok(prep)) {
			free(s->prepared_sig);
			s->prepared_sig = xmalloc((size_t)s->nparams + 1);
			memcpy(s->prepared_sig, s->sig, (size_t)s->nparams + 1);
		} else if (s->queued_prepare) {
			s->name[0] = '\0';
		}
		if (prep && !pipe_ok(prep)) {
			PQclear(res);
			res = prep;
		} else {
			PQclear(prep);
		}
		s->res = res;
		s->ready = s->queued;
		s->queued = 0;
		s->queued_prepare = 0;
	}
	if (synced)
		PQclear(PQgetResult(c));       /* the sync */
	PQexitPipelineMode(c);
	db->nqueue = 0;
	db->queue_begin = 0;
	answered(db);
}

/* db_send(): queues s's execution (and its preparation, and a pending
 * BEGIN) in a pipeline that flush_queue() sends when any of it is
 * stepped or the connection is used otherwise. A statement that may need
 * the slow preparation (a parameter the server types from its use, or
 * kinds other than those it was prepared for) is left to db_step(). */
static int pg_send(struct db_stmt *s, struct err *err)
{
	struct db *db = s->db;
	PGconn *c = db->conn;
	Oid types[PG_PARAMS_MAX];
	int prepare = !prepared_as_bound(s);

	if (s->res != NULL || s->queued || s->ready)
		return 0;
	if (prepare && s->name[0])
		return 0;
	for (int i = 0; prepare && i < s->nparams; i++)
		if (s->sig[i] == '0' && !s->as_text[i])
			return 0;
	if (db->nqueue == PG_QUEUE_MAX)
		flush_queue(db);
	if (!db->piping) {
		settle(db);
		if (PQenterPipelineMode(c) != 1)
			return pg_fail(db, NULL, err, "send");
		db->piping = 1;
		db->queue_begin = 0;
		if (db->begin_sql) {
			if (PQsendQueryParams(c, db->begin_sql, 0, NULL, NULL, NULL, NULL, 0) != 1)
				goto fail;
			db->begin_sql = NULL;
			db->queue_begin = 1;
		}
	}
	if (prepare) {
		snprintf(s->name, sizeof(s->name), "p%u", ++db->next_name);
		for (int i = 0; i < s->nparams; i++)
			types[i] = kind_oid(s, i);
		if (PQsendPrepare(c, s->name, s->pgsql, s->nparams, types) != 1)
			goto fail;
		s->queued_prepare = 1;
	}
	if (PQsendQueryPrepared(c, s->name, s->nparams, (const char *const *)s->vals, NULL, NULL, 0) != 1)
		goto fail;
	s->queued = 1;
	db->queue[db->nqueue++] = s;
	return 0;
fail:
	/* (a broken connection, or libpq out of memory) What was sent is read,
	 * s's preparation among it; s itself is not run. */
	if (s->queued_prepare)
		db->queue[db->nqueue++] = s;
	else if (prepare)
		s->name[0] = '\0';
	flush_queue(db);
	return pg_fail(db, NULL, err, "send");
}

static int pg_step(struct db_stmt *s, struct err *err)
{
	ExecStatusType st;
	const char *n;

	if (s->queued)
		flush_queue(s->db);
	PQclear(s->held);
	s->held = NULL;
	if (s->streaming)
		return stream_step(s, err);
	if (s->ready) {
		s->ready = 0;              /* its answer, read by flush_queue() */
	} else if (s->res != NULL) {
		if (++s->row < PQntuples(s->res))
			return DB_ROW;
		if (s->tail != NULL) {
			/* what drain_stream() found after the rows it kept */
			pg_fail(s->db, s->tail, err, "step");
			PQclear(s->tail);
			s->tail = NULL;
			return -1;
		}
		return DB_DONE;
	} else {
		if (execute(s, &s->res, err) != 0)
			return -1;
		answered(s->db);
	}
	st = PQresultStatus(s->res);
	if (st == PGRES_SINGLE_TUPLE) {
		s->row = 0;                /* the first row of a stream */
		return DB_ROW;
	}
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

/* BEGIN goes with the first statement (see the top of this file): READ
 * COMMITTED takes no lock at BEGIN, and REPEATABLE READ takes its snapshot
 * at the first statement, so sending it later changes nothing but the
 * round trip. A BEGIN inside a transaction is ignored, as the server would. */
static int begin_later(struct db *db, const char *sql, int reading, struct err *err)
{
	if (PQstatus(db->conn) != CONNECTION_OK)
		return pg_fail(db, NULL, err, "begin");
	if (!in_tx(db)) {
		db->wrote = 0;
		db->reading = reading;
		db->begin_sql = sql;
	}
	return 0;
}

static int pg_begin(struct db *db, struct err *err)
{
	return begin_later(db, "BEGIN ISOLATION LEVEL READ COMMITTED", 0, err);
}

/* A read snapshot: every statement until the commit sees the same data. */
static int pg_begin_read(struct db *db, struct err *err)
{
	return begin_later(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 1, err);
}

static int pg_in_transaction(struct db *db)
{
	return in_tx(db);
}

/* How long a statement waits for a lock held elsewhere before it fails
 * (mapped to busy). Best effort: a failure here leaves the server's default. */
static void pg_set_busy_wait(struct db *db, int ms)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "SET lock_timeout = %d", ms);
	run(db, sql, NULL, "lock_timeout");
}

/* The NOTIFY and the COMMIT in one query: a failing NOTIFY stops the
 * query before the COMMIT, and the transaction is then rolled back. */
static int pg_commit(struct db *db, struct err *err)
{
	PGresult *res;
	int rc = 0;

	settle(db);
	db->reading = 0;
	if (db->begin_sql) {
		/* nothing ran: nothing to send */
		db->begin_sql = NULL;
		db->wrote = 0;
		return 0;
	}
	res = PQexec(db->conn, db->wrote ? "NOTIFY plenum_change; COMMIT" : "COMMIT");
	answered(db);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = pg_fail(db, res, err, "commit");
		if (PQtransactionStatus(db->conn) != PQTRANS_IDLE)
			run(db, "ROLLBACK", NULL, "rollback");
	}
	else if (strcmp(PQcmdStatus(res), "COMMIT") != 0)
		/* COMMIT of a transaction that had failed answers ROLLBACK. */
		rc = err_set(err, ST_FAIL, "database: commit: the transaction had failed and was rolled back");
	else if (db->wrote)
		db->own_commits++;
	PQclear(res);
	db->wrote = 0;
	return rc;
}

/* A read snapshot's ROLLBACK is sent without waiting for its answer (read
 * by settle() before the connection's next use): a read request ends
 * without a round trip of its own. A writer's waits, as before. */
static void pg_rollback(struct db *db)
{
	if (db->begin_sql) {
		db->begin_sql = NULL;          /* nothing ran: nothing to undo */
	} else if (in_tx(db)) {
		if (db->reading && PQtransactionStatus(db->conn) == PQTRANS_INTRANS &&
		    PQsendQuery(db->conn, "ROLLBACK") == 1) {
			db->inflight = 1;
			db->round_trips++;
		} else {
			run(db, "ROLLBACK", NULL, "rollback");
		}
	}
	db->reading = 0;
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
 * call are counted, unless a statement that completed after the mark has
 * brought them already (db_version_mark). */
static int64_t pg_data_version(struct db *db)
{
	PGnotify *n;
	int self = PQbackendPID(db->conn);
	int fresh = db->fresh;

	db->marked = 0;
	db->fresh = 0;
	if (!in_tx(db) && !fresh && run(db, "", NULL, "sync") != 0)
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

static int64_t pg_round_trips(struct db *db)
{
	return db->round_trips;
}

static void pg_version_mark(struct db *db)
{
	db->marked = 1;
	db->fresh = 0;
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
	/* a BEGIN may still be pending (sent with the next statement) and a
	 * read snapshot's ROLLBACK unanswered: both settled first, or the COPY
	 * would run outside the caller's transaction */
	if (conn_ready(db, err) != 0)
		return NULL;
	db->round_trips++;
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
	.round_trips = pg_round_trips,
	.version_mark = pg_version_mark,
	.send = pg_send,
	.backup = pg_backup,
	.restore = pg_restore,
	.copy_begin = pg_copy_begin,
	.copy_row = pg_copy_row,
	.copy_end = pg_copy_end,
};
