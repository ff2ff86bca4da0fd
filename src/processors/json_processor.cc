#include "processors/json_processor.h"

#include <simdjson.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "common/file_io.h"
#include "processors/json_metadata.h"
#include "processors/json_text.h"

namespace s3proc {
namespace {

// Like simdjson::padded_string::load, but with O_CLOEXEC and errno in the message.
Status LoadPadded(const std::string& path, simdjson::padded_string* text, size_t* length) {
  S3PROC_ASSIGN_OR_RETURN(ScopedFd fd, OpenForRead(path));
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) {
    return Status::IoError("stat " + path + ": " + std::strerror(errno));
  }
  size_t size = static_cast<size_t>(st.st_size);
  simdjson::padded_string buffer(size);
  if (size != 0 && buffer.data() == nullptr) {
    return Status::Internal("out of memory loading " + path + " (" + std::to_string(size) +
                            " bytes)");
  }
  size_t done = 0;
  while (done < size) {
    S3PROC_ASSIGN_OR_RETURN(size_t n, ReadSome(fd.get(), buffer.data() + done, size - done, path));
    if (n == 0) break;  // the file shrank under us: use what is there
    done += n;
  }
  *text = std::move(buffer);
  *length = done;
  return Status::Ok();
}

}  // namespace

Status JsonProcessor::Process(const std::string& input_path, const std::string& output_path,
                              const ProcessContext& context) {
  simdjson::padded_string buffer;
  size_t length = 0;
  S3PROC_RETURN_IF_ERROR(LoadPadded(input_path, &buffer, &length));
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
  S3PROC_RETURN_IF_ERROR(WriteWithMember(text, info, MetadataMember(context, facts), out));
  return out.Close();
}

}  // namespace s3proc
