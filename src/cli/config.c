/*
 * config.c -- reading /etc/plenum.conf or $PLENUM_CONFIG (see config.h).
 * Only the file's syntax and its keys are checked here; what the values
 * mean is checked by the commands that use them, with the same messages as
 * their options.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "../core/limits.h"
#include "../core/text.h"
#include "../core/banned.h"

static struct config cfg = { NULL, NULL, NULL, NULL, NULL, -1, -1 };
static char store[LIM_CONFIG_BYTES];
static size_t used;
static int loaded, failed;
static struct err saved = ERR_INIT;

static const char *keep(const char *s, size_t n)
{
	char *p;

	if (used + n + 1 > sizeof(store))
		return NULL;
	p = store + used;
	memcpy(p, s, n);
	p[n] = '\0';
	used += n + 1;
	return p;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
		*--end = '\0';
	return s;
}

static int yes_no(const char *v)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
		return 1;
	if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
		return 0;
	return -1;
}

static int line_set(const char *path, int lineno, char *line, struct err *err)
{
	static const char *const keys[] = { "db", "listen", "threads", "base_url", "secure_cookies", "hsts", NULL };
	const char **slots[] = { &cfg.db, &cfg.listen, &cfg.threads, &cfg.base_url, NULL, NULL };
	char *eq = strchr(line, '='), *key, *value;
	int k;

	if (eq == NULL)
		return err_set(err, ST_INVALID, "%s:%d: expected \"key = value\"", path, lineno);
	*eq = '\0';
	key = trim(line);
	value = trim(eq + 1);
	for (k = 0; keys[k] && strcmp(keys[k], key) != 0; k++)
		;
	if (keys[k] == NULL)
		return err_set(err, ST_INVALID, "%s:%d: unknown key \"%.40s\" (keys: db, listen, threads, base_url, "
			       "secure_cookies, hsts)", path, lineno, key);
	if (*value == '\0')
		return err_set(err, ST_INVALID, "%s:%d: %s: no value", path, lineno, key);
	if (slots[k]) {
		*slots[k] = keep(value, strlen(value));
		if (*slots[k] == NULL)
			return err_set(err, ST_TOOBIG, "%s: over %d bytes", path, LIM_CONFIG_BYTES);
		return 0;
	}
	if (yes_no(value) < 0)
		return err_set(err, ST_INVALID, "%s:%d: %s: expected yes or no, got \"%.40s\"", path, lineno, key, value);
	*(k == 4 ? &cfg.secure_cookies : &cfg.hsts) = yes_no(value);
	return 0;
}

static int load(struct err *err)
{
	const char *env = getenv("PLENUM_CONFIG");
	const char *path = env && *env ? env : CONFIG_DEFAULT_PATH;
	char line[LIM_CONFIG_LINE];
	int lineno = 0, rc = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		if (errno == ENOENT && !(env && *env))
			return 0;
		return err_set(err, ST_INVALID, "cannot read the configuration file \"%s\": %s", path, strerror(errno));
	}
	cfg.path = keep(path, strlen(path));
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		char *s;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			rc = err_set(err, ST_INVALID, "%s:%d: the line is over %d bytes", path, lineno, LIM_CONFIG_LINE - 2);
			break;
		}
		if (!text_utf8_valid(line, strlen(line))) {
			rc = err_set(err, ST_INVALID, "%s:%d: not valid UTF-8", path, lineno);
			break;
		}
		s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		rc = line_set(path, lineno, s, err);
	}
	if (rc == 0 && ferror(f))
		rc = err_set(err, ST_INVALID, "cannot read the configuration file \"%s\"", path);
	fclose(f);
	return rc;
}

int config_get(const struct config **out, struct err *err)
{
	if (!loaded) {
		loaded = 1;
		failed = load(&saved) != 0;
	}
	*out = &cfg;
	if (failed) {
		if (err)
			*err = saved;
		return -1;
	}
	return 0;
}
