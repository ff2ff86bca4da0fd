#pragma once

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <string>

namespace s3proc::fuzz {

// A private scratch directory for one fuzzing process (processors read and write files), made
// once under $TMPDIR and removed at exit.
inline const std::string& ScratchDir() {
  static const std::string dir = [] {
    const char* base = getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/s3proc-fuzz-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) abort();
    static std::string remove = tmpl;
    atexit([] { (void)!system(("rm -rf '" + remove + "'").c_str()); });
    return tmpl;
  }();
  return dir;
}

// Writes `data` to ScratchDir()/name and returns the path; aborts on failure (a fuzzer bug, not
// a finding).
inline std::string WriteScratch(const std::string& name, const uint8_t* data, size_t size) {
  std::string path = ScratchDir() + "/" + name;
  FILE* f = fopen(path.c_str(), "wb");
  if (f == nullptr) abort();
  if (size > 0 && fwrite(data, 1, size, f) != size) abort();
  if (fclose(f) != 0) abort();
  return path;
}

inline std::string ReadScratch(const std::string& path) {
  std::string out;
  FILE* f = fopen(path.c_str(), "rb");
  if (f == nullptr) return out;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  fclose(f);
  return out;
}

// A finding: prints why and aborts, so libFuzzer saves the input.
[[noreturn]] inline void Fail(const std::string& why) {
  fprintf(stderr, "s3proc fuzz invariant broken: %s\n", why.c_str());
  abort();
}

}  // namespace s3proc::fuzz
