// Structured logs: one JSON object per line on stdout.
//
// Lines are appended to a 64 KiB stdout buffer (spdlog, synchronous, one mutex) and leave in
// batches: when the buffer fills, every second, at once for errors, on Flush(), and at exit.
// Start-up lines that tests and operators read (the `listening` lines) are followed by Flush().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dictra::log {

enum class Level { kDebug, kInfo, kWarn, kError };

// Sets up the writer. Safe to skip: without it, lines go straight to stdout.
void Init();
void Flush();
void Shutdown();

// Builds one line: {"ts":"...","level":"info","event":"...",...}. Emitted on destruction.
class Line {
 public:
    Line(Level level, std::string_view event);
    ~Line();
    Line(const Line&) = delete;
    Line& operator=(const Line&) = delete;

    Line& Str(std::string_view key, std::string_view value);
    Line& Int(std::string_view key, std::int64_t value);
    Line& Num(std::string_view key, double value);
    Line& Bool(std::string_view key, bool value);

 private:
    void Key(std::string_view key);
    std::string text_;
};

inline Line Info(std::string_view event) {
    return Line(Level::kInfo, event);
}
inline Line Warn(std::string_view event) {
    return Line(Level::kWarn, event);
}
inline Line Error(std::string_view event) {
    return Line(Level::kError, event);
}

// Appends `value` to `out` as a JSON string literal (quotes included).
void AppendJsonString(std::string& out, std::string_view value);

}  // namespace dictra::log
