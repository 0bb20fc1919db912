/*
 * config.h -- the optional configuration file of an installation:
 * /etc/plenum.conf, or the file named by $PLENUM_CONFIG. Lines "key = value";
 * blank lines and lines starting with # are ignored. Keys: db, listen,
 * threads, base_url, secure_cookies, hsts (yes/no, true/false, 1/0).
 *
 * Precedence, lowest first: plenum's defaults, the file, the environment
 * ($PLENUM_DB), the command line. The file only supplies defaults: it is NOT
 * checked for meaning here (serve checks listen, threads and base_url as it
 * checks its options), and it holds no secrets.
 */
#ifndef PLENUM_CONFIG_H
#define PLENUM_CONFIG_H

#include "../core/err.h"

#define CONFIG_DEFAULT_PATH "/etc/plenum.conf"

/* The values found; NULL when the file does not set the key. Do not touch
 * the fields' storage: it belongs to config_get()'s static copy. */
struct config {
	const char *path;          /* the file read, or NULL when there is none */
	const char *db, *listen, *threads, *base_url;
	int secure_cookies, hsts;  /* -1: not set, else 0 or 1 */
};

/* Reads the file once per process and returns its values: 0, or -1 with err
 * naming the file, line and key of the first problem (an unknown key, a line
 * without "=", a bad yes/no, $PLENUM_CONFIG naming a file that cannot be
 * read). A missing /etc/plenum.conf is no error: every value is unset. */
int config_get(const struct config **out, struct err *err);

#endif
