# Compiler launcher, linker and warning flags shared by every target.

find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_C_COMPILER_LAUNCHER "${CCACHE_PROGRAM}")
  set(CMAKE_CXX_COMPILER_LAUNCHER "${CCACHE_PROGRAM}")
endif()

# A faster linker matters on 2 cores: mold first, then lld.
find_program(MOLD_PROGRAM mold)
find_program(LLD_PROGRAM ld.lld)
if(MOLD_PROGRAM)
  add_link_options(-fuse-ld=mold)
elseif(LLD_PROGRAM)
  add_link_options(-fuse-ld=lld)
endif()

set(TRIB_WARNINGS -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
if(TRIB_WERROR)
  list(APPEND TRIB_WARNINGS -Werror)
endif()

if(TRIB_SANITIZE)
  # vptr off: CAF 0.17's mailbox code (mailbox().size()) and no-argument function-actor
  # spawns trip UBSan's vptr check inside libcaf_core, which we cannot fix or rebuild.
  # null/alignment off: they instrument every pointer use and doubled the compile time of
  # CAF-heavy files (broker.cpp: 45 s -> 24 s); ASan already reports null dereferences and
  # our codecs read unaligned data through memcpy.
  add_compile_options(-fsanitize=address,undefined -fno-sanitize=vptr,null,alignment
                      -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  # GCC 12 reports false maybe-uninitialized warnings inside <regex> and <functional>
  # once ASan instruments them.
  list(APPEND TRIB_WARNINGS -Wno-maybe-uninitialized)
endif()

if(TRIB_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "TRIB_FUZZ needs clang (libFuzzer): CXX=clang++ CC=clang")
  endif()
  add_compile_options(-fsanitize=address,fuzzer-no-link -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address)
endif()
