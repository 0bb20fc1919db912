/*
 * testlib.h -- what the cmocka test files share: reading a file whole, a
 * fresh temporary database path, and removing a database with its WAL,
 * shared memory and checkpoints. Static functions: include it in one test
 * file each, after cmocka.h.
 */
#ifndef PLENUM_TESTLIB_H
#define PLENUM_TESTLIB_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = malloc((size_t)n + 1);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	data[n] = '\0';
	fclose(f);
	return data;
}

/* A name for a database that does not exist yet, in path[64]. */
static void temp_db(char *path)
{
	int fd;

	snprintf(path, 64, "/tmp/plenum-test-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
}

static void remove_db(const char *path)
{
	const char *suffixes[] = { "", "-wal", "-shm", ".checkpoints" };
	char p[128];

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffixes[i]);
		unlink(p);
	}
}

#endif
