/*
 * db_driver.h -- the table of functions a database driver fills in, and the
 * one member every driver's connection and statement start with.
 *
 * Used by db.c (which dispatches the public db.h calls) and by the drivers
 * (db_sqlite.c, db_pg.c) only; nothing else in plenum includes it. It is NOT
 * a plugin interface: the drivers are built from this tree (db_pg.c into
 * plenum-pg.so, which exports db_driver_pg alone and which db.c loads on the
 * first postgresql:// URL), and the contract each entry must honour is the
 * one written in db.h.
 *
 * Each driver defines its own `struct db`, `struct db_stmt` and `struct
 * db_copy` in its own file, and each must begin with `const struct db_driver *drv`: db.c sees the
 * two structs as incomplete types and reads that first member only
 * (C17 6.7.2.1p15 lets a pointer to a struct be read as a pointer to its
 * first member).
 */
#ifndef PLENUM_DB_DRIVER_H
#define PLENUM_DB_DRIVER_H

#include <stdint.h>

struct err;
struct db;
struct db_stmt;
struct db_copy;
struct db_value;

struct db_driver {
	const char *name;
	struct db *(*open)(const char *path, int flags, struct err *err);
	void (*close)(struct db *db);
	int (*exec)(struct db *db, const char *sql, struct err *err);
	struct db_stmt *(*prepare)(struct db *db, const char *sql, struct err *err);
	void (*done)(struct db_stmt *st);
	int (*bind_int)(struct db_stmt *st, int i, int64_t v);
	int (*bind_double)(struct db_stmt *st, int i, double v);
	int (*bind_text)(struct db_stmt *st, int i, const char *s);
	int (*bind_null)(struct db_stmt *st, int i);
	int (*step)(struct db_stmt *st, struct err *err);
	int (*col_count)(struct db_stmt *st);
	int (*col_is_null)(struct db_stmt *st, int i);
	int64_t (*col_int)(struct db_stmt *st, int i);
	double (*col_double)(struct db_stmt *st, int i);
	const char *(*col_text)(struct db_stmt *st, int i);
	int (*col_kind)(struct db_stmt *st, int i);
	void (*set_busy_wait)(struct db *db, int ms);
	int (*begin)(struct db *db, struct err *err);
	int (*begin_read)(struct db *db, struct err *err);
	int (*in_transaction)(struct db *db);
	int (*commit)(struct db *db, struct err *err);
	void (*rollback)(struct db *db);
	int (*lock_org)(struct db *db, int64_t org_id, struct err *err);
	int64_t (*last_id)(struct db *db);
	int64_t (*data_version)(struct db *db);
	int64_t (*change_token)(struct db *db);
	int64_t (*changes)(struct db *db);
	int (*backup)(struct db *db, const char *path, struct err *err);
	int (*restore)(struct db *db, const char *path, struct err *err);
	/* Optional (NULL: db.c answers 0): see db_round_trips(). */
	int64_t (*round_trips)(struct db *db);
	/* Optional (NULL: nothing to do): see db_version_mark(). */
	void (*version_mark)(struct db *db);
	/* Optional (NULL: db_step() runs the statement): see db_send(). */
	int (*send)(struct db_stmt *st, struct err *err);
	/* bulk load: struct db_copy also begins with the driver pointer */
	struct db_copy *(*copy_begin)(struct db *db, const char *table, const char *const *cols, int ncols,
				      struct err *err);
	int (*copy_row)(struct db_copy *c, const struct db_value *vals, struct err *err);
	int (*copy_end)(struct db_copy *c, int ok, struct err *err);
};

extern const struct db_driver db_driver_sqlite;
extern const struct db_driver db_driver_pg;

#endif
