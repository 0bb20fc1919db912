/*
 * static.c -- serves the web application: "/" and every path outside
 * /api/ answer with the file of that name, from the binary or from
 * --web-root. The application routes with "#/...", so no other path is
 * an application page.
 */
#include <stdio.h>
#include <string.h>

#include "http.h"
#include "static.h"
#include "../core/banned.h"

static const char *g_root;

void static_set_root(const char *dir)
{
	g_root = dir;
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

/* Only plain names: letters, digits, - _ . / and no "..". */
static int safe_path(const char *p)
{
	if (strstr(p, "..") || strlen(p) > 200)
		return 0;
	for (; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_' || *p == '.' || *p == '/'))
			return 0;
	return 1;
}

int h_static(struct req *r)
{
	const char *path = strcmp(r->path, "/") == 0 ? "/index.html" : r->path;

	if (!safe_path(path))
		return req_error(r, 404, "not_found", NULL, "no such file");
	buf_reset(&r->out);
	if (g_root) {
		char full[512];
		FILE *f;
		char chunk[16384];
		size_t n;

		snprintf(full, sizeof(full), "%s%s", g_root, path);
		f = fopen(full, "rb");
		if (f == NULL)
			return req_error(r, 404, "not_found", NULL, "no such file: %s", path);
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_add(&r->out, chunk, n);
		fclose(f);
	} else {
		const struct embedded_file *a = web_assets;

		while (a->path && strcmp(a->path, path) != 0)
			a++;
		if (a->path == NULL)
			return req_error(r, 404, "not_found", NULL, "no such file: %s", path);
		buf_add(&r->out, a->data, a->len);
	}
	r->content_type = content_type(path);
	r->status = 200;
	r->is_static = 1;
	return 0;
}
