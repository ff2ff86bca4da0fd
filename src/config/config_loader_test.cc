#include "config/config_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testutil/temp_dir.h"

namespace s3proc {
namespace {

using ::testing::HasSubstr;

ConfigEnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
}

ConfigSources Sources(std::map<std::string, std::string> env = {}, SettingOverrides flags = {}) {
  ConfigSources s;
  s.env = Env(std::move(env));
  s.flags = std::move(flags);
  s.default_config_file = "/nonexistent/s3proc.toml";
  return s;
}

TEST(ConfigLoaderTest, DefaultsNeedOnlyABucket) {
  auto config = LoadRunConfig(Sources({{"S3PROC_BUCKET", "my-bucket"}}), ConfigPurpose::kS3);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->bucket, "my-bucket");
  EXPECT_EQ(config->input_prefix, "input/");
  EXPECT_EQ(config->concurrency, 16);
  EXPECT_EQ(config->default_processor, "json");
}

TEST(ConfigLoaderTest, BucketRequiredForS3CommandsOnly) {
  auto s3 = LoadRunConfig(Sources(), ConfigPurpose::kS3);
  ASSERT_FALSE(s3.ok());
  EXPECT_EQ(s3.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s3.status().message(), HasSubstr("--bucket"));
  EXPECT_TRUE(LoadRunConfig(Sources(), ConfigPurpose::kLocal).ok());
}

TEST(ConfigLoaderTest, PrecedenceFileThenEnvThenFlags) {
  testing::TempDir dir;
  std::string file = dir.WriteFile("s3proc.toml",
                                   "bucket = \"from-file\"\n"
                                   "concurrency = 3\n"
                                   "max_files = 7\n"
                                   "work_dir = \"/file\"\n");
  auto sources = Sources({{"S3PROC_CONCURRENCY", "5"}, {"S3PROC_WORK_DIR", "/env"}},
                         {{"work_dir", {"/flag"}}});
  sources.config_file = file;
  auto config = LoadRunConfig(sources, ConfigPurpose::kS3);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->bucket, "from-file");  // file only
  EXPECT_EQ(config->max_files, 7);         // file only
  EXPECT_EQ(config->concurrency, 5);       // env beats file
  EXPECT_EQ(config->work_dir, "/flag");    // flag beats env and file
}

TEST(ConfigLoaderTest, ConfigFileFromEnvironmentAndDefaultLocation) {
  testing::TempDir dir;
  std::string file = dir.WriteFile("a.toml", "bucket = \"env-file\"\n");
  auto from_env = Sources({{"S3PROC_CONFIG", file}});
  auto config = LoadRunConfig(from_env, ConfigPurpose::kS3);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->bucket, "env-file");

  std::string default_file = dir.WriteFile("default.toml", "bucket = \"default-file\"\n");
  auto defaults = Sources();
  defaults.default_config_file = default_file;
  config = LoadRunConfig(defaults, ConfigPurpose::kS3);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->bucket, "default-file");

  // --config beats S3PROC_CONFIG.
  std::string flag_file = dir.WriteFile("b.toml", "bucket = \"flag-file\"\n");
  from_env.config_file = flag_file;
  config = LoadRunConfig(from_env, ConfigPurpose::kS3);
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->bucket, "flag-file");
}

TEST(ConfigLoaderTest, MissingNamedFileIsAnErrorMissingDefaultIsNot) {
  auto sources = Sources({{"S3PROC_BUCKET", "b-1"}});
  EXPECT_TRUE(LoadRunConfig(sources, ConfigPurpose::kS3).ok());
  sources.config_file = "/nonexistent/x.toml";
  auto config = LoadRunConfig(sources, ConfigPurpose::kS3);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("/nonexistent/x.toml does not exist"));
  EXPECT_THAT(config.status().message(), HasSubstr("--config"));

  auto via_env = Sources({{"S3PROC_BUCKET", "b-1"}, {"S3PROC_CONFIG", "/nonexistent/y.toml"}});
  config = LoadRunConfig(via_env, ConfigPurpose::kS3);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("S3PROC_CONFIG"));
}

