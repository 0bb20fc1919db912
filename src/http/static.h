/*
 * static.h -- the web application's files: embedded in the binary at build
 * time (scripts/embed-web), or read from a folder while developing
 * (`plenum serve --web-root web`).
 */
#ifndef PLENUM_STATIC_H
#define PLENUM_STATIC_H

#include "../core/embed.h"

/* NULL: serve the embedded files; else the folder to read them from. Only
 * regular files inside it are served: no name starting with a dot, no
 * symbolic link anywhere on the way, no directory. -1 when dir is not a
 * folder that can be resolved. */
int static_set_root(const char *dir);

#endif
