#include "pipeline/redrive.h"

#include <optional>
#include <set>
#include <vector>

#include "pipeline/missing_key.h"
#include "processors/glob.h"

namespace s3proc {

namespace {

constexpr std::string_view kReasonSuffix = ".error.json";

struct Candidate {
  std::string key;
  std::string etag;
  uint64_t size = 0;
  bool has_reason = false;
};

void Log(Logger& logger, std::string_view outcome, const Candidate& c,
         const std::string& destination, std::string_view reason) {
  ObjectEvent event;
  event.outcome = outcome;
  event.key = c.key;
  event.destination = destination;
  event.processor = "redrive";
  event.reason = reason;
  event.bytes_in = c.size;
  logger.Object(event);
}

}  // namespace

Result<RedriveSummary> Redrive(ObjectStore& store, const RunConfig& config,
                               const RedriveOptions& options, Logger& logger) {
  std::optional<Glob> filter;
  if (!options.filter.empty()) {
    auto compiled = Glob::Compile(options.filter);
    if (!compiled.ok()) return compiled.status().WithContext("redrive --filter");
    filter = std::move(compiled).value();
  }

  // The whole listing first: deleting while listing would shift pages under us, and reason
  // files are told apart only with every key known.
  std::vector<ObjectSummary> listed;
  Status s = store.List(config.error_prefix, [&](std::vector<ObjectSummary>&& page) {
    for (auto& o : page) {
      if (!o.key.ends_with('/')) listed.push_back(std::move(o));
    }
    return Status::Ok();
  });
  if (!s.ok())
    return s.WithContext("redrive: list " + store.Describe() + "/" + config.error_prefix);

  std::set<std::string> keys;
  for (const auto& o : listed) keys.insert(o.key);
  std::vector<Candidate> candidates;
  for (const auto& o : listed) {
    const std::string reason_key = o.key + std::string(kReasonSuffix);
    bool is_reason = o.key.ends_with(kReasonSuffix) && keys.count(reason_key) == 0;
    if (is_reason) continue;
    std::string_view relative = std::string_view(o.key).substr(config.error_prefix.size());
    if (filter && !filter->Matches(relative)) continue;
    candidates.push_back({o.key, o.etag, o.size, keys.count(reason_key) > 0});
  }

  RedriveSummary summary;
  for (const Candidate& c : candidates) {
    ++summary.matched;
    const std::string input_key = config.input_prefix + c.key.substr(config.error_prefix.size());
    if (options.dry_run) {
      Log(logger, "would-redrive", c, input_key, "");
      continue;
    }

    auto existing = store.Head(input_key);
    bool already_copied = false;
    if (existing.ok()) {
      if (existing->etag != c.etag) {
        ++summary.conflicts;
        Log(logger, "conflict", c, input_key,
            input_key +
                " already holds a different object; left in place: move or delete one "
                "of them and run redrive again");
        continue;
      }
      already_copied = true;
    } else if (Status why = ResolveAccessDenied(store, input_key, existing.status());
               !why.IsNotFound()) {
      // On AWS a missing input/<key> answers 403 to the module's role; only a 403 for a key that
      // is there (or any other error) stops the redrive of this object.
      ++summary.failed;
      Log(logger, "failed", c, input_key, why.message());
      continue;
    }

    if (!already_copied) {
      auto copied = store.Copy(c.key, "", input_key, PutOptions{});
      if (!copied.ok()) {
        ++summary.failed;
        Log(logger, "failed", c, input_key, copied.status().message());
        continue;
      }
    }

    std::vector<ObjectId> doomed = {{c.key, ""}};
    if (c.has_reason) doomed.push_back({c.key + std::string(kReasonSuffix), ""});
    auto deleted = store.Delete(doomed);
    std::string problem;
    if (!deleted.ok()) {
      problem = deleted.status().message();
    } else if (!deleted->failures.empty()) {
      const auto& f = deleted->failures.front();
      problem = "delete " + f.object.key + ": " + f.status.message();
    }
    if (!problem.empty()) {
      // The input is back in input/; the copy left in errors/ is finished by the next redrive.
      ++summary.failed;
      Log(logger, "failed", c, input_key,
          problem + " (the object is back in " + config.input_prefix +
              "; run redrive again to remove it from " + config.error_prefix + ")");
      continue;
    }
    ++summary.redriven;
    Log(logger, "redriven", c, input_key, "");
  }

  std::string fields_text = "matched=" + std::to_string(summary.matched) +
                            " redriven=" + std::to_string(summary.redriven) +
                            " conflicts=" + std::to_string(summary.conflicts) +
                            " failed=" + std::to_string(summary.failed) +
                            (options.dry_run ? " dry_run=true" : "");
  std::string fields_json = "\"matched\":" + std::to_string(summary.matched) +
                            ",\"redriven\":" + std::to_string(summary.redriven) +
                            ",\"conflicts\":" + std::to_string(summary.conflicts) +
                            ",\"failed\":" + std::to_string(summary.failed) +
                            ",\"dry_run\":" + (options.dry_run ? "true" : "false");
  logger.Record(summary.conflicts + summary.failed > 0 ? LogLevel::kWarning : LogLevel::kInfo,
                "redrive summary", fields_text, fields_json);
  return summary;
}

}  // namespace s3proc
