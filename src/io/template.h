/*
 * template.h -- a small Mustache subset over a JSON object, for the
 * report templates a secretary can edit (the .md files in templates/).
 *
 *   {{name}}        the value, escaped for Markdown (so record text stays text)
 *   {{{name}}}      the value as it is
 *   {{a.b}}         a dotted path; "." is the current item
 *   {{#name}}..{{/name}}   a list: once per item; true or an object: once; else skipped
 *   {{^name}}..{{/name}}   once when name is missing, false, null or an empty list
 *   {{! comment }}
 * Names are looked up in the innermost record (object) only, never outward:
 * a speech without a title prints no title, not the meeting's. A section
 * over a string, number or true opens no record, so inside {{#summary}} the
 * record around it still answers. Debian packages no C
 * Mustache library, hence this one; it is NOT a general Mustache (no
 * partials, lambdas or delimiter changes).
 */
#ifndef PLENUM_TEMPLATE_H
#define PLENUM_TEMPLATE_H

#include <jansson.h>

struct buf;
struct err;

/* Renders tpl with data into out; -1 with *err naming the problem (an
 * unclosed section) and its line. */
int template_render(const char *tpl, json_t *data, struct buf *out, struct err *err);

/* The text of a template: from $PLENUM_TEMPLATES/name when that folder has
 * it, else the copy built into the binary. NULL when there is none. */
const char *template_get(const char *name, struct buf *scratch);

#endif
