#include "replica_log.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

namespace tributary::actors {

opened_log open_local_log(const std::string& dir, const storage::log_options& opts) {
  opened_log out;
  auto log = storage::partition_log::open(dir, opts);
  if (!log) {
    out.error = "cannot open the log in " + dir + ": " + log.error().message();
    return out;
  }
  out.log = std::move(*log);
  std::string why;
  out.epochs = leader_epoch_cache::load(dir, &why);
  if (!why.empty())
    actor_logger()->warn("{}", why);
  // Fit the cache to what recovery kept: a torn tail may have taken a new epoch's first
  // batch with it, and a crash may have come before a new epoch was checkpointed.
  bool changed = !why.empty();
  changed = out.epochs.truncate_from_end(out.log->log_end_offset().value) || changed;
  changed = out.epochs.truncate_from_start(out.log->log_start_offset().value) || changed;
  changed = out.epochs.rebuild_tail(*out.log) || changed;
  if (changed) {
    if (auto w = leader_epoch_cache::write(dir, out.epochs.to_text()); !w)
      actor_logger()->warn("cannot write {}/{}: {}", dir, leader_epoch_cache::k_file_name,
                           w.error().message());
  }
  return out;
}

std::string close_local_log(const std::shared_ptr<storage::partition_log>& log, bool delete_data,
                            const std::string& dir, const std::string& tp) {
  std::string err;
  if (log)
    if (auto r = log->close(); !r)
      err = describe_failure(tp, "close", r.error(), log->last_error());
  if (delete_data) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    if (ec)
      err += (err.empty() ? "" : "; ") + ("cannot delete " + dir + ": " + ec.message());
  }
  return err;
}

} // namespace tributary::actors
