#include "cli/cli.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "cli/command_line.h"
#include "testutil/temp_dir.h"

namespace s3proc {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Captures what a command writes to a FILE.
class Capture {
 public:
  Capture() : file_(tmpfile()) {}
  ~Capture() { std::fclose(file_); }
  FILE* file() const { return file_; }
  std::string Text() const {
    std::fflush(file_);
    std::rewind(file_);
    std::string text;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), file_)) > 0) text.append(buf, n);
    return text;
  }

 private:
  FILE* file_;
};

class CliTest : public ::testing::Test {
 protected:
  CliIo Io() {
    CliIo io;
    io.out = out_.file();
    io.err = err_.file();
    io.env = MapEnvLookup(env_);
    io.default_config_file = "/nonexistent/s3proc.toml";
    return io;
  }
  int Run(std::vector<std::string> args) {
    args.insert(args.begin(), "s3proc");
    return RunCli(args, Io());
  }
  // args -> RunConfig, the way RunCli gets there.
  Result<RunConfig> ConfigFor(std::vector<std::string> args,
                              ConfigPurpose purpose = ConfigPurpose::kS3) {
    args.insert(args.begin(), "s3proc");
    ParsedCommandLine parsed = ParseCommandLine(args, out_.file(), err_.file());
    if (parsed.exit_code)
      return Status::InvalidArgument("exit " + std::to_string(*parsed.exit_code));
    ConfigSources sources;
    sources.config_file = parsed.invocation.config_file;
    sources.flags = parsed.invocation.flags;
    sources.env = MapEnvLookup(env_);
    sources.default_config_file = "/nonexistent/s3proc.toml";
    return LoadRunConfig(sources, purpose);
  }

  std::map<std::string, std::string, std::less<>> env_;
  Capture out_, err_;
  testing::TempDir dir_;
};

TEST_F(CliTest, RunFlagsBecomeTheRunConfig) {
  auto config = ConfigFor({"run",
                           "--bucket",
                           "my-bucket",
                           "--work-dir",
                           "/w",
                           "--input-prefix",
                           "in",
                           "--output-prefix",
                           "out/",
                           "--error-prefix",
                           "err/",
                           "--endpoint-url",
                           "http://127.0.0.1:9000",
                           "--region",
                           "eu-west-1",
                           "--force-path-style",
                           "--concurrency",
                           "8",
                           "--max-files",
                           "3",
                           "--max-seconds",
                           "50",
                           "--keep-local-files",
                           "--dry-run",
                           "--log-format",
                           "json",
                           "--metrics-file",
                           "/m.prom",
                           "--route",
                           "*.csv=csv",
                           "--route",
                           "logs/**=ndjson",
                           "--processor",
                           "passthrough",
                           "--no-progress"});
  ASSERT_TRUE(config.ok()) << config.status().ToString() << err_.Text();
  EXPECT_EQ(config->bucket, "my-bucket");
  EXPECT_EQ(config->work_dir, "/w");
  EXPECT_EQ(config->input_prefix, "in/");
  EXPECT_EQ(config->output_prefix, "out/");
  EXPECT_EQ(config->error_prefix, "err/");
  EXPECT_EQ(config->endpoint_url, "http://127.0.0.1:9000");
  EXPECT_EQ(config->region, "eu-west-1");
  EXPECT_TRUE(config->force_path_style);
  EXPECT_EQ(config->concurrency, 8);
  EXPECT_EQ(config->max_files, 3);
  EXPECT_EQ(config->max_seconds, 50);
  EXPECT_TRUE(config->keep_local_files);
  EXPECT_TRUE(config->dry_run);
  EXPECT_EQ(config->log_format, "json");
  EXPECT_EQ(config->metrics_file, "/m.prom");
  ASSERT_EQ(config->routes.size(), 2u);
  EXPECT_EQ(config->routes[1].glob, "logs/**");
  EXPECT_EQ(config->routes[1].processor, "ndjson");
  EXPECT_EQ(config->default_processor, "passthrough");
  EXPECT_FALSE(config->progress);
}

