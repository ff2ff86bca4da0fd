# Every build goes through ccache when it is installed, with one cache shared by every clone on
# the machine: CI's fresh clone in another folder hits what the last run compiled.
#   - the cache lives outside the clone: $S3PROC_CCACHE_DIR, else $CCACHE_DIR, else
#     ~/.cache/s3proc/ccache, capped at S3PROC_CCACHE_MAX_SIZE;
#   - base_dir is the source tree, so the absolute paths ccache hashes become relative;
#   - -ffile-prefix-map turns the source tree into "." in __FILE__ and in debug info, so no object
#     carries the clone's folder, and hash_dir can be off.
# -DS3PROC_CCACHE=OFF builds without it.
option(S3PROC_CCACHE "Compile through ccache when it is installed" ON)
set(S3PROC_CCACHE_MAX_SIZE "5G" CACHE STRING "Size cap of the shared compiler cache")

find_program(S3PROC_CCACHE_PROGRAM ccache)
if(S3PROC_CCACHE AND S3PROC_CCACHE_PROGRAM)
  if(DEFINED ENV{S3PROC_CCACHE_DIR})
    set(cache_dir "$ENV{S3PROC_CCACHE_DIR}")
  elseif(DEFINED ENV{CCACHE_DIR})
    set(cache_dir "$ENV{CCACHE_DIR}")
  else()
    set(cache_dir "$ENV{HOME}/.cache/s3proc/ccache")
  endif()
  file(MAKE_DIRECTORY "${cache_dir}")
  execute_process(COMMAND ${CMAKE_COMMAND} -E env CCACHE_DIR=${cache_dir}
                          ${S3PROC_CCACHE_PROGRAM} --max-size=${S3PROC_CCACHE_MAX_SIZE}
                  OUTPUT_QUIET ERROR_QUIET)
  set(launcher ${CMAKE_COMMAND} -E env CCACHE_DIR=${cache_dir}
               CCACHE_BASEDIR=${PROJECT_SOURCE_DIR} CCACHE_NOHASHDIR=1
               ${S3PROC_CCACHE_PROGRAM})
  set(CMAKE_C_COMPILER_LAUNCHER ${launcher})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${launcher})
  message(STATUS "ccache: ${cache_dir}")
endif()
add_compile_options(-ffile-prefix-map=${PROJECT_SOURCE_DIR}/=)

# mold links the test and development builds; the release artifact (S3PROC_STATIC) keeps the
# system linker, so nothing that ships changes.
find_program(S3PROC_MOLD_PROGRAM ld.mold)
if(S3PROC_MOLD_PROGRAM AND NOT S3PROC_STATIC)
  add_link_options(-fuse-ld=mold)
endif()
