#include "aws/credentials_imds.h"

#include <ctime>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace s3proc {
namespace {

constexpr std::string_view kCredentialsPath = "/latest/meta-data/iam/security-credentials/";

std::string_view FirstLine(std::string_view text) {
  size_t nl = text.find_first_of("\r\n");
  std::string_view line = text.substr(0, nl);
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  return line;
}

// Role names are [\w+=,.@-]{1,64}; anything else is refused rather than pasted into a URL.
bool IsValidRoleName(std::string_view role) {
  if (role.empty() || role.size() > 128) return false;
  for (char c : role) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '+' || c == '=' || c == ',' || c == '.' || c == '@' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string StringField(const nlohmann::json& doc, const char* name) {
  auto it = doc.find(name);
  if (it == doc.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

class ImdsCredentialsProvider final : public CredentialsProvider {
 public:
  explicit ImdsCredentialsProvider(std::shared_ptr<ImdsClient> client)
      : client_(std::move(client)) {}

  Result<Credentials> GetCredentials() override {
    std::string list_url = client_->endpoint() + std::string(kCredentialsPath);
    S3PROC_ASSIGN_OR_RETURN(HttpResponse list, client_->Get(kCredentialsPath));
    if (list.status == 404) {
      return Status::NotFound("IMDSv2: no IAM role attached to this instance (GET " + list_url +
                              " returned 404): attach an instance profile");
    }
    if (list.status != 200) return Unexpected("GET " + list_url, list.status);
    std::string role(FirstLine(list.body));
    if (role.empty()) {
      return Status::NotFound("IMDSv2: no IAM role attached to this instance (GET " + list_url +
                              " returned no role name): attach an instance profile");
    }
    if (!IsValidRoleName(role)) {
      return Status::Internal("IMDSv2: GET " + list_url + " returned an invalid role name");
    }

    std::string path = std::string(kCredentialsPath) + role;
    std::string request = "GET " + client_->endpoint() + path;
    std::string what = "IMDSv2: " + request;
    S3PROC_ASSIGN_OR_RETURN(HttpResponse document, client_->Get(path));
    if (document.status == 404) {
      return Status::NotFound(what + " returned 404: the role " + role +
                              " was detached from this instance");
    }
    if (document.status != 200) return Unexpected(request, document.status);
    return ParseDocument(document.body, role, what);
  }

 private:
  static Status Unexpected(const std::string& request, long status) {
    if (status == 401) {
      return Status::Internal("IMDSv2: " + request + " returned 401 even with a fresh token");
    }
    return Status::Internal("IMDSv2: " + request + " returned unexpected HTTP " +
                            std::to_string(status));
  }

  static Result<Credentials> ParseDocument(const std::string& body, const std::string& role,
                                           const std::string& what) {
    nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object()) {
      return Status::Internal(what + " returned a document that is not a JSON object");
    }
    std::string code = StringField(doc, "Code");
    if (!code.empty() && code != "Success") {
      std::string message = StringField(doc, "Message");
      return Status::AccessDenied(what + ": IMDS reports Code " + code +
                                  (message.empty() ? "" : " (" + message + ")") +
                                  ": check the role's trust policy and the instance profile");
    }
    Credentials credentials;
    credentials.access_key_id = StringField(doc, "AccessKeyId");
    credentials.secret_access_key = StringField(doc, "SecretAccessKey");
    credentials.session_token = StringField(doc, "Token");
    std::string expiration = StringField(doc, "Expiration");
    std::string missing;
    if (credentials.access_key_id.empty()) missing += " AccessKeyId";
    if (credentials.secret_access_key.empty()) missing += " SecretAccessKey";
    if (credentials.session_token.empty()) missing += " Token";
    if (expiration.empty()) missing += " Expiration";
    if (!missing.empty()) {
      return Status::Internal(what + " returned a document without" + missing);
    }
    credentials.expiration = ParseIso8601Utc(expiration);
    if (!credentials.expiration) {
      return Status::Internal(what + " returned an unreadable Expiration '" + expiration + "'");
    }
    credentials.source = "imds role " + role;
    return credentials;
  }

  std::shared_ptr<ImdsClient> client_;
};

bool ReadDigits(std::string_view text, size_t pos, size_t count, int* out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  *out = value;
  return true;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> ParseIso8601Utc(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS
  int year, month, day, hour, minute, second;
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':' ||
      !ReadDigits(text, 0, 4, &year) || !ReadDigits(text, 5, 2, &month) ||
      !ReadDigits(text, 8, 2, &day) || !ReadDigits(text, 11, 2, &hour) ||
      !ReadDigits(text, 14, 2, &minute) || !ReadDigits(text, 17, 2, &second)) {
    return std::nullopt;
  }
  std::string_view rest = text.substr(19);
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    size_t digits = 0;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
    if (digits == 0) return std::nullopt;
    rest.remove_prefix(digits);  // sub-second precision does not matter for expiry
  }
  if (rest != "Z" && rest != "z" && rest != "+00:00") return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  time_t seconds = timegm(&tm);
  if (seconds == static_cast<time_t>(-1)) return std::nullopt;
  return std::chrono::system_clock::from_time_t(seconds);
}

std::unique_ptr<CredentialsProvider> NewImdsCredentialsProvider(ImdsOptions options) {
  return NewImdsCredentialsProvider(std::make_shared<ImdsClient>(std::move(options)));
}

std::unique_ptr<CredentialsProvider> NewImdsCredentialsProvider(
    std::shared_ptr<ImdsClient> client) {
  return std::make_unique<ImdsCredentialsProvider>(std::move(client));
}

}  // namespace s3proc
