// flush_ticket::execute: the part of a group commit that may block (any thread).
#include "tributary/storage/flush_ticket.hpp"

namespace tributary::storage {

result<void> flush_ticket::execute() {
  for (const auto& f : files_)
    TRIB_TRY(f->sync());
  if (needs_dir_sync_)
    TRIB_TRY(sync_dir(dir_));
  if (checkpoint_)
    TRIB_TRY(checkpoint_->write(target_, generation_));
  is_executed_ = true;
  return {};
}

} // namespace tributary::storage
