/*
 * static.c -- serves the web application: "/" and every path outside
 * /api/ answer with the file of that name, from the binary or from
 * --web-root. The application routes with "#/...", so no other path is
 * an application page. From --web-root, only regular files inside the
 * root: no dotfiles, no symbolic links (the path must be its own realpath,
 * and the file is opened with O_NOFOLLOW), no directories.
 *
 * Caching: index.html is revalidated on every load (no-cache); every other
 * embedded file is named by a hash of its own content at build time
 * (scripts/fingerprint-web: app.3f2a9c1d4e5b.js, the modules importing each
 * other by those names), so it is cached for a year (immutable): a new build
 * renames exactly the files that changed, and a name of another build is a
 * 404. Compressed copies (FILE.gz, made at build time by scripts/embed-files)
 * are sent to browsers that accept gzip. With --web-root nothing is
 * fingerprinted nor compressed (development). It is NOT a general file server.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http.h"
#include "static.h"
#include "../core/banned.h"

static char g_root[PATH_MAX];     /* canonical; "" for the embedded files */

int static_set_root(const char *dir)
{
	struct stat st;

	g_root[0] = '\0';
	if (dir == NULL)
		return 0;
	if (realpath(dir, g_root) == NULL || stat(g_root, &st) != 0 || !S_ISDIR(st.st_mode)) {
		g_root[0] = '\0';
		return -1;
	}
	return 0;
}

static const char *content_type(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ ".html", "text/html; charset=utf-8" }, { ".js", "text/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" }, { ".svg", "image/svg+xml" }, { ".json", "application/json" },
		{ ".ico", "image/x-icon" }, { ".png", "image/png" }, { ".txt", "text/plain; charset=utf-8" },
	};
	const char *dot = strrchr(path, '.');

	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

/* Only plain names: letters, digits, - _ . / ; no part of the path
 * starts with a dot (no "..", no ".env" or ".git/"), no empty part. */
static int safe_path(const char *p)
{
	if (strstr(p, "..") || strstr(p, "/.") || strstr(p, "//") || strlen(p) > 200)
		return 0;
	for (; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_' || *p == '.' || *p == '/'))
			return 0;
	return 1;
}

static const struct embedded_file *find(const char *path)
{
	const struct embedded_file *a = web_assets;

	while (a->path && strcmp(a->path, path) != 0)
		a++;
	return a->path ? a : NULL;
}

static int accepts_gzip(struct req *r)
{
	const char *ae = req_header(r, "Accept-Encoding");

	return ae && strstr(ae, "gzip") != NULL;
}

int h_static(struct req *r)
{
	const char *path = strcmp(r->path, "/") == 0 ? "/index.html" : r->path;
	char gz[256];
	const struct embedded_file *a;

	if (!safe_path(path))
		return req_error(r, 404, "not_found", NULL, "no such file");
	buf_reset(&r->out);
	if (g_root[0]) {
		char full[PATH_MAX], real[PATH_MAX];
		char chunk[16384];
		struct stat st;
		ssize_t n;
		int fd;

		if ((size_t)snprintf(full, sizeof(full), "%s%s", g_root, path) >= sizeof(full) ||
		    realpath(full, real) == NULL || strcmp(real, full) != 0)
			return req_error(r, 404, "not_found", NULL, "no such file: %s", path);
		fd = open(full, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return req_error(r, 404, "not_found", NULL, "no such file: %s", path);
		if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
			close(fd);
			return req_error(r, 404, "not_found", NULL, "no such file: %s", path);
		}
		while ((n = read(fd, chunk, sizeof(chunk))) > 0)
			buf_add(&r->out, chunk, (size_t)n);
		close(fd);
		if (n < 0 || r->out.err)
			return req_error(r, 500, "internal", NULL, "cannot read %s", path);
	} else {
		a = find(path);
		if (a == NULL || (strlen(path) > 3 && strcmp(path + strlen(path) - 3, ".gz") == 0))
			return req_error(r, 404, "not_found", NULL, "no such file: %s", path);
		/* named by its content's hash (index.html is revalidated: server.c's default) */
		if (strcmp(path, "/index.html") != 0)
			r->cache_control = "public, max-age=31536000, immutable";
		snprintf(gz, sizeof(gz), "%s.gz", path);
		if (accepts_gzip(r) && find(gz)) {
			a = find(gz);
			r->content_encoding = "gzip";
		}
		buf_add(&r->out, a->data, a->len);
	}
	r->content_type = content_type(path);
	r->status = 200;
	r->is_static = 1;
	return 0;
}
