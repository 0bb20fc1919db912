/*
 * static.h -- the web application's files: embedded in the binary at build
 * time (scripts/embed-web), or read from a folder while developing
 * (`plenum serve --web-root web`).
 */
#ifndef PLENUM_STATIC_H
#define PLENUM_STATIC_H

#include <stddef.h>

struct web_asset {
	const char *path;             /* "/app.js" */
	const unsigned char *data;    /* NUL-terminated, len bytes before it */
	size_t len;
};

extern const struct web_asset web_assets[];

/* NULL: serve the embedded files; else the folder to read them from. */
void static_set_root(const char *dir);

#endif
