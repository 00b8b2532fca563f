// SPDX-License-Identifier: GPL-2.0-only
/*
 * sched-probe: measures a sched_ext loader from the outside, for the VM benchmark
 * (tests/vm/scenarios/bench.sh). It samples /sys/kernel/sched_ext/state about every
 * millisecond, so it sees what the kernel sees, and reads the loader's /proc files, so it
 * measures our runner and the kernel's own C loaders the same way.
 *
 *   sched-probe start NAME IDLE_SECONDS -- COMMAND...
 *       exec -> enabling -> enabled, VmRSS/VmHWM and CPU at enabled and after IDLE_SECONDS
 *       attached and idle (with the loader's context switches over that time, and the CPU of
 *       that time past its first 2.5 s, once the loader settled), then SIGINT ->
 *       disabled. A line of the loader's output that says "loaded and verified in N ms" (ours)
 *       is timed too, so the work before the BPF load can be derived.
 *   sched-probe restart NAME -- COMMAND_A... -- COMMAND_B...
 *       a restart-style switch: A attached, SIGINT A, wait for its exit, exec B; the time without
 *       a scheduler (gap) and from SIGINT to B enabled (total).
 *   sched-probe switch NAME -- COMMAND...
 *       a switch by a client of an already running loader (`scx-runner switch FILE`): the gap
 *       and the time from the client's start to its exit (total), and the gap split by the
 *       state the kernel reported: disabling and enabling (the kernel's own work) and disabled
 *       (the loader's, between the two).
 *   sched-probe bpf-stats NAME
 *       run_cnt, run_time_ns, verified instructions and jited bytes of every struct_ops program
 *       loaded now (kernel.bpf_stats_enabled must be 1 for the run figures).
 *
 * Each measurement prints one line, "BENCH kind=... name=NAME key=value ...", which the host's
 * tests/vm/bench-table reads. Nothing here judges a figure.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STATE_PATH "/sys/kernel/sched_ext/state"
/*
 * The idle CPU is also taken from this long after "enabled" on: past the first two stats
 * readings, whose code runs for the first time (under emulation, translated first).
 */
#define SETTLE_MS 2500.0
/* A load under TCG on a busy host can take a minute; nothing we measure takes longer. */
#define WAIT_LIMIT_MS 180000.0

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void sleep_ms(double ms)
{
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)((ms - (time_t)(ms / 1000) * 1000) * 1e6) };

	nanosleep(&ts, NULL);
}

static int state_fd = -1;

/* The kernel's sched_ext state: "enabled", "disabled", "enabling", "disabling", ... */
static const char *read_state(char *buffer, size_t size)
{
	ssize_t length = pread(state_fd, buffer, size - 1, 0);

	if (length <= 0)
		return "unreadable";
	buffer[length] = '\0';
	buffer[strcspn(buffer, "\n")] = '\0';
	return buffer;
}

static bool state_is(const char *wanted)
{
	char buffer[32];

	return strcmp(read_state(buffer, sizeof(buffer)), wanted) == 0;
}

/* The loader's output, timed as it arrives; kept in /tmp/probe-NAME.out for the console. */
struct child {
	pid_t pid;
	int output_fd;
	FILE *log;
	char line[4096];
	size_t line_length;
	double verified_at_ms; /* when "loaded and verified in" arrived, or -1 */
	double verify_ms;      /* N from that line, or -1 */
	int status;
	bool exited;
};

static void take_line(struct child *child, double at_ms)
{
	const char *found;

	child->line[child->line_length] = '\0';
	fprintf(child->log, "%9.1f %s\n", at_ms, child->line);
	found = strstr(child->line, "loaded and verified in ");
	if (found && child->verified_at_ms < 0) {
		child->verified_at_ms = at_ms;
		child->verify_ms = atof(found + strlen("loaded and verified in "));
	}
	child->line_length = 0;
}