TEST(ConfigLoaderTest, UnknownKeyNamesFileLineAndSuggestion) {
  RunConfig config;
  Status s =
      MergeTomlText("region = \"eu-west-1\"\n\n# comment\nbukcet = \"x\"\n", "s3proc.toml", config);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "s3proc.toml:4: unknown setting 'bukcet' (did you mean 'bucket'?)");

  s = MergeTomlText("zzzzzzzz = 1\n", "s3proc.toml", config);
  EXPECT_EQ(s.message(), "s3proc.toml:1: unknown setting 'zzzzzzzz'");
}

TEST(ConfigLoaderTest, TomlTypeAndSyntaxErrors) {
  RunConfig config;
  Status s = MergeTomlText("concurrency = \"8\"\n", "f.toml", config);
  EXPECT_THAT(s.message(), HasSubstr("f.toml:1: 'concurrency' must be an integer, not a string"));
  s = MergeTomlText("bucket = \n", "f.toml", config);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("f.toml:1: "));
  s = MergeTomlText("exec_command = [\"a\", 1]\n", "f.toml", config);
  EXPECT_THAT(s.message(), HasSubstr("must hold strings only"));
  s = MergeTomlText("dry_run = true\n", "f.toml", config);
  EXPECT_THAT(s.message(), HasSubstr("cannot be set in a config file: use --dry-run"));
  s = MergeTomlText("keep_local_files = \"yes\"\n", "f.toml", config);
  EXPECT_THAT(s.message(), HasSubstr("must be a boolean"));
  s = MergeTomlText("max_decompressed_bytes = -1\n", "f.toml", config);
  EXPECT_THAT(s.message(), HasSubstr("must not be negative"));
  s = MergeTomlText("max_files = 99999999999\n", "f.toml", config);
  EXPECT_THAT(s.message(), HasSubstr("out of range"));
}

TEST(ConfigLoaderTest, TomlAllSettings) {
  RunConfig config;
  Status s = MergeTomlText(R"(
bucket = "b-1"
region = "eu-west-1"
endpoint_url = "http://127.0.0.1:7480"
force_path_style = true
input_prefix = "in/"
output_prefix = "out/"
error_prefix = "err/"
lease_prefix = "lease/"
work_dir = "/var/lib/s3proc"
concurrency = 4
max_memory = 512
max_files = 10
max_seconds = 50
max_attempts = 3
lease_seconds = 120
lease_shards = 8
default_processor = "passthrough"
exec_command = ["jq", "-c", "."]
exec_timeout_seconds = 30
max_decompressed_bytes = 1024
keep_local_files = true
log_format = "json"
metrics_file = "/tmp/m.prom"
progress = false

[[route]]
glob = "*.csv"
processor = "csv"

[[route]]
glob = "logs/**"
processor = "exec"
)",
                           "all.toml", config);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(config.bucket, "b-1");
  EXPECT_EQ(config.region, "eu-west-1");
  EXPECT_EQ(config.endpoint_url, "http://127.0.0.1:7480");
  EXPECT_TRUE(config.force_path_style);
  EXPECT_EQ(config.input_prefix, "in/");
  EXPECT_EQ(config.output_prefix, "out/");
  EXPECT_EQ(config.error_prefix, "err/");
  EXPECT_EQ(config.lease_prefix, "lease/");
  EXPECT_EQ(config.work_dir, "/var/lib/s3proc");
  EXPECT_EQ(config.concurrency, 4);
  EXPECT_EQ(config.max_memory, 512);
  EXPECT_EQ(config.max_files, 10);
  EXPECT_EQ(config.max_seconds, 50);
  EXPECT_EQ(config.max_attempts, 3);
  EXPECT_EQ(config.lease_seconds, 120);
  EXPECT_EQ(config.lease_shards, 8);
  EXPECT_EQ(config.default_processor, "passthrough");
  EXPECT_EQ(config.exec_command, (std::vector<std::string>{"jq", "-c", "."}));
  EXPECT_EQ(config.exec_timeout_seconds, 30);
  EXPECT_EQ(config.max_decompressed_bytes, 1024u);
  EXPECT_TRUE(config.keep_local_files);
  EXPECT_EQ(config.log_format, "json");
  EXPECT_EQ(config.metrics_file, "/tmp/m.prom");
  EXPECT_FALSE(config.progress);
  ASSERT_EQ(config.routes.size(), 2u);
  EXPECT_EQ(config.routes[1].glob, "logs/**");
  EXPECT_EQ(config.routes[1].processor, "exec");
  EXPECT_TRUE(NormalizeAndValidate(config, ConfigPurpose::kS3).ok());
}

