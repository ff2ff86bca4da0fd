#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"

namespace s3proc {

// The CA bundle files that Linux distributions install, in the order Go's crypto/x509 and the
// AWS CLI try them: Debian/Ubuntu/Alpine, then Fedora/RHEL/Amazon Linux, then their extracted
// p11-kit bundle, then openSUSE, then the BSD-style path. A static s3proc carries no CA path of
// its own, so it finds the host's bundle this way.
std::span<const std::string_view> WellKnownCaBundles();

// Chooses the file of CA certificates TLS is verified against.
//  - `aws_ca_bundle` set (AWS_CA_BUNDLE): that file, which must exist (`is_file`), else
//    InvalidArgument naming it.
//  - unset: the first of WellKnownCaBundles() for which `is_file` is true; none is
//    InvalidArgument listing every path tried and saying to set AWS_CA_BUNDLE.
// `is_file` is a seam for tests; pass IsReadableFile in production.
Result<std::string> FindCaBundle(const std::string* aws_ca_bundle,
                                 const std::function<bool(const std::string&)>& is_file);

// True when `path` names a regular file (after symlinks) that this process can read.
bool IsReadableFile(const std::string& path);

}  // namespace s3proc
