#include "http/ca_bundle.h"

#include <sys/stat.h>
#include <unistd.h>

#include <array>

namespace s3proc {

namespace {

constexpr std::array<std::string_view, 5> kWellKnownCaBundles = {
    "/etc/ssl/certs/ca-certificates.crt",                 // Debian, Ubuntu, Alpine, Arch
    "/etc/pki/tls/certs/ca-bundle.crt",                   // Fedora, RHEL, Amazon Linux 2 / 2023
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  // the file ca-bundle.crt links to
    "/etc/ssl/ca-bundle.pem",                             // openSUSE, SLES
    "/etc/ssl/cert.pem",                                  // Alpine's LibreSSL path, macOS, BSDs
};

}  // namespace

std::span<const std::string_view> WellKnownCaBundles() { return kWellKnownCaBundles; }

bool IsReadableFile(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), R_OK) == 0;
}

Result<std::string> FindCaBundle(const std::string* aws_ca_bundle,
                                 const std::function<bool(const std::string&)>& is_file) {
  if (aws_ca_bundle != nullptr) {
    if (is_file(*aws_ca_bundle)) return *aws_ca_bundle;
    return Status::InvalidArgument("AWS_CA_BUNDLE=" + *aws_ca_bundle +
                                   ": no readable file there; point it at a PEM file of CA "
                                   "certificates, or unset it to use the system's bundle");
  }
  std::string tried;
  for (std::string_view candidate : kWellKnownCaBundles) {
    std::string path(candidate);
    if (is_file(path)) return path;
    if (!tried.empty()) tried += ", ";
    tried += path;
  }
  return Status::InvalidArgument(
      "no CA certificates found to verify TLS (tried " + tried +
      "): install the distribution's ca-certificates package, or set AWS_CA_BUNDLE to a PEM file");
}

}  // namespace s3proc
