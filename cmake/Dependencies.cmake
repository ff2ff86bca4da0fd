# Every third-party library, found the plain way. Each is used from one adapter folder only:
# curl in src/http, pugixml in src/s3, simdjson and zlib in src/processors, toml++ in src/config,
# CLI11 in src/cli, OpenSSL's libcrypto for hashes in src/common.
find_package(Threads REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(CURL REQUIRED)
find_package(ZLIB REQUIRED)
find_package(nlohmann_json 3.9 REQUIRED)
find_package(pugixml REQUIRED)

# simdjson: a shared library on Debian (CMake package); header-only fallback documented in
# docs/building.md for distributions that lack it.
find_package(simdjson QUIET)
if(simdjson_FOUND)
  set(S3PROC_SIMDJSON_TARGET simdjson::simdjson)
else()
  message(FATAL_ERROR "simdjson not found: install libsimdjson-dev (Debian) or see docs/building.md")
endif()

# toml++ and CLI11 are header-only; accept a CMake package or a plain include directory.
find_package(tomlplusplus QUIET)
if(tomlplusplus_FOUND)
  set(S3PROC_TOMLPLUSPLUS_TARGET tomlplusplus::tomlplusplus)
else()
  find_path(TOMLPP_INCLUDE toml++/toml.h REQUIRED)
  add_library(s3proc_tomlpp INTERFACE)
  target_include_directories(s3proc_tomlpp INTERFACE ${TOMLPP_INCLUDE})
  set(S3PROC_TOMLPLUSPLUS_TARGET s3proc_tomlpp)
endif()

find_package(CLI11 QUIET)
if(CLI11_FOUND)
  set(S3PROC_CLI11_TARGET CLI11::CLI11)
else()
  find_path(CLI11_INCLUDE CLI/CLI.hpp REQUIRED)
  add_library(s3proc_cli11 INTERFACE)
  target_include_directories(s3proc_cli11 INTERFACE ${CLI11_INCLUDE})
  set(S3PROC_CLI11_TARGET s3proc_cli11)
endif()

if(S3PROC_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
