// flush_ticket::execute: the part of a group commit that may block (any thread).
#include "tributary/storage/flush_ticket.hpp"

#include "log_io.hpp"

#include <cerrno>

namespace tributary::storage {

result<void> flush_ticket::execute() {
  // A failed fsync is final for this log (see flush_ticket.hpp): the caller must not retry.
  auto failed = [this](std::error_code ec) {
    is_failed_ = true;
    return unexpected(ec);
  };
  if (fails_sync_for_test_)
    return failed(detail::io_failure("fdatasync (test hook)",
                                     files_.empty() ? dir_ : files_.front()->path(), EIO));
  for (const auto& f : files_)
    if (auto r = f->sync(); !r)
      return failed(r.error());
  if (needs_dir_sync_)
    if (auto r = sync_dir(dir_); !r)
      return failed(r.error());
  if (checkpoint_)
    TRIB_TRY(checkpoint_->write(target_, generation_));
  is_executed_ = true;
  return {};
}

} // namespace tributary::storage