TEST(ConfigLoaderTest, TomlRouteErrors) {
  RunConfig config;
  Status s = MergeTomlText("[[route]]\nglob = \"*.csv\"\nprocesor = \"csv\"\n", "f.toml", config);
  EXPECT_EQ(s.message(), "f.toml:3: unknown route setting 'procesor' (did you mean 'processor'?)");
  s = MergeTomlText("[[route]]\nglob = \"*.csv\"\n", "f.toml", config);
  EXPECT_THAT(s.message(), HasSubstr("route is missing its processor"));
  s = MergeTomlText("route = \"*.csv=csv\"\n", "f.toml", config);
  EXPECT_THAT(s.message(), HasSubstr("must be an array of tables"));
  s = MergeTomlText("[[routes]]\nglob = \"a\"\n", "f.toml", config);
  EXPECT_THAT(s.message(), HasSubstr("did you mean 'route'?"));
}

TEST(ConfigLoaderTest, EnvironmentVariables) {
  RunConfig config;
  Status s = MergeEnvironment(Env({{"S3PROC_BUCKET", "b-2"},
                                   {"S3PROC_ENDPOINT_URL", "http://h:1"},
                                   {"S3PROC_FORCE_PATH_STYLE", "true"},
                                   {"S3PROC_KEEP_LOCAL_FILES", "1"},
                                   {"S3PROC_LOG_FORMAT", "json"},
                                   {"S3PROC_MAX_DECOMPRESSED_BYTES", "77"},
                                   {"S3PROC_ROUTES", "*.csv=csv, a=b=passthrough"},
                                   {"S3PROC_EXEC_COMMAND", "[\"my tool\", \"{input}\"]"},
                                   {"S3PROC_DRY_RUN", "true"}}),
                              config);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(config.bucket, "b-2");
  EXPECT_EQ(config.endpoint_url, "http://h:1");
  EXPECT_TRUE(config.force_path_style);
  EXPECT_TRUE(config.keep_local_files);
  EXPECT_EQ(config.log_format, "json");
  EXPECT_EQ(config.max_decompressed_bytes, 77u);
  ASSERT_EQ(config.routes.size(), 2u);
  EXPECT_EQ(config.routes[1].glob, "a=b");
  EXPECT_EQ(config.routes[1].processor, "passthrough");
  EXPECT_EQ(config.exec_command, (std::vector<std::string>{"my tool", "{input}"}));
  EXPECT_FALSE(config.dry_run);  // flag only

  s = MergeEnvironment(Env({{"S3PROC_EXEC_COMMAND", "jq  -c ."}}), config);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(config.exec_command, (std::vector<std::string>{"jq", "-c", "."}));
}

