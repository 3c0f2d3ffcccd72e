// storage_bench: append, read and recovery figures of the partition log, each next to this
// machine's raw sequential write bandwidth measured in the same run with the same block
// size. Prints one table; bench/README.md keeps the figures of record.
//
//   storage_bench [--dir DIR] [--case-mib N] [--recovery-gib G]

#include "bench_util.hpp"
#include "tributary/protocol/batch_builder.hpp"
#include "tributary/protocol/record_reader.hpp"
#include "tributary/storage/partition_log.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace proto = tributary::protocol;
namespace st = tributary::storage;
using namespace tributary::bench;
using tributary::epoch;
using tributary::offset;

namespace {

struct options {
  std::string dir = "./tributary-bench";
  double case_mib = 512; // bytes appended per case
  double recovery_gib = 1.0;
};

[[noreturn]] void die(const char* what, std::error_code ec) {
  std::fprintf(stderr, "storage_bench: %s: %s\n", what, ec.message().c_str());
  std::exit(1);
}

/// One batch of `count` records of `size` value bytes, as a producer would send it.
std::vector<std::byte> make_batch(size_t size, int count) {
  std::vector<std::byte> value(size);
  for (size_t i = 0; i < size; ++i)
    value[i] = std::byte(static_cast<unsigned char>('a' + i % 26));
  proto::batch_builder builder;
  int64_t now = st::system_now_ms(); // old timestamps would roll segments by segment.ms
  for (int i = 0; i < count; ++i)
    builder.append({now + i, std::nullopt, proto::byte_span(value), {}});
  std::vector<std::byte> out;
  if (auto r = builder.build(out); !r)
    die("building a batch", r.error());
  return out;
}

std::unique_ptr<st::partition_log> open_log(const std::string& dir) {
  auto log = st::partition_log::open(dir, st::log_options{});
  if (!log)
    die(("opening " + dir).c_str(), log.error());
  return std::move(*log);
}

/// Raw limit: write() the same block `n` times to a plain file. Returns seconds.
double raw_write(const std::string& path, const std::vector<std::byte>& block, size_t n) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0)
    die("opening raw file", std::error_code(errno, std::generic_category()));
  auto t0 = stamp::now();
  for (size_t i = 0; i < n; ++i)
    if (::write(fd, block.data(), block.size()) != static_cast<ssize_t>(block.size()))
      die("raw write", std::error_code(errno, std::generic_category()));
  auto t = elapsed(t0, stamp::now());
  ::close(fd);
  ::unlink(path.c_str());
  return t.wall;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

/// Appends the same batch `appends` times to a fresh log; returns wall and CPU seconds
/// and, in `flush_s`, how long the fsync of everything appended took afterwards.
elapsed timed_append(const std::string& dir, std::vector<std::byte>& batch, size_t appends,
                     double& flush_s) {
  auto log = open_log(dir);
  auto t0 = stamp::now();
  for (size_t i = 0; i < appends; ++i)
    if (auto r = log->append(batch.data(), batch.size(), epoch{0}); !r)
      die("append", r.error());
  auto t = elapsed(t0, stamp::now());
  auto f0 = stamp::now();
  if (auto r = log->flush(); !r)
    die("flush", r.error());
  flush_s = elapsed(f0, stamp::now()).wall;
  return t;
}

/// Three rounds of {raw write, log append} of the same blocks, each after sync() so both
/// start with no dirty pages; medians reported. Keeps the last log when `kept_dir` is set.
void append_case(const options& opt, size_t record_size, int per_batch, std::string* kept_dir) {
  auto batch = make_batch(record_size, per_batch);
  size_t appends = static_cast<size_t>(opt.case_mib * 1024 * 1024 / batch.size());
  appends = std::max<size_t>(1, std::min<size_t>(appends, 2'000'000 / per_batch + 1));
  auto dir = make_temp_dir(opt.dir, "append-");
  std::vector<double> raw_s, log_s, cpu_s;
  double flush_s = 0;
  for (int round = 0; round < 3; ++round) {
    remove_tree(dir + "/log");
    sync();
    raw_s.push_back(raw_write(dir + "/raw", batch, appends));
    sync();
    auto t = timed_append(dir + "/log", batch, appends, flush_s);
    log_s.push_back(t.wall);
    cpu_s.push_back(t.cpu);
  }

  double records = double(appends) * per_batch;
  double mb = double(appends) * batch.size() / 1e6;
  double wall = median(log_s), raw = median(raw_s);
  std::printf("append %5zu B x %4d/batch  %10s rec/s  %8.1f MB/s | raw write %8.1f MB/s"
              "  ratio %5.1f%% | cpu %.3f s/M rec | fsync after %.0f MB %.2f s\n",
              record_size, per_batch, human(records / wall).c_str(), mb / wall, mb / raw,
              100.0 * raw / wall, median(cpu_s) / (records / 1e6), mb, flush_s);
  if (kept_dir) {
    *kept_dir = dir;
    return;
  }
  remove_tree(dir);
}

