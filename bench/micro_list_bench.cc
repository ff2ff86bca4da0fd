// ListObjectsV2 parsing: one 1,000-key page per 1,000 inputs.
#include <benchmark/benchmark.h>

#include <string>

#include "s3/s3_xml.h"

namespace s3proc {
namespace {

std::string ListPageXml(int keys, bool url_encoded) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Name>bench-bucket</Name><Prefix>input/</Prefix><MaxKeys>1000</MaxKeys>"
      "<IsTruncated>true</IsTruncated>"
      "<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</"
      "NextContinuationToken>";
  if (url_encoded) xml += "<EncodingType>url</EncodingType>";
  xml += "<KeyCount>" + std::to_string(keys) + "</KeyCount>";
  for (int i = 0; i < keys; ++i) {
    std::string key = url_encoded ? "input%2Fdevice+" : "input/device ";
    key += std::to_string(100000 + i) + ".json";
    xml += "<Contents><Key>" + key +
           "</Key><LastModified>2026-11-28T16:04:06.000Z</LastModified>"
           "<ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>1024</Size>"
           "<StorageClass>STANDARD</StorageClass></Contents>";
  }
  xml += "</ListBucketResult>";
  return xml;
}

void BM_ParseListObjectsV2(benchmark::State& state) {
  const bool url_encoded = state.range(1) != 0;
  const std::string xml = ListPageXml(static_cast<int>(state.range(0)), url_encoded);
  for (auto _ : state) {
    Result<ListPage> page = ParseListObjectsV2(xml, url_encoded);
    if (!page.ok()) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(page);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(xml.size()));
}
BENCHMARK(BM_ParseListObjectsV2)->Args({0, 1})->Args({1000, 0})->Args({1000, 1});

}  // namespace
}  // namespace s3proc