TEST(ConfigLoaderTest, ExecEnvFromEachSource) {
  RunConfig config;
  ASSERT_TRUE(MergeTomlText("exec_env = [\"TOOL_A\", \"LC_X\"]\nexec_max_output_bytes = 5\n",
                            "f.toml", config)
                  .ok());
  EXPECT_EQ(config.exec_env, (std::vector<std::string>{"TOOL_A", "LC_X"}));
  EXPECT_EQ(config.exec_max_output_bytes, 5u);
  ASSERT_TRUE(MergeEnvironment(Env({{"S3PROC_EXEC_ENV", "TOOL_B, TOOL_C TOOL_D"},
                                    {"S3PROC_EXEC_MAX_OUTPUT_BYTES", "0"}}),
                               config)
                  .ok());
  EXPECT_EQ(config.exec_env, (std::vector<std::string>{"TOOL_B", "TOOL_C", "TOOL_D"}));
  EXPECT_EQ(config.exec_max_output_bytes, 0u);
  ASSERT_TRUE(MergeEnvironment(Env({{"S3PROC_EXEC_ENV", "[\"TOOL_E\"]"}}), config).ok());
  EXPECT_EQ(config.exec_env, (std::vector<std::string>{"TOOL_E"}));
  ASSERT_TRUE(MergeOverrides({{"exec_env", {"TOOL_F", "TOOL_G"}}}, config).ok());
  EXPECT_EQ(config.exec_env, (std::vector<std::string>{"TOOL_F", "TOOL_G"}));
  EXPECT_EQ(RunConfig{}.exec_max_output_bytes, 1ull << 30);
}

TEST(ConfigLoaderTest, ExecNetworkIsOffUnlessSet) {
  RunConfig config;
  EXPECT_FALSE(config.exec_network);
  ASSERT_TRUE(MergeTomlText("exec_network = true\n", "f.toml", config).ok());
  EXPECT_TRUE(config.exec_network);
  ASSERT_TRUE(MergeEnvironment(Env({{"S3PROC_EXEC_NETWORK", "false"}}), config).ok());
  EXPECT_FALSE(config.exec_network);
  ASSERT_TRUE(MergeOverrides({{"exec_network", {"true"}}}, config).ok());
  EXPECT_TRUE(config.exec_network);
}

TEST(ConfigLoaderTest, EnvironmentParseErrorsNameTheVariable) {
  RunConfig config;
  Status s = MergeEnvironment(Env({{"S3PROC_CONCURRENCY", "many"}}), config);
  EXPECT_EQ(s.message(), "S3PROC_CONCURRENCY: 'many' is not an integer");
  s = MergeEnvironment(Env({{"S3PROC_KEEP_LOCAL_FILES", "perhaps"}}), config);
  EXPECT_THAT(s.message(), HasSubstr("S3PROC_KEEP_LOCAL_FILES: 'perhaps' is not a boolean"));
  s = MergeEnvironment(Env({{"S3PROC_ROUTES", "*.csv"}}), config);
  EXPECT_THAT(s.message(), HasSubstr("must be GLOB=PROCESSOR"));
  s = MergeEnvironment(Env({{"S3PROC_MAX_DECOMPRESSED_BYTES", "-5"}}), config);
  EXPECT_THAT(s.message(), HasSubstr("not a non-negative integer"));
  s = MergeEnvironment(Env({{"S3PROC_EXEC_COMMAND", "[\"a\""}}), config);
  EXPECT_THAT(s.message(), HasSubstr("S3PROC_EXEC_COMMAND: not a TOML array"));
}

TEST(ConfigLoaderTest, FlagListsReplaceLowerSources) {
  auto sources = Sources({{"S3PROC_BUCKET", "b-1"}, {"S3PROC_ROUTES", "*.csv=csv"}},
                         {{"route", {"*.json=json", "*.txt=passthrough"}}, {"dry_run", {"true"}}});
  auto config = LoadRunConfig(sources, ConfigPurpose::kS3);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ASSERT_EQ(config->routes.size(), 2u);
  EXPECT_EQ(config->routes[0].glob, "*.json");
  EXPECT_TRUE(config->dry_run);
}

