// Microbenchmark: CRC32C throughput (hardware and portable) and record iteration speed.
// Prints figures only; no assertions. Build without sanitizers for meaningful numbers.
#include "tributary/protocol/batch_builder.hpp"
#include "tributary/protocol/crc32c.hpp"
#include "tributary/protocol/record_reader.hpp"

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

using namespace tributary::protocol;

namespace {

template <class F>
double seconds(F&& f) {
  auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void bench_crc() {
  std::vector<std::byte> data(1 << 20);
  for (size_t i = 0; i < data.size(); ++i)
    data[i] = static_cast<std::byte>(i * 131);
  const int rounds = 2000;
  volatile uint32_t sink = 0;
  auto run = [&](const char* name, uint32_t (*fn)(byte_span, uint32_t) noexcept) {
    double s = seconds([&] {
      for (int i = 0; i < rounds; ++i)
        sink = fn(data, sink);
    });
    std::printf("crc32c %-9s %8.2f GB/s\n", name, rounds * double(data.size()) / s / 1e9);
  };
  if (crc32c_has_hardware())
    run("hardware", crc32c_hardware);
  run("portable", crc32c_portable);
}

void bench_records(compression_codec codec, const char* name) {
  batch_options o;
  o.codec = codec;
  batch_builder b(o);
  std::string value(100, 'x');
  for (int i = 0; i < 1000; ++i)
    b.append({i, as_bytes("key-" + std::to_string(i)), as_bytes(value), {}});
  std::vector<std::byte> batch;
  (void)b.build(batch);
  std::vector<std::byte> scratch;
  const int rounds = 2000;
  size_t total = 0;
  double s = seconds([&] {
    for (int i = 0; i < rounds; ++i) {
      auto reader = record_reader::open(batch, scratch, 1 << 20);
      record r;
      while (reader && *reader->next(r))
        total += r.value->size();
    }
  });
  std::printf("iterate %-7s %8.1f M records/s (%zu bytes checked)\n", name,
              rounds * 1000.0 / s / 1e6, total);
}

} // namespace

int main() {
  bench_crc();
  bench_records(compression_codec::none, "none");
  bench_records(compression_codec::lz4, "lz4");
  bench_records(compression_codec::zstd, "zstd");
  return 0;
}
