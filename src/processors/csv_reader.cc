#include "processors/csv_reader.h"

#include <simdjson.h>

namespace s3proc {
namespace {
constexpr size_t kReadBytes = 256 * 1024;
}  // namespace

CsvReader::CsvReader(ScopedFd fd, std::string path, size_t max_record_bytes)
    : fd_(std::move(fd)),
      path_(std::move(path)),
      max_record_bytes_(max_record_bytes),
      buffer_(kReadBytes, '\0') {}

Result<int> CsvReader::NextByte() {
  if (begin_ == end_) {
    if (eof_) return -1;
    S3PROC_ASSIGN_OR_RETURN(size_t n, ReadSome(fd_.get(), buffer_.data(), buffer_.size(), path_));
    begin_ = 0;
    end_ = n;
    if (n == 0) {
      eof_ = true;
      return -1;
    }
    if (at_start_) {
      at_start_ = false;
      // A byte order mark split over reads is not worth handling: the first read is 256 KiB
      // unless the file is shorter.
      if (std::string_view(buffer_.data(), n).substr(0, 3) == "\xEF\xBB\xBF") begin_ = 3;
      if (begin_ == end_) return NextByte();
    }
  }
  return static_cast<unsigned char>(buffer_[begin_++]);
}

std::string CsvReader::Where() const {
  return "row " + std::to_string(row_) + " (line " + std::to_string(record_line_) + ")";
}

Status CsvReader::Reject(std::string_view what) const {
  return Status::Rejected("row " + std::to_string(row_ + 1) + " (line " +
                          std::to_string(record_line_) + "): " + std::string(what));
}

Status CsvReader::FinishRecord(std::vector<std::string>* fields) {
  fields->push_back(std::move(field_));
  field_.clear();
  for (size_t i = 0; i < fields->size(); ++i) {
    if (!simdjson::validate_utf8((*fields)[i])) {
      return Reject("field " + std::to_string(i + 1) + " is not valid UTF-8");
    }
  }
  ++row_;
  return Status::Ok();
}

CsvReader::Step CsvReader::Consume(int c, size_t record_bytes, std::vector<std::string>* fields,
                                   std::string_view* why) {
  switch (state_) {
    case State::kFieldStart:
    case State::kUnquoted:
    case State::kQuoteInQuoted:
      if (c == ',') {
        fields->push_back(std::move(field_));
        field_.clear();
        state_ = State::kFieldStart;
      } else if (c == '\n') {
        return record_bytes == 1 ? Step::kEmptyLine : Step::kRecordEnd;
      } else if (c == '\r') {
        state_ = State::kAfterCr;
      } else if (state_ == State::kQuoteInQuoted) {
        if (c != '"') {
          *why = "unexpected character after a closing quote";
          return Step::kReject;
        }
        field_.push_back('"');
        state_ = State::kQuoted;
      } else if (c == '"') {
        if (state_ == State::kUnquoted) {
          *why = "quote inside an unquoted field";
          return Step::kReject;
        }
        quote_line_ = line_;
        state_ = State::kQuoted;
      } else {
        field_.push_back(static_cast<char>(c));
        state_ = State::kUnquoted;
      }
      return Step::kMore;
    case State::kQuoted:
      if (c == '"') {
        state_ = State::kQuoteInQuoted;
      } else {
        field_.push_back(static_cast<char>(c));
      }
      return Step::kMore;
    case State::kAfterCr:
      if (c != '\n') {
        *why = "carriage return (CR) outside quotes not followed by LF";
        return Step::kReject;
      }
      return record_bytes == 2 ? Step::kEmptyLine : Step::kRecordEnd;
  }
  return Step::kMore;
}

Result<bool> CsvReader::EndOfInput(size_t record_bytes, std::vector<std::string>* fields) {
  if (state_ == State::kQuoted) {
    return Reject("unterminated quoted field (opened on line " + std::to_string(quote_line_) + ")");
  }
  if (record_bytes == 0) return false;
  S3PROC_RETURN_IF_ERROR(FinishRecord(fields));
  return true;
}

Result<bool> CsvReader::Next(std::vector<std::string>* fields) {
  fields->clear();
  field_.clear();
  state_ = State::kFieldStart;
  size_t record_bytes = 0;
  record_line_ = line_;
  for (;;) {
    S3PROC_ASSIGN_OR_RETURN(int c, NextByte());
    if (c == -1) return EndOfInput(record_bytes, fields);
    if (++record_bytes > max_record_bytes_) {
      return Reject("record longer than " + std::to_string(max_record_bytes_) + " bytes");
    }
    if (c == '\n') ++line_;
    std::string_view why;
    switch (Consume(c, record_bytes, fields, &why)) {
      case Step::kMore: break;
      case Step::kEmptyLine:  // nothing between two line ends: skip it
        record_bytes = 0;
        record_line_ = line_;
        state_ = State::kFieldStart;
        break;
      case Step::kRecordEnd: S3PROC_RETURN_IF_ERROR(FinishRecord(fields)); return true;
      case Step::kReject: return Reject(why);
    }
  }
}

}  // namespace s3proc
