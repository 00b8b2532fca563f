// SPDX-License-Identifier: GPL-2.0-only
#include "Subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

extern char **environ;

namespace scxr::test {

ProcessResult Subprocess::run(const std::filesystem::path &program, const std::vector<std::string> &arguments,
			      const std::map<std::string, std::string> &environment, std::chrono::seconds timeout)
{
	std::vector<std::string> environment_entries;
	for (char **entry = environ; *entry; ++entry) {
		const std::string text(*entry);
		const std::string name = text.substr(0, text.find('='));
		if (name == "SCX_RUNNER_PLUGIN_PATH" || environment.count(name))
			continue;
		environment_entries.push_back(text);
	}
	for (const auto &[name, value] : environment)
		environment_entries.push_back(name + "=" + value);

	std::vector<std::string> argv_strings{program.string()};
	argv_strings.insert(argv_strings.end(), arguments.begin(), arguments.end());
	std::vector<char *> argv;
	for (std::string &argument : argv_strings)
		argv.push_back(argument.data());
	argv.push_back(nullptr);
	std::vector<char *> envp;
	for (std::string &entry : environment_entries)
		envp.push_back(entry.data());
	envp.push_back(nullptr);

	int out_pipe[2];
	int err_pipe[2];
	if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0)
		throw std::runtime_error("pipe2 failed");
	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
	pid_t pid = 0;
	const int spawn_error = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
	posix_spawn_file_actions_destroy(&actions);
	close(out_pipe[1]);
	close(err_pipe[1]);
	if (spawn_error != 0) {
		close(out_pipe[0]);
		close(err_pipe[0]);
		throw std::runtime_error("posix_spawn " + program.string() + ": " + std::strerror(spawn_error));
	}

	ProcessResult result;
	const auto deadline = std::chrono::steady_clock::now() + timeout;
	pollfd descriptors[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
	std::string *buffers[2] = {&result.out, &result.err};
	int open_count = 2;
	while (open_count > 0) {
		const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
		if (left.count() <= 0) {
			kill(pid, SIGKILL);
			break;
		}
		if (poll(descriptors, 2, static_cast<int>(left.count())) < 0)
			break;
		for (int index = 0; index < 2; ++index) {
			if (descriptors[index].fd < 0 || !(descriptors[index].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			char chunk[4096];
			const ssize_t length = read(descriptors[index].fd, chunk, sizeof(chunk));
			if (length > 0) {
				buffers[index]->append(chunk, static_cast<size_t>(length));
			} else {
				close(descriptors[index].fd);
				descriptors[index].fd = -1;
				--open_count;
			}
		}
	}
	for (const pollfd &descriptor : descriptors)
		if (descriptor.fd >= 0)
			close(descriptor.fd);
	int status = 0;
	struct rusage usage {};
	wait4(pid, &status, 0, &usage);
	const auto microseconds_of = [](const timeval &time) {
		return std::chrono::seconds(time.tv_sec) + std::chrono::microseconds(time.tv_usec);
	};
	result.cpu_time = microseconds_of(usage.ru_utime) + microseconds_of(usage.ru_stime);
	if (WIFEXITED(status))
		result.exit_code = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		result.signal = WTERMSIG(status);
	return result;
}

} // namespace scxr::test
