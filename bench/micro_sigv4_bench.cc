// SigV4: every request s3proc sends is signed once (and re-signed on a retry).
#include <benchmark/benchmark.h>

#include "aws/sigv4.h"

namespace s3proc {
namespace {

Credentials TestCredentials() {
  Credentials c;
  c.access_key_id = "AKIDEXAMPLE";
  c.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  return c;
}

SigV4Request GetRequest() {
  SigV4Request r;
  r.method = "GET";
  r.encoded_path = "/bench-bucket/input/2026/11/28/device-000123/reading-000456.json";
  r.headers = {{"host", "127.0.0.1:7485"}};
  r.payload_sha256 = "UNSIGNED-PAYLOAD";
  return r;
}

void BM_SignV4_Get(benchmark::State& state) {
  const Credentials creds = TestCredentials();
  const SigV4Scope scope{"us-east-1", "s3", "20261128T160406Z"};
  for (auto _ : state) {
    SigV4Request r = GetRequest();
    AddSigV4Headers(r, creds, scope);
    SigV4Signature sig = SignV4(r, creds, scope);
    benchmark::DoNotOptimize(sig.authorization);
  }
}
BENCHMARK(BM_SignV4_Get);

void BM_SignV4_ListWithQuery(benchmark::State& state) {
  const Credentials creds = TestCredentials();
  const SigV4Scope scope{"us-east-1", "s3", "20261128T160406Z"};
  for (auto _ : state) {
    SigV4Request r;
    r.method = "GET";
    r.encoded_path = "/bench-bucket";
    r.query = {{"list-type", "2"},
               {"prefix", "input/"},
               {"encoding-type", "url"},
               {"max-keys", "1000"},
               {"continuation-token", "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM="}};
    r.headers = {{"host", "127.0.0.1:7485"}};
    r.payload_sha256 = "UNSIGNED-PAYLOAD";
    AddSigV4Headers(r, creds, scope);
    SigV4Signature sig = SignV4(r, creds, scope);
    benchmark::DoNotOptimize(sig.authorization);
  }
}
BENCHMARK(BM_SignV4_ListWithQuery);

void BM_SignV4_PutSessionToken(benchmark::State& state) {
  Credentials creds = TestCredentials();
  creds.session_token = std::string(600, 'T');  // IMDS tokens are long
  const SigV4Scope scope{"us-east-1", "s3", "20261128T160406Z"};
  for (auto _ : state) {
    SigV4Request r = GetRequest();
    r.method = "PUT";
    r.headers.push_back({"content-type", "application/json"});
    r.headers.push_back({"content-length", "1024"});
    r.payload_sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    AddSigV4Headers(r, creds, scope);
    SigV4Signature sig = SignV4(r, creds, scope);
    benchmark::DoNotOptimize(sig.authorization);
  }
}
BENCHMARK(BM_SignV4_PutSessionToken);

}  // namespace
}  // namespace s3proc