/// Reads the whole log back: as bytes (what a fetch copies) and with every record decoded.
void read_case(const std::string& dir) {
  auto log = open_log(dir + "/log");
  std::vector<std::byte> buf, scratch;
  for (bool decode : {false, true}) {
    int64_t records = 0, bytes = 0;
    offset next = log->log_start_offset();
    auto t0 = stamp::now();
    while (next < log->log_end_offset()) {
      auto r = log->read_copy(next, 1 << 20, log->log_end_offset(), buf);
      if (!r)
        die("read", r.error());
      size_t pos = 0;
      while (pos + proto::batch_header_size <= buf.size()) {
        auto h = proto::parse_batch_header(buf.data() + pos, buf.size() - pos);
        if (!h)
          die("parse", h.error());
        if (decode) {
          auto reader = proto::record_reader::open_validated(
              *h, proto::byte_span(buf.data() + pos, h->total_size()), scratch, 64 << 20);
          proto::record rec;
          while (reader && reader->next(rec).value_or(false))
            bytes += static_cast<int64_t>(rec.value ? rec.value->size() : 0);
        }
        records += h->records_count;
        next = offset{h->last_offset() + 1};
        pos += h->total_size();
      }
      bytes += decode ? 0 : static_cast<int64_t>(buf.size());
    }
    auto t = elapsed(t0, stamp::now());
    std::printf("read %-26s %10s rec/s  %8.1f MB/s | cpu %.3f s/M rec\n",
                decode ? "+ decode every record" : "(pread whole batches)",
                human(records / t.wall).c_str(), bytes / 1e6 / t.wall, t.cpu / (records / 1e6));
  }
}

/// Writes `gib` of 100-byte records in a child that dies without closing (as kill -9),
/// then times partition_log::open, which must scan and validate all of it.
void recovery_case(const options& opt) {
  auto dir = make_temp_dir(opt.dir, "recovery-");
  auto batch = make_batch(100, 1000);
  size_t appends = static_cast<size_t>(opt.recovery_gib * (1 << 30) / batch.size());
  pid_t pid = fork();
  if (pid == 0) {
    auto log = open_log(dir + "/log");
    for (size_t i = 0; i < appends; ++i)
      if (!log->append(batch.data(), batch.size(), epoch{0}))
        _exit(1);
    _exit(0); // no close(): no clean-shutdown marker, recovery point stays at 0
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "storage_bench: recovery writer failed\n");
    std::exit(1);
  }
  for (bool cold : {false, true}) {
    if (cold) {
      ::unlink((dir + "/log/.clean_shutdown").c_str()); // undo the previous clean close
      ::unlink((dir + "/log/recovery-point-offset-checkpoint").c_str());
      if (!drop_page_cache()) {
        std::printf("recovery (cold cache): skipped, cannot drop the page cache\n");
        break;
      }
    }
    auto t0 = stamp::now();
    auto log = open_log(dir + "/log");
    auto t = elapsed(t0, stamp::now());
    std::printf("recovery of %.2f GiB after an unclean stop (%s cache): %.3f s "
                "(%.2f GB/s, %lld records, cpu %.3f s)\n",
                double(log->size_bytes()) / (1 << 30), cold ? "cold" : "warm", t.wall,
                double(log->size_bytes()) / 1e9 / t.wall,
                static_cast<long long>(log->log_end_offset().value), t.cpu);
  }
  remove_tree(dir);
}

options parse(int argc, char** argv) {
  options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "storage_bench: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--dir")
      opt.dir = next();
    else if (a == "--case-mib")
      opt.case_mib = std::atof(next().c_str());
    else if (a == "--recovery-gib")
      opt.recovery_gib = std::atof(next().c_str());
    else {
      std::printf("usage: storage_bench [--dir DIR (./tributary-bench)] [--case-mib N (512)]"
                  " [--recovery-gib G (1)]\n");
      std::exit(a == "--help" || a == "-h" ? 0 : 2);
    }
  }
  return opt;
}

} // namespace

int main(int argc, char** argv) {
  auto opt = parse(argc, argv);
  std::printf("storage_bench: partition log vs raw sequential write() of the same blocks, "
              "page cache (no fsync in the timed loop; median of 3 rounds), folder %s\n",
              opt.dir.c_str());
  std::string kept;
  append_case(opt, 100, 1, nullptr);
  append_case(opt, 100, 1000, &kept);
  append_case(opt, 1024, 1, nullptr);
  append_case(opt, 1024, 1000, nullptr);
  read_case(kept);
  remove_tree(kept);
  recovery_case(opt);
  ::rmdir(opt.dir.c_str()); // only if empty: never delete what we did not create
  return 0;
}