TEST_F(CliTest, ExecCommandAsFlagOrAfterDashes) {
  auto config = ConfigFor({"run", "--bucket", "b-1", "--processor", "exec", "--exec-command", "jq",
                           "--exec-command=-c", "."});
  ASSERT_TRUE(config.ok()) << config.status().ToString() << err_.Text();
  EXPECT_EQ(config->exec_command, (std::vector<std::string>{"jq", "-c", "."}));

  config = ConfigFor({"run", "--bucket", "b-1", "--processor", "exec", "--", "jq", "-c", "."});
  ASSERT_TRUE(config.ok()) << config.status().ToString() << err_.Text();
  EXPECT_EQ(config->exec_command, (std::vector<std::string>{"jq", "-c", "."}));

  // A list option just before "--" must not swallow it (CLI11 alone ends the list there and
  // parses the rest as s3proc's options).
  config = ConfigFor({"run", "--bucket", "b-1", "--route", "*.x=exec", "--", "sh", "-c", "kill"});
  ASSERT_TRUE(config.ok()) << config.status().ToString() << err_.Text();
  EXPECT_EQ(config->exec_command, (std::vector<std::string>{"sh", "-c", "kill"}));
  ASSERT_EQ(config->routes.size(), 1u);
  EXPECT_EQ(config->routes[0].processor, "exec");
}

TEST_F(CliTest, FlagsBeatEnvironmentBeatsFile) {
  std::string file = dir_.WriteFile("c.toml",
                                    "bucket = \"file-bucket\"\nconcurrency = 2\n"
                                    "keep_local_files = true\nregion = \"r-file\"\n");
  env_["S3PROC_CONCURRENCY"] = "3";
  env_["S3PROC_REGION"] = "r-env";
  auto config = ConfigFor({"run", "--config", file, "--region", "r-flag", "--no-keep-local-files"});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->bucket, "file-bucket");
  EXPECT_EQ(config->concurrency, 3);
  EXPECT_EQ(config->region, "r-flag");
  EXPECT_FALSE(config->keep_local_files);
}

TEST_F(CliTest, HelpDocumentsEverySetting) {
  EXPECT_EQ(Run({"run", "--help"}), 0);
  std::string help = out_.Text();
  for (const SettingInfo& s : RunSettings()) {
    EXPECT_THAT(help, HasSubstr(s.FlagName())) << s.key;
    if (s.in_env) {
      EXPECT_THAT(help, HasSubstr(s.EnvName())) << s.key;
    }
  }
  EXPECT_THAT(help, HasSubstr("default: 16"));
  EXPECT_THAT(help, HasSubstr("toml concurrency"));
}

TEST_F(CliTest, TopLevelHelpAndVersion) {
  EXPECT_EQ(Run({"--help"}), 0);
  EXPECT_THAT(out_.Text(), HasSubstr("redrive"));
  Capture version;
  CliIo io = Io();
  io.out = version.file();
  EXPECT_EQ(RunCli({"s3proc", "--version"}, io), 0);
  EXPECT_THAT(version.Text(), HasSubstr("s3proc 0."));
  EXPECT_THAT(version.Text(), HasSubstr("\njq "));
}

TEST_F(CliTest, UsageErrorsExitTwoWithAHint) {
  EXPECT_EQ(Run({}), 2);
  EXPECT_EQ(Run({"frobnicate"}), 2);
  EXPECT_EQ(Run({"run", "--bucket"}), 2);
  EXPECT_EQ(Run({"run", "--no-such-flag"}), 2);
  std::string err = err_.Text();
  EXPECT_THAT(err, HasSubstr("s3proc: error: "));
  EXPECT_THAT(err, HasSubstr("run 's3proc run --help'"));
  EXPECT_THAT(err, HasSubstr("--no-such-flag"));
}

TEST_F(CliTest, ConfigurationErrorsExitTwo) {
  EXPECT_EQ(Run({"run"}), 2);
  EXPECT_THAT(err_.Text(), HasSubstr("s3proc: error: no bucket"));
  EXPECT_EQ(Run({"status", "--bucket", "b-1", "--output-prefix", "input/x/"}), 2);
  EXPECT_THAT(err_.Text(), HasSubstr("overlap"));
  EXPECT_EQ(Run({"run", "--bucket", "b-1", "--concurrency", "many"}), 2);
  EXPECT_THAT(err_.Text(), HasSubstr("--concurrency: 'many' is not an integer"));
  EXPECT_EQ(Run({"run", "--bucket", "b-1", "--config", "/nonexistent/x.toml"}), 2);
  std::string bad = dir_.WriteFile("bad.toml", "\nbukcet = \"x\"\n");
  EXPECT_EQ(Run({"redrive", "--config", bad}), 2);
  EXPECT_THAT(err_.Text(), HasSubstr("bad.toml:2: unknown setting 'bukcet' (did you mean "
                                     "'bucket'?)"));
}

