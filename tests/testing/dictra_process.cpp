#include "testing/dictra_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <cstring>
#include <random>
#include <sstream>

extern char** environ;

namespace dictra::testing {

std::filesystem::path DictraBinary() {
    return DICTRA_BINARY_PATH;
}
std::filesystem::path SourceDir() {
    return DICTRA_SOURCE_DIR;
}

namespace {

std::filesystem::path MakeTempDir() {
    std::random_device random;
    auto dir = std::filesystem::temp_directory_path() /
               ("dictra-e2e-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    std::filesystem::create_directories(dir);
    return dir;
}

struct Spawned {
    pid_t pid = -1;
    int out_fd = -1;
};

Result<Spawned> Spawn(const std::vector<std::string>& args,
                      const std::vector<std::string>& extra_env, const std::filesystem::path& cwd) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return Error::Internal("pipe failed");
    std::vector<std::string> env_strings;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        // A developer's own DICTRA_* settings must not leak into a hermetic test.
        if (std::strncmp(*entry, "DICTRA_", 7) == 0) continue;
        env_strings.emplace_back(*entry);
    }
    env_strings.push_back(std::string("DICTRA_JWT_SECRET=") + kTestJwtSecret);
    for (const auto& entry : extra_env) env_strings.push_back(entry);
    std::vector<char*> env;
    for (auto& entry : env_strings) env.push_back(entry.data());
    env.push_back(nullptr);
    std::vector<std::string> argv_strings{DictraBinary().string()};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : argv_strings) argv.push_back(arg.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
    posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), env.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[1]);
    if (rc != 0) {
        ::close(pipe_fds[0]);
        return Error::Internal("cannot start " + argv_strings[0] + ": " + std::strerror(rc));
    }
    return Spawned{pid, pipe_fds[0]};
}

}  // namespace

DictraProcess::DictraProcess() : temp_dir_(MakeTempDir()) {}

DictraProcess::~DictraProcess() {
    if (pid_ > 0 && exit_status_ < 0) {
        ::kill(pid_, SIGKILL);
        int status;
        ::waitpid(pid_, &status, 0);
    }
    if (reader_.joinable()) reader_.join();
    std::error_code ignored;
    std::filesystem::remove_all(temp_dir_, ignored);
}

Status DictraProcess::Start(std::vector<std::string> extra_args, std::vector<std::string> extra_env,
                            std::size_t services_expected) {
    std::vector<std::string> args{"serve"};
    auto has = [&](const std::string& flag) {
        for (const auto& arg : extra_args) {
            if (arg == flag || arg.rfind(flag + "=", 0) == 0) return true;
        }
        return false;
    };
    for (const char* flag : {"--settlement-port", "--spi-port", "--dict-port", "--bacen-port"}) {
        if (!has(flag)) {
            args.push_back(flag);
            args.push_back("0");
        }
    }
    if (!has("--db")) {
        args.push_back("--db");
        args.push_back("sqlite:" + (temp_dir_ / "dictra.db").string());
    }
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    DICTRA_ASSIGN_OR_RETURN(Spawned spawned, Spawn(args, extra_env, temp_dir_));
    pid_ = spawned.pid;
    reader_ = std::thread([this, fd = spawned.out_fd] { ReadOutput(fd); });

    std::unique_lock lock(mutex_);
    bool ready = changed_.wait_for(lock, std::chrono::seconds(60), [&] {
        return ports_.size() >= services_expected || exit_status_ >= 0;
    });
    if (!ready || ports_.size() < services_expected) {
        std::string output;
        for (const auto& line : lines_) output += line + "\n";
        return Error::Unavailable("dictra did not start; output:\n" + output);
    }
    return Ok();
}

void DictraProcess::ReadOutput(int fd) {
    std::string pending;
    char chunk[4096];
    for (;;) {
        ssize_t got = ::read(fd, chunk, sizeof chunk);
        if (got <= 0) break;
        pending.append(chunk, static_cast<std::size_t>(got));
        std::size_t newline;
        while ((newline = pending.find('\n')) != std::string::npos) {
            std::string line = pending.substr(0, newline);
            pending.erase(0, newline + 1);
            std::lock_guard lock(mutex_);
            boost::system::error_code ec;
            auto value = boost::json::parse(line, ec);
            if (!ec && value.is_object()) {
                auto& object = value.as_object();
                auto* event = object.if_contains("event");
                if (event && event->is_string() && event->as_string() == "listening") {
                    ports_[std::string(object.at("service").as_string())] =
                        static_cast<std::uint16_t>(object.at("port").to_number<int>());
                }
            }
            lines_.push_back(std::move(line));
            changed_.notify_all();
        }
    }
    ::close(fd);
    std::lock_guard lock(mutex_);
    if (!pending.empty()) lines_.push_back(pending);
    changed_.notify_all();
}

std::uint16_t DictraProcess::Port(const std::string& service) const {
    std::lock_guard lock(mutex_);
    auto found = ports_.find(service);
    return found == ports_.end() ? 0 : found->second;
}

void DictraProcess::Signal(int signal_number) {
    if (pid_ > 0) ::kill(pid_, signal_number);
}

int DictraProcess::Wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        int status;
        pid_t done = ::waitpid(pid_, &status, WNOHANG);
        if (done == pid_) {
            std::lock_guard lock(mutex_);
            exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            changed_.notify_all();
            return exit_status_;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
}

std::vector<std::string> DictraProcess::Lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
}

bool DictraProcess::WaitForLine(const std::string& needle, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] {
        for (const auto& line : lines_) {
            if (line.find(needle) != std::string::npos) return true;
        }
        return false;
    });
}

Result<std::pair<int, std::string>> DictraProcess::RunCommand(std::vector<std::string> args,
                                                              std::vector<std::string> extra_env) {
    DICTRA_ASSIGN_OR_RETURN(Spawned spawned,
                            Spawn(args, extra_env, std::filesystem::temp_directory_path()));
    std::string output;
    char chunk[4096];
    for (;;) {
        ssize_t got = ::read(spawned.out_fd, chunk, sizeof chunk);
        if (got <= 0) break;
        output.append(chunk, static_cast<std::size_t>(got));
    }
    ::close(spawned.out_fd);
    int status;
    ::waitpid(spawned.pid, &status, 0);
    return std::make_pair(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), output);
}

std::string DictraProcess::Token(const std::string& sub, const std::string& extra_args) {
    std::vector<std::string> args{"token", "--sub", sub};
    std::istringstream extra(extra_args);
    for (std::string word; extra >> word;) args.push_back(word);
    auto result = RunCommand(args);
    if (!result.ok() || result->first != 0) return {};
    std::string token = result->second;
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
    return token;
}

}  // namespace dictra::testing
