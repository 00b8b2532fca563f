// SPDX-License-Identifier: GPL-2.0-only
/*
 * sched-workload: a small, predictable load for the VM tests.
 *
 * A scheduler under test must keep two kinds of task moving: tasks that sleep and wake each
 * other many times a second (pipe ping-pong between pairs of threads, which exercises enqueue,
 * dispatch and wakeup paths) and tasks that never sleep (CPU spinners, which exercise slice
 * expiry and preemption). If the scheduler stalls either kind, the per-second figures drop to
 * zero and the final "workload: done" line never appears, which is what the tests look for.
 *
 *   sched-workload [--threads N] [--spinners M] [--seconds S] [--nice NICE] [--quiet]
 *
 * Output, one line per second and one at the end:
 *   workload: second=1 pingpong_ops=12345 spin_loops=678
 *   workload: done seconds=5 threads=4 spinners=2 pingpong_ops=61234 spin_loops=3456
 *             pingpong_ops_per_sec=12246 spin_loops_per_sec=691
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

struct workload_options {
	unsigned int threads;
	unsigned int spinners;
	unsigned int seconds;
	int nice_value;
	bool nice_given;
	bool quiet;
};

/* One ping-pong pair: the initiator writes into `to_responder` and waits for the echo. */
struct pingpong_pair {
	int to_responder[2];
	int to_initiator[2];
	pthread_t initiator;
	pthread_t responder;
};

static atomic_bool stop_requested;
static atomic_ullong pingpong_ops;
static atomic_ullong spin_loops;

static void usage(FILE *out, const char *program)
{
	fprintf(out,
		"usage: %s [--threads N] [--spinners M] [--seconds S] [--nice NICE] [--quiet]\n"
		"  --threads N    ping-pong threads, in pairs (default 4; an odd N is rounded up)\n"
		"  --spinners M   threads that only burn CPU (default 2)\n"
		"  --seconds S    how long to run (default 5)\n"
		"  --nice NICE    nice value for every thread (default: inherited)\n"
		"  --quiet        print only the final line\n",
		program);
}

static bool parse_unsigned(const char *text, unsigned int max, unsigned int *value)
{
	char *end;
	unsigned long parsed;

	errno = 0;
	parsed = strtoul(text, &end, 10);
	if (errno || end == text || *end || parsed > max || text[0] == '-')
		return false;
	*value = (unsigned int)parsed;
	return true;
}

