/*
 * proxy.c -- X-Forwarded-For from trusted proxies only (proxy.h).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "http.h"
#include "proxy.h"
#include "../core/err.h"
#include "../core/limits.h"
#include "../core/banned.h"

static char g_trusted[LIM_TRUSTED_PROXIES][INET6_ADDRSTRLEN];
static int g_ntrusted;

/* 1 when s (len bytes) is an IPv4 or IPv6 literal; its text in out[size]. */
static int address(const char *s, size_t len, char *out, size_t size)
{
	unsigned char bin[sizeof(struct in6_addr)];
	char tmp[INET6_ADDRSTRLEN];

	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0 || len >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (inet_pton(AF_INET, tmp, bin) != 1 && inet_pton(AF_INET6, tmp, bin) != 1)
		return 0;
	snprintf(out, size, "%s", tmp);
	return 1;
}

int proxy_setup(const char *list, struct err *err)
{
	const char *p = list;

	g_ntrusted = 0;
	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (g_ntrusted == LIM_TRUSTED_PROXIES)
			return err_field(err, ST_INVALID, "trusted-proxy", "--trusted-proxy: at most %d addresses",
					 LIM_TRUSTED_PROXIES);
		if (!address(p, len, g_trusted[g_ntrusted], sizeof(g_trusted[0])))
			return err_field(err, ST_INVALID, "trusted-proxy",
					 "--trusted-proxy: expected IP addresses separated by commas, got \"%.*s\"",
					 (int)(len > 64 ? 64 : len), p);
		g_ntrusted++;
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}

void proxy_client_addr(struct req *r)
{
	const char *xff, *last;
	int trusted = 0;

	for (int i = 0; i < g_ntrusted && !trusted; i++)
		trusted = strcmp(r->addr, g_trusted[i]) == 0;
	if (!trusted)
		return;
	xff = req_header_last(r, "X-Forwarded-For");
	if (xff == NULL)
		return;
	last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	address(last, strlen(last), r->addr, sizeof(r->addr));
}
