#include "processors/gzip_input_processor.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/file_io.h"
#include "common/hash.h"

namespace s3proc {
namespace {

constexpr size_t kChunkBytes = 256 * 1024;

// Ends the zlib stream on every exit path.
struct Inflater {
  z_stream stream{};
  bool ready = false;
  ~Inflater() {
    if (ready) inflateEnd(&stream);
  }
};

// Ends the zlib stream on every exit path.
struct Deflater {
  z_stream stream{};
  bool ready = false;
  ~Deflater() {
    if (ready) deflateEnd(&stream);
  }
};

// A temporary file "<base>.<tag>.XXXXXX", removed on every exit path.
struct TempFile {
  std::string path;
  ~TempFile() {
    if (!path.empty()) ::unlink(path.c_str());
  }

  Status Create(const std::string& base, std::string_view tag) {
    std::string pattern = base + "." + std::string(tag) + ".XXXXXX";
    int fd = ::mkostemp(pattern.data(), O_CLOEXEC);
    if (fd < 0) return Status::IoError("create " + pattern + ": " + std::strerror(errno));
    path = pattern;
    return ScopedFd(fd).Close(path);
  }
};

std::string ZlibReason(const Inflater& z, int rc) {
  std::string reason = "corrupt gzip data";
  if (z.stream.msg != nullptr) {
    reason += ": ";
    reason += z.stream.msg;
  } else if (rc == Z_MEM_ERROR) {
    reason += ": out of memory";
  }
  return reason;
}

// The compressed side, read in chunks as zlib consumes it, counted and hashed on the way.
class CompressedInput {
 public:
  CompressedInput(ScopedFd fd, const std::string& path)
      : fd_(std::move(fd)), path_(path), buf_(kChunkBytes, '\0') {}

  // Gives `stream` the next chunk once it has consumed the last; at end of file, eof() is true
  // and `stream` is left empty.
  Status Refill(z_stream& stream) {
    if (stream.avail_in != 0 || eof_) return Status::Ok();
    S3PROC_ASSIGN_OR_RETURN(size_t n, ReadSome(fd_.get(), buf_.data(), buf_.size(), path_));
    eof_ = n == 0;
    total_ += n;
    hash_.Update(std::string_view(buf_.data(), n));
    stream.next_in = reinterpret_cast<Bytef*>(buf_.data());
    stream.avail_in = static_cast<uInt>(n);
    return Status::Ok();
  }

  bool eof() const { return eof_; }
  uint64_t total() const { return total_; }
  std::string HexDigest() { return hash_.HexDigest(); }

 private:
  ScopedFd fd_;
  const std::string& path_;
  std::string buf_;
  Sha256Hasher hash_;
  uint64_t total_ = 0;
  bool eof_ = false;
};

// Inflates what z holds into `out` through `out_buf`, adding to *written (Rejected past
// `max_decompressed_bytes`). At the end of a gzip member, resets z for the next one and sets
// *member_ended.
Status InflateChunk(Inflater& z, std::string& out_buf, OutputFile& out,
                    uint64_t max_decompressed_bytes, uint64_t* written, bool* member_ended) {
  z.stream.next_out = reinterpret_cast<Bytef*>(out_buf.data());
  z.stream.avail_out = static_cast<uInt>(out_buf.size());
  int rc = inflate(&z.stream, Z_NO_FLUSH);
  if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
    return Status::Rejected(ZlibReason(z, rc));
  }
  size_t produced = out_buf.size() - z.stream.avail_out;
  *written += produced;
  if (*written > max_decompressed_bytes) {
    return Status::Rejected("gzip data decompresses to more than the limit of " +
                            std::to_string(max_decompressed_bytes) +
                            " bytes (a zip bomb?); raise the gzip size limit if the file is "
                            "genuine");
  }
  S3PROC_RETURN_IF_ERROR(out.Append(std::string_view(out_buf.data(), produced)));
  *member_ended = rc == Z_STREAM_END;
  if (*member_ended && inflateReset(&z.stream) != Z_OK) {
    return Status::Internal("zlib: inflateReset failed");
  }
  return Status::Ok();
}

// IoError when writing on would leave the file system holding `path` less than kKeepFreeBytes.
Status CheckRoomLeft(const FreeSpaceProbe& free_space, const std::string& path, uint64_t written) {
  const std::string folder = std::filesystem::path(path).parent_path().string();
  auto free = free_space(folder.empty() ? "." : folder);
  // Not knowing is no reason to stop: a full disk fails the write itself.
  if (!free.ok() || *free >= kKeepFreeBytes) return Status::Ok();
  return Status::IoError("decompressing stopped after " + std::to_string(written) +
                         " bytes: the work dir's file system has " + std::to_string(*free) +
                         " bytes left, and s3proc keeps " + std::to_string(kKeepFreeBytes) +
                         " free; tried again later");
}

}  // namespace

bool IsGzipKey(std::string_view key) {
  if (key.size() < 3) return false;
  std::string_view suffix = key.substr(key.size() - 3);
  return suffix[0] == '.' && (suffix[1] == 'g' || suffix[1] == 'G') &&
         (suffix[2] == 'z' || suffix[2] == 'Z');
}

