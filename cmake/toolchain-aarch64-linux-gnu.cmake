# Cross-compiling for 64-bit Arm Linux (AWS Graviton) on Debian with g++-aarch64-linux-gnu and the
# :arm64 -dev packages (multiarch: their libraries live in /usr/lib/aarch64-linux-gnu, which this
# compiler searches). Used by scripts/build-dist --arch aarch64.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# Lets CMake run what it builds (try_run, tests) through user-mode emulation.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static)
# pkg-config (which FindOpenSSL asks first) must see the arm64 .pc files, not the build host's.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
