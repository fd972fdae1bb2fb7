// End-to-end fixture: the real `dictra` binary as a child process on free ports (port 0) with a
// temporary database, its stdout captured line by line.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/result.hpp"

namespace dictra::testing {

// Path of the built binary and the source tree (set by the build).
std::filesystem::path DictraBinary();
std::filesystem::path SourceDir();

// The shared secret e2e tests sign their tokens with.
inline constexpr const char* kTestJwtSecret = "e2e-test-secret-0123456789abcdef";

class DictraProcess {
 public:
    DictraProcess();
    ~DictraProcess();  // SIGKILLs the child if still running; removes the temp dir

    // Starts `dictra serve` with the given extra arguments and environment (NAME=value). Every
    // port is 0 unless set; the database is sqlite under a fresh temp dir unless --db is given.
    // Waits for one `listening` line per expected service.
    Status Start(std::vector<std::string> extra_args = {}, std::vector<std::string> extra_env = {},
                 std::size_t services_expected = 4);
    // Runs `dictra <args>` to completion; returns exit code and stdout+stderr.
    static Result<std::pair<int, std::string>> RunCommand(std::vector<std::string> args,
                                                          std::vector<std::string> extra_env = {});

    std::uint16_t Port(const std::string& service) const;
    void Signal(int signal_number);
    // Waits for the child to exit; returns its exit status (or -1 on timeout).
    int Wait(std::chrono::milliseconds timeout);
    std::vector<std::string> Lines() const;
    bool WaitForLine(const std::string& needle, std::chrono::milliseconds timeout);
    const std::filesystem::path& temp_dir() const { return temp_dir_; }

    // A signed HS256 token for the test secret.
    static std::string Token(const std::string& sub, const std::string& extra_args = "");

 private:
    void ReadOutput(int fd);

    std::filesystem::path temp_dir_;
    pid_t pid_ = -1;
    int exit_status_ = -1;
    std::thread reader_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::string> lines_;              // guarded by mutex_
    std::map<std::string, std::uint16_t> ports_;  // guarded by mutex_
};

}  // namespace dictra::testing
