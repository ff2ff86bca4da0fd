# Every third-party library, found the plain way. Each is used from one adapter folder only:
# curl in src/http, pugixml in src/s3, simdjson and zlib in src/processors, toml++ in src/config,
# CLI11 in src/cli, OpenSSL's libcrypto for hashes in src/common.
find_package(Threads REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(CURL REQUIRED)
find_package(ZLIB REQUIRED)

# Distributions without packages for the libraries below (Amazon Linux 2 and 2023 have none of
# them) can drop the upstream single-header / amalgamated releases into one folder and pass
# -DS3PROC_VENDOR_DIR=/that/folder (or put it on CMAKE_PREFIX_PATH): see docs/building.md.
set(S3PROC_VENDOR_DIR "" CACHE PATH "Folder with nlohmann/json.hpp, pugixml.hpp(+.cpp), simdjson.h/.cpp, toml++/toml.h, CLI/CLI.hpp")

find_package(nlohmann_json 3.9 QUIET)
if(NOT nlohmann_json_FOUND)
  find_path(NLOHMANN_INCLUDE nlohmann/json.hpp HINTS ${S3PROC_VENDOR_DIR} REQUIRED)
  add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
  set_target_properties(nlohmann_json::nlohmann_json PROPERTIES INTERFACE_INCLUDE_DIRECTORIES ${NLOHMANN_INCLUDE})
endif()

find_package(pugixml QUIET)
if(NOT pugixml_FOUND)
  # pugixml builds header-only when PUGIXML_HEADER_ONLY is defined (pugixml.hpp includes the .cpp).
  find_path(PUGIXML_INCLUDE pugixml.hpp HINTS ${S3PROC_VENDOR_DIR} REQUIRED)
  add_library(pugixml INTERFACE IMPORTED)
  set_target_properties(pugixml PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES ${PUGIXML_INCLUDE} INTERFACE_COMPILE_DEFINITIONS PUGIXML_HEADER_ONLY)
endif()

# simdjson: a shared library on Debian (CMake package); elsewhere its amalgamated simdjson.h +
# simdjson.cpp, compiled in.
find_package(simdjson QUIET)
if(simdjson_FOUND)
  set(S3PROC_SIMDJSON_TARGET simdjson::simdjson)
else()
  find_path(SIMDJSON_INCLUDE simdjson.h HINTS ${S3PROC_VENDOR_DIR})
  if(NOT SIMDJSON_INCLUDE OR NOT EXISTS ${SIMDJSON_INCLUDE}/simdjson.cpp)
    message(FATAL_ERROR "simdjson not found: install libsimdjson-dev (Debian), or put the "
                        "amalgamated simdjson.h and simdjson.cpp in -DS3PROC_VENDOR_DIR (docs/building.md)")
  endif()
  add_library(s3proc_simdjson STATIC ${SIMDJSON_INCLUDE}/simdjson.cpp)
  target_include_directories(s3proc_simdjson PUBLIC ${SIMDJSON_INCLUDE})
  set(S3PROC_SIMDJSON_TARGET s3proc_simdjson)
endif()

# toml++ and CLI11 are header-only; accept a CMake package or a plain include directory.
find_package(tomlplusplus QUIET)
if(tomlplusplus_FOUND)
  set(S3PROC_TOMLPLUSPLUS_TARGET tomlplusplus::tomlplusplus)
else()
  find_path(TOMLPP_INCLUDE toml++/toml.h HINTS ${S3PROC_VENDOR_DIR} REQUIRED)
  add_library(s3proc_tomlpp INTERFACE)
  target_include_directories(s3proc_tomlpp INTERFACE ${TOMLPP_INCLUDE})
  set(S3PROC_TOMLPLUSPLUS_TARGET s3proc_tomlpp)
endif()

find_package(CLI11 QUIET)
if(CLI11_FOUND)
  set(S3PROC_CLI11_TARGET CLI11::CLI11)
else()
  find_path(CLI11_INCLUDE CLI/CLI.hpp HINTS ${S3PROC_VENDOR_DIR} REQUIRED)
  add_library(s3proc_cli11 INTERFACE)
  target_include_directories(s3proc_cli11 INTERFACE ${CLI11_INCLUDE})
  set(S3PROC_CLI11_TARGET s3proc_cli11)
endif()

if(S3PROC_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
