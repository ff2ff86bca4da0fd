#include "processors/gzip_input_processor.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>

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

// Removes a temporary file on every exit path.
struct TempFile {
  std::string path;
  ~TempFile() {
    if (!path.empty()) ::unlink(path.c_str());
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

}  // namespace

bool IsGzipKey(std::string_view key) {
  if (key.size() < 3) return false;
  std::string_view suffix = key.substr(key.size() - 3);
  return suffix[0] == '.' && (suffix[1] == 'g' || suffix[1] == 'G') &&
         (suffix[2] == 'z' || suffix[2] == 'Z');
}

Status GunzipFile(const std::string& input_path, const std::string& output_path,
                  uint64_t max_decompressed_bytes, uint64_t* compressed_size,
                  std::string* compressed_sha256) {
  S3PROC_ASSIGN_OR_RETURN(ScopedFd in, OpenForRead(input_path));
  S3PROC_ASSIGN_OR_RETURN(OutputFile out, OutputFile::Create(output_path));
  Inflater z;
  if (inflateInit2(&z.stream, 16 + MAX_WBITS) != Z_OK) {  // 16: gzip wrapper only
    return Status::Internal("zlib: inflateInit2 failed");
  }
  z.ready = true;
  Sha256Hasher hash;
  std::string in_buf(kChunkBytes, '\0');
  std::string out_buf(kChunkBytes, '\0');
  uint64_t read_total = 0;
  uint64_t written_total = 0;
  bool in_member = false;  // inside a gzip member (not between or after members)
  bool eof = false;
  for (;;) {
    if (z.stream.avail_in == 0 && !eof) {
      S3PROC_ASSIGN_OR_RETURN(size_t n,
                              ReadSome(in.get(), in_buf.data(), in_buf.size(), input_path));
      eof = n == 0;
      read_total += n;
      hash.Update(std::string_view(in_buf.data(), n));
      z.stream.next_in = reinterpret_cast<Bytef*>(in_buf.data());
      z.stream.avail_in = static_cast<uInt>(n);
    }
    if (z.stream.avail_in == 0 && eof) {
      if (in_member || read_total == 0) {
        return Status::Rejected(read_total == 0 ? "corrupt gzip data: empty file"
                                                : "corrupt gzip data: truncated (unexpected "
                                                  "end of file)");
      }
      break;
    }
    in_member = true;
    z.stream.next_out = reinterpret_cast<Bytef*>(out_buf.data());
    z.stream.avail_out = static_cast<uInt>(out_buf.size());
    int rc = inflate(&z.stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      return Status::Rejected(ZlibReason(z, rc));
    }
    size_t produced = out_buf.size() - z.stream.avail_out;
    written_total += produced;
    if (written_total > max_decompressed_bytes) {
      return Status::Rejected("gzip data decompresses to more than the limit of " +
                              std::to_string(max_decompressed_bytes) +
                              " bytes (a zip bomb?); raise the gzip size limit if the file is "
                              "genuine");
    }
    S3PROC_RETURN_IF_ERROR(out.Append(std::string_view(out_buf.data(), produced)));
    if (rc == Z_STREAM_END) {
      // Another member may follow (concatenated gzip files, as `cat a.gz b.gz` makes).
      in_member = false;
      if (inflateReset(&z.stream) != Z_OK) return Status::Internal("zlib: inflateReset failed");
    }
  }
  S3PROC_RETURN_IF_ERROR(out.Close());
  *compressed_size = read_total;
  *compressed_sha256 = hash.HexDigest();
  return Status::Ok();
}

Status GzipInputProcessor::Process(const std::string& input_path, const std::string& output_path,
                                   const ProcessContext& context) {
  if (!IsGzipKey(context.source_key)) return inner_->Process(input_path, output_path, context);
  TempFile temp;
  std::string pattern = output_path + ".gunzip.XXXXXX";
  int fd = ::mkostemp(pattern.data(), O_CLOEXEC);
  if (fd < 0) return Status::IoError("create " + pattern + ": " + std::strerror(errno));
  temp.path = pattern;
  S3PROC_RETURN_IF_ERROR(ScopedFd(fd).Close(temp.path));

  ProcessContext inner_context = context;
  S3PROC_RETURN_IF_ERROR(GunzipFile(input_path, temp.path, max_decompressed_bytes_,
                                    &inner_context.source_size, &inner_context.source_sha256));
  return inner_->Process(temp.path, output_path, inner_context);
}

}  // namespace s3proc
