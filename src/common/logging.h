#pragma once

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace s3proc {

enum class LogFormat { kText, kJson };

enum class LogLevel { kInfo, kWarning, kError };

// "info", "warning", "error": the "level" of JSON lines, and the prefix of text ones.
std::string_view LogLevelName(LogLevel level);
// The level a name stands for (as LogLevelName writes it), or nullopt.
std::optional<LogLevel> ParseLogLevel(std::string_view name);

// What happened to one object: one structured line each.
struct ObjectEvent {
  std::string_view outcome;      // "done", "rejected", "failed", "skipped", "would-process"
  std::string_view key;          // the input key
  std::string_view destination;  // output or error key; may be empty
  std::string_view processor;
  std::string_view reason;  // why it was rejected or failed; may be empty
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  double seconds = 0;
};

// Writes log lines to a FILE (stderr by default): text for people, one JSON object per line for
// machines. Thread-safe. Never given secrets: callers pass keys, statuses and reasons only, and
// messages from the S3 layer are built without credentials or signatures.
class Logger {
 public:
  // Lines below `min_level` are dropped (an object's line has the level of its outcome: failed
  // is an error, rejected a warning, the others info).
  Logger(LogFormat format, FILE* out, LogLevel min_level = LogLevel::kInfo);

  void Object(const ObjectEvent& event);
  void Info(std::string_view message);
  void Warn(std::string_view message);
  void Error(std::string_view message);
  // A summary or other record with pre-rendered fields: text renders "message k=v ...", JSON
  // renders {"level":..., "msg":..., k: v...}. `fields_json` is a JSON object's members without
  // braces ("\"done\":3,\"failed\":0"); `fields_text` their text form.
  void Record(LogLevel level, std::string_view message, std::string_view fields_text,
              std::string_view fields_json);

  LogFormat format() const { return format_; }

  // True when lines go to a terminal in text format: a live status line makes sense.
  bool interactive() const { return interactive_; }
  // Shows `status` on the last line of an interactive terminal, redrawn below every new log
  // line; "" removes it. A no-op otherwise.
  void SetStatus(std::string status);

 private:
  void Line(LogLevel level, std::string_view message);
  // REQUIRES: mu_ held. Writes `line` above the status line.
  void WriteLocked(const std::string& line);
  const LogFormat format_;
  FILE* const out_;
  const LogLevel min_level_;
  const bool interactive_;
  std::mutex mu_;
  std::string status_;
};

// Appends `text` to `out` as the inside of a JSON string (quotes not included). Bytes that are
// not valid UTF-8 are written as \u00XX escapes of the byte, so the output is always valid JSON.
void AppendJsonEscaped(std::string& out, std::string_view text);

// Appends `text` to `out` for a text log line: a control character (below 0x20, 0x7f, and the
// C1 controls U+0080..U+009F) is written as an escape ("\n", "\r", "\t", "\x1b", "\u009b"),
// a byte that is not valid UTF-8 as "\xHH", and a backslash as "\\". So a key or a message
// cannot end a line, start a forged one, or drive the terminal that shows it.
void AppendTextEscaped(std::string& out, std::string_view text);
std::string TextEscaped(std::string_view text);

// RFC 3339 UTC with seconds, e.g. "2026-11-28T16:04:06Z".
std::string Rfc3339Now();

}  // namespace s3proc
