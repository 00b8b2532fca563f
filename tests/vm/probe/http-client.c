// SPDX-License-Identifier: GPL-2.0-only
/*
 * A small HTTP client for the metrics scenario, talking to 127.0.0.1 only (a numeric address:
 * no resolver, which a static binary in the guest cannot load; busybox's wget crashes there for
 * that reason). It knows nothing of the runner, so it sees what any scraper sees.
 *
 *   http-client get PORT PATH       GET PATH, print the body; exit 0 on 200, 1 on another status
 *                                   (its status line goes to stderr)
 *   http-client raw PORT            send standard input as it is, print the first line of the
 *                                   answer ("closed" if there was none)
 *   http-client hold PORT SECONDS   connect, send nothing for SECONDS, then close
 *
 * Exit status 2: the port could not be reached (the error is printed); 3: a bad command line.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int connect_to(const char *port_text)
{
	const long port = strtol(port_text, NULL, 10);
	struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof(address)) != 0) {
		fprintf(stderr, "http-client: cannot connect to 127.0.0.1:%ld: %s\n", port, strerror(errno));
		exit(2);
	}
	return fd;
}

static void send_all(int fd, const char *data, size_t size)
{
	while (size > 0) {
		const ssize_t sent = send(fd, data, size, MSG_NOSIGNAL);
		if (sent <= 0)
			return; // the server may close early (a 414): what it answered is still read
		data += sent;
		size -= (size_t)sent;
	}
}

// Reads until the server closes or 15 s pass; returns a malloc()ed, NUL-terminated buffer.
static char *read_answer(int fd, size_t *size, int first_line_only)
{
	size_t capacity = 65536, used = 0;
	char *buffer = malloc(capacity + 1);
	for (int waited_ms = 0; buffer && waited_ms < 15000;) {
		struct pollfd ready = {.fd = fd, .events = POLLIN};
		if (poll(&ready, 1, 100) <= 0) {
			waited_ms += 100;
			continue;
		}
		if (used == capacity) {
			capacity *= 2;
			char *bigger = realloc(buffer, capacity + 1);
			if (!bigger)
				break;
			buffer = bigger;
		}
		const ssize_t got = read(fd, buffer + used, capacity - used);
		if (got <= 0)
			break;
		used += (size_t)got;
		buffer[used] = '\0';
		if (first_line_only && strstr(buffer, "\r\n"))
			break;
	}
	if (buffer)
		buffer[used] = '\0';
	*size = used;
	return buffer;
}

static int get(const char *port, const char *path)
{
	const int fd = connect_to(port);
	char request[8192];
	snprintf(request, sizeof(request), "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", path);
	send_all(fd, request, strlen(request));
	size_t size = 0;
	char *answer = read_answer(fd, &size, 0);
	close(fd);
	if (!answer || size == 0) {
		fprintf(stderr, "http-client: no answer\n");
		return 1;
	}
	char *body = strstr(answer, "\r\n\r\n");
	const int ok = strncmp(answer, "HTTP/1.1 200 ", 13) == 0 && body;
	if (!ok) {
		char *end = strstr(answer, "\r\n");
		if (end)
			*end = '\0';
		fprintf(stderr, "http-client: %s\n", answer);
	} else {
		fwrite(body + 4, 1, size - (size_t)(body + 4 - answer), stdout);
	}
	free(answer);
	return ok ? 0 : 1;
}

static int raw(const char *port)
{
	const int fd = connect_to(port);
	char chunk[4096];
	size_t got;
	while ((got = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		send_all(fd, chunk, got);
	size_t size = 0;
	char *answer = read_answer(fd, &size, 1);
	close(fd);
	char *end = answer ? strstr(answer, "\r\n") : NULL;
	if (end)
		*end = '\0';
	printf("%s\n", answer && size > 0 ? answer : "closed");
	free(answer);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "get") == 0)
		return get(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "raw") == 0)
		return raw(argv[2]);
	if (argc == 4 && strcmp(argv[1], "hold") == 0) {
		const int fd = connect_to(argv[2]);
		sleep((unsigned)atoi(argv[3]));
		close(fd);
		return 0;
	}
	fprintf(stderr, "usage: http-client get PORT PATH | raw PORT | hold PORT SECONDS\n");
	return 3;
}
