/*
 * embed.h -- files built into the binary (scripts/embed-files): the web
 * application (web_assets) and the report templates (template_files).
 */
#ifndef PLENUM_EMBED_H
#define PLENUM_EMBED_H

#include <stddef.h>

struct embedded_file {
	const char *path;             /* "/app.js" */
	const unsigned char *data;    /* len bytes, then a NUL */
	size_t len;
};

extern const struct embedded_file web_assets[];
extern const struct embedded_file template_files[];

#endif