static void drain_output(struct child *child, double origin_ms, int timeout_ms)
{
	struct pollfd pfd = { .fd = child->output_fd, .events = POLLIN };
	char chunk[4096];
	ssize_t length;

	if (child->output_fd < 0 || poll(&pfd, 1, timeout_ms) <= 0)
		return;
	length = read(child->output_fd, chunk, sizeof(chunk));
	if (length <= 0) {
		close(child->output_fd);
		child->output_fd = -1;
		return;
	}
	for (ssize_t i = 0; i < length; i++) {
		if (chunk[i] == '\n' || child->line_length == sizeof(child->line) - 1)
			take_line(child, now_ms() - origin_ms);
		if (chunk[i] != '\n')
			child->line[child->line_length++] = chunk[i];
	}
}

static bool child_running(struct child *child)
{
	if (!child->exited && waitpid(child->pid, &child->status, WNOHANG) == child->pid)
		child->exited = true;
	return !child->exited;
}

static int child_exit_code(const struct child *child)
{
	if (!child->exited)
		return -1;
	return WIFEXITED(child->status) ? WEXITSTATUS(child->status) : 128 + WTERMSIG(child->status);
}

static void start_child(struct child *child, const char *name, char **argv)
{
	int pipe_fds[2];
	char path[256];

	memset(child, 0, sizeof(*child));
	child->verified_at_ms = child->verify_ms = -1;
	snprintf(path, sizeof(path), "/tmp/probe-%s.out", name);
	child->log = fopen(path, "a");
	if (!child->log || pipe2(pipe_fds, O_CLOEXEC) != 0) {
		perror("sched-probe: output");
		exit(1);
	}
	child->pid = fork();
	if (child->pid < 0) {
		perror("sched-probe: fork");
		exit(1);
	}
	if (child->pid == 0) {
		dup2(pipe_fds[1], STDOUT_FILENO);
		dup2(pipe_fds[1], STDERR_FILENO);
		execvp(argv[0], argv);
		fprintf(stderr, "sched-probe: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pipe_fds[1]);
	child->output_fd = pipe_fds[0];
}

/* Samples the state every millisecond until it is WANTED; the time since ORIGIN, or -1. */
static double wait_state(struct child *child, const char *wanted, double origin_ms)
{
	while (now_ms() - origin_ms < WAIT_LIMIT_MS) {
		if (state_is(wanted))
			return now_ms() - origin_ms;
		drain_output(child, origin_ms, 0);
		if (child && !child_running(child) && !state_is(wanted))
			return -1;
		sleep_ms(1);
	}
	return -1;
}

static void wait_exit(struct child *child, double origin_ms)
{
	while (child_running(child) && now_ms() - origin_ms < WAIT_LIMIT_MS)
		drain_output(child, origin_ms, 5);
	while (child->output_fd >= 0)
		drain_output(child, origin_ms, 100);
	fclose(child->log);
}

/* A number from /proc/PID/status, in the file's unit (kB for Vm*), or -1. */
static long status_field(pid_t pid, const char *field)
{
	char path[64], line[256];
	long value = -1;
	size_t length = strlen(field);
	FILE *file;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	file = fopen(path, "r");
	if (!file)
		return -1;
	while (fgets(line, sizeof(line), file))
		if (strncmp(line, field, length) == 0 && line[length] == ':')
			value = atol(line + length + 1);
	fclose(file);
	return value;
}

/* User + system CPU of the whole process (all threads), in milliseconds. */
static double cpu_ms(pid_t pid)
{
	char path[64], buffer[1024], *after_name;
	unsigned long user = 0, system = 0;
	FILE *file;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	file = fopen(path, "r");
	if (!file)
		return -1;
	if (!fgets(buffer, sizeof(buffer), file)) {
		fclose(file);
		return -1;
	}
	fclose(file);
	after_name = strrchr(buffer, ')');
	if (!after_name || sscanf(after_name + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
				  &user, &system) != 2)
		return -1;
	return (user + system) * 1000.0 / sysconf(_SC_CLK_TCK);
}

/* The sum of thread_value(tid) over the process's live threads, or -1 without the process. */
static double sum_over_threads(pid_t pid, double (*thread_value)(pid_t tid))
{
	char path[64];
	struct dirent *entry;
	double total = 0;
	DIR *tasks;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	tasks = opendir(path);
	if (!tasks)
		return -1;
	while ((entry = readdir(tasks)))
		if (entry->d_name[0] != '.')
			total += thread_value(atoi(entry->d_name));
	closedir(tasks);
	return total;
}

/* One thread's time on a CPU in milliseconds, from its schedstat (nanoseconds). */
static double thread_run_ms(pid_t tid)
{
	unsigned long long ns = 0;
	char path[64];
	FILE *file;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", tid);
	file = fopen(path, "r");
	if (!file)
		return 0;
	if (fscanf(file, "%llu", &ns) != 1)
		ns = 0;
	fclose(file);
	return ns / 1e6;
}

/* One thread's context switches: each is a wake-up or a preemption. */
static double thread_switches(pid_t tid)
{
	return status_field(tid, "voluntary_ctxt_switches") + status_field(tid, "nonvoluntary_ctxt_switches");
}

/*
 * Time on a CPU of all the process's live threads, in milliseconds: /proc/PID/stat counts in
 * clock ticks of 10 ms, too coarse for the few milliseconds an idle loader spends per second.
 */
static double run_time_ms(pid_t pid) { return sum_over_threads(pid, thread_run_ms); }

/* Context switches of all the process's threads. */
static long context_switches(pid_t pid) { return (long)sum_over_threads(pid, thread_switches); }

static int measure_start(const char *name, double idle_seconds, char **argv)
{
	struct child child;
	double origin, enabling, enabled, cpu_at_enabled, run_at_enabled, run_settled, run_after_idle, stop_origin,
		stopped;
	long rss, hwm, switches_before, switches_after;
	int exit_code;

	origin = now_ms();
	start_child(&child, name, argv);
	enabling = -1;
	while (now_ms() - origin < WAIT_LIMIT_MS && child_running(&child)) {
		char buffer[32];
		const char *state = read_state(buffer, sizeof(buffer));

		if (enabling < 0 && strcmp(state, "enabling") == 0)
			enabling = now_ms() - origin;
		if (strcmp(state, "enabled") == 0)
			break;
		drain_output(&child, origin, 0);
		sleep_ms(1);
	}
	enabled = state_is("enabled") ? now_ms() - origin : -1;
	if (enabled < 0) {
		kill(child.pid, SIGINT);
		wait_exit(&child, origin);
		printf("BENCH kind=start name=%s error=not-enabled exit=%d\n", name, child_exit_code(&child));
		return 1;
	}
	/* The state can go from disabled to enabled between two samples (a fast enable). */
	if (enabling < 0)
		enabling = enabled;
	rss = status_field(child.pid, "VmRSS");
	hwm = status_field(child.pid, "VmHWM");
	cpu_at_enabled = cpu_ms(child.pid);
	run_at_enabled = run_time_ms(child.pid);

	switches_before = context_switches(child.pid);
	{
		double idle_origin = now_ms();

		run_settled = -1;
		while (now_ms() - idle_origin < idle_seconds * 1000) {
			drain_output(&child, origin, 100);
			if (run_settled < 0 && now_ms() - idle_origin >= SETTLE_MS)
				run_settled = run_time_ms(child.pid);
		}
	}
	switches_after = context_switches(child.pid);
	run_after_idle = run_time_ms(child.pid);

	printf("BENCH kind=start name=%s enabling_ms=%.1f enabled_ms=%.1f", name, enabling, enabled);
	if (child.verified_at_ms >= 0)
		printf(" verify_ms=%.1f before_load_ms=%.1f", child.verify_ms,
		       child.verified_at_ms - child.verify_ms);
	if (run_settled >= 0)
		printf(" settled_idle_cpu_ms=%.1f", run_after_idle - run_settled);
	printf(" rss_kb=%ld hwm_kb=%ld cpu_start_ms=%.0f idle_cpu_ms=%.1f idle_switches=%ld"
	       " idle_rss_kb=%ld idle_hwm_kb=%ld",
	       rss, hwm, cpu_at_enabled, run_after_idle - run_at_enabled, switches_after - switches_before,
	       status_field(child.pid, "VmRSS"), status_field(child.pid, "VmHWM"));

	stop_origin = now_ms();
	kill(child.pid, SIGINT);
	stopped = wait_state(&child, "disabled", stop_origin);
	wait_exit(&child, origin);
	exit_code = child_exit_code(&child);
	printf(" stop_ms=%.1f exit=%d\n", stopped, exit_code);
	return exit_code == 0 ? 0 : 1;
}

/* Where a gap's time went, by the state the kernel reported: its own disable and enable
 * (disabling, enabling) and the loader's work between them (disabled). */
struct gap_states {
	double disabling, disabled, enabling;
};

/* Adds the time since the last sample to the state seen at that sample. */
static void charge_state(struct gap_states *states, const char *state, double ms)
{
	if (strcmp(state, "disabling") == 0)
		states->disabling += ms;
	else if (strcmp(state, "disabled") == 0)
		states->disabled += ms;
	else if (strcmp(state, "enabling") == 0)
		states->enabling += ms;
}

/* Samples until the state has left "enabled" and come back; the time without it, or -1. */
static double measure_gap(struct child *watched, double origin, double *back_at, struct gap_states *states)
{
	char last_state[32] = "";
	double left = -1, last_sample = -1;

	memset(states, 0, sizeof(*states));
	while (now_ms() - origin < WAIT_LIMIT_MS) {
		char buffer[32];
		const char *state = read_state(buffer, sizeof(buffer));
		double sampled = now_ms();
		bool enabled = strcmp(state, "enabled") == 0;

		if (left >= 0)
			charge_state(states, last_state, sampled - last_sample);
		if (left < 0 && !enabled)
			left = sampled;
		if (left >= 0 && enabled) {
			*back_at = sampled - origin;
			return sampled - left;
		}
		snprintf(last_state, sizeof(last_state), "%s", state);
		last_sample = sampled;
		if (watched) {
			drain_output(watched, origin, 0);
			/* The client may end before the kernel's state is read again. */
			if (!child_running(watched) && left < 0 && state_is("enabled")) {
				*back_at = now_ms() - origin;
				return 0;
			}
		}
		sleep_ms(1);
	}
	return -1;
}

static int measure_restart(const char *name, char **argv_a, char **argv_b)
{
	struct child a, b;
	double origin, left = -1, exited, enabled;

	origin = now_ms();
	start_child(&a, name, argv_a);
	if (wait_state(&a, "enabled", origin) < 0) {
		printf("BENCH kind=restart name=%s error=first-not-enabled\n", name);
		kill(a.pid, SIGINT);
		wait_exit(&a, origin);
		return 1;
	}
	sleep_ms(1000);
	origin = now_ms();
	kill(a.pid, SIGINT);
	/* The gap starts when the kernel leaves "enabled", not at the signal. */
	while (left < 0 && now_ms() - origin < WAIT_LIMIT_MS) {
		if (!state_is("enabled"))
			left = now_ms() - origin;
		drain_output(&a, origin, 0);
		sleep_ms(1);
	}
	wait_exit(&a, origin);
	exited = now_ms() - origin;
	start_child(&b, name, argv_b);
	enabled = wait_state(&b, "enabled", origin);
	printf("BENCH kind=restart name=%s exit_a=%d a_exited_ms=%.1f total_ms=%.1f gap_ms=%.1f\n", name,
	       child_exit_code(&a), exited, enabled, left >= 0 && enabled >= 0 ? enabled - left : -1.0);
	kill(b.pid, SIGINT);
	wait_exit(&b, origin);
	return enabled < 0;
}

static int measure_switch(const char *name, char **argv)
{
	struct gap_states states;
	struct child client;
	double origin, gap, back_at = -1;

	if (!state_is("enabled")) {
		printf("BENCH kind=switch name=%s error=nothing-attached\n", name);
		return 1;
	}
	origin = now_ms();
	start_child(&client, name, argv);
	gap = measure_gap(&client, origin, &back_at, &states);
	wait_exit(&client, origin);
	printf("BENCH kind=switch name=%s gap_ms=%.1f enabled_again_ms=%.1f total_ms=%.1f disabling_ms=%.1f"
	       " disabled_ms=%.1f enabling_ms=%.1f exit=%d\n",
	       name, gap, back_at, now_ms() - origin, states.disabling, states.disabled, states.enabling,
	       child_exit_code(&client));
	return child_exit_code(&client) != 0 || gap < 0;
}

static long bpf_call(int command, union bpf_attr *attr)
{
	return syscall(__NR_bpf, command, attr, sizeof(*attr));
}

static int measure_bpf_stats(const char *name)
{
	union bpf_attr attr;
	uint32_t id = 0;
	int found = 0;

	for (;;) {
		struct bpf_prog_info info;
		int fd;

		memset(&attr, 0, sizeof(attr));
		attr.start_id = id;
		if (bpf_call(BPF_PROG_GET_NEXT_ID, &attr) != 0)
			break;
		id = attr.next_id;
		memset(&attr, 0, sizeof(attr));
		attr.prog_id = id;
		fd = (int)bpf_call(BPF_PROG_GET_FD_BY_ID, &attr);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		memset(&attr, 0, sizeof(attr));
		attr.info.bpf_fd = fd;
		attr.info.info_len = sizeof(info);
		attr.info.info = (uint64_t)(uintptr_t)&info;
		if (bpf_call(BPF_OBJ_GET_INFO_BY_FD, &attr) == 0 && info.type == BPF_PROG_TYPE_STRUCT_OPS) {
			printf("BENCH kind=bpf name=%s prog=%s run_cnt=%llu run_time_ns=%llu verified_insns=%u"
			       " jited_bytes=%u\n",
			       name, info.name, (unsigned long long)info.run_cnt,
			       (unsigned long long)info.run_time_ns, info.verified_insns, info.jited_prog_len);
			found++;
		}
		close(fd);
	}
	if (!found)
		printf("BENCH kind=bpf name=%s error=no-struct-ops-programs\n", name);
	return found ? 0 : 1;
}

/* Splits ARGV at the first "--" at or after START: returns the part after it, NULL-ended. */
/*
 * exec -> exit of a command that does nothing of consequence (`scx-runner --version`, a
 * loader's `-h`): what the program's exec, dynamic loading and start-up cost before any work
 * of its own, the floor under every start of the same binary in this boot.
 */
static int measure_exec(const char *name, char **argv)
{
	struct child child;
	double origin = now_ms();

	start_child(&child, name, argv);
	wait_exit(&child, origin);
	printf("BENCH kind=exec name=%s exit_ms=%.1f exit=%d\n", name, now_ms() - origin, child_exit_code(&child));
	return 0;
}

static char **after_separator(char **argv, int start)
{
	for (int i = start; argv[i]; i++) {
		if (strcmp(argv[i], "--") == 0) {
			argv[i] = NULL;
			return &argv[i + 1];
		}
	}
	return NULL;
}

static int usage(void)
{
	fprintf(stderr, "usage: sched-probe start NAME IDLE_SECONDS -- COMMAND...\n"
			"       sched-probe restart NAME -- COMMAND_A... -- COMMAND_B...\n"
			"       sched-probe switch NAME -- COMMAND...\n"
			"       sched-probe exec NAME -- COMMAND...\n"
			"       sched-probe bpf-stats NAME\n");
	return 2;
}

int main(int argc, char **argv)
{
	char **first, **second;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (argc < 3)
		return usage();
	state_fd = open(STATE_PATH, O_RDONLY | O_CLOEXEC);
	if (state_fd < 0) {
		fprintf(stderr, "sched-probe: cannot open %s: %s\n", STATE_PATH, strerror(errno));
		return 1;
	}
	if (strcmp(argv[1], "bpf-stats") == 0)
		return measure_bpf_stats(argv[2]);
	if (strcmp(argv[1], "start") == 0 && argc > 5 && strcmp(argv[4], "--") == 0)
		return measure_start(argv[2], atof(argv[3]), &argv[5]);
	if (strcmp(argv[1], "switch") == 0 && argc > 4 && strcmp(argv[3], "--") == 0)
		return measure_switch(argv[2], &argv[4]);
	if (strcmp(argv[1], "exec") == 0 && argc > 4 && strcmp(argv[3], "--") == 0)
		return measure_exec(argv[2], &argv[4]);
	if (strcmp(argv[1], "restart") == 0 && argc > 4 && strcmp(argv[3], "--") == 0) {
		first = &argv[4];
		second = after_separator(argv, 4);
		if (!second || !second[0])
			return usage();
		return measure_restart(argv[2], first, second);
	}
	return usage();
}