TEST_F(CliTest, RegionMissingIsAConfigurationError) {
  // No region anywhere and IMDS disabled: building the S3 parts fails before any request.
  env_["AWS_EC2_METADATA_DISABLED"] = "true";
  env_["AWS_CONFIG_FILE"] = "/nonexistent/config";
  env_["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/credentials";
  EXPECT_EQ(Run({"status", "--bucket", "b-1"}), 2);
  EXPECT_THAT(err_.Text(), HasSubstr("s3proc: error: "));
  EXPECT_THAT(err_.Text(), HasSubstr("region"));
}

TEST_F(CliTest, ProcessWritesTheResultToStdoutOrAFile) {
  std::string input = dir_.WriteFile("a.txt", "hello\n");
  EXPECT_EQ(Run({"process", input, "--processor", "passthrough"}), 0) << err_.Text();
  EXPECT_EQ(out_.Text(), "hello\n");

  std::string output = (dir_.path() / "out.txt").string();
  EXPECT_EQ(Run({"process", input, "--route", "*.txt=passthrough", "--output", output}), 0)
      << err_.Text();
  EXPECT_EQ(testing::ReadFileOrEmpty(output), "hello\n");
}

TEST_F(CliTest, ProcessRunsAnExecCommandGivenAfterDashes) {
  std::string input = dir_.WriteFile("a.txt", "abc");
  EXPECT_EQ(Run({"process", input, "--processor", "exec", "--", "cat"}), 0) << err_.Text();
  EXPECT_EQ(out_.Text(), "abc");
}

// The exec command gets the network only with --exec-network.
TEST_F(CliTest, ProcessGivesTheExecCommandTheNetworkOnlyWhenAsked) {
  std::string input = dir_.WriteFile("a.txt", "abc");
  const std::vector<std::string> command = {
      "--", "python3", "-c", "import socket; socket.socket(socket.AF_INET); print('opened')"};
  std::vector<std::string> args = {"process", input, "--processor", "exec"};
  args.insert(args.end(), command.begin(), command.end());
  EXPECT_EQ(Run(args), 1);
  EXPECT_THAT(err_.Text(), HasSubstr("Permission denied"));
  args.insert(args.begin() + 4, "--exec-network");
  EXPECT_EQ(Run(args), 0) << err_.Text();
  EXPECT_EQ(out_.Text(), "opened\n");
}

TEST_F(CliTest, ProcessRejectionExitsOneWithTheReason) {
  std::string input = dir_.WriteFile("bad.json", "{not json");
  std::string output = (dir_.path() / "out.json").string();
  EXPECT_EQ(Run({"process", input, "--output", output}), 1);  // default processor: json
  EXPECT_THAT(err_.Text(), HasSubstr("rejected: "));
  EXPECT_FALSE(std::filesystem::exists(output));
  EXPECT_FALSE(std::filesystem::exists(output + ".s3proc-tmp"));
}

TEST_F(CliTest, ProcessLeavesNoTemporaryFileBehind) {
  std::string input = dir_.WriteFile("bad.json", "{not json");
  std::string output = (dir_.path() / "out.json").string();
  EXPECT_EQ(Run({"process", input, "--output", output}), 1);
  std::string good = dir_.WriteFile("good.json", "{}");
  EXPECT_EQ(Run({"process", good, "--output", output}), 0) << err_.Text();
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"bad.json", "good.json", "out.json"}));
}

TEST_F(CliTest, ProcessNeedsNoBucketButAReadableFile) {
  EXPECT_EQ(Run({"process", (dir_.path() / "missing").string()}), 2);
  EXPECT_THAT(err_.Text(), HasSubstr("is not a readable file"));
  EXPECT_EQ(Run({"process"}), 2);
  EXPECT_EQ(Run({"process", "x", "--processor", "nope"}), 2);
  EXPECT_THAT(err_.Text(), HasSubstr("unknown processor 'nope'"));
}

