/*
 * module.h -- finds and loads one of plenum's shared objects (the report
 * module, the PostgreSQL driver) on first use, so that a server that never
 * writes a paper or opens PostgreSQL never maps their libraries (pango,
 * cairo, libxml2, libpq and what they pull in: docs/SCALING.md, memory).
 *
 * A module is a file NAME (e.g. "plenum-report.so") looked for in the
 * directory of the running binary (the build tree: ./plenum beside
 * ./plenum-report.so), then in ../lib/plenum/ beside it (make install:
 * PREFIX/bin/plenum and PREFIX/lib/plenum/NAME). It exports one symbol, a
 * table of function pointers that the caller (src/report/entry.c,
 * src/store/db.c) owns the layout of. The module resolves what it calls in
 * plenum (services, buffers, errors) from the binary, which is linked with
 * -rdynamic for that.
 *
 * It is NOT a plugin system: no discovery, no versions, no unloading; a
 * module is built from the same tree as the binary and loaded at most once.
 * Callers make the load happen once (pthread_once) and keep the table.
 */
#ifndef PLENUM_MODULE_H
#define PLENUM_MODULE_H

struct err;

/* Loads module name (RTLD_NOW | RTLD_LOCAL) from the first place above where
 * the file exists and returns the address of its symbol sym; the module
 * stays loaded for the life of the process. NULL with *err (ST_FAIL) naming
 * the module's path(s) and what went wrong when the file is in neither
 * place, cannot be loaded (a library it needs is missing) or has no sym. */
void *module_load(const char *name, const char *sym, struct err *err);

#endif
