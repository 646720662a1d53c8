# Build options shared by every target: warnings as errors, sanitizers, fuzzers, ccache.
option(TIERGUARD_BUILD_TESTS "Build the GoogleTest suites" ON)
option(TIERGUARD_BUILD_FUZZERS "Build libFuzzer targets (requires clang)" OFF)
option(TIERGUARD_BUILD_BENCH "Build benchmark harnesses" ON)
option(TIERGUARD_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(TIERGUARD_WERROR "Treat warnings as errors" ON)

find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${CCACHE_PROGRAM}")
endif()

# Every tierguard target links this interface library to get the project's warning set.
add_library(tierguard_build_flags INTERFACE)
target_compile_options(tierguard_build_flags INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough -Wformat=2)
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  # RapidJSON 1.1's member iterators trip clang's C++20 reversed-operator check at call sites.
  target_compile_options(tierguard_build_flags INTERFACE -Wno-ambiguous-reversed-operator)
endif()
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 at -O3 reports false -Wrestrict positives inside libstdc++'s std::string operator+
  # (GCC bug 105329); the warning stays on for every other build.
  target_compile_options(tierguard_build_flags INTERFACE $<$<CONFIG:Release>:-Wno-restrict>)
endif()
if(TIERGUARD_WERROR)
  target_compile_options(tierguard_build_flags INTERFACE -Werror)
endif()
target_include_directories(tierguard_build_flags INTERFACE "${PROJECT_SOURCE_DIR}/src")

if(TIERGUARD_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

if(TIERGUARD_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "TIERGUARD_BUILD_FUZZERS needs clang (use the 'fuzz' preset)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
