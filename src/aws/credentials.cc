#include "aws/credentials.h"

namespace s3proc {

std::string Credentials::Redacted() const {
  std::string id = access_key_id.size() > 7 ? access_key_id.substr(0, 4) + "…" +
                                                  access_key_id.substr(access_key_id.size() - 3)
                                            : std::string("…");
  return id + " from " + source;
}

}  // namespace s3proc
