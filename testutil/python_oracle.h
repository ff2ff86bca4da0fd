#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace s3proc::testing {

// Runs testutil/SCRIPT (an oracle: a Python program built on a library s3proc is checked
// against, botocore mostly) with the system python3 and parses what it prints as JSON. A null
// value when it cannot run, fails or prints something else: the test then says the oracle did
// not run.
nlohmann::json RunPythonOracle(const std::string& script);

}  // namespace s3proc::testing
