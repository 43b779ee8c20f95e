/* httpref.c — the reference server for the /health figure: libmicrohttpd
 * set up the way jineng's src/http/server.c sets it up (internal polling
 * thread pool, epoll, same connection limit and timeout), answering
 * GET /health with the bytes jineng sends and the same headers, and nothing
 * else.  Whatever jineng is slower than this is jineng's own work (routing,
 * JSON building, per-request state).
 *
 *   cc -O2 -o httpref bench/httpref.c $(pkg-config --cflags --libs libmicrohttpd)
 *   httpref PORT [THREADS]          listens on 127.0.0.1:PORT, 8 threads by default
 *
 * Runs until SIGINT or SIGTERM. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char BODY[] = "{\"status\":\"ok\",\"engine\":\"sqlite\"}";

static volatile sig_atomic_t stop_requested;
static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned status, const char *text)
{
	/* jineng builds each answer afresh (json_dumps, then MUST_FREE); do the
	 * same allocation so the comparison is about everything else. */
	size_t len = strlen(text);
	char *copy = malloc(len + 1);
	if (!copy)
		return MHD_NO;
	memcpy(copy, text, len + 1);
	struct MHD_Response *r = MHD_create_response_from_buffer(len, copy, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(copy);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	(void)cls, (void)version, (void)upload;
	static int marker;
	if (*con_cls == NULL) { /* first call: headers only */
		*con_cls = &marker;
		return MHD_YES;
	}
	if (*upload_size) { /* ignore any body */
		*upload_size = 0;
		return MHD_YES;
	}
	if (strcmp(url, "/health") != 0)
		return send_text(c, 404, "{\"code\":\"no_route\",\"status\":404}");
	if (strcmp(method, "GET") != 0)
		return send_text(c, 405, "{\"code\":\"method_not_allowed\",\"status\":405}");
	return send_text(c, 200, BODY);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s PORT [THREADS]\n", argv[0]);
		return 2;
	}
	long port = strtol(argv[1], NULL, 10);
	long threads = argc > 2 ? strtol(argv[2], NULL, 10) : 8;
	if (port < 1 || port > 65535 || threads < 1 || threads > 256) {
		fprintf(stderr, "httpref: bad PORT or THREADS\n");
		return 2;
	}
	struct sockaddr_in sa = {0};
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	struct MHD_Daemon *d =
		MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, (uint16_t)port,
				 NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				 MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads, MHD_OPTION_CONNECTION_TIMEOUT,
				 (unsigned)120, MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
				 MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "httpref: cannot listen on 127.0.0.1:%ld\n", port);
		return 1;
	}
	struct sigaction act = {0};
	act.sa_handler = on_signal;
	sigaction(SIGINT, &act, NULL);
	sigaction(SIGTERM, &act, NULL);
	signal(SIGPIPE, SIG_IGN);
	fprintf(stderr, "httpref: listening on http://127.0.0.1:%ld/health (%ld threads)\n", port, threads);
	while (!stop_requested)
		pause();
	MHD_stop_daemon(d);
	return 0;
}
