# All dependencies come from Debian packages (scripts/install-deps.sh installs them).
find_package(Threads REQUIRED)
find_package(Boost 1.81.0 EXACT REQUIRED CONFIG)
find_package(OpenSSL 3 REQUIRED)
find_package(RapidJSON REQUIRED CONFIG)
find_package(yaml-cpp REQUIRED CONFIG)
find_package(CLI11 REQUIRED CONFIG)
if(TIERGUARD_BUILD_TESTS)
  find_package(GTest REQUIRED CONFIG)
endif()

# RapidJSON's package config exposes include dirs only; wrap it in a target.
if(NOT TARGET tierguard_rapidjson)
  add_library(tierguard_rapidjson INTERFACE)
  target_include_directories(tierguard_rapidjson SYSTEM INTERFACE ${RAPIDJSON_INCLUDE_DIRS})
  # std::string support and SSE4.2 off (portable binaries).
  target_compile_definitions(tierguard_rapidjson INTERFACE RAPIDJSON_HAS_STDSTRING=1)
endif()

if(NOT TARGET tierguard_boost)
  add_library(tierguard_boost INTERFACE)
  target_link_libraries(tierguard_boost INTERFACE Boost::headers Threads::Threads)
  target_compile_definitions(tierguard_boost INTERFACE
    BOOST_ASIO_NO_DEPRECATED)
endif()
