#include "common/processor_names.h"

#include <algorithm>

namespace s3proc {

bool IsProcessorName(std::string_view name) {
  return std::find(kProcessorNames.begin(), kProcessorNames.end(), name) != kProcessorNames.end();
}

std::string UnknownProcessorMessage(std::string_view name) {
  std::string message = "unknown processor '" + std::string(name) + "': expected one of ";
  for (size_t i = 0; i < kProcessorNames.size(); ++i) {
    if (i > 0) message += ", ";
    message += kProcessorNames[i];
  }
  return message;
}

}  // namespace s3proc
