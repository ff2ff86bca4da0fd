#pragma once

#include <string>

#include "common/status.h"
#include "pipeline/pipeline.h"

namespace s3proc {

// Writes the run's figures in Prometheus text format for node_exporter's textfile collector,
// atomically (temp file + rename), so the collector never reads half a file.
Status WriteMetricsFile(const std::string& path, const RunSummary& summary);

}  // namespace s3proc