TEST(ConfigLoaderTest, FlagParseErrorNamesTheFlag) {
  RunConfig config;
  Status s = MergeOverrides({{"max_files", {"x"}}}, config);
  EXPECT_EQ(s.message(), "--max-files: 'x' is not an integer");
}

// Validation: one test per rule.

RunConfig Valid() {
  RunConfig c;
  c.bucket = "my-bucket";
  return c;
}

Status Validate(RunConfig c) { return NormalizeAndValidate(c, ConfigPurpose::kS3); }

TEST(ConfigValidateTest, BucketNames) {
  for (const char* good : {"abc", "my.bucket-1", "a1b"}) {
    RunConfig c = Valid();
    c.bucket = good;
    EXPECT_TRUE(Validate(c).ok()) << good;
  }
  for (const char* bad : {"ab", "My-Bucket", "-abc", "abc-", "a..b", "192.168.1.1", "a_b",
                          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}) {
    RunConfig c = Valid();
    c.bucket = bad;
    Status s = Validate(c);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(s.message(), HasSubstr("not a valid S3 bucket name")) << bad;
  }
}

TEST(ConfigValidateTest, PrefixesGetATrailingSlash) {
  RunConfig c = Valid();
  c.input_prefix = "in";
  c.output_prefix = "a/out";
  ASSERT_TRUE(NormalizeAndValidate(c, ConfigPurpose::kS3).ok());
  EXPECT_EQ(c.input_prefix, "in/");
  EXPECT_EQ(c.output_prefix, "a/out/");
}

TEST(ConfigValidateTest, PrefixesMustBeNonEmptyAndRelative) {
  RunConfig c = Valid();
  c.error_prefix = "";
  EXPECT_THAT(Validate(c).message(), HasSubstr("error_prefix is empty"));
  c = Valid();
  c.lease_prefix = "/leases/";
  EXPECT_THAT(Validate(c).message(), HasSubstr("starts with '/'"));
}

TEST(ConfigValidateTest, PrefixesMustNotOverlap) {
  RunConfig c = Valid();
  c.output_prefix = "input/done/";
  Status s = Validate(c);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(),
              HasSubstr("input_prefix 'input/' and output_prefix 'input/done/' overlap"));
  c = Valid();
  c.error_prefix = "leases";  // normalised to leases/, same as lease_prefix
  EXPECT_THAT(Validate(c).message(), HasSubstr("overlap"));
  c = Valid();
  c.output_prefix = "in";  // "in/" is not a prefix of "input/": fine
  c.input_prefix = "input";
  EXPECT_TRUE(Validate(c).ok());
}

TEST(ConfigValidateTest, NumberRanges) {
  struct Case {
    int RunConfig::*field;
    int bad;
    int good;
    const char* name;
  };
  for (const Case& k : {Case{&RunConfig::concurrency, 0, 512, "concurrency"},
                        Case{&RunConfig::concurrency, 513, 1, "concurrency"},
                        Case{&RunConfig::max_files, -1, 0, "max_files"},
                        Case{&RunConfig::max_seconds, -1, 0, "max_seconds"},
                        Case{&RunConfig::max_attempts, 0, 100, "max_attempts"},
                        Case{&RunConfig::max_memory, 15, 16, "max_memory"},
                        Case{&RunConfig::lease_seconds, 29, 30, "lease_seconds"},
                        Case{&RunConfig::lease_shards, 4097, 4096, "lease_shards"},
                        Case{&RunConfig::exec_timeout_seconds, 0, 1, "exec_timeout_seconds"}}) {
    RunConfig c = Valid();
    c.*k.field = k.good;
    EXPECT_TRUE(Validate(c).ok()) << k.name << "=" << k.good;
    c.*k.field = k.bad;
    Status s = Validate(c);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << k.name;
    EXPECT_THAT(s.message(), HasSubstr(std::string(k.name) + " must be")) << s.message();
  }
}

