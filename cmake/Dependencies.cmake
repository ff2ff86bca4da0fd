# Every third-party library, found the plain way. Each is used from one adapter folder only:
# curl in src/http, pugixml in src/s3, simdjson, RapidJSON, valijson, libjq and zlib in
# src/processors, toml++ in src/config, CLI11 in src/cli, OpenSSL's libcrypto for hashes in
# src/common.

# The release artifact (scripts/build-dist, docs/building.md) is one fully static executable:
# libcurl, c-ares, libjq and Oniguruma from S3PROC_STATIC_PREFIX (built there from Debian's
# source packages),
# OpenSSL and zlib from the .a files of Debian's -dev packages, simdjson and pugixml compiled in
# from S3PROC_VENDOR_DIR, toml++, RapidJSON and valijson header-only, glibc and libstdc++ linked
# in by -static.
option(S3PROC_STATIC "Link one fully static s3proc (the release artifact; see scripts/build-dist)" OFF)
set(S3PROC_STATIC_PREFIX "" CACHE PATH "With S3PROC_STATIC: the prefix holding lib/libcurl.a, lib/libcares.a, lib/libjq.a, lib/libonig.a and their headers")
if(S3PROC_STATIC)
  set(OPENSSL_USE_STATIC_LIBS TRUE)
  set(ZLIB_USE_STATIC_LIBS TRUE)
  # Debian ships these as shared libraries only: take the vendor-folder fallbacks below.
  foreach(package simdjson pugixml tomlplusplus)
    set(CMAKE_DISABLE_FIND_PACKAGE_${package} TRUE)
  endforeach()
endif()

