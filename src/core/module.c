/*
 * module.c -- dlopen() of plenum's own shared objects, found beside the
 * binary (see module.h). NOT for loading anything else.
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "module.h"
#include "err.h"
#include "banned.h"

/* The directory of the running binary into dir and its parent into up,
 * each with a trailing '/' ("/" for the parent of "/bin/"); or -1. */
static int exe_dirs(char *dir, char *up, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", dir, size - 1);
	char *slash;

	if (n <= 0 || (size_t)n >= size - 1)
		return -1;
	dir[n] = '\0';
	slash = strrchr(dir, '/');
	if (slash == NULL)
		return -1;
	slash[1] = '\0';
	memcpy(up, dir, (size_t)(slash - dir) + 2);
	slash = up + (slash - dir);
	*slash = '\0';
	slash = strrchr(up, '/');
	if (slash == NULL)        /* the binary is /plenum */
		slash = up;
	slash[0] = '/';
	slash[1] = '\0';
	return 0;
}

void *module_load(const char *name, const char *sym, struct err *err)
{
	char dir[PATH_MAX], up[PATH_MAX], here[PATH_MAX], inst[PATH_MAX];
	const char *path;
	void *h, *p;

	if (exe_dirs(dir, up, sizeof(dir)) != 0) {
		err_set(err, ST_FAIL, "module \"%s\": cannot find the directory of the running binary", name);
		return NULL;
	}
	if ((size_t)snprintf(here, sizeof(here), "%s%s", dir, name) >= sizeof(here) ||
	    (size_t)snprintf(inst, sizeof(inst), "%slib/plenum/%s", up, name) >= sizeof(inst)) {
		err_set(err, ST_FAIL, "module \"%s\": the path of the binary is too long", name);
		return NULL;
	}
	if (access(here, F_OK) == 0)
		path = here;
	else if (access(inst, F_OK) == 0)
		path = inst;
	else {
		err_set(err, ST_FAIL, "module \"%s\" is missing: neither \"%s\" nor \"%s\" exists",
			name, here, inst);
		return NULL;
	}
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		err_set(err, ST_FAIL, "module \"%s\" cannot be loaded: %s", path, dlerror());
		return NULL;
	}
	p = dlsym(h, sym);
	if (p == NULL) {
		err_set(err, ST_FAIL, "module \"%s\" has no \"%s\": built from another tree?", path, sym);
		dlclose(h);
		return NULL;
	}
	return p;
}
