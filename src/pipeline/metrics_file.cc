#include "pipeline/metrics_file.h"

#include <ctime>
#include <sstream>

#include "common/atomic_file.h"

namespace s3proc {

Status WriteMetricsFile(const std::string& path, const RunSummary& s) {
  std::ostringstream out;
  out << "# HELP s3proc_last_run_objects Objects by outcome in the last run.\n"
      << "# TYPE s3proc_last_run_objects gauge\n"
      << "s3proc_last_run_objects{outcome=\"done\"} " << s.done << "\n"
      << "s3proc_last_run_objects{outcome=\"rejected\"} " << s.rejected << "\n"
      << "s3proc_last_run_objects{outcome=\"failed\"} " << s.failed << "\n"
      << "s3proc_last_run_objects{outcome=\"skipped\"} " << s.skipped_claimed << "\n"
      << "s3proc_last_run_objects{outcome=\"already_done\"} " << s.already_done << "\n"
      << "# HELP s3proc_last_run_bytes Bytes read and written in the last run.\n"
      << "# TYPE s3proc_last_run_bytes gauge\n"
      << "s3proc_last_run_bytes{direction=\"in\"} " << s.bytes_in << "\n"
      << "s3proc_last_run_bytes{direction=\"out\"} " << s.bytes_out << "\n"
      << "# HELP s3proc_last_run_seconds Duration of the last run.\n"
      << "# TYPE s3proc_last_run_seconds gauge\n"
      << "s3proc_last_run_seconds " << s.seconds << "\n"
      << "# HELP s3proc_last_run_timestamp_seconds When the last run finished.\n"
      << "# TYPE s3proc_last_run_timestamp_seconds gauge\n"
      << "s3proc_last_run_timestamp_seconds " << std::time(nullptr) << "\n";
  // 0644: node_exporter's textfile collector runs as another user.
  AtomicFile file(path, 0644);
  Status written = file.Write(out.str());
  if (written.ok()) written = file.Commit();
  if (!written.ok()) return written.WithContext("cannot write the metrics file");
  return Status::Ok();
}

}  // namespace s3proc
