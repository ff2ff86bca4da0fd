#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace s3proc {

// The shortest visibility timeout queue mode asks SQS for: below it, holding a slow object would
// cost an extension call every few seconds.
inline constexpr int kMinQueueVisibilitySeconds = 10;

// A routing rule: objects whose key (relative to the input prefix) matches `glob` go to
// `processor`. Rules are tried in order; the first match wins.
struct RouteRule {
  std::string glob;       // "*.csv", "logs/**.ndjson"
  std::string processor;  // "json", "ndjson", "csv", "passthrough", "exec"
  // json, ndjson and csv only: the path of a JSON Schema every document, line or row must
  // match (empty: none). Loaded and compiled once per run (BuildRouter); a file that is not a
  // usable schema is a configuration error.
  std::string schema;
  // json, ndjson and csv only: a jq program run on each document, line or row (after the
  // schema); its results are the output (empty: none). Compiled once per run.
  std::string filter;
  // What a document the filter gives no result for becomes: "reject" (the default: errors/,
  // "the filter produced nothing") or "skip" (an empty output).
  std::string empty;
};

// Everything `s3proc run` (and status, redrive) needs to know, after merging, in increasing
// precedence: built-in defaults, the TOML file, S3PROC_* environment variables, flags.
// (The S3 endpoint, region and credentials also follow the AWS conventions: AWS_REGION,
// AWS_ENDPOINT_URL, profiles, IMDS; the values here override them when set.)
struct RunConfig {
  // Where.
  std::string bucket;
  std::string region;        // empty: AWS_REGION / AWS_DEFAULT_REGION / profile
  std::string profile;       // empty: AWS_PROFILE, then "default"
  std::string endpoint_url;  // empty: AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL / AWS's
  bool force_path_style = false;
  std::string input_prefix = "input/";
  std::string output_prefix = "output/";
  std::string error_prefix = "errors/";
  std::string lease_prefix = "leases/";
  std::string work_dir;  // empty: DefaultWorkDir() (config_loader.h), the user's state folder
  // Queue mode: take work from S3 event notifications in this SQS queue instead of listing the
  // input prefix (docs/semantics.md, "Queue mode"). Empty: listing mode.
  std::string queue_url;
  // Let signed requests go over plain http:// to a host that is neither loopback nor private
  // (never to AWS): common/endpoint_transport.h.
  bool allow_insecure_endpoint = false;

  // How much.
  int concurrency = 16;  // objects in flight
  int max_memory = 256;  // MiB the objects being processed may use together (sized
                         // for a t3.micro: 1 GiB, ~700 MiB free after the OS)
  int max_files = 0;     // 0: no limit; stop claiming new objects after this many
  int max_seconds = 0;   // 0: no limit; stop claiming new objects after this long
  int max_attempts = 5;  // transient failures of one object before it goes to errors/
  // Larger objects go to errors/ by a server-side copy, never downloaded (0: no limit). 5 GiB:
  // more than a t3.micro's disk holds twice.
  uint64_t max_object_bytes = 5ull << 30;
  int lease_seconds = 600;           // how long a claim holds without renewal
  int lease_shards = 16;             // the key space is claimed in this many shards
  int queue_wait_seconds = 20;       // SQS long poll (0..20)
  int queue_visibility_seconds = 0;  // how long a received message stays hidden (0: the
                                     // queue's own); extended at half-life while in work
  bool follow = false;               // keep going until SIGTERM/SIGINT (a service): queue mode
                                     // keeps polling, listing mode lists again
  int poll_seconds = 60;             // --follow in listing mode: the wait after a pass that
                                     // found nothing to do

  // What.
  std::vector<RouteRule> routes;  // tried in order
  std::string default_processor = "json";
  std::vector<std::string> exec_command;  // argv for the exec processor; "{input}" = the file
  int exec_timeout_seconds = 60;
  std::vector<std::string> exec_env;             // variables passed to the command (not AWS_*)
  uint64_t exec_max_output_bytes = 1ull << 30;   // more stdout rejects the object (0: no cap)
  bool exec_network = false;                     // false: the command may open AF_UNIX sockets only
  uint64_t max_decompressed_bytes = 1ull << 30;  // .gz inputs larger than this are rejected
  // A json document checked by a route's schema or filter is loaded whole: larger ones are
  // rejected unread. (ndjson and csv records stream.)
  uint64_t max_document_bytes = 256ull << 20;

  // Behaviour.
  bool keep_local_files = false;    // keep downloads/ and processed/ copies after success
  bool dry_run = false;             // list what would happen; change nothing
  std::string log_format = "text";  // "text" or "json"
  std::string log_level = "info";   // "info", "warning" or "error": lines below are dropped
  std::string metrics_file;         // Prometheus textfile; empty: none
  bool progress = true;             // a progress bar when stderr is a TTY
};

}  // namespace s3proc
