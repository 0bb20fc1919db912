/*
 * err.h -- the error sink every fallible function takes as its last argument.
 *
 * A function that fails fills *err (when err is not NULL) with a status code
 * and a lowercase message that names the subject, then returns -1 (or NULL).
 * The boundary maps err.code to an exit code (CLI) or an HTTP status. err_set
 * never allocates, so it is safe on out-of-memory paths.
 */
#ifndef PLENUM_ERR_H
#define PLENUM_ERR_H

enum status {
	ST_OK = 0,
	ST_FAIL,        /* internal failure: I/O, database, bug (exit 1, HTTP 500) */
	ST_INVALID,     /* bad input: usage, value, format (exit 2, HTTP 400/422) */
	ST_NOTFOUND,    /* an unknown id or key (exit 2, HTTP 404) */
	ST_CONFLICT,    /* illegal state transition, duplicate (exit 1, HTTP 409) */
	ST_STALE,       /* lost update: the row's version moved (HTTP 412) */
	ST_FORBIDDEN,   /* the caller may not do this (HTTP 403) */
	ST_TOOBIG,      /* input over a limit (exit 2, HTTP 413) */
	ST_UNAUTH,      /* no valid login, session or token (exit 1, HTTP 401) */
	ST_THROTTLED,   /* too many attempts: wait (exit 1, HTTP 429) */
	ST_REFUSED,     /* well-formed input that the rules refuse, the field named (exit 2, HTTP 422) */
	ST_BUSY,        /* another writer holds the database: try again soon (exit 1, HTTP 503) */
};

#define ERR_PARAMS 3

/* A parameter of a reason: "min" = "0". Values are text; the boundary writes
 * those that read as whole numbers as numbers. */
struct err_param {
	char name[16];
	char value[96];
};

struct err {
	enum status code;
	char field[96];   /* the input field concerned, or "" */
	/* A stable machine word for what is wrong with the field, for clients
	 * that show the problem in the user's language (required, out_of_range,
	 * not_a_date, before, unknown_reference, duplicate, too_long,
	 * invalid_choice), or "" when none was given; and its parameters. */
	char reason[24];
	struct err_param params[ERR_PARAMS];
	int nparams;
	char msg[512];
};

#define ERR_INIT { ST_OK, "", "", { { "", "" } }, 0, "" }

/* Sets code and message; returns -1 so callers can `return err_set(...)`. */
int err_set(struct err *err, enum status code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* As err_set, and names the input field the problem is about. */
int err_field(struct err *err, enum status code, const char *field,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Sets the reason (a machine word, see struct err) and drops earlier
 * parameters; accepts NULL. Call it after err_set/err_field, which clear it. */
void err_reason(struct err *err, const char *reason);

/* Adds one parameter to the reason (ignored past ERR_PARAMS); accepts NULL. */
void err_param(struct err *err, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Resets *err to ST_OK with empty message. Accepts NULL. */
void err_clear(struct err *err);

/* The CLI exit code for a status: 0, 1 or 2. */
int err_exit_code(enum status code);

#endif
