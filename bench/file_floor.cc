// file_floor: the CPU that the local file steps of one object cost on a filesystem, with no
// S3, no HTTP and no processing: the least any tool spends that keeps s3proc's contract
// (every object downloaded to downloads/, processed into processed/, uploaded from there).
// bench/run reports it beside s3proc's CPU per object, for the work dirs' filesystem and tmpfs.
//
//   file_floor DIR [COUNT]      (COUNT objects of 1 KiB, default 5000; DIR must exist)
//
// Per object, the system calls s3proc makes for a 1 KiB object: the download written to a temp
// name and renamed, read back by the processor, the output written to a temp name and renamed,
// read back for the upload, both unlinked. Prints one JSON line:
//   {"dir":"...","objects":N,"us_cpu_per_object":X}
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

double CpuSeconds() {
  rusage r{};
  getrusage(RUSAGE_SELF, &r);
  return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
         static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

bool WriteFile(const std::string& path, const char* data, size_t size) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  bool ok = ::write(fd, data, size) == static_cast<ssize_t>(size);
  return ::close(fd) == 0 && ok;
}

bool ReadFile(const std::string& path, char* buf, size_t size) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::read(fd, buf, size) >= 0;
  return ::close(fd) == 0 && ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: file_floor DIR [COUNT]\n");
    return 2;
  }
  const std::string dir = argv[1];
  const int count = argc > 2 ? std::atoi(argv[2]) : 5000;
  const std::string downloads = dir + "/downloads", processed = dir + "/processed";
  ::mkdir(downloads.c_str(), 0700);
  ::mkdir(processed.c_str(), 0700);
  char doc[1024], buf[2048];
  for (size_t i = 0; i < sizeof(doc); ++i) doc[i] = static_cast<char>('a' + i % 26);

  const double start = CpuSeconds();
  for (int i = 0; i < count; ++i) {
    const std::string name = "/doc-" + std::to_string(i) + ".json";
    const std::string down = downloads + name, out = processed + name;
    bool ok = WriteFile(down + ".tmp", doc, sizeof(doc)) &&
              ::rename((down + ".tmp").c_str(), down.c_str()) == 0 &&
              ReadFile(down, buf, sizeof(buf)) && WriteFile(out + ".tmp", doc, sizeof(doc)) &&
              ::rename((out + ".tmp").c_str(), out.c_str()) == 0 &&
              ReadFile(out, buf, sizeof(buf)) && ::unlink(down.c_str()) == 0 &&
              ::unlink(out.c_str()) == 0;
    if (!ok) {
      std::perror(("file_floor: " + dir).c_str());
      return 1;
    }
  }
  const double us = (CpuSeconds() - start) * 1e6 / count;
  ::rmdir(downloads.c_str());
  ::rmdir(processed.c_str());
  std::printf("{\"dir\":\"%s\",\"objects\":%d,\"us_cpu_per_object\":%.1f}\n", dir.c_str(), count,
              us);
  return 0;
}
