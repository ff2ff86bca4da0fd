#include "sqs/sqs_queue_url.h"

#include <algorithm>
#include <vector>

namespace s3proc {
namespace {

constexpr std::string_view kShape = "--queue-url must look like https://sqs.REGION.amazonaws.com/ACCOUNT/NAME";

Status Malformed(std::string_view url, std::string_view why) {
  return Status::InvalidArgument(std::string(kShape) + " (got \"" + std::string(url) + "\": " +
                                 std::string(why) + ")");
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// SQS queue names: 1..80 of [A-Za-z0-9_-], FIFO queues end in ".fifo".
bool ValidQueueName(std::string_view name) {
  std::string_view base = name;
  if (base.ends_with(".fifo")) base.remove_suffix(5);
  if (base.empty() || name.size() > 80) return false;
  return std::all_of(base.begin(), base.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_';
  });
}

std::string RegionOfHost(std::string_view authority) {
  std::string_view host = authority.substr(0, authority.find(':'));
  for (std::string_view suffix : {".amazonaws.com", ".amazonaws.com.cn"}) {
    if (!host.ends_with(suffix)) continue;
    std::string_view head = host.substr(0, host.size() - suffix.size());
    if (head == "queue") return "us-east-1";
    if (head.starts_with("sqs.")) return std::string(head.substr(4));
    if (head.ends_with(".queue")) return std::string(head.substr(0, head.size() - 6));
  }
  return "";
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

std::string_view Partition(std::string_view region) {
  if (region.starts_with("cn-")) return "aws-cn";
  if (region.starts_with("us-gov-")) return "aws-us-gov";
  return "aws";
}

}  // namespace

Result<SqsQueueUrl> ParseSqsQueueUrl(std::string_view url) {
  SqsQueueUrl out;
  out.url = std::string(url);
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) return Malformed(url, "no scheme");
  out.scheme = std::string(url.substr(0, sep));
  if (out.scheme != "https" && out.scheme != "http") {
    return Malformed(url, "the scheme must be https or http");
  }
  if (url.find_first_of("?#") != std::string_view::npos) {
    return Malformed(url, "a queue URL has no query or fragment");
  }
  std::string_view rest = url.substr(sep + 3);
  size_t slash = rest.find('/');
  out.authority = std::string(rest.substr(0, slash));
  if (out.authority.empty() || out.authority.front() == ':') return Malformed(url, "no host");
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  if (path.ends_with('/')) path.remove_suffix(1);
  std::vector<std::string_view> parts = Split(path, '/');
  if (parts.size() != 2) return Malformed(url, "the path must be /ACCOUNT/NAME");
  if (!AllDigits(parts[0]) || parts[0].size() != 12) {
    return Malformed(url, "the account must be 12 digits");
  }
  if (!ValidQueueName(parts[1])) {
    return Malformed(url, "a queue name is 1 to 80 letters, digits, '-' or '_' (and .fifo)");
  }
  out.account = std::string(parts[0]);
  out.name = std::string(parts[1]);
  out.host_region = RegionOfHost(out.authority);
  return out;
}

std::string SqsQueueArn(const SqsQueueUrl& queue, std::string_view region) {
  return "arn:" + std::string(Partition(region)) + ":sqs:" + std::string(region) + ":" +
         queue.account + ":" + queue.name;
}

Result<SqsArnParts> ParseSqsQueueArn(std::string_view arn) {
  std::vector<std::string_view> parts = Split(arn, ':');
  if (parts.size() != 6 || parts[0] != "arn" || parts[2] != "sqs" || parts[4].empty() ||
      parts[5].empty()) {
    return Status::InvalidArgument("not an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME): \"" +
                                   std::string(arn) + "\"");
  }
  return SqsArnParts{std::string(parts[3]), std::string(parts[4]), std::string(parts[5])};
}

}  // namespace s3proc