// Error lines quote what they were given (a file name, a key, what a server said): a newline in
// it cannot start a line of its own.
TEST_F(CliTest, AnErrorLineStaysOneLine) {
  const std::string name = (dir_.path() / "missing\ns3proc: error: forged").string();
  EXPECT_EQ(Run({"process", name}), 2);
  EXPECT_THAT(err_.Text(), Not(HasSubstr("\ns3proc: error: forged")));
  EXPECT_THAT(err_.Text(), HasSubstr("missing\\ns3proc: error: forged"));
}

// No implicit ".": without a work dir, HOME or XDG_STATE_HOME, a run asks for one.
TEST_F(CliTest, ARunWithoutAWorkDirOrAHomeExitsTwo) {
  env_["AWS_EC2_METADATA_DISABLED"] = "true";
  env_["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
  env_["AWS_SECRET_ACCESS_KEY"] = "secret";
  EXPECT_EQ(Run({"run", "--bucket", "b-1", "--region", "us-east-1", "--endpoint-url",
                 "http://127.0.0.1:9"}),
            2);
  EXPECT_THAT(err_.Text(), HasSubstr("no work dir: give --work-dir"));
}

// `s3proc config check FILE`, as Ansible's `validate:` runs it: on a temporary copy whose name
// does not end in .toml.
TEST_F(CliTest, ConfigCheckPrintsOkForAGoodFile) {
  std::string file = dir_.WriteFile("tmpk3x9_s3proc",
                                    "bucket = \"my-bucket\"\nconcurrency = 8\n"
                                    "[[route]]\nglob = \"*.csv\"\n"
                                    "processor = \"csv\"\n");
  EXPECT_EQ(Run({"config", "check", file}), 0) << err_.Text();
  EXPECT_EQ(out_.Text(), file + ": ok\n");
  EXPECT_EQ(err_.Text(), "");
}

TEST_F(CliTest, ConfigCheckNamesTheFileAndLineOfABadValue) {
  std::string file =
      dir_.WriteFile("bad-value", "bucket = \"my-bucket\"\n\nconcurrency = \"many\"\n");
  EXPECT_EQ(Run({"config", "check", file}), 2);
  EXPECT_EQ(err_.Text(),
            "s3proc: error: " + file + ":3: 'concurrency' must be an integer, not a string\n");
  EXPECT_EQ(out_.Text(), "");
}

TEST_F(CliTest, ConfigCheckNamesTheFileAndLineOfAnUnknownKeyOutOfRangeNumberAndBadRoute) {
  std::string unknown = dir_.WriteFile("unknown", "bucket = \"my-bucket\"\nbukcet = \"x\"\n");
  EXPECT_EQ(Run({"config", "check", unknown}), 2);
  EXPECT_THAT(err_.Text(),
              HasSubstr(unknown + ":2: unknown setting 'bukcet' (did you mean 'bucket'?)"));

  std::string range = dir_.WriteFile("range", "bucket = \"my-bucket\"\n\nconcurrency = 9999\n");
  EXPECT_EQ(Run({"config", "check", range}), 2);
  EXPECT_THAT(err_.Text(),
              HasSubstr("concurrency (from " + range + ":3) must be between 1 and 512, got 9999"));

  std::string route = dir_.WriteFile("route",
                                     "bucket = \"my-bucket\"\n"
                                     "[[route]]\nglob = \"*.csv\"\nprocessor = \"csv\"\n"
                                     "[[route]]\nglob = \"*.x\"\nprocessor = \"xml\"\n");
  EXPECT_EQ(Run({"config", "check", route}), 2);
  EXPECT_THAT(err_.Text(),
              HasSubstr("route 2 ('*.x=xml') (from " + route + ":5): unknown processor 'xml'"));
  EXPECT_EQ(out_.Text(), "");
}

TEST_F(CliTest, ConfigCheckOfAMissingFileOrADirectoryExitsTwo) {
  std::string missing = (dir_.path() / "missing").string();
  EXPECT_EQ(Run({"config", "check", missing}), 2);
  EXPECT_EQ(err_.Text(), "s3proc: error: config file " + missing + " does not exist\n");
  EXPECT_EQ(Run({"config", "check", dir_.path().string()}), 2);
  EXPECT_THAT(err_.Text(), HasSubstr(dir_.path().string() + " is a directory"));
  EXPECT_EQ(Run({"config", "check"}), 2);
  EXPECT_THAT(err_.Text(), HasSubstr("run 's3proc config check --help'"));
  EXPECT_EQ(out_.Text(), "");
}

TEST_F(CliTest, ConfigCheckReadsTheFileAloneNotTheEnvironment) {
  // The environment would fill in the bucket the file lacks...
  env_["S3PROC_BUCKET"] = "env-bucket";
  env_["S3PROC_CONFIG"] = dir_.WriteFile("other.toml", "bucket = \"other-bucket\"\n");
  std::string no_bucket = dir_.WriteFile("no-bucket", "concurrency = 8\n");
  EXPECT_EQ(Run({"config", "check", no_bucket}), 2);
  EXPECT_THAT(err_.Text(), HasSubstr("no bucket"));
  // ... or override the file's bad value.
  env_["S3PROC_CONCURRENCY"] = "4";
  std::string bad = dir_.WriteFile("bad", "bucket = \"b-1\"\nconcurrency = 0\n");
  EXPECT_EQ(Run({"config", "check", bad}), 2);
  EXPECT_THAT(err_.Text(), HasSubstr("concurrency (from " + bad + ":2) must be between 1"));
  // A bad variable does not fail a good file either.
  env_["S3PROC_MAX_FILES"] = "lots";
  std::string good = dir_.WriteFile("good", "bucket = \"b-1\"\n");
  EXPECT_EQ(Run({"config", "check", good}), 0) << err_.Text();
  EXPECT_EQ(out_.Text(), good + ": ok\n");
}

TEST_F(CliTest, TopLevelHelpListsConfigCheck) {
  EXPECT_EQ(Run({"--help"}), 0);
  EXPECT_THAT(out_.Text(), HasSubstr("\n  config "));
  Capture check_help;
  CliIo io = Io();
  io.out = check_help.file();
  EXPECT_EQ(RunCli({"s3proc", "config", "check", "--help"}, io), 0);
  EXPECT_THAT(check_help.Text(), HasSubstr("Usage: s3proc config check [OPTIONS] file"));
}

TEST_F(CliTest, FollowWorksInListingModeButNotWithDryRun) {
  auto config = ConfigFor({"run", "--bucket", "b-1", "--follow", "--poll-seconds", "5"});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_TRUE(config->follow);
  EXPECT_EQ(config->poll_seconds, 5);
  EXPECT_EQ(ConfigFor({"run", "--bucket", "b-1"})->poll_seconds, 60);

  EXPECT_EQ(Run({"run", "--bucket", "b-1", "--follow", "--dry-run"}), 2);
  EXPECT_THAT(err_.Text(), HasSubstr("--dry-run cannot be used with follow (from --follow)"));
  EXPECT_EQ(Run({"run", "--bucket", "b-1", "--follow", "--poll-seconds", "0"}), 2);
  EXPECT_THAT(err_.Text(), HasSubstr("poll_seconds (from --poll-seconds) must be between 1 and "
                                     "86400, got 0"));
  env_["S3PROC_POLL_SECONDS"] = "7";
  EXPECT_EQ(ConfigFor({"run", "--bucket", "b-1"})->poll_seconds, 7);
}

}  // namespace
}  // namespace s3proc

