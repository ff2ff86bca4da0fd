#include "pipeline/redrive.h"

#include <optional>
#include <set>
#include <vector>

#include "pipeline/destination_keys.h"
#include "pipeline/folder_marker.h"
#include "pipeline/missing_key.h"
#include "pipeline/provenance.h"
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

enum class Outcome { kRedriven, kConflict, kFailed };

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

Result<std::optional<Glob>> CompileFilter(const std::string& filter) {
  if (filter.empty()) return std::optional<Glob>();
  auto compiled = Glob::Compile(filter);
  if (!compiled.ok()) return compiled.status().WithContext("redrive --filter");
  return std::optional<Glob>(std::move(compiled).value());
}

// The rejected objects under error_prefix that match `filter`, in key order.
Result<std::vector<Candidate>> ListCandidates(ObjectStore& store, const RunConfig& config,
                                              const std::optional<Glob>& filter) {
  // The whole listing first: deleting while listing would shift pages under us, and reason
  // files are told apart only with every key known.
  std::vector<ObjectSummary> listed;
  Status s = store.List(config.error_prefix, [&](std::vector<ObjectSummary>&& page) {
    for (auto& o : page) {
      if (!IsFolderMarker(o.key, o.size)) listed.push_back(std::move(o));
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
  return candidates;
}

// Steps 1 and 2 of Redrive's contract: input_key holds the candidate afterwards, or the outcome
// that stops this object (logged) is returned.
std::optional<Outcome> CopyToInput(ObjectStore& store, const Candidate& c,
                                   const std::string& input_key, Logger& logger) {
  auto existing = store.Head(input_key);
  if (existing.ok()) {
    if (existing->etag == c.etag) return std::nullopt;  // an interrupted redrive copied it
    Log(logger, "conflict", c, input_key,
        input_key +
            " already holds a different object; left in place: move or delete one "
            "of them and run redrive again");
    return Outcome::kConflict;
  }
  if (Status why = ResolveAccessDenied(store, input_key, existing.status()); !why.IsNotFound()) {
    // On AWS a missing input/<key> answers 403 to the module's role; only a 403 for a key that
    // is there (or any other error) stops the redrive of this object.
    Log(logger, "failed", c, input_key, why.message());
    return Outcome::kFailed;
  }
  PutOptions copy;
  copy.copy_source_if_match = c.etag;  // the error copy listed, not what replaced it since
  copy.copy_source_size = c.size;      // over 5 GiB, S3 copies it in parts
  auto copied = store.Copy(c.key, "", input_key, copy);
  if (!copied.ok()) {
    Log(logger, "failed", c, input_key, copied.status().message());
    return Outcome::kFailed;
  }
  return std::nullopt;
}

// Step 3: deletes the error object and its reason file; the problem, empty when both went.
std::string DeleteFromErrors(ObjectStore& store, const Candidate& c) {
  std::vector<ObjectId> doomed = {{c.key, ""}};
  if (c.has_reason) doomed.push_back({c.key + std::string(kReasonSuffix), ""});
  auto deleted = store.Delete(doomed);
  if (!deleted.ok()) return deleted.status().message();
  if (!deleted->failures.empty()) {
    const auto& f = deleted->failures.front();
    return "delete " + f.object.key + ": " + f.status.message();
  }
  return "";
}

// Where a rejected object goes back to: input_prefix + its relative key, unless it is an error
// copy s3proc renamed because its first-choice name was taken (errors/<relative>.<12 hex of its
// ETag>, see AlternativeErrorNames): its provenance then names the input, which gets its own key
// back. Only such names are looked at (one HEAD each).
Result<std::string> InputKeyFor(ObjectStore& store, const RunConfig& config, const Candidate& c) {
  const std::string relative = c.key.substr(config.error_prefix.size());
  const std::optional<std::string> original = RenamedFrom(relative);
  if (!original) return config.input_prefix + relative;
  auto head = store.Head(c.key);
  if (!head.ok()) return head.status().WithContext("reading its provenance");
  const std::string renamed_from = config.input_prefix + *original;
  const Destination copy{Role::kErrorCopy, /*first_choice=*/false, renamed_from, ""};
  bool renamed = OwnershipOf(*head, copy) != Ownership::kForeign;
  return renamed ? renamed_from : config.input_prefix + relative;
}

Outcome RedriveOne(ObjectStore& store, const RunConfig& config, const Candidate& c,
                   const std::string& input_key, Logger& logger) {
  if (auto stopped = CopyToInput(store, c, input_key, logger)) return *stopped;
  if (std::string problem = DeleteFromErrors(store, c); !problem.empty()) {
    // The input is back in input/; the copy left in errors/ is finished by the next redrive.
    Log(logger, "failed", c, input_key,
        problem + " (the object is back in " + config.input_prefix +
            "; run redrive again to remove it from " + config.error_prefix + ")");
    return Outcome::kFailed;
  }
  Log(logger, "redriven", c, input_key, "");
  return Outcome::kRedriven;
}

void LogSummary(Logger& logger, const RedriveSummary& summary, bool dry_run) {
  std::string fields_text = "matched=" + std::to_string(summary.matched) +
                            " redriven=" + std::to_string(summary.redriven) +
                            " conflicts=" + std::to_string(summary.conflicts) +
                            " failed=" + std::to_string(summary.failed) +
                            (dry_run ? " dry_run=true" : "");
  std::string fields_json = "\"matched\":" + std::to_string(summary.matched) +
                            ",\"redriven\":" + std::to_string(summary.redriven) +
                            ",\"conflicts\":" + std::to_string(summary.conflicts) +
                            ",\"failed\":" + std::to_string(summary.failed) +
                            ",\"dry_run\":" + (dry_run ? "true" : "false");
  logger.Record(summary.conflicts + summary.failed > 0 ? LogLevel::kWarning : LogLevel::kInfo,
                "redrive summary", fields_text, fields_json);
}

}  // namespace

Result<RedriveSummary> Redrive(ObjectStore& store, const RunConfig& config,
                               const RedriveOptions& options, Logger& logger) {
  S3PROC_ASSIGN_OR_RETURN(std::optional<Glob> filter, CompileFilter(options.filter));
  S3PROC_ASSIGN_OR_RETURN(std::vector<Candidate> candidates, ListCandidates(store, config, filter));
  RedriveSummary summary;
  for (const Candidate& c : candidates) {
    ++summary.matched;
    auto input_key = InputKeyFor(store, config, c);
    if (!input_key.ok()) {
      Log(logger, "failed", c, "", input_key.status().message());
      ++summary.failed;
      continue;
    }
    if (options.dry_run) {
      Log(logger, "would-redrive", c, *input_key, "");
      continue;
    }
    switch (RedriveOne(store, config, c, *input_key, logger)) {
      case Outcome::kRedriven: ++summary.redriven; break;
      case Outcome::kConflict: ++summary.conflicts; break;
      case Outcome::kFailed: ++summary.failed; break;
    }
  }
  LogSummary(logger, summary, options.dry_run);
  return summary;
}

}  // namespace s3proc
