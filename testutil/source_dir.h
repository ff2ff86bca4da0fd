#pragma once

#include <string>

namespace s3proc::testing {

// The s3proc source tree, where tests find their helper scripts (oracles, fakes):
// $S3PROC_SOURCE_DIR when set, else the nearest folder above the running test binary that holds
// testutil/source_dir.h (every build folder lives inside the tree). The path is looked up at run
// time rather than compiled in, so objects do not depend on where the clone is.
// Aborts the test binary with a message when neither is found.
const std::string& SourceDir();

}  // namespace s3proc::testing
