#include "processors/json_processor.h"

#include <simdjson.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/file_io.h"
#include "common/hash.h"
#include "processors/json_metadata.h"
#include "processors/json_stream.h"
#include "processors/json_text.h"

namespace s3proc {
namespace {

// Reads `size` bytes of `fd` into a simdjson::padded_string; `*length` is how many there were.
Status LoadPadded(int fd, const std::string& path, size_t size, simdjson::padded_string* text,
                  size_t* length) {
  simdjson::padded_string buffer(size);
  if (size != 0 && buffer.data() == nullptr) {
    return Status::Internal("out of memory loading " + path + " (" + std::to_string(size) +
                            " bytes)");
  }
  size_t done = 0;
  while (done < size) {
    S3PROC_ASSIGN_OR_RETURN(size_t n, ReadSome(fd, buffer.data() + done, size - done, path));
    if (n == 0) break;  // the file shrank under us: use what is there
    done += n;
  }
  *text = std::move(buffer);
  *length = done;
  return Status::Ok();
}

// Writes what the rules make of a valid document: the filter's results, each enriched with
// `member`, one per line when there are several.
Status WriteRuledDocument(std::string_view text, const RecordRules& rules, std::string_view member,
                          OutputFile& out) {
  S3PROC_ASSIGN_OR_RETURN(std::vector<std::string> results, ApplyRecordRules(rules, text));
  if (results.empty() && !rules.skip_empty) return Status::Rejected("the filter produced nothing");
  JsonValidator validator;
  for (std::string& result : results) {
    S3PROC_RETURN_IF_ERROR(WriteEnriched(validator, result, member, out));
    if (results.size() > 1) S3PROC_RETURN_IF_ERROR(out.Append("\n"));
  }
  return Status::Ok();
}

Status ProcessInMemory(int fd, const std::string& path, size_t size, const std::string& output_path,
                       const ProcessContext& context, const RecordRules& rules) {
  simdjson::padded_string buffer;
  size_t length = 0;
  S3PROC_RETURN_IF_ERROR(LoadPadded(fd, path, size, &buffer, &length));
  std::string_view stored(buffer.data(), length);
  size_t bom = Utf8BomLength(stored);
  std::string_view text = stored.substr(bom);

  JsonValidator validator;
  S3PROC_ASSIGN_OR_RETURN(
      JsonTextInfo info,
      validator.Inspect(text.data(), text.size(),
                        text.size() + simdjson::SIMDJSON_PADDING + (buffer.size() - length)));
  SourceFacts facts = SourceFactsFromBytes(context, stored);
  S3PROC_ASSIGN_OR_RETURN(OutputFile out, OutputFile::Create(output_path));
  if (rules.any()) {
    S3PROC_RETURN_IF_ERROR(WriteRuledDocument(text, rules, MetadataMember(context, facts), out));
  } else {
    S3PROC_RETURN_IF_ERROR(WriteWithMember(text, info, MetadataMember(context, facts), out));
  }
  return out.Close();
}

// The output of a streamed document: the input's bytes from `begin` on, in order, written as
// soon as they are known to precede the metadata member's insertion point. The few the
// validator had to drop before knowing (the whitespace after a member, a member that spans a
// buffer refill) are read again from the file.
class SplicedCopy {
 public:
  SplicedCopy(int fd, const std::string& path, uint64_t begin, OutputFile& out)
      : fd_(fd), path_(path), out_(out), written_(begin) {}

  // Writes the input's bytes up to `end`: from `chunk` (the bytes at `chunk_offset`) where it
  // holds them, else from the file.
  Status CopyUpTo(uint64_t end, std::string_view chunk, uint64_t chunk_offset) {
    const uint64_t chunk_end = chunk_offset + chunk.size();
    while (written_ < end) {
      if (written_ >= chunk_offset && written_ < chunk_end) {
        const uint64_t stop = std::min(end, chunk_end);
        S3PROC_RETURN_IF_ERROR(out_.Append(chunk.substr(written_ - chunk_offset, stop - written_)));
        written_ = stop;
        continue;
      }
      const uint64_t stop = written_ < chunk_offset ? std::min(end, chunk_offset) : end;
      if (reread_.empty()) reread_.resize(64 * 1024);
      const size_t want = static_cast<size_t>(std::min<uint64_t>(reread_.size(), stop - written_));
      S3PROC_ASSIGN_OR_RETURN(size_t got, ReadSomeAt(fd_, reread_.data(), want, written_, path_));
      if (got == 0) return Status::IoError(path_ + ": the file changed while it was read");
      S3PROC_RETURN_IF_ERROR(out_.Append(std::string_view(reread_.data(), got)));
      written_ += got;
    }
    return Status::Ok();
  }