find_package(Threads REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(ZLIB REQUIRED)
if(S3PROC_STATIC)
  find_library(S3PROC_CURL_A NAMES libcurl.a PATHS ${S3PROC_STATIC_PREFIX}/lib NO_DEFAULT_PATH)
  find_library(S3PROC_CARES_A NAMES libcares.a PATHS ${S3PROC_STATIC_PREFIX}/lib NO_DEFAULT_PATH)
  if(NOT S3PROC_CURL_A OR NOT S3PROC_CARES_A)
    message(FATAL_ERROR "S3PROC_STATIC: no libcurl.a and libcares.a under S3PROC_STATIC_PREFIX="
                        "'${S3PROC_STATIC_PREFIX}/lib': build them with scripts/build-dist")
  endif()
  add_library(CURL::libcurl INTERFACE IMPORTED)
  set_target_properties(CURL::libcurl PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES ${S3PROC_STATIC_PREFIX}/include
    INTERFACE_COMPILE_DEFINITIONS CURL_STATICLIB
    INTERFACE_LINK_LIBRARIES "${S3PROC_CURL_A};${S3PROC_CARES_A};OpenSSL::SSL;OpenSSL::Crypto;ZLIB::ZLIB;Threads::Threads;${CMAKE_DL_LIBS}")
else()
  find_package(CURL REQUIRED)
endif()

# libjq (jq filters, in-process) and Oniguruma, its regex engine: the static ones from
# S3PROC_STATIC_PREFIX, else Debian's libjq-dev and libonig-dev. Debian 12's libjq (1.6) has
# neither a pkg-config file nor a version function, so S3PROC_JQ_VERSION names the one linked:
# pkg-config's where libjq has one, else Debian's package version (scripts/build-dist passes it).
set(S3PROC_JQ_VERSION "" CACHE STRING "The libjq version s3proc --version names (found when empty)")
add_library(s3proc_jq INTERFACE IMPORTED)
if(S3PROC_STATIC)
  find_library(S3PROC_JQ_A NAMES libjq.a PATHS ${S3PROC_STATIC_PREFIX}/lib NO_DEFAULT_PATH)
  find_library(S3PROC_ONIG_A NAMES libonig.a PATHS ${S3PROC_STATIC_PREFIX}/lib NO_DEFAULT_PATH)
  if(NOT S3PROC_JQ_A OR NOT S3PROC_ONIG_A)
    message(FATAL_ERROR "S3PROC_STATIC: no libjq.a and libonig.a under S3PROC_STATIC_PREFIX="
                        "'${S3PROC_STATIC_PREFIX}/lib': build them with scripts/build-dist")
  endif()
  set_target_properties(s3proc_jq PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES ${S3PROC_STATIC_PREFIX}/include
    INTERFACE_LINK_LIBRARIES "${S3PROC_JQ_A};${S3PROC_ONIG_A};m")
else()
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(S3PROC_ONIG QUIET IMPORTED_TARGET oniguruma)
  pkg_check_modules(S3PROC_LIBJQ QUIET libjq)  # jq 1.7 and later ship one
  find_path(JQ_INCLUDE jq.h HINTS ${S3PROC_LIBJQ_INCLUDE_DIRS})
  find_library(JQ_LIBRARY NAMES jq HINTS ${S3PROC_LIBJQ_LIBRARY_DIRS})
  if(NOT S3PROC_ONIG_FOUND OR NOT JQ_INCLUDE OR NOT JQ_LIBRARY)
    message(FATAL_ERROR "libjq or Oniguruma not found: install libjq-dev and libonig-dev (Debian)")
  endif()
  set_target_properties(s3proc_jq PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES ${JQ_INCLUDE}
    INTERFACE_LINK_LIBRARIES "${JQ_LIBRARY};PkgConfig::S3PROC_ONIG")
  if(NOT S3PROC_JQ_VERSION AND S3PROC_LIBJQ_FOUND)
    set(S3PROC_JQ_VERSION ${S3PROC_LIBJQ_VERSION})
  elseif(NOT S3PROC_JQ_VERSION)
    execute_process(COMMAND dpkg-query -W -f "\${Version}" libjq-dev
                    OUTPUT_VARIABLE S3PROC_JQ_VERSION ERROR_QUIET)
  endif()
endif()
set(S3PROC_JQ_TARGET s3proc_jq)
if(NOT S3PROC_JQ_VERSION)
  set(S3PROC_JQ_VERSION "unknown")
endif()

# Distributions without packages for the libraries below (Amazon Linux 2 and 2023 have none of
# them) can drop the upstream single-header / amalgamated releases into one folder and pass
# -DS3PROC_VENDOR_DIR=/that/folder (or put it on CMAKE_PREFIX_PATH): see docs/building.md.
set(S3PROC_VENDOR_DIR "" CACHE PATH "Folder with nlohmann/json.hpp, pugixml.hpp(+.cpp), simdjson.h/.cpp, rapidjson/reader.h, valijson/validator.hpp, toml++/toml.h, CLI/CLI.hpp")

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

# RapidJSON (the json processor's streaming parser) is header-only: Debian's rapidjson-dev, or the
# upstream include/rapidjson folder copied into S3PROC_VENDOR_DIR. SYSTEM: its warnings are not ours.
find_path(RAPIDJSON_INCLUDE rapidjson/reader.h HINTS ${S3PROC_VENDOR_DIR})
if(NOT RAPIDJSON_INCLUDE)
  message(FATAL_ERROR "RapidJSON not found: install rapidjson-dev (Debian), or put its rapidjson/ "
                      "header folder in -DS3PROC_VENDOR_DIR (docs/building.md)")
endif()
add_library(s3proc_rapidjson INTERFACE)
target_include_directories(s3proc_rapidjson SYSTEM INTERFACE ${RAPIDJSON_INCLUDE})

# valijson (JSON Schema for the json processor) is header-only: Debian's libvalijson-dev, or the
# upstream include/valijson folder copied into S3PROC_VENDOR_DIR.
find_path(VALIJSON_INCLUDE valijson/validator.hpp HINTS ${S3PROC_VENDOR_DIR})
if(NOT VALIJSON_INCLUDE)
  message(FATAL_ERROR "valijson not found: install libvalijson-dev (Debian), or put its valijson/ "
                      "header folder in -DS3PROC_VENDOR_DIR (docs/building.md)")
endif()
add_library(s3proc_valijson INTERFACE)
target_include_directories(s3proc_valijson SYSTEM INTERFACE ${VALIJSON_INCLUDE})

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
