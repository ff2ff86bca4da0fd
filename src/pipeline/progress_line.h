#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "common/logging.h"
#include "pipeline/pipeline.h"

namespace s3proc {

// A live status line for long runs on a terminal ("412 listed  400 done  3 rejected  0 failed
// 131.2 files/s  1.2 MB"), redrawn four times a second under the log lines. Does nothing when
// the logger is not interactive (cron, pipes, JSON logs).
class ProgressLine {
 public:
  // `snapshot` returns the current figures; it is called from the progress thread.
  ProgressLine(Logger& logger, std::function<RunSummary()> snapshot);
  ~ProgressLine();  // stops the thread and removes the line

  static std::string Render(const RunSummary& s, double seconds);

 private:
  Logger& logger_;
  std::function<RunSummary()> snapshot_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace s3proc