// 0 means the queue's own visibility timeout; anything else must be one s3proc may ask for.
TEST(ConfigValidateTest, QueueVisibilityIsZeroOrInItsRange) {
  RunConfig c = Valid();
  EXPECT_EQ(c.queue_visibility_seconds, 0) << "unset by default: the queue's own";
  for (int good : {0, 10, 43200}) {
    c.queue_visibility_seconds = good;
    EXPECT_TRUE(Validate(c).ok()) << good;
  }
  for (int bad : {-1, 1, 9, 43201}) {
    c.queue_visibility_seconds = bad;
    EXPECT_EQ(Validate(c).message(),
              "queue_visibility_seconds must be 0 or 10..43200, got " + std::to_string(bad));
  }
}

TEST(ConfigValidateTest, MessageSaysWhereTheValueCameFrom) {
  auto config = LoadRunConfig(Sources({{"S3PROC_BUCKET", "b-1"}}, {{"concurrency", {"0"}}}),
                              ConfigPurpose::kS3);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(),
            "concurrency (from --concurrency) must be between 1 and 512, got 0");
}

TEST(ConfigValidateTest, LogFormatEndpointRegionWorkDir) {
  RunConfig c = Valid();
  c.log_format = "xml";
  EXPECT_THAT(Validate(c).message(), HasSubstr("log_format must be text or json"));
  c = Valid();
  c.endpoint_url = "ftp://x";
  EXPECT_THAT(Validate(c).message(), HasSubstr("http:// or https://"));
  c = Valid();
  c.endpoint_url = "http://";
  EXPECT_FALSE(Validate(c).ok());
  c = Valid();
  c.region = "eu west";
  EXPECT_THAT(Validate(c).message(), HasSubstr("region"));
  c = Valid();
  c.work_dir = "";
  EXPECT_TRUE(Validate(c).ok()) << "empty: the default, or a run says it needs one";
}

// No implicit ".": the user's state folder, or nothing (and a run asks for a work dir).
TEST(ConfigLoaderTest, TheDefaultWorkDirIsTheUsersStateFolder) {
  auto with = [](std::map<std::string, std::string> env) {
    auto config = LoadRunConfig(Sources(std::move(env)), ConfigPurpose::kLocal);
    EXPECT_TRUE(config.ok()) << config.status().ToString();
    return config.ok() ? config->work_dir : "?";
  };
  EXPECT_EQ(with({{"HOME", "/home/u"}}), "/home/u/.local/state/s3proc");
  EXPECT_EQ(with({{"HOME", "/home/u"}, {"XDG_STATE_HOME", "/st"}}), "/st/s3proc");
  EXPECT_EQ(with({{"HOME", "/home/u"}, {"XDG_STATE_HOME", "rel"}}), "/home/u/.local/state/s3proc")
      << "a relative XDG_STATE_HOME is ignored, as the XDG spec says";
  EXPECT_EQ(with({}), "");
  EXPECT_EQ(with({{"HOME", "/home/u"}, {"S3PROC_WORK_DIR", "/w"}}), "/w");
}

TEST(ConfigValidateTest, PlainHttpEndpointsOnlyToLocalHostsUnlessAllowed) {
  RunConfig c = Valid();
  c.endpoint_url = "http://s3.amazonaws.com";
  EXPECT_THAT(Validate(c).message(), HasSubstr("endpoint_url 'http://s3.amazonaws.com' is plain "
                                               "http:// to AWS"));
  c.allow_insecure_endpoint = true;
  EXPECT_FALSE(Validate(c).ok());
  c = Valid();
  c.endpoint_url = "http://example.com";
  EXPECT_THAT(Validate(c).message(), HasSubstr("allow_insecure_endpoint"));
  c.allow_insecure_endpoint = true;
  EXPECT_TRUE(Validate(c).ok());
  for (const char* local : {"http://127.0.0.1:7480", "http://10.0.0.5"}) {
    c = Valid();
    c.endpoint_url = local;
    EXPECT_TRUE(Validate(c).ok()) << local;
  }
  c = Valid();
  c.queue_url = "http://sqs.us-east-1.amazonaws.com/123456789012/q";
  EXPECT_THAT(Validate(c).message(), HasSubstr("queue_url 'http://sqs.us-east-1.amazonaws.com/"));
  c.queue_url = "http://127.0.0.1:5000/123456789012/q";
  EXPECT_TRUE(Validate(c).ok());
}

