#pragma once
// Errors of the actors module itself (not Kafka's): a worker that did not answer.

#include <system_error>

namespace tributary::actors {

enum class errc {
  ok = 0,
  worker_unavailable, // the metadata actor or a disk worker is gone (node shutting down)
  worker_timeout,     // a job did not finish within its deadline
};

const std::error_category& actors_category() noexcept;
std::error_code make_error_code(errc e) noexcept;

} // namespace tributary::actors

template <>
struct std::is_error_code_enum<tributary::actors::errc> : std::true_type {};
