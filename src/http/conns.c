/*
 * conns.c -- the server's open connections and their deadlines (see conns.h).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "conns.h"
#include "../core/limits.h"
#include "../core/xalloc.h"
#include "../core/banned.h"

struct conn {
	struct conn *prev, *next;
	int fd;
	int64_t deadline_us;          /* 0: none */
	int64_t waiting_since_us;     /* for a request; 0: not waiting */
	int over_cap;
};

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static struct conn *g_conns;
static unsigned g_n, g_max = LIM_CONNECTIONS;
static int64_t g_header_us = (int64_t)LIM_HEADER_TIMEOUT_S * 1000000;
static int64_t g_body_us = (int64_t)LIM_BODY_TIMEOUT_S * 1000000;
static int64_t g_idle_us = (int64_t)LIM_CONN_TIMEOUT_S * 1000000;
static atomic_int g_stop;
static pthread_t g_reaper;
static int g_running;

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void conns_setup(unsigned max_conn, int64_t header_us, int64_t body_us, int64_t idle_us)
{
	g_max = max_conn;
	g_header_us = header_us;
	g_body_us = body_us;
	g_idle_us = idle_us;
}

struct conn *conns_open(int fd)
{
	struct conn *k = xcalloc(1, sizeof(*k));
	int64_t now = now_us();

	k->fd = fd;
	k->deadline_us = now + g_header_us;
	k->waiting_since_us = now;
	pthread_mutex_lock(&g_lock);
	k->next = g_conns;
	if (g_conns)
		g_conns->prev = k;
	g_conns = k;
	k->over_cap = ++g_n > g_max;
	pthread_mutex_unlock(&g_lock);
	return k;
}

int conns_over_cap(const struct conn *k)
{
	return k && k->over_cap;
}

void conns_phase(struct conn *k, enum conn_phase phase, int after_answer)
{
	int64_t now = now_us();

	if (k == NULL)
		return;
	pthread_mutex_lock(&g_lock);
	switch (phase) {
	case CONN_WAITING:
		k->deadline_us = now + g_header_us + (after_answer ? g_idle_us : 0);
		k->waiting_since_us = now;
		break;
	case CONN_BODY:
		k->deadline_us = now + g_body_us;
		k->waiting_since_us = 0;
		break;
	case CONN_ANSWERING:
		k->deadline_us = k->waiting_since_us = 0;
		break;
	}
	pthread_mutex_unlock(&g_lock);
}

void conns_close(struct conn *k)
{
	if (k == NULL)
		return;
	pthread_mutex_lock(&g_lock);
	if (k->prev)
		k->prev->next = k->next;
	else
		g_conns = k->next;
	if (k->next)
		k->next->prev = k->prev;
	g_n--;
	pthread_mutex_unlock(&g_lock);
	free(k);
}

/* Four times a second: connections past their deadline are shut down; and
 * while the server is full, those that have waited LIM_BUSY_WAIT_S or more
 * for a request (idle, or trickling its headers) too, to make room. */
static void *reaper(void *arg)
{
	(void)arg;
	while (!atomic_load(&g_stop)) {
		int64_t now = now_us(), busy_since = now - (int64_t)LIM_BUSY_WAIT_S * 1000000;

		pthread_mutex_lock(&g_lock);
		for (struct conn *k = g_conns; k; k = k->next) {
			int late = k->deadline_us && now > k->deadline_us;
			int crowding = g_n > g_max && k->waiting_since_us && k->waiting_since_us < busy_since;

			if ((late || crowding) && k->fd >= 0) {
				shutdown(k->fd, SHUT_RDWR);
				k->deadline_us = k->waiting_since_us = 0;
			}
		}
		pthread_mutex_unlock(&g_lock);
		usleep(250000);
	}
	return NULL;
}

void conns_reaper_start(void)
{
	atomic_store(&g_stop, 0);
	g_running = pthread_create(&g_reaper, NULL, reaper, NULL) == 0;
}

void conns_reaper_stop(void)
{
	if (!g_running)
		return;
	atomic_store(&g_stop, 1);
	pthread_join(g_reaper, NULL);
	g_running = 0;
}
