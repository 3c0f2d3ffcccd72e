#pragma once
// Running blocking work on the detached workers from an event-based actor: the job runs on
// the worker's thread, the continuation on the requester's, with the result moved across
// through a shared slot. Private to actors/.

#include "tributary/actors/errc.hpp"
#include "tributary/actors/worker_actors.hpp"
#include "tributary/common/result.hpp"

#include "caf/all.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

namespace tributary::actors {

constexpr std::chrono::seconds k_job_timeout{60};

/// fn(metadata_store&) -> result<T> on the metadata actor, then cont(result<T>) on `self`.
template <class Self, class Fn, class Cont>
void on_store(Self* self, const metadata_actor& meta, Fn fn, Cont cont) {
  using R = std::invoke_result_t<Fn&, storage::metadata::metadata_store&>;
  auto slot = std::make_shared<std::optional<R>>();
  if (!meta) {
    cont(R{unexpected(errc::worker_unavailable)});
    return;
  }
  self->request(meta, k_job_timeout,
                store_job{[slot, fn = std::move(fn)](storage::metadata::metadata_store& s) mutable {
                  slot->emplace(fn(s));
                }})
      .then(
          [slot, cont](job_done) mutable {
            if (*slot)
              cont(std::move(**slot));
            else
              cont(R{unexpected(errc::worker_unavailable)});
          },
          [cont](caf::error& err) mutable {
            cont(R{unexpected(err == caf::sec::request_timeout ? errc::worker_timeout
                                                               : errc::worker_unavailable)});
          });
}

/// fn() -> R on a disk worker, then cont(R) on `self`; `fallback` is passed to cont when the
/// worker is gone or times out.
template <class Self, class Fn, class Cont, class R = std::invoke_result_t<Fn&>>
void on_disk(Self* self, const disk_actor& disk, Fn fn, Cont cont, R fallback) {
  auto slot = std::make_shared<std::optional<R>>();
  if (!disk) {
    cont(std::move(fallback));
    return;
  }
  self->request(disk, k_job_timeout,
                disk_job{[slot, fn = std::move(fn)]() mutable { slot->emplace(fn()); }})
      .then([slot, cont,
             fallback](job_done) mutable { cont(*slot ? std::move(**slot) : std::move(fallback)); },
            [cont, fallback](caf::error&) mutable { cont(std::move(fallback)); });
}

} // namespace tributary::actors
