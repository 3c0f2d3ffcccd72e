// Regenerates tests/golden/rdkafka_*.bin: the RecordBatch bytes librdkafka sends for
// golden_messages() with each codec (plus an idempotent producer, uncompressed).
// Usage: protocol_capture_golden <output-dir>   (normally protocol/tests/golden)
#include "rdkafka_capture.hpp"

#include <cstdio>
#include <fstream>
#include <string>

using namespace tributary::protocol::test;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <output-dir>\n", argv[0]);
    return 2;
  }
  struct job {
    const char* codec;
    bool is_idempotent;
    const char* file;
  } jobs[] = {{"none", false, "rdkafka_none.bin"},     {"gzip", false, "rdkafka_gzip.bin"},
              {"snappy", false, "rdkafka_snappy.bin"}, {"lz4", false, "rdkafka_lz4.bin"},
              {"zstd", false, "rdkafka_zstd.bin"},     {"none", true, "rdkafka_idempotent.bin"}};
  for (const auto& j : jobs) {
    auto captured = capture_rdkafka_batch(j.codec, j.is_idempotent);
    if (captured.batch.empty()) {
      std::fprintf(stderr, "%s: %s\n", j.file, captured.error.c_str());
      return 1;
    }
    std::string path = std::string(argv[1]) + "/" + j.file;
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(captured.batch.data()),
              static_cast<std::streamsize>(captured.batch.size()));
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      return 1;
    }
    std::printf("wrote %s (%zu bytes)\n", path.c_str(), captured.batch.size());
  }
  return 0;
}
