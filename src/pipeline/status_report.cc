#include "pipeline/status_report.h"

#include <cinttypes>
#include <cstdio>
#include <ctime>
#include <optional>
#include <set>

#include "common/logging.h"
#include "pipeline/folder_marker.h"

namespace s3proc {

namespace {

constexpr std::string_view kReasonSuffix = ".error.json";

struct Entry {
  std::string key;
  uint64_t size;
  std::string last_modified;
};

void Count(PrefixStatus& status, const Entry& e, std::chrono::system_clock::time_point now) {
  ++status.objects;
  status.bytes += e.size;
  // ISO 8601 UTC strings of one format sort like the times they name.
  if (status.oldest_last_modified.empty() || e.last_modified < status.oldest_last_modified) {
    status.oldest_last_modified = e.last_modified;
    auto t = ParseS3Time(e.last_modified);
    status.oldest_age_seconds =
        t ? std::chrono::duration_cast<std::chrono::seconds>(now - *t).count() : 0;
  }
}

std::string HumanBytes(uint64_t bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 5) {
    value /= 1024;
    ++unit;
  }
  char buf[32];
  if (unit == 0) {
    std::snprintf(buf, sizeof(buf), "%" PRIu64 " B", bytes);
  } else {
    std::snprintf(buf, sizeof(buf), "%.1f %s", value, kUnits[unit]);
  }
  return buf;
}

std::string HumanAge(int64_t seconds) {
  if (seconds < 0) seconds = 0;
  char buf[32];
  if (seconds < 120) {
    std::snprintf(buf, sizeof(buf), "%" PRId64 "s ago", seconds);
  } else if (seconds < 7200) {
    std::snprintf(buf, sizeof(buf), "%" PRId64 "m ago", seconds / 60);
  } else if (seconds < 172800) {
    std::snprintf(buf, sizeof(buf), "%" PRId64 "h ago", seconds / 3600);
  } else {
    std::snprintf(buf, sizeof(buf), "%" PRId64 "d ago", seconds / 86400);
  }
  return buf;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> ParseS3Time(const std::string& text) {
  std::tm tm{};
  int year, month, day, hour, minute, second;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &year, &month, &day, &hour, &minute,
                  &second, &tail) != 7 ||
      (tail != '.' && tail != 'Z')) {
    return std::nullopt;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  std::time_t t = timegm(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return std::chrono::system_clock::from_time_t(t);
}

Result<StatusReport> CollectStatus(ObjectStore& store, const RunConfig& config,
                                   std::chrono::system_clock::time_point now) {
  StatusReport report;
  report.store = store.Describe();
  struct Wanted {
    const char* name;
    const std::string& prefix;
  };
  const Wanted wanted[] = {{"input", config.input_prefix},
                           {"output", config.output_prefix},
                           {"errors", config.error_prefix},
                           {"leases", config.lease_prefix}};
  for (const Wanted& w : wanted) {
    PrefixStatus status;
    status.name = w.name;
    status.prefix = w.prefix;
    const bool is_errors = &w.prefix == &config.error_prefix;
    // errors/ needs the whole listing to tell reason files apart; the others are counted
    // page by page.
    std::vector<Entry> error_entries;
    std::set<std::string> error_keys;
    Status s = store.List(w.prefix, [&](std::vector<ObjectSummary>&& page) {
      for (auto& o : page) {
        if (IsFolderMarker(o.key, o.size)) continue;
        Entry e{std::move(o.key), o.size, std::move(o.last_modified)};
        if (is_errors) {
          error_keys.insert(e.key);
          error_entries.push_back(std::move(e));
        } else {
          Count(status, e, now);
        }
      }
      return Status::Ok();
    });
    if (!s.ok()) return s.WithContext("status: list " + store.Describe() + "/" + w.prefix);
    for (const Entry& e : error_entries) {
      bool reason = e.key.ends_with(kReasonSuffix) &&
                    error_keys.count(e.key + std::string(kReasonSuffix)) == 0;
      if (reason) {
        ++status.reason_files;
        status.reason_bytes += e.size;
      } else {
        Count(status, e, now);
      }
    }
    report.prefixes.push_back(std::move(status));
  }
  return report;
}

Status CollectQueueStatus(MessageQueue& queue, StatusReport& report) {
  auto counts = queue.Counts();
  if (!counts.ok()) return counts.status().WithContext("status: queue " + queue.Describe());
  report.queue = QueueStatus{queue.Describe(), *counts};
  return Status::Ok();
}

std::string FormatStatusText(const StatusReport& report) {
  std::string out = report.store + "\n";
  char line[256];
  std::snprintf(line, sizeof(line), "%-24s %10s %12s  %s\n", "PREFIX", "OBJECTS", "BYTES",
                "OLDEST");
  out += line;
  for (const auto& p : report.prefixes) {
    std::string oldest = p.objects == 0 ? "-" : HumanAge(p.oldest_age_seconds);
    std::snprintf(line, sizeof(line), "%-24s %10" PRIu64 " %12s  %s\n", p.prefix.c_str(), p.objects,
                  HumanBytes(p.bytes).c_str(), oldest.c_str());
    out += line;
  }
  for (const auto& p : report.prefixes) {
    if (p.reason_files == 0) continue;
    std::snprintf(line, sizeof(line), "(%s also holds %" PRIu64 " .error.json reason files, %s)\n",
                  p.prefix.c_str(), p.reason_files, HumanBytes(p.reason_bytes).c_str());
    out += line;
  }
  if (report.queue) {
    const QueueCounts& c = report.queue->counts;
    out += "queue " + report.queue->queue + "\n";
    std::snprintf(line, sizeof(line),
                  "  %" PRIu64 " visible, %" PRIu64 " in flight, %" PRIu64 " delayed", c.visible,
                  c.in_flight, c.delayed);
    out += line;
    if (c.has_dead_letter_queue) {
      std::snprintf(line, sizeof(line), "; dead-letter queue: %" PRIu64, c.dead_letter_visible);
      out += line;
    }
    out += "\n";
  }
  return out;
}

std::string FormatStatusJson(const StatusReport& report) {
  std::string out = "{\"store\":\"";
  AppendJsonEscaped(out, report.store);
  out += "\",\"prefixes\":[";
  bool first = true;
  for (const auto& p : report.prefixes) {
    if (!first) out += ",";
    first = false;
    out += "{\"name\":\"";
    AppendJsonEscaped(out, p.name);
    out += "\",\"prefix\":\"";
    AppendJsonEscaped(out, p.prefix);
    out += "\",\"objects\":" + std::to_string(p.objects) + ",\"bytes\":" + std::to_string(p.bytes);
    out += ",\"oldest_last_modified\":";
    if (p.oldest_last_modified.empty()) {
      out += "null";
    } else {
      out += "\"";
      AppendJsonEscaped(out, p.oldest_last_modified);
      out += "\"";
    }
    out += ",\"oldest_age_seconds\":" + std::to_string(p.oldest_age_seconds);
    if (p.name == "errors") {
      out += ",\"reason_files\":" + std::to_string(p.reason_files) +
             ",\"reason_bytes\":" + std::to_string(p.reason_bytes);
    }
    out += "}";
  }
  out += "]";
  if (report.queue) {
    const QueueCounts& c = report.queue->counts;
    out += ",\"queue\":{\"url\":\"";
    AppendJsonEscaped(out, report.queue->queue);
    out += "\",\"visible\":" + std::to_string(c.visible) +
           ",\"in_flight\":" + std::to_string(c.in_flight) +
           ",\"delayed\":" + std::to_string(c.delayed) + ",\"dead_letter\":" +
           (c.has_dead_letter_queue ? std::to_string(c.dead_letter_visible) : "null") + "}";
  }
  out += "}";
  return out;
}

}  // namespace s3proc
