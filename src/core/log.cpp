#include "core/log.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace dictra::log {
namespace {

std::shared_ptr<spdlog::logger>& Logger() {
    static std::shared_ptr<spdlog::logger> logger;
    return logger;
}

void AppendTimestamp(std::string& out) {
    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
        1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                  static_cast<int>(millis));
    out += buffer;
}

// stdout through stdio's buffer. spdlog's own stdout sink fflush()es after every line: one
// write() per request, a tenth of the CPU of a busy service. Lines now leave in batches, at the
// latest kFlushInterval later, at once for errors and at Flush()/Shutdown().
class BufferedStdoutSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
    void sink_it_(const spdlog::details::log_msg& message) override {
        spdlog::memory_buf_t formatted;
        formatter_->format(message, formatted);
        std::fwrite(formatted.data(), 1, formatted.size(), stdout);
    }
    void flush_() override { std::fflush(stdout); }
};

constexpr std::chrono::seconds kFlushInterval{1};  // spdlog 1.10 flushes in whole seconds

std::string_view LevelName(Level level) {
    switch (level) {
        case Level::kDebug: return "debug";
        case Level::kInfo: return "info";
        case Level::kWarn: return "warn";
        case Level::kError: return "error";
    }
    return "info";
}

}  // namespace

void Init() {
    if (Logger()) return;
    static char stdout_buffer[64 * 1024];
    std::setvbuf(stdout, stdout_buffer, _IOFBF, sizeof stdout_buffer);
    // Synchronous on purpose: the line goes into stdio's buffer under the sink's mutex (a
    // memcpy), and a write() happens once per 64 KiB or per flush. spdlog's async logger woke its
    // thread for every line, a context switch per request on a busy core.
    auto logger =
        std::make_shared<spdlog::logger>("dictra", std::make_shared<BufferedStdoutSink>());
    logger->set_pattern("%v");
    logger->set_level(spdlog::level::trace);
    logger->flush_on(spdlog::level::err);
    spdlog::flush_every(kFlushInterval);
    spdlog::register_logger(logger);
    Logger() = logger;
}

void Flush() {
    if (Logger()) Logger()->flush();
    std::fflush(stdout);
}

void Shutdown() {
    Flush();
    if (Logger()) {
        Logger().reset();
        spdlog::shutdown();
    }
}

void AppendJsonString(std::string& out, std::string_view value) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    for (char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (byte < 0x20 || byte == 0x7f) {
                    out += "\\u00";
                    out += kHex[byte >> 4];
                    out += kHex[byte & 0xF];
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

Line::Line(Level level, std::string_view event) {
    text_.reserve(256);
    text_ += "{\"ts\":\"";
    AppendTimestamp(text_);
    text_ += "\",\"level\":\"";
    text_ += LevelName(level);
    text_ += "\",\"event\":";
    AppendJsonString(text_, event);
}

Line::~Line() {
    text_ += '}';
    if (auto& logger = Logger()) {
        logger->info(text_);
    } else {
        text_ += '\n';
        std::fwrite(text_.data(), 1, text_.size(), stdout);
    }
}

void Line::Key(std::string_view key) {
    text_ += ',';
    AppendJsonString(text_, key);
    text_ += ':';
}

Line& Line::Str(std::string_view key, std::string_view value) {
    Key(key);
    AppendJsonString(text_, value);
    return *this;
}

Line& Line::Int(std::string_view key, std::int64_t value) {
    Key(key);
    text_ += std::to_string(value);
    return *this;
}

Line& Line::Num(std::string_view key, double value) {
    Key(key);
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", value);
    text_ += buffer;
    return *this;
}

Line& Line::Bool(std::string_view key, bool value) {
    Key(key);
    text_ += value ? "true" : "false";
    return *this;
}

}  // namespace dictra::log
