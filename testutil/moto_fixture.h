#pragma once

#include <optional>
#include <string>

namespace s3proc::testing {

// Where the moto_sqs ctest fixture (tests/integration/moto_sqs_fixture) started moto's server.
struct MotoFixture {
  std::string endpoint;  // http://127.0.0.1:PORT
  std::string python;    // a python3 with moto and boto3 ("python3" when the fixture names none)
};

// From S3PROC_TEST_MOTO_ENDPOINT / S3PROC_MOTO_PYTHON, else the files the fixture wrote in
// $S3PROC_TEST_MOTO_DIR. When there is no moto, prints why ("SKIP: ..." or, with CI=true,
// "FAILED: ...") and returns nullopt with *exit_code 77 (a skip) or 1.
std::optional<MotoFixture> FindMotoFixture(int* exit_code);

}  // namespace s3proc::testing
