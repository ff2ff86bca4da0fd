#include "testutil/moto_fixture.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace s3proc::testing {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string ReadLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

std::optional<MotoFixture> FindMotoFixture(int* exit_code) {
  const std::string dir = Env("S3PROC_TEST_MOTO_DIR");
  MotoFixture moto;
  moto.endpoint = Env("S3PROC_TEST_MOTO_ENDPOINT");
  if (moto.endpoint.empty() && !dir.empty()) moto.endpoint = ReadLine(dir + "/endpoint");
  moto.python = Env("S3PROC_MOTO_PYTHON");
  if (moto.python.empty() && !dir.empty()) moto.python = ReadLine(dir + "/python");
  if (moto.python.empty()) moto.python = "python3";
  if (!moto.endpoint.empty()) return moto;
  std::string why =
      dir.empty() ? "run through ctest (the moto_sqs fixture)" : ReadLine(dir + "/unavailable");
  if (why.empty()) why = "the moto_sqs fixture did not start moto (see its output)";
  const bool ci = Env("CI") == "true" || Env("CI") == "1";
  std::fprintf(stderr, "%s: %s\n", ci ? "FAILED" : "SKIP", why.c_str());
  *exit_code = ci ? 1 : 77;
  return std::nullopt;
}

}  // namespace s3proc::testing
