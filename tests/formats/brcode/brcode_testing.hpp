// Helpers shared by the BR Code tests: checked-in data and the shared reference vectors.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "formats/brcode/brcode.hpp"

namespace dictra::formats::brcode::testing {

// tests/data/brcode/<sub>
inline std::filesystem::path DataDir(const std::string& sub) {
    return std::filesystem::path(DICTRA_SOURCE_DIR) / "tests" / "data" / "brcode" / sub;
}

// The shared folder is a sibling of the repository.
inline std::filesystem::path VectorsPath() {
    return std::filesystem::path(DICTRA_SOURCE_DIR) / ".." / "shared" / "reference" / "brcode" /
           "vectors.json";
}

inline std::string ReadFile(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    EXPECT_TRUE(file.good()) << path;
    return std::string((std::istreambuf_iterator<char>(file)), {});
}

// The *.txt files of a folder, sorted by name.
inline std::vector<std::filesystem::path> TextFiles(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.is_regular_file() && entry.path().extension() == ".txt") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

// "[63] crc_mismatch: 63 CRC: ..." per line, for failure messages.
inline std::string Describe(const Decoded& decoded) {
    std::string text;
    for (const DecodeError& error : decoded.errors) {
        text += "[" + error.tag + "] " + std::string(ToString(error.problem)) + ": " +
                error.message + "\n";
    }
    return text.empty() ? "no errors\n" : text;
}

}  // namespace dictra::formats::brcode::testing