Status GunzipFile(const std::string& input_path, const std::string& output_path,
                  uint64_t max_decompressed_bytes, uint64_t* compressed_size,
                  std::string* compressed_sha256, const FreeSpaceProbe& free_space) {
  S3PROC_ASSIGN_OR_RETURN(ScopedFd in_fd, OpenForRead(input_path));
  S3PROC_ASSIGN_OR_RETURN(OutputFile out, OutputFile::Create(output_path));
  Inflater z;
  if (inflateInit2(&z.stream, 16 + MAX_WBITS) != Z_OK) {  // 16: gzip wrapper only
    return Status::Internal("zlib: inflateInit2 failed");
  }
  z.ready = true;
  CompressedInput in(std::move(in_fd), input_path);
  std::string out_buf(kChunkBytes, '\0');
  uint64_t written_total = 0;
  bool in_member = false;  // inside a gzip member (not between or after members)
  for (;;) {
    S3PROC_RETURN_IF_ERROR(in.Refill(z.stream));
    if (z.stream.avail_in == 0 && in.eof()) {
      if (in_member || in.total() == 0) {
        return Status::Rejected(in.total() == 0 ? "corrupt gzip data: empty file"
                                                : "corrupt gzip data: truncated (unexpected "
                                                  "end of file)");
      }
      break;
    }
    // Another member may follow one that ended (concatenated gzip files, as `cat a.gz b.gz`
    // makes).
    bool member_ended = false;
    const uint64_t written_before = written_total;
    S3PROC_RETURN_IF_ERROR(
        InflateChunk(z, out_buf, out, max_decompressed_bytes, &written_total, &member_ended));
    in_member = !member_ended;
    if (written_total / kFreeSpaceCheckBytes != written_before / kFreeSpaceCheckBytes) {
      S3PROC_RETURN_IF_ERROR(CheckRoomLeft(free_space, output_path, written_total));
    }
  }
  S3PROC_RETURN_IF_ERROR(out.Close());
  *compressed_size = in.total();
  *compressed_sha256 = in.HexDigest();
  return Status::Ok();
}

Status GzipFile(const std::string& input_path, const std::string& output_path) {
  S3PROC_ASSIGN_OR_RETURN(ScopedFd in, OpenForRead(input_path));
  S3PROC_ASSIGN_OR_RETURN(OutputFile out, OutputFile::Create(output_path));
  Deflater z;
  if (deflateInit2(&z.stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS,  // 16: gzip
                   8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status::Internal("zlib: deflateInit2 failed");
  }
  z.ready = true;
  std::string in_buf(kChunkBytes, '\0');
  std::string out_buf(kChunkBytes, '\0');
  int flush = Z_NO_FLUSH;
  while (flush != Z_FINISH) {
    S3PROC_ASSIGN_OR_RETURN(size_t n, ReadSome(in.get(), in_buf.data(), in_buf.size(), input_path));
    flush = n == 0 ? Z_FINISH : Z_NO_FLUSH;
    z.stream.next_in = reinterpret_cast<Bytef*>(in_buf.data());
    z.stream.avail_in = static_cast<uInt>(n);
    // Until zlib has taken the whole chunk (and, at the end, written the trailer).
    do {
      z.stream.next_out = reinterpret_cast<Bytef*>(out_buf.data());
      z.stream.avail_out = static_cast<uInt>(out_buf.size());
      if (deflate(&z.stream, flush) == Z_STREAM_ERROR) {
        return Status::Internal("zlib: deflate failed");
      }
      S3PROC_RETURN_IF_ERROR(
          out.Append(std::string_view(out_buf.data(), out_buf.size() - z.stream.avail_out)));
    } while (z.stream.avail_out == 0);
  }
  return out.Close();
}

std::string GzipInputProcessor::content_type(std::string_view source_key) const {
  return IsGzipKey(source_key) ? std::string(kGzipContentType) : inner_->content_type(source_key);
}

uint64_t GzipInputProcessor::WorkingMemory(const ProcessContext& context) const {
  if (!IsGzipKey(context.source_key)) return inner_->WorkingMemory(context);
  ProcessContext decompressed = context;
  decompressed.source_size = max_decompressed_bytes_;
  // Gunzip, the inner processor and gzip run one after the other, each with its own buffers.
  return std::max(kBufferedWorkingMemory, inner_->WorkingMemory(decompressed));
}

Status GzipInputProcessor::Process(const std::string& input_path, const std::string& output_path,
                                   const ProcessContext& context) {
  if (!IsGzipKey(context.source_key)) return inner_->Process(input_path, output_path, context);
  TempFile plain_input;
  S3PROC_RETURN_IF_ERROR(plain_input.Create(output_path, "gunzip"));
  ProcessContext inner_context = context;
  S3PROC_RETURN_IF_ERROR(GunzipFile(input_path, plain_input.path, max_decompressed_bytes_,
                                    &inner_context.source_size, &inner_context.source_sha256));
  TempFile plain_output;
  S3PROC_RETURN_IF_ERROR(plain_output.Create(output_path, "plain"));
  S3PROC_RETURN_IF_ERROR(inner_->Process(plain_input.path, plain_output.path, inner_context));
  return GzipFile(plain_output.path, output_path);
}

}  // namespace s3proc
