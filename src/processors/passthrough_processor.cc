#include "processors/passthrough_processor.h"

#include "common/file_io.h"
#include "processors/gzip_input_processor.h"

namespace s3proc {

Status PassthroughProcessor::Process(const std::string& input_path, const std::string& output_path,
                                     const ProcessContext& /*context*/) {
  S3PROC_ASSIGN_OR_RETURN(ScopedFd in, OpenForRead(input_path));
  S3PROC_ASSIGN_OR_RETURN(OutputFile out, OutputFile::Create(output_path));
  S3PROC_RETURN_IF_ERROR(CopyFdToOutput(in.get(), input_path, out));
  return out.Close();
}

std::string PassthroughProcessor::content_type(std::string_view source_key) const {
  return IsGzipKey(source_key) ? std::string(kGzipContentType)
                               : Processor::content_type(source_key);
}

}  // namespace s3proc
