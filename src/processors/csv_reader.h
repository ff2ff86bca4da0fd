#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/file_io.h"
#include "common/result.h"

namespace s3proc {

// A streaming RFC 4180 record reader over a file descriptor. Memory is bounded by a fixed read
// buffer plus one record (itself bounded by `max_record_bytes`). Not thread-safe.
//
// Accepted: fields separated by ','; records ended by CRLF or LF (a final record may lack
// one; a lone CR at the very end of the file counts as a line end); quoted fields with embedded
// commas, CR, LF and doubled quotes (""). A leading UTF-8 byte order mark is skipped. Empty
// lines (nothing between two line ends) are skipped, so a record with one empty field must be
// written as "". Fields are returned unquoted and unescaped.
//
// Rejected (Status::Rejected, message starting "row N (line L): "): a quote inside an unquoted
// field (a"b), anything but a separator or line end after a closing quote ("a"b), a bare CR
// outside quotes, an unterminated quoted field at end of file, a record over
// `max_record_bytes`, a field that is not valid UTF-8.
// Rows count records from 1 (the header row is row 1, like a spreadsheet); lines count '\n'
// from 1 and say where the record starts.
class CsvReader {
 public:
  // Takes ownership of `fd`; `path` is for messages only.
  CsvReader(ScopedFd fd, std::string path, size_t max_record_bytes);

  // Sets *fields to the next record's fields. Returns true, false at end of input, Rejected, or
  // IoError.
  Result<bool> Next(std::vector<std::string>* fields);

  // Of the record last returned by Next().
  size_t row() const { return row_; }
  size_t line() const { return record_line_; }

  // "row N (line L)" for the record last returned, for messages.
  std::string Where() const;

 private:
  enum class State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted, kAfterCr };
  // What one byte did to the record being read.
  enum class Step { kMore, kEmptyLine, kRecordEnd, kReject };

  // Returns the next byte, or -1 at end of input.
  Result<int> NextByte();
  Status Reject(std::string_view what) const;
  Status FinishRecord(std::vector<std::string>* fields);
  // Applies byte `c` (the record's byte number `record_bytes`, counting the line end) to state_,
  // field_ and *fields; on kReject, *why says what is wrong.
  Step Consume(int c, size_t record_bytes, std::vector<std::string>* fields, std::string_view* why);
  // Next() at end of input: the last record, false, or Rejected for an open quote.
  Result<bool> EndOfInput(size_t record_bytes, std::vector<std::string>* fields);

  ScopedFd fd_;
  std::string path_;
  size_t max_record_bytes_;
  std::string buffer_;
  size_t begin_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  bool at_start_ = true;
  size_t line_ = 1;         // current physical line
  size_t row_ = 0;          // records returned so far
  size_t record_line_ = 0;  // line where the current record started
  std::string field_;
  State state_ = State::kFieldStart;  // within the current record
  size_t quote_line_ = 0;             // line where the open quoted field started
};

}  // namespace s3proc
