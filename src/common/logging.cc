#include "common/logging.h"

#include <unistd.h>

#include <ctime>

namespace s3proc {

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not one.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return 0;
  }
  return n;
}

}  // namespace

void AppendJsonEscaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
      ++i;
    } else if (c < 0x20 || c == 0x7f) {
      if (c == '\n') {
        out += "\\n";
      } else if (c == '\t') {
        out += "\\t";
      } else if (c == '\r') {
        out += "\\r";
      } else {
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xf]);
      }
      ++i;
    } else if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
    } else {
      size_t n = Utf8SequenceLength(text, i);
      if (n == 0) {
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xf]);
        ++i;
      } else {
        out.append(text.substr(i, n));
        i += n;
      }
    }
  }
}

void AppendTextEscaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  auto escape = [&](const char* prefix, unsigned char c) {
    out += prefix;
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xf]);
  };
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    const size_t n = Utf8SequenceLength(text, i);
    if (n == 0) {
      escape("\\x", c);  // not UTF-8
      ++i;
      continue;
    }
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      escape("\\x", c);
    } else if (c == 0xc2 && static_cast<unsigned char>(text[i + 1]) < 0xa0) {
      escape("\\u00", static_cast<unsigned char>(text[i + 1]));  // a C1 control: U+0080..U+009F
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
}

std::string TextEscaped(std::string_view text) {
  std::string out;
  AppendTextEscaped(out, text);
  return out;
}

std::string Rfc3339Now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Logger::Logger(LogFormat format, FILE* out, LogLevel min_level)
    : format_(format),
      out_(out),
      min_level_(min_level),
      interactive_(format == LogFormat::kText && isatty(fileno(out)) == 1) {}

void Logger::WriteLocked(const std::string& line) {
  if (!status_.empty()) fputs("\r\033[K", out_);
  fputs(line.c_str(), out_);
  if (!status_.empty()) fputs(status_.c_str(), out_);
  fflush(out_);
}

void Logger::SetStatus(std::string status) {
  if (!interactive_) return;
  std::lock_guard<std::mutex> lock(mu_);
  fputs("\r\033[K", out_);
  status_ = std::move(status);
  fputs(status_.c_str(), out_);
  fflush(out_);
}

void Logger::Object(const ObjectEvent& e) {
  const LogLevel level = e.outcome == "failed"     ? LogLevel::kError
                         : e.outcome == "rejected" ? LogLevel::kWarning
                                                   : LogLevel::kInfo;
  if (level < min_level_) return;
  std::string line;
  if (format_ == LogFormat::kJson) {
    line = "{\"time\":\"" + Rfc3339Now() + "\",\"level\":\"" + std::string(LogLevelName(level)) +
           "\",\"event\":\"object\",\"outcome\":\"";
    AppendJsonEscaped(line, e.outcome);
    line += "\",\"key\":\"";
    AppendJsonEscaped(line, e.key);
    line += "\"";
    if (!e.destination.empty()) {
      line += ",\"destination\":\"";
      AppendJsonEscaped(line, e.destination);
      line += "\"";
    }
    if (!e.processor.empty()) {
      line += ",\"processor\":\"";
      AppendJsonEscaped(line, e.processor);
      line += "\"";
    }
    if (!e.reason.empty()) {
      line += ",\"reason\":\"";
      AppendJsonEscaped(line, e.reason);
      line += "\"";
    }
    char numbers[128];
    snprintf(numbers, sizeof(numbers), ",\"bytes_in\":%llu,\"bytes_out\":%llu,\"seconds\":%.3f}\n",
             static_cast<unsigned long long>(e.bytes_in),
             static_cast<unsigned long long>(e.bytes_out), e.seconds);
    line += numbers;
  } else {
    // Text: what comes from keys or reasons is escaped, so a key with a newline cannot forge a
    // log line.
    line = std::string(e.outcome) + " ";
    AppendTextEscaped(line, e.key);
    if (!e.destination.empty()) {
      line += " -> ";
      AppendTextEscaped(line, e.destination);
    }
    if (!e.processor.empty()) {
      line += " [";
      AppendTextEscaped(line, e.processor);
      line += "]";
    }
    char numbers[96];
    snprintf(numbers, sizeof(numbers), " %llu B %.3fs", static_cast<unsigned long long>(e.bytes_in),
             e.seconds);
    line += numbers;
    if (!e.reason.empty()) {
      line += ": ";
      AppendTextEscaped(line, e.reason);
    }
    line += "\n";
  }
  std::lock_guard<std::mutex> lock(mu_);
  WriteLocked(line);
}

void Logger::Line(LogLevel level, std::string_view message) { Record(level, message, "", ""); }

void Logger::Record(LogLevel level, std::string_view message, std::string_view fields_text,
                    std::string_view fields_json) {
  if (level < min_level_) return;
  std::string line;
  if (format_ == LogFormat::kJson) {
    line = "{\"time\":\"" + Rfc3339Now() + "\",\"level\":\"" + std::string(LogLevelName(level)) +
           "\",\"msg\":\"";
    AppendJsonEscaped(line, message);
    line += "\"";
    if (!fields_json.empty()) {
      line += ",";
      line += fields_json;
    }
    line += "}\n";
  } else {
    line = "s3proc: ";
    if (level != LogLevel::kInfo) line += std::string(LogLevelName(level)) + ": ";
    // Messages name keys and quote what servers and commands said: escaped, each stays one line.
    AppendTextEscaped(line, message);
    if (!fields_text.empty()) {
      line += " ";
      AppendTextEscaped(line, fields_text);
    }
    line += "\n";
  }
  std::lock_guard<std::mutex> lock(mu_);
  WriteLocked(line);
}

void Logger::Info(std::string_view message) { Line(LogLevel::kInfo, message); }
void Logger::Warn(std::string_view message) { Line(LogLevel::kWarning, message); }
void Logger::Error(std::string_view message) { Line(LogLevel::kError, message); }

std::optional<LogLevel> ParseLogLevel(std::string_view name) {
  for (LogLevel level : {LogLevel::kInfo, LogLevel::kWarning, LogLevel::kError}) {
    if (name == LogLevelName(level)) return level;
  }
  return std::nullopt;
}

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
  }
  return "info";
}

}  // namespace s3proc