namespace s3proc {
namespace {

// A route's schema is part of the configuration: one that cannot be used stops every command
// that would use it (exit 2, naming the file), `config check` included.
class CliSchemaTest : public CliTest {
 protected:
  std::string ConfigWithSchema(const std::string& schema_path) {
    return dir_.WriteFile("c.toml",
                          "bucket = \"my-bucket\"\n[[route]]\nglob = \"*.json\"\n"
                          "processor = \"json\"\nschema = \"" +
                              schema_path + "\"\n");
  }
};

TEST_F(CliSchemaTest, ConfigCheckLoadsTheSchema) {
  std::string missing = (dir_.path() / "missing.schema.json").string();
  EXPECT_EQ(Run({"config", "check", ConfigWithSchema(missing)}), 2);
  EXPECT_THAT(err_.Text(), HasSubstr("s3proc: error: route 1 ('*.json'): schema " + missing +
                                     ": cannot be read"));

  std::string refused = dir_.WriteFile("refused.schema.json", R"({"type": "nope"})");
  EXPECT_EQ(Run({"config", "check", ConfigWithSchema(refused)}), 2);
  EXPECT_THAT(err_.Text(), HasSubstr("schema " + refused + ": not a JSON Schema"));

  std::string good = dir_.WriteFile("good.schema.json", R"({"required": ["id"]})");
  std::string config = ConfigWithSchema(good);
  EXPECT_EQ(Run({"config", "check", config}), 0) << err_.Text();
  EXPECT_EQ(out_.Text(), config + ": ok\n");
}

TEST_F(CliSchemaTest, ASchemaIsForTheProcessorsThatReadJsonRecords) {
  std::string file = dir_.WriteFile("c.toml",
                                    "bucket = \"my-bucket\"\n[[route]]\nglob = \"*.bin\"\n"
                                    "processor = \"passthrough\"\nschema = \"/s.json\"\n");
  EXPECT_EQ(Run({"config", "check", file}), 2);
  EXPECT_THAT(err_.Text(),
              HasSubstr("a schema is for the json, ndjson and csv processors, not 'passthrough'"));
}

TEST_F(CliSchemaTest, ProcessChecksTheDocumentAgainstTheSchema) {
  std::string schema = dir_.WriteFile("order.schema.json", R"({"required": ["id"]})");
  std::string config = ConfigWithSchema(schema);
  std::string good = dir_.WriteFile("good.json", R"({"id": 1})");
  EXPECT_EQ(Run({"process", good, "--config", config}), 0) << err_.Text();
  std::string bad = dir_.WriteFile("bad.json", R"({"no": 1})");
  EXPECT_EQ(Run({"process", bad, "--config", config}), 1);
  EXPECT_THAT(err_.Text(), HasSubstr("does not match schema order.schema.json: (root): an object "
                                     "fails required: missing required property 'id'"));
  // A document the route does not take is not checked.
  std::string other = dir_.WriteFile("other.txt", R"({"no": 1})");
  EXPECT_EQ(Run({"process", other, "--config", config, "--processor", "json"}), 0) << err_.Text();

  // A document the schema would need whole, larger than max_document_bytes, is not read.
  EXPECT_EQ(Run({"process", good, "--config", config, "--max-document-bytes", "5"}), 1);
  EXPECT_THAT(err_.Text(), HasSubstr("the document is 9 bytes, more than the 5 a document checked "
                                     "by a schema or filter may have"));

  EXPECT_EQ(Run({"process", good, "--config", ConfigWithSchema(schema + ".gone")}), 2);
  EXPECT_THAT(err_.Text(), HasSubstr(schema + ".gone: cannot be read"));
}

// A route's filter is compiled with the configuration: one that does not compile is exit 2,
// with jq's message; `process` shows what it makes of a sample.
TEST_F(CliSchemaTest, ARouteFilterIsCompiledWithTheConfiguration) {
  auto config_with = [&](const std::string& route_lines) {
    return dir_.WriteFile("f.toml",
                          "bucket = \"my-bucket\"\n[[route]]\nglob = \"*.json\"\n"
                          "processor = \"json\"\n" +
                              route_lines);
  };
  EXPECT_EQ(Run({"config", "check", config_with("filter = '{order: .id'\n")}), 2);
  EXPECT_THAT(err_.Text(), HasSubstr("route 1 ('*.json'): the jq filter does not compile: "));
  EXPECT_EQ(Run({"config", "check", config_with("filtr = '.'\n")}), 2);
  EXPECT_THAT(err_.Text(), HasSubstr("unknown route setting 'filtr' (did you mean 'filter'?)"));
  EXPECT_EQ(Run({"config", "check", config_with("empty = \"skip\"\n")}), 2);
  EXPECT_THAT(err_.Text(), HasSubstr("this route has no filter"));
  EXPECT_EQ(Run({"config", "check", config_with("filter = '.'\nempty = \"drop\"\n")}), 2);
  EXPECT_THAT(err_.Text(), HasSubstr("empty must be \"reject\" or \"skip\", not \"drop\""));

  std::string config = config_with("filter = '{order: .id}'\n");
  EXPECT_EQ(Run({"config", "check", config}), 0) << err_.Text();
  std::string sample = dir_.WriteFile("sample.json", R"({"id": "o-1", "x": 2})");
  EXPECT_EQ(Run({"process", sample, "--config", config}), 0) << err_.Text();
  EXPECT_THAT(out_.Text(), HasSubstr("ok\n{\"order\":\"o-1\",\"_s3proc\":{"));
}

// A typo gets the closest command or option, and exit 2.
TEST_F(CliTest, TyposGetWhatWasMeant) {
  EXPECT_EQ(Run({"runn"}), 2);
  EXPECT_EQ(err_.Text(),
            "s3proc: error: unknown command 'runn' (did you mean 'run'?)\n"
            "run 's3proc --help'\n");
  EXPECT_EQ(Run({"run", "--bukcet", "b-1"}), 2);
  EXPECT_THAT(err_.Text(), HasSubstr("s3proc: error: unknown option '--bukcet' for 'run' (did "
                                     "you mean '--bucket'?)\nrun 's3proc run --help'\n"));
  EXPECT_EQ(Run({"config", "chek", "f.toml"}), 2);
  EXPECT_THAT(err_.Text(),
              HasSubstr("unknown command 'chek' for 'config' (did you mean 'check'?)"));
  EXPECT_EQ(Run({"xyzzy"}), 2);
  EXPECT_THAT(err_.Text(), HasSubstr("unknown command 'xyzzy' (commands: run, status, redrive, "
                                     "process, config)"));
}

// s3://NAME is how AWS users write a bucket; a folder after it belongs in the prefix settings.
TEST_F(CliTest, ABucketMayBeGivenAsAnS3Uri) {
  EXPECT_EQ(ConfigFor({"run", "--bucket", "s3://my-bucket"})->bucket, "my-bucket");
  EXPECT_EQ(ConfigFor({"run", "--bucket", "s3://my-bucket/"})->bucket, "my-bucket");
  EXPECT_EQ(Run({"run", "--bucket", "s3://my-bucket/drop/"}), 2);
  EXPECT_THAT(err_.Text(),
              HasSubstr("bucket (from --bucket) 's3://my-bucket/drop/' names a folder in the "
                        "bucket: give the bucket alone ('my-bucket') and the folders with "
                        "--input-prefix, --output-prefix and --error-prefix"));
}

// `process -` reads standard input; a file that is not there is a usage error (2), not a
// rejection (1).
TEST_F(CliTest, ProcessReadsStandardInputAndAMissingFileIsAUsageError) {
  std::string in_path = dir_.WriteFile("stdin.csv", "a,b\n1,2\n");
  FILE* in = std::fopen(in_path.c_str(), "rb");
  ASSERT_NE(in, nullptr);
  CliIo io = Io();
  io.in = in;
  EXPECT_EQ(RunCli({"s3proc", "process", "-", "--key", "x.csv", "--route", "*.csv=csv"}, io), 0)
      << err_.Text();
  std::fclose(in);
  EXPECT_EQ(out_.Text(), "{\"a\":\"1\",\"b\":\"2\"}\n");
  EXPECT_EQ(Run({"process", (dir_.path() / "missing.json").string()}), 2);
  EXPECT_THAT(err_.Text(), HasSubstr("missing.json is not a readable file"));
}

TEST_F(CliTest, LogLevelAndQuiet) {
  EXPECT_EQ(ConfigFor({"run", "--bucket", "b-1"})->log_level, "info");
  EXPECT_EQ(ConfigFor({"run", "--bucket", "b-1", "-q"})->log_level, "warning");
  EXPECT_EQ(ConfigFor({"status", "--bucket", "b-1", "--quiet"})->log_level, "warning");
  EXPECT_EQ(ConfigFor({"run", "--bucket", "b-1", "--log-level", "error"})->log_level, "error");
  EXPECT_EQ(Run({"run", "--bucket", "b-1", "--log-level", "loud"}), 2);
  EXPECT_THAT(err_.Text(), HasSubstr("log_level (from --log-level) must be info, warning or "
                                     "error, got 'loud'"));
}

// Credentials come back from STS: its endpoint is held to the TLS rule S3's is.
TEST_F(CliTest, APlainHttpStsEndpointToAwsIsRefused) {
  env_["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
  env_["AWS_SECRET_ACCESS_KEY"] = "secret";
  env_["AWS_ENDPOINT_URL_STS"] = "http://sts.us-east-1.amazonaws.com";
  EXPECT_EQ(Run({"status", "--bucket", "b-1", "--region", "us-east-1"}), 2);
  EXPECT_THAT(err_.Text(), HasSubstr("the STS endpoint (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL) "
                                     "'http://sts.us-east-1.amazonaws.com' is plain http:// to "
                                     "AWS"));
}

}  // namespace
}  // namespace s3proc
