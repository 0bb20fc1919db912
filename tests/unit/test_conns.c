/*
 * test_conns.c -- connection deadlines without a server: a socket pair
 * stands for a client's connection; the reaper must shut down the one past
 * its deadline, leave one being answered alone, and mark those over the cap.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "http/conns.h"

static int64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds until the peer of fd sees the connection end, or -1 after wait_ms. */
static int64_t ended_after(int peer, int wait_ms)
{
	int64_t t0 = ms_now();
	struct pollfd p = { peer, POLLIN, 0 };
	char c;

	while (ms_now() - t0 < wait_ms) {
		if (poll(&p, 1, 50) == 1 && read(peer, &c, 1) == 0)
			return ms_now() - t0;
	}
	return -1;
}

static void a_connection_past_its_deadline_is_shut_down(void **state)
{
	int a[2], b[2];
	struct conn *waiting, *answering;
	int64_t t;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, a), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, b), 0);
	conns_setup(10, 300 * 1000, 300 * 1000, 0);
	waiting = conns_open(a[0]);                 /* sends nothing: its headers never come */
	answering = conns_open(b[0]);
	conns_phase(answering, CONN_ANSWERING, 0);  /* a handler is at work: no deadline */
	conns_reaper_start();
	t = ended_after(a[1], 3000);
	assert_true(t >= 0 && t < 1500);
	assert_int_equal(ended_after(b[1], 800), -1);
	conns_reaper_stop();
	conns_close(waiting);
	conns_close(answering);
	for (int i = 0; i < 2; i++) {
		close(a[i]);
		close(b[i]);
	}
}

static void connections_past_the_cap_are_marked(void **state)
{
	struct conn *k[3];

	(void)state;
	conns_setup(2, 10 * 1000 * 1000, 10 * 1000 * 1000, 0);
	for (int i = 0; i < 3; i++)
		k[i] = conns_open(-1);
	assert_false(conns_over_cap(k[0]));
	assert_false(conns_over_cap(k[1]));
	assert_true(conns_over_cap(k[2]));
	for (int i = 0; i < 3; i++)
		conns_close(k[i]);
	k[0] = conns_open(-1);                      /* room again */
	assert_false(conns_over_cap(k[0]));
	conns_close(k[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_connection_past_its_deadline_is_shut_down),
		cmocka_unit_test(connections_past_the_cap_are_marked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
