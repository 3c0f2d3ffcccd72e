# Every third-party library, found the CMake way; a missing one fails with the
# Debian package to install (scripts/setup.sh installs them all).

function(trib_missing what package)
  message(FATAL_ERROR "${what} not found: install the Debian package '${package}' "
                      "(scripts/setup.sh installs every dependency).")
endfunction()

# find_package() with a clear message naming the Debian package.
macro(trib_find_package name package)
  find_package(${name} ${ARGN} QUIET)
  if(NOT ${name}_FOUND)
    trib_missing(${name} ${package})
  endif()
endmacro()

# A plain header + library pair, for packages that ship no CMake config.
function(trib_find_library target header library package)
  find_path(${target}_INCLUDE_DIR NAMES ${header})
  find_library(${target}_LIBRARY NAMES ${library})
  if(NOT ${target}_INCLUDE_DIR OR NOT ${target}_LIBRARY)
    trib_missing(${target} ${package})
  endif()
  add_library(trib_dep_${target} INTERFACE)
  target_include_directories(trib_dep_${target} SYSTEM INTERFACE ${${target}_INCLUDE_DIR})
  target_link_libraries(trib_dep_${target} INTERFACE ${${target}_LIBRARY})
  add_library(dep::${target} ALIAS trib_dep_${target})
endfunction()

find_package(Threads REQUIRED)

# CAF 0.17.6: Debian ships no CAFConfig.cmake, so find headers and libraries by hand.
find_path(CAF_INCLUDE_DIR NAMES caf/all.hpp caf/config.hpp)
find_library(CAF_CORE_LIBRARY NAMES caf_core)
find_library(CAF_IO_LIBRARY NAMES caf_io)
if(NOT CAF_INCLUDE_DIR OR NOT CAF_CORE_LIBRARY OR NOT CAF_IO_LIBRARY)
  trib_missing("CAF (C++ Actor Framework) 0.17" libcaf-dev)
endif()
file(STRINGS "${CAF_INCLUDE_DIR}/caf/config.hpp" _caf_version_line
     REGEX "^#define CAF_VERSION [0-9]+")
string(REGEX REPLACE ".*CAF_VERSION ([0-9]+).*" "\\1" CAF_VERSION_NUM "${_caf_version_line}")
if(CAF_VERSION_NUM LESS 1700 OR NOT CAF_VERSION_NUM LESS 1800)
  message(FATAL_ERROR "Tributary needs CAF 0.17.x (Debian 12 libcaf-dev), found ${CAF_VERSION_NUM}")
endif()
add_library(trib_dep_caf_core INTERFACE)
target_include_directories(trib_dep_caf_core SYSTEM INTERFACE ${CAF_INCLUDE_DIR})
target_link_libraries(trib_dep_caf_core INTERFACE ${CAF_CORE_LIBRARY} Threads::Threads)
add_library(CAF::core ALIAS trib_dep_caf_core)
add_library(trib_dep_caf_io INTERFACE)
target_link_libraries(trib_dep_caf_io INTERFACE ${CAF_IO_LIBRARY} CAF::core)
add_library(CAF::io ALIAS trib_dep_caf_io)

trib_find_package(spdlog libspdlog-dev)
trib_find_package(SQLite3 libsqlite3-dev)
trib_find_package(ZLIB zlib1g-dev)
trib_find_package(Snappy libsnappy-dev)
trib_find_package(zstd libzstd-dev)
trib_find_package(tomlplusplus libtomlplusplus-dev)
trib_find_library(lz4 lz4frame.h lz4 liblz4-dev)
trib_find_package(nlohmann_json nlohmann-json3-dev)
trib_find_package(CLI11 libcli11-dev)
if(TARGET zstd::libzstd_shared)
  add_library(dep::zstd ALIAS zstd::libzstd_shared)
else()
  add_library(dep::zstd ALIAS zstd::libzstd_static)
endif()

if(TRIB_BUILD_TESTS)
  trib_find_package(Catch2 catch2 2)
  # librdkafka: a real Kafka client (and mock cluster) to capture golden bytes from.
endif()
# librdkafka: a real Kafka client (golden bytes, interop tests, bench/kafka_bench).
trib_find_library(rdkafka librdkafka/rdkafka.h rdkafka librdkafka-dev)
# tl::expected is not packaged for Debian 12; common/result.hpp provides result<T>.
