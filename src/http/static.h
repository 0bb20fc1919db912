/*
 * static.h -- the web application's files: embedded in the binary at build
 * time (scripts/embed-web), or read from a folder while developing
 * (`plenum serve --web-root web`).
 */
#ifndef PLENUM_STATIC_H
#define PLENUM_STATIC_H

#include "../core/embed.h"

/* NULL: serve the embedded files; else the folder to read them from. */
void static_set_root(const char *dir);

#endif
