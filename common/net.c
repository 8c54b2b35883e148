/* net — socket plumbing; see net.h. */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static void set_err(char *err, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, NET_ERR_LEN, fmt, ap);
    va_end(ap);
}

int net_set_nonblock(int fd, int nonblock)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0)
        return -1;
    flags = nonblock ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
    return fcntl(fd, F_SETFL, flags);
}

int net_set_cloexec(int fd)
{
    int flags = fcntl(fd, F_GETFD);
    return flags < 0 ? -1 : fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

int net_set_nodelay(int fd, int on)
{
    return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

/* Probes start after `interval` idle seconds and repeat every third of it,
 * so a dead peer is detected in about two intervals, as in Redis. */
int net_set_keepalive(int fd, int interval)
{
    int yes = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &yes, sizeof yes) < 0)
        return -1;
    int idle = interval, intvl = interval / 3 ? interval / 3 : 1, cnt = 3;
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt);
    return 0;
}

int net_socket_error(int fd)
{
    int sockerr = 0;
    socklen_t len = sizeof sockerr;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &sockerr, &len) < 0)
        return errno;
    return sockerr;
}

static int listen_on(char *err, int fd, struct sockaddr *sa, socklen_t len, int backlog)
{
    if (bind(fd, sa, len) < 0) {
        set_err(err, "bind: %s", strerror(errno));
        return -1;
    }
    if (listen(fd, backlog) < 0) {
        set_err(err, "listen: %s", strerror(errno));
        return -1;
    }
    return 0;
}

int net_tcp_listen(char *err, const char *addr, int port, int backlog)
{
    int optional = addr[0] == '-';
    if (optional)
        addr++;
    int want_v6 = strchr(addr, ':') != NULL;
    const char *host = NULL;
    if (strcmp(addr, "*") != 0 && strcmp(addr, "::*") != 0)
        host = addr;
    struct addrinfo hints = {.ai_family = want_v6 ? AF_INET6 : AF_INET,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE};
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%d", port);
    struct addrinfo *info;
    int rv = getaddrinfo(host, portstr, &hints, &info);
    if (rv != 0) {
        set_err(err, "%s", gai_strerror(rv));
        return optional ? -2 : -1;
    }
    int fd = -1;
    for (struct addrinfo *p = info; p; p = p->ai_next) {
        fd = socket(p->ai_family, p->ai_socktype | SOCK_CLOEXEC, p->ai_protocol);
        if (fd < 0)
            continue;
        int yes = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        if (p->ai_family == AF_INET6)
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &yes, sizeof yes);
        if (listen_on(err, fd, p->ai_addr, p->ai_addrlen, backlog) == 0)
            break;
        int saved = errno;
        close(fd);
        fd = -1;
        errno = saved;
    }
    freeaddrinfo(info);
    if (fd < 0) {
        /* An address family the host lacks is only fatal if required. */
        if (optional && (errno == EADDRNOTAVAIL || errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT))
            return -2;
        if (err && !*err)
            set_err(err, "unable to bind socket, errno: %d", errno);
        return -1;
    }
    net_set_nonblock(fd, 1);
    return fd;
}

int net_unix_listen(char *err, const char *path, unsigned perm, int backlog)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) {
        set_err(err, "unix socket path too long");
        return -1;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        set_err(err, "socket: %s", strerror(errno));
        return -1;
    }
    unlink(path);
    if (listen_on(err, fd, (struct sockaddr *)&sa, sizeof sa, backlog) < 0) {
        close(fd);
        return -1;
    }
    if (perm)
        chmod(path, perm);
    net_set_nonblock(fd, 1);
    return fd;
}

static void addr_to_ip(const struct sockaddr_storage *ss, char *ip, size_t iplen, int *port)
{
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *s = (const struct sockaddr_in *)ss;
        if (ip)
            inet_ntop(AF_INET, &s->sin_addr, ip, (socklen_t)iplen);
        if (port)
            *port = ntohs(s->sin_port);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)ss;
        if (ip)
            inet_ntop(AF_INET6, &s->sin6_addr, ip, (socklen_t)iplen);
        if (port)
            *port = ntohs(s->sin6_port);
    } else {
        if (ip)
            snprintf(ip, iplen, "/unixsocket");
        if (port)
            *port = 0;
    }
}

int net_tcp_accept(char *err, int listen_fd, char *ip, size_t iplen, int *port)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int fd;
    do {
        fd = accept4(listen_fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        set_err(err, "accept: %s", strerror(errno));
        return -1;
    }
    addr_to_ip(&ss, ip, iplen, port);
    return fd;
}

int net_unix_accept(char *err, int listen_fd)
{
    int fd;
    do {
        fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0)
        set_err(err, "accept: %s", strerror(errno));
    return fd;
}

int net_tcp_connect_nonblock(char *err, const char *host, int port, const char *source_addr)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%d", port);
    struct addrinfo *info;
    int rv = getaddrinfo(host, portstr, &hints, &info);
    if (rv != 0) {
        set_err(err, "%s", gai_strerror(rv));
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *p = info; p; p = p->ai_next) {
        fd = socket(p->ai_family, p->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, p->ai_protocol);
        if (fd < 0)
            continue;
        if (source_addr && *source_addr) {
            struct addrinfo *src;
            if (getaddrinfo(source_addr, NULL, &hints, &src) == 0) {
                int bound = bind(fd, src->ai_addr, src->ai_addrlen);
                freeaddrinfo(src);
                if (bound < 0) {
                    close(fd);
                    fd = -1;
                    continue;
                }
            }
        }
        if (connect(fd, p->ai_addr, p->ai_addrlen) == 0 || errno == EINPROGRESS)
            break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(info);
    if (fd < 0)
        set_err(err, "connect: %s", strerror(errno));
    return fd;
}

/* getpeername or getsockname, then the address as text. */
static int fd_addr(int fd, int (*get)(int, struct sockaddr *, socklen_t *), char *ip, size_t iplen,
                   int *port)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (get(fd, (struct sockaddr *)&ss, &len) < 0)
        return -1;
    addr_to_ip(&ss, ip, iplen, port);
    return 0;
}

int net_peer_name(int fd, char *ip, size_t iplen, int *port)
{
    return fd_addr(fd, getpeername, ip, iplen, port);
}

int net_sock_name(int fd, char *ip, size_t iplen, int *port)
{
    return fd_addr(fd, getsockname, ip, iplen, port);
}

void net_format_addr(char *buf, size_t len, const char *ip, int port)
{
    snprintf(buf, len, strchr(ip, ':') ? "[%s]:%d" : "%s:%d", ip, port);
}

int net_is_loopback(const char *ip)
{
    return strcmp(ip, "127.0.0.1") == 0 || strcmp(ip, "::1") == 0;
}
