// SPDX-License-Identifier: GPL-2.0-only
/*
 * A small scx_stats client for the vm scenarios, written from the protocol (sched-ext/scx,
 * rust/scx_stats): a Unix stream socket, one JSON request per line, one JSON reply line each,
 * any number of them on one connection. It knows nothing of the runner, so what it checks is
 * what any scx tool would see. It also behaves badly on purpose, to show the server copes.
 *
 *   stats-client ask PATH LINE...        send each LINE (a '\n' added) and print each reply line
 *   stats-client raw PATH SECONDS DATA   send DATA as it is, read nothing for SECONDS, then print
 *                                        what the server sent (until it closes, or 2 s of quiet)
 *                                        and "closed" if it closed the connection
 *   stats-client flood PATH SECONDS      send stats requests without reading any reply until the
 *                                        socket takes no more, print "sent N", wait SECONDS, then
 *                                        report whether the server closed the connection
 *
 * Exit status: 0 when the exchange happened, 2 when the socket could not be reached (the error
 * is printed), 1 for a bad command line.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int connect_to(const char *path)
{
	struct sockaddr_un address = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(address.sun_path)) {
		fprintf(stderr, "stats-client: path too long\n");
		exit(1);
	}
	strcpy(address.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof(address)) != 0) {
		fprintf(stderr, "stats-client: cannot connect to %s: %s\n", path, strerror(errno));
		exit(2);
	}
	return fd;
}

static void send_all(int fd, const char *data, size_t size)
{
	while (size > 0) {
		ssize_t sent = send(fd, data, size, MSG_NOSIGNAL);

		if (sent < 0) {
			if (errno == EINTR)
				continue;
			printf("send failed: %s\n", strerror(errno));
			return;
		}
		data += sent;
		size -= (size_t)sent;
	}
}

/* Reads up to the next '\n' within timeout_ms; prints the line. 0 on success. */
static int print_reply_line(int fd, int timeout_ms)
{
	char byte;

	for (;;) {
		struct pollfd descriptor = {.fd = fd, .events = POLLIN};
		ssize_t got;

		if (poll(&descriptor, 1, timeout_ms) <= 0) {
			printf("<no reply within %d ms>\n", timeout_ms);
			return -1;
		}
		got = recv(fd, &byte, 1, 0);
		if (got <= 0) {
			printf("<closed>\n");
			return -1;
		}
		putchar(byte);
		if (byte == '\n')
			return 0;
	}
}

/* Prints whatever arrives until the peer closes or quiet_ms pass without a byte. */
static void print_until_quiet(int fd, int quiet_ms)
{
	char buffer[4096];

	for (;;) {
		struct pollfd descriptor = {.fd = fd, .events = POLLIN};
		ssize_t got;

		if (poll(&descriptor, 1, quiet_ms) <= 0)
			return;
		got = recv(fd, buffer, sizeof(buffer), 0);
		if (got <= 0) {
			printf("%sclosed\n", got < 0 ? "error, " : "");
			return;
		}
		fwrite(buffer, 1, (size_t)got, stdout);
	}
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 4 && strcmp(argv[1], "ask") == 0) {
		int fd = connect_to(argv[2]);

		for (int index = 3; index < argc; index++) {
			send_all(fd, argv[index], strlen(argv[index]));
			send_all(fd, "\n", 1);
			if (print_reply_line(fd, 10000) != 0)
				break;
		}
		close(fd);
		return 0;
	}
	if (argc == 5 && strcmp(argv[1], "raw") == 0) {
		int fd = connect_to(argv[2]);

		send_all(fd, argv[4], strlen(argv[4]));
		sleep((unsigned int)atoi(argv[3]));
		print_until_quiet(fd, 2000);
		close(fd);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "flood") == 0) {
		static const char request[] = "{\"req\":\"stats_meta\"}\n";
		int fd = connect_to(argv[2]);
		int small = 4096;
		long sent = 0;

		/* A small receive buffer, so the replies we never read back up quickly. */
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
		for (;;) {
			struct pollfd descriptor = {.fd = fd, .events = POLLOUT};

			if (poll(&descriptor, 1, 500) <= 0 || !(descriptor.revents & POLLOUT))
				break;
			if (send(fd, request, sizeof(request) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) <= 0)
				break;
			sent++;
		}
		printf("sent %ld\n", sent);
		sleep((unsigned int)atoi(argv[3]));
		/* Read what was queued for us; a closed connection ends with EOF (or a reset). */
		for (;;) {
			char buffer[65536];
			struct pollfd descriptor = {.fd = fd, .events = POLLIN};
			ssize_t got;

			if (poll(&descriptor, 1, 2000) <= 0) {
				printf("still open\n");
				break;
			}
			got = recv(fd, buffer, sizeof(buffer), 0);
			if (got <= 0) {
				printf("closed\n");
				break;
			}
		}
		close(fd);
		return 0;
	}
	fprintf(stderr, "usage: stats-client ask PATH LINE... | raw PATH SECONDS DATA | flood PATH SECONDS\n");
	return 1;
}
