#include "pipeline/progress_line.h"

#include <chrono>
#include <cstdio>

namespace s3proc {

ProgressLine::ProgressLine(Logger& logger, std::function<RunSummary()> snapshot)
    : logger_(logger), snapshot_(std::move(snapshot)) {
  if (!logger_.interactive()) return;
  thread_ = std::thread([this] {
    auto start = std::chrono::steady_clock::now();
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stop_; })) {
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      logger_.SetStatus(Render(snapshot_(), seconds));
    }
  });
}

ProgressLine::~ProgressLine() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  logger_.SetStatus("");
}

std::string ProgressLine::Render(const RunSummary& s, double seconds) {
  double finished = static_cast<double>(s.done + s.rejected + s.already_done);
  char line[200];
  snprintf(line, sizeof(line),
           "%llu listed  %llu done  %llu rejected  %llu failed  %.1f files/s  %.1f MB",
           static_cast<unsigned long long>(s.listed), static_cast<unsigned long long>(s.done),
           static_cast<unsigned long long>(s.rejected), static_cast<unsigned long long>(s.failed),
           seconds > 0 ? finished / seconds : 0.0, static_cast<double>(s.bytes_in) / 1e6);
  return line;
}

}  // namespace s3proc
