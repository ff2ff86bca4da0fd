#include "s3/s3_client.h"
#include "s3/s3_request.h"
#include "s3/s3_xml.h"

namespace s3proc {

Result<ListPage> S3Client::ListObjectsV2(const std::string& bucket, const std::string& prefix,
                                         const std::string& continuation_token, int max_keys) {
  Request r;
  r.op = {"ListObjectsV2", "s3:ListBucket", bucket, ""};
  r.method = "GET";
  r.bucket = bucket;
  // encoding-type=url: keys may hold bytes XML 1.0 cannot carry.
  r.query = {{"list-type", "2"}, {"encoding-type", "url"}, {"max-keys", std::to_string(max_keys)}};
  if (!prefix.empty()) r.query.emplace_back("prefix", prefix);
  if (!continuation_token.empty()) r.query.emplace_back("continuation-token", continuation_token);
  S3PROC_ASSIGN_OR_RETURN(HttpResponse response, Execute(r));
  auto page = ParseListObjectsV2(response.body, /*url_encoded=*/true);
  if (!page.ok()) return page.status().WithContext(S3Uri(bucket, prefix));
  return page;
}

}  // namespace s3proc
