/* net — socket plumbing: listening on TCP and Unix sockets, accepting,
 * outgoing connects, and per-socket options.  Errors are written into a
 * caller buffer of NET_ERR_LEN bytes. */
#ifndef VIGIL_NET_H
#define VIGIL_NET_H

#include <stddef.h>

#define NET_ERR_LEN 256
/* Room for "[ipv6]:port" or "ip:port". */
#define NET_ADDR_STR_LEN 128

/* addr may be "*" (any IPv4), "::*" (any IPv6), or an address.  A leading
 * '-' makes a missing address non-fatal (bind "-::1"): returns -2. */
int net_tcp_listen(char *err, const char *addr, int port, int backlog);
int net_unix_listen(char *err, const char *path, unsigned perm, int backlog);
/* Non-blocking accept; -1 with errno EAGAIN when nothing is pending. */
int net_tcp_accept(char *err, int listen_fd, char *ip, size_t iplen, int *port);
int net_unix_accept(char *err, int listen_fd);
/* Starts a non-blocking connect; the socket becomes writable when done. */
int net_tcp_connect_nonblock(char *err, const char *host, int port, const char *source_addr);

int net_set_nonblock(int fd, int nonblock);
int net_set_nodelay(int fd, int on);
int net_set_keepalive(int fd, int interval_seconds);
int net_set_cloexec(int fd);
/* The connect() result of a non-blocking socket: 0 or an errno. */
int net_socket_error(int fd);

/* The address of the peer or of our end of a socket. */
int net_peer_name(int fd, char *ip, size_t iplen, int *port);
int net_sock_name(int fd, char *ip, size_t iplen, int *port);
/* "ip:port", or "[ip]:port" for IPv6, as Redis prints addresses. */
void net_format_addr(char *buf, size_t len, const char *ip, int port);
/* True for the two addresses protected mode trusts, exactly as Redis 7.0:
 * 127.0.0.1 and ::1 (another 127.x peer counts as remote). */
int net_is_loopback(const char *ip);

#endif