TEST(ConfigValidateTest, AllowInsecureEndpointIsAFlagAndASetting) {
  auto config = LoadRunConfig(
      Sources({{"S3PROC_BUCKET", "b-1"}},
              {{"endpoint_url", {"http://example.com"}}, {"allow_insecure_endpoint", {"true"}}}),
      ConfigPurpose::kS3);
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_TRUE(config->allow_insecure_endpoint);
  config =
      LoadRunConfig(Sources({{"S3PROC_BUCKET", "b-1"}}, {{"endpoint_url", {"http://example.com"}}}),
                    ConfigPurpose::kS3);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("endpoint_url (from --endpoint-url)"));
}

TEST(ConfigValidateTest, ProcessorsAndExec) {
  RunConfig c = Valid();
  c.default_processor = "jsn";
  EXPECT_THAT(Validate(c).message(),
              HasSubstr("unknown processor 'jsn': expected one of json, ndjson, csv, passthrough, "
                        "exec"));
  c = Valid();
  c.routes = {{"*.csv", "csv"}, {"*.x", "xml"}};
  EXPECT_THAT(Validate(c).message(), HasSubstr("route 2 ('*.x=xml'): unknown processor 'xml'"));
  c = Valid();
  c.routes = {{"", "csv"}};
  EXPECT_THAT(Validate(c).message(), HasSubstr("empty glob"));
  c = Valid();
  c.routes = {{"*.sh", "exec"}};
  EXPECT_THAT(Validate(c).message(), HasSubstr("exec_command is empty"));
  c.exec_command = {"cat"};
  EXPECT_TRUE(Validate(c).ok());
  c = Valid();
  c.default_processor = "exec";
  c.exec_command = {""};
  EXPECT_THAT(Validate(c).message(), HasSubstr("the command (first element) is empty"));
  c = Valid();
  c.exec_env = {"TOOL_TOKEN", "AWS_SESSION_TOKEN"};
  EXPECT_THAT(Validate(c).message(),
              HasSubstr("exec_env: 'AWS_SESSION_TOKEN': AWS_* variables never reach the command"));
  c.exec_env = {"HOME"};
  EXPECT_THAT(Validate(c).message(), HasSubstr("'HOME' is set by s3proc"));
  c.exec_env = {"TOOL_TOKEN", "LANG"};
  EXPECT_TRUE(Validate(c).ok());
}

TEST(ConfigSettingsTest, NamesAndDefaults) {
  const SettingInfo* s = FindSetting("endpoint_url");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->EnvName(), "S3PROC_ENDPOINT_URL");
  EXPECT_EQ(s->FlagName(), "--endpoint-url");
  EXPECT_EQ(FindSetting("route")->EnvName(), "S3PROC_ROUTES");
  RunConfig defaults;
  EXPECT_EQ(SettingValueText(defaults, "concurrency"), "16");
  EXPECT_EQ(SettingValueText(defaults, "force_path_style"), "false");
  EXPECT_EQ(SettingValueText(defaults, "input_prefix"), "input/");
  defaults.exec_command = {"a", "b"};
  EXPECT_EQ(SettingValueText(defaults, "exec_command"), "[\"a\", \"b\"]");
  // Every RunConfig field the file may hold round-trips through the table.
  for (const auto& setting : RunSettings()) {
    EXPECT_FALSE(setting.help.empty()) << setting.key;
  }
}

}  // namespace
}  // namespace s3proc
