#include "tributary/actors/errc.hpp"

#include <string>

namespace tributary::actors {
namespace {

class category final : public std::error_category {
public:
  const char* name() const noexcept override { return "tributary.actors"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
    case errc::ok:
      return "ok";
    case errc::worker_unavailable:
      return "the worker actor is gone (node shutting down?)";
    case errc::worker_timeout:
      return "the worker did not finish the job in time";
    }
    return "unknown actors error " + std::to_string(value);
  }
};

} // namespace

const std::error_category& actors_category() noexcept {
  static const category instance;
  return instance;
}

std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), actors_category()};
}

} // namespace tributary::actors