static bool parse_options(int argc, char **argv, struct workload_options *options)
{
	static const struct option long_options[] = {
		{ "threads", required_argument, NULL, 't' },
		{ "spinners", required_argument, NULL, 's' },
		{ "seconds", required_argument, NULL, 'd' },
		{ "nice", required_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int magnitude;
	int option;

	*options = (struct workload_options){ .threads = 4, .spinners = 2, .seconds = 5 };
	while ((option = getopt_long(argc, argv, "t:s:d:n:qh", long_options, NULL)) != -1) {
		switch (option) {
		case 't':
			if (!parse_unsigned(optarg, 1024, &options->threads))
				goto bad_value;
			break;
		case 's':
			if (!parse_unsigned(optarg, 1024, &options->spinners))
				goto bad_value;
			break;
		case 'd':
			if (!parse_unsigned(optarg, 86400, &options->seconds) || !options->seconds)
				goto bad_value;
			break;
		case 'n':
			if (!parse_unsigned(optarg[0] == '-' ? optarg + 1 : optarg, 20, &magnitude))
				goto bad_value;
			options->nice_value = optarg[0] == '-' ? -(int)magnitude : (int)magnitude;
			options->nice_given = true;
			break;
		case 'q':
			options->quiet = true;
			break;
		case 'h':
			usage(stdout, argv[0]);
			exit(0);
		default:
			usage(stderr, argv[0]);
			return false;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "workload: unexpected argument '%s'\n", argv[optind]);
		return false;
	}
	options->threads += options->threads % 2;
	return true;

bad_value:
	for (const struct option *entry = long_options; entry->name; entry++) {
		if (entry->val == option)
			fprintf(stderr, "workload: bad value '%s' for --%s\n", optarg, entry->name);
	}
	return false;
}

static void *run_initiator(void *argument)
{
	struct pingpong_pair *pair = argument;
	char token = 'p';

	while (!atomic_load_explicit(&stop_requested, memory_order_relaxed)) {
		if (write(pair->to_responder[1], &token, 1) != 1)
			break;
		if (read(pair->to_initiator[0], &token, 1) != 1)
			break;
		atomic_fetch_add_explicit(&pingpong_ops, 1, memory_order_relaxed);
	}
	/* Only the initiator watches the clock; closing its end is how the responder learns. */
	close(pair->to_responder[1]);
	return NULL;
}

static void *run_responder(void *argument)
{
	struct pingpong_pair *pair = argument;
	char token;

	while (read(pair->to_responder[0], &token, 1) == 1) {
		if (write(pair->to_initiator[1], &token, 1) != 1)
			break;
	}
	close(pair->to_initiator[1]);
	return NULL;
}

static void *run_spinner(void *argument)
{
	volatile unsigned long sink = 0;

	(void)argument;
	while (!atomic_load_explicit(&stop_requested, memory_order_relaxed)) {
		for (unsigned int i = 0; i < 100000; i++)
			sink += i;
		atomic_fetch_add_explicit(&spin_loops, 1, memory_order_relaxed);
	}
	return NULL;
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static bool start_thread(pthread_t *thread, void *(*body)(void *), void *argument)
{
	int error = pthread_create(thread, NULL, body, argument);

	if (error)
		fprintf(stderr, "workload: cannot start a thread: %s\n", strerror(error));
	return !error;
}

int main(int argc, char **argv)
{
	struct workload_options options;
	struct pingpong_pair *pairs;
	pthread_t *spinners;
	unsigned int pair_count, started_pairs = 0, started_spinners = 0;
	unsigned long long last_ops = 0, last_loops = 0;
	struct timespec start;
	double elapsed;
	bool ok = true;

	if (!parse_options(argc, argv, &options))
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* Linux nice values are per thread; threads created afterwards inherit this one. */
	if (options.nice_given && setpriority(PRIO_PROCESS, 0, options.nice_value)) {
		fprintf(stderr, "workload: cannot set nice %d: %s\n", options.nice_value, strerror(errno));
		return 1;
	}

	pair_count = options.threads / 2;
	pairs = calloc(pair_count ? pair_count : 1, sizeof(*pairs));
	spinners = calloc(options.spinners ? options.spinners : 1, sizeof(*spinners));
	if (!pairs || !spinners) {
		fprintf(stderr, "workload: out of memory\n");
		return 1;
	}

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (; ok && started_pairs < pair_count; started_pairs++) {
		struct pingpong_pair *pair = &pairs[started_pairs];

		if (pipe(pair->to_responder) || pipe(pair->to_initiator)) {
			fprintf(stderr, "workload: pipe: %s\n", strerror(errno));
			ok = false;
			break;
		}
		ok = start_thread(&pair->responder, run_responder, pair);
		if (ok && !start_thread(&pair->initiator, run_initiator, pair)) {
			close(pair->to_responder[1]);
			pthread_join(pair->responder, NULL);
			ok = false;
		}
		if (!ok)
			break;
	}
	for (; ok && started_spinners < options.spinners; started_spinners++)
		ok = start_thread(&spinners[started_spinners], run_spinner, NULL);

	for (unsigned int second = 1; ok && second <= options.seconds; second++) {
		struct timespec until = start;

		until.tv_sec += second;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR)
			;
		if (!options.quiet) {
			unsigned long long ops = atomic_load(&pingpong_ops);
			unsigned long long loops = atomic_load(&spin_loops);

			printf("workload: second=%u pingpong_ops=%llu spin_loops=%llu\n", second,
			       ops - last_ops, loops - last_loops);
			last_ops = ops;
			last_loops = loops;
		}
	}

	atomic_store(&stop_requested, true);
	for (unsigned int i = 0; i < started_pairs; i++) {
		pthread_join(pairs[i].initiator, NULL);
		pthread_join(pairs[i].responder, NULL);
	}
	for (unsigned int i = 0; i < started_spinners; i++)
		pthread_join(spinners[i], NULL);
	elapsed = seconds_since(&start);
	if (!ok)
		return 1;

	printf("workload: done seconds=%.2f threads=%u spinners=%u pingpong_ops=%llu spin_loops=%llu "
	       "pingpong_ops_per_sec=%.0f spin_loops_per_sec=%.0f\n",
	       elapsed, options.threads, options.spinners, atomic_load(&pingpong_ops),
	       atomic_load(&spin_loops), (double)atomic_load(&pingpong_ops) / elapsed,
	       (double)atomic_load(&spin_loops) / elapsed);
	free(pairs);
	free(spinners);
	return 0;
}
