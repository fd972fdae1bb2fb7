// Runs a libFuzzer target over the files named on the command line (the seed corpus), so every
// fuzz target is built and exercised by `make test` with the ordinary compiler. Real fuzzing:
// docs/kernel.md ("Fuzzing").
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
    int inputs = 0;
    for (int arg_idx = 1; arg_idx < argc; ++arg_idx) {
        std::filesystem::path root(argv[arg_idx]);
        auto run = [&](const std::filesystem::path& path) {
            std::ifstream file(path, std::ios::binary);
            std::string bytes((std::istreambuf_iterator<char>(file)), {});
            LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                   bytes.size());
            ++inputs;
        };
        if (std::filesystem::is_directory(root)) {
            for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
                if (entry.is_regular_file()) run(entry.path());
            }
        } else {
            run(root);
        }
    }
    std::printf("replayed %d inputs\n", inputs);
    return inputs > 0 ? 0 : 1;
}
