/*
 * proxy.h -- the client's address behind a load balancer (--trusted-proxy).
 *
 * Behind haproxy every request arrives from the balancer's address, so the
 * login throttle, which counts failures per login and address, would count
 * per balancer: one client's wrong passwords would make a user wait from
 * everywhere. With --trusted-proxy ADDR[,ADDR...] a request whose peer is
 * one of those addresses is taken to come from the last address in its
 * X-Forwarded-For header (the one the balancer appended: haproxy's `option
 * forwardfor`). From any other peer the header is ignored, so a client
 * cannot choose its address. It is NOT a general proxy protocol parser
 * (no Forwarded header, no PROXY protocol) and does not change the
 * per-address connection limit, which counts sockets.
 */
#ifndef PLENUM_PROXY_H
#define PLENUM_PROXY_H

struct req;
struct err;

/* Parses the comma-separated addresses (IPv4 or IPv6 literals, at most
 * LIM_TRUSTED_PROXIES). NULL: none. 0, or -1 with *err naming the option. */
int proxy_setup(const char *list, struct err *err);

/* Replaces r->addr by the forwarded client address when the peer is a
 * trusted proxy and the header's last entry is an address. */
void proxy_client_addr(struct req *r);

#endif
