#include "testutil/python_oracle.h"

#include <cstdio>

#include "testutil/source_dir.h"

namespace s3proc::testing {

nlohmann::json RunPythonOracle(const std::string& script) {
  const std::string cmd = "/usr/bin/python3 " + SourceDir() + "/testutil/" + script;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return nullptr;
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
  if (pclose(pipe) != 0) return nullptr;
  return nlohmann::json::parse(out, nullptr, false);
}

}  // namespace s3proc::testing