 private:
  const int fd_;
  const std::string& path_;
  OutputFile& out_;
  uint64_t written_;
  std::string reread_;
};

Status ProcessStreaming(int fd, const std::string& path, uint64_t size,
                        const std::string& output_path, const ProcessContext& context,
                        size_t buffer_bytes) {
  char head[3] = {};
  S3PROC_ASSIGN_OR_RETURN(size_t head_size, ReadSomeAt(fd, head, sizeof head, 0, path));
  const uint64_t bom = Utf8BomLength(std::string_view(head, head_size));
  const bool hashing = context.source_sha256.empty();
  Sha256Hasher hash;
  if (hashing) hash.Update(std::string_view(head, bom));

  S3PROC_ASSIGN_OR_RETURN(OutputFile out, OutputFile::Create(output_path));
  SplicedCopy copy(fd, path, bom, out);
  JsonStreamValidator validator(buffer_bytes);
  auto chunk_done = [&](std::string_view chunk, uint64_t offset, uint64_t final_before) {
    if (hashing) hash.Update(chunk);
    return copy.CopyUpTo(final_before, chunk, offset);
  };
  S3PROC_ASSIGN_OR_RETURN(JsonTextInfo info, validator.Validate(fd, path, bom, size, chunk_done));
  const std::string_view last = validator.last_chunk();
  const uint64_t last_offset = validator.last_chunk_offset();
  if (hashing) hash.Update(last);

  if (info.is_object) {
    SourceFacts facts{context.source_size, context.source_sha256};
    if (hashing) facts = {size, hash.HexDigest()};
    S3PROC_RETURN_IF_ERROR(copy.CopyUpTo(info.insert_at, last, last_offset));
    if (!info.empty_object) S3PROC_RETURN_IF_ERROR(out.Append(","));
    S3PROC_RETURN_IF_ERROR(out.Append(MetadataMember(context, facts)));
  }
  S3PROC_RETURN_IF_ERROR(copy.CopyUpTo(size, last, last_offset));
  return out.Close();
}

}  // namespace

uint64_t JsonProcessor::WorkingMemory(const ProcessContext& context) const {
  // An input of at most source_size bytes is loaded whole only below stream_from_bytes.
  if (options_.rules.any()) {
    const uint64_t loaded = std::min(context.source_size, options_.max_document_bytes);
    return kBufferedWorkingMemory + 3 * loaded + options_.rules.WorkingMemoryFor(loaded);
  }
  const uint64_t loadable = options_.stream_from_bytes > 0 ? options_.stream_from_bytes - 1 : 0;
  return kBufferedWorkingMemory + 3 * std::min<uint64_t>(context.source_size, loadable);
}

Status JsonProcessor::Process(const std::string& input_path, const std::string& output_path,
                              const ProcessContext& context) {
  S3PROC_ASSIGN_OR_RETURN(ScopedFd fd, OpenForRead(input_path));
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) {
    return Status::IoError("stat " + input_path + ": " + std::strerror(errno));
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (options_.rules.any()) {
    if (size > options_.max_document_bytes) {
      return Status::Rejected("the document is " + std::to_string(size) + " bytes, more than the " +
                              std::to_string(options_.max_document_bytes) +
                              " a document checked by a schema or filter may have");
    }
    return ProcessInMemory(fd.get(), input_path, static_cast<size_t>(size), output_path, context,
                           options_.rules);
  }
  if (size < options_.stream_from_bytes) {
    return ProcessInMemory(fd.get(), input_path, static_cast<size_t>(size), output_path, context,
                           RecordRules{});
  }
  return ProcessStreaming(fd.get(), input_path, size, output_path, context,
                          options_.stream_buffer_bytes);
}

}  // namespace s3proc
