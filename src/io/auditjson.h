/*
 * auditjson.h -- an org's audit chain in its JSON document: the "audit"
 * list that export writes and import carries over.
 *
 * Each entry is written with its fields and hashes exactly as stored, and
 * with the row changes it sealed, so that an import can check the chain
 * (service/audit.c: audit_entry_check) before it stores it. It is NOT the
 * judge of the chain and does not write to the store.
 */
#ifndef PLENUM_AUDITJSON_H
#define PLENUM_AUDITJSON_H

#include <stddef.h>
#include <jansson.h>

struct svc;
struct err;
struct audit_row;
struct audit_change;

/* The selected org's chain as a JSON array (new reference); NULL with *err. */
json_t *auditjson_export(struct svc *svc, struct err *err);

/* One entry of a document's "audit" list as store structs borrowing the
 * JSON's strings: *changes is allocated (free it), *n set. Returns 0, or -1
 * with a message naming the field in problem[size]. */
int auditjson_entry(json_t *obj, struct audit_row *r, struct audit_change **changes, size_t *n, char *problem,
		    size_t size);

#endif
