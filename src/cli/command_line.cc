#include "cli/command_line.h"

#include <CLI/CLI.hpp>

#include <sstream>

#include "common/closest_match.h"
#include "processors/jq_version.h"
#include "s3proc_version.h"

namespace s3proc {

namespace {

constexpr const char* kFooter =
    "Settings are merged in increasing precedence: built-in defaults < the TOML config file "
    "(--config FILE, else $S3PROC_CONFIG, else /etc/s3proc/s3proc.toml when it exists) < "
    "S3PROC_* environment variables < flags. TOML keys are the setting names shown in "
    "brackets; [[route]] tables hold glob and processor. Credentials, region and endpoint also "
    "follow the AWS conventions (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, AWS_CA_BUNDLE, "
    "instance roles).";

std::string OptionHelp(const SettingInfo& s) {
  std::string text(s.help);
  text += " [";
  if (s.range) text += "range " + s.range->Text() + "; ";
  if (s.in_env) text += "env " + s.EnvName() + "; ";
  if (s.in_file) text += "toml " + std::string(s.key == "route" ? "[[route]]" : s.key) + "; ";
  std::string def = SettingValueText(RunConfig{}, s.key);
  if (s.is_list() && (def.empty() || def == "[]")) def = "none";
  text += "default: " + (def.empty() ? std::string("none") : def) + "]";
  return text;
}

// Adds the flag for setting `key` to `app`, storing what is given in `flags`.
void AddSetting(CLI::App* app, std::string_view key, SettingOverrides* flags) {
  const SettingInfo* s = FindSetting(key);
  std::string name = s->FlagName();
  const std::string help = OptionHelp(*s);
  const std::string k(key);
  if (s->is_flag()) {
    // --no-X turns off what the config file or the environment turned on (not for --dry-run:
    // it is never on from elsewhere).
    if (key != "dry_run") name += ",!--no-" + name.substr(2);
    app->add_flag_function(
        name, [flags, k](std::int64_t count) { (*flags)[k] = {count > 0 ? "true" : "false"}; },
        help);
  } else if (s->is_list()) {
    auto* option = app->add_option_function<std::vector<std::string>>(
        name, [flags, k](const std::vector<std::string>& values) { (*flags)[k] = values; }, help);
    if (key == "route") {
      option->type_name("GLOB=PROCESSOR");
    } else {
      option->type_name("ARG")->expected(1, CLI::detail::expected_max_vector_size);
    }
  } else {
    // `run --processor NAME` is the short name of --default-processor.
    if (key == "default_processor") name = "--processor," + name;
    app->add_option_function<std::string>(
           name, [flags, k](const std::string& value) { (*flags)[k] = {value}; }, help)
        ->type_name(std::string(s->value_name));
  }
}

// The settings that say where the bucket is (status, redrive).
constexpr std::string_view kWhereSettings[] = {
    "bucket",           "region",       "profile",       "endpoint_url", "allow_insecure_endpoint",
    "force_path_style", "input_prefix", "output_prefix", "error_prefix", "lease_prefix",
    "log_format",       "log_level"};

std::string SubcommandIn(const std::vector<std::string>& args) {
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "config" && i + 1 < args.size() && args[i + 1] == "check") return "config check";
    if (args[i] == "run" || args[i] == "status" || args[i] == "redrive" || args[i] == "process" ||
        args[i] == "config") {
      return args[i];
    }
  }
  return "";
}

// The deepest subcommand the command line reached (the app itself when none).
CLI::App* DeepestParsed(CLI::App* app) {
  for (CLI::App* sub : app->get_subcommands()) return DeepestParsed(sub);
  return app;
}

// What to say instead of CLI11's own message for a typo: "unknown command 'runn' (did you
// mean 'run'?)", "unknown option '--bukcet' for 'run' (did you mean '--bucket'?)". Empty when
// the error is not one (a missing value, a bad number: CLI11's message says it well).
std::string TypoMessage(CLI::App& app, const CLI::ParseError& e) {
  CLI::App* at = DeepestParsed(&app);
  const std::string where = at == &app ? "" : " for '" + SubcommandIn({"", at->get_name()}) + "'";
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
    std::vector<std::string> extras = at->remaining();
    if (extras.empty()) return "";
    const std::string word = extras.front().substr(0, extras.front().find('='));
    if (!word.starts_with("-")) {
      return "unexpected argument '" + word + "'" + where +
             (at == &app ? "" : " (it takes no more values)");
    }
    std::vector<std::string> names;
    for (const CLI::Option* option : at->get_options()) {
      for (const std::string& name : option->get_lnames()) names.push_back("--" + name);
    }
    std::vector<std::string_view> candidates(names.begin(), names.end());
    const std::string hint = ClosestMatch(word, candidates);
    return "unknown option '" + word + "'" + where +
           (hint.empty() ? "" : " (did you mean '" + hint + "'?)");
  }
  if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr) {
    // No subcommand was recognised: the first word is the one meant as a command.
    std::vector<std::string> words = at->remaining();
    std::vector<CLI::App*> subs = at->get_subcommands({});
    if (words.empty() || words.front().starts_with("-") || subs.empty()) return "";
    std::vector<std::string_view> commands;
    std::string listed;
    for (const CLI::App* sub : subs) {
      commands.push_back(sub->get_name());
      listed += (listed.empty() ? "" : ", ") + sub->get_name();
    }
    const std::string hint = ClosestMatch(words.front(), commands);
    return "unknown command '" + words.front() + "'" + where +
           (hint.empty() ? " (commands: " + listed + ")" : " (did you mean '" + hint + "'?)");
  }
  return "";
}

}  // namespace

ParsedCommandLine ParseCommandLine(const std::vector<std::string>& args, FILE* out, FILE* err) {
  ParsedCommandLine result;
  Invocation& inv = result.invocation;

  CLI::App app{"s3proc: processes the objects dropped in an S3 prefix, once each.", "s3proc"};
  // A function, so that only --version runs jq's self-check.
  app.set_version_flag("--version", [] {
    return std::string("s3proc ") + S3PROC_VERSION + "\n" + JqLibraryVersion();
  });
  app.require_subcommand(1);
  app.footer(kFooter);
  app.get_formatter()->column_width(40);

  CLI::App* run = app.add_subcommand(
      "run",
      "One pass: list input/ (queue mode, --queue-url: receive its S3 events from SQS), process "
      "each object, upload to output/ or route it to errors/ with a reason, delete the input. "
      "Exit 0 when every object reached output/ or errors/, "
      "1 when some were left for the next run, 2 for a usage or configuration error. "
      "With --follow: keep going until SIGTERM or SIGINT (listing mode: pass after pass, "
      "then exit 0).");
  CLI::App* status = app.add_subcommand(
      "status",
      "Counts, bytes and the oldest object's age under input/, output/, errors/, leases/.");
  CLI::App* redrive = app.add_subcommand(
      "redrive",
      "Move rejected objects from errors/ back to input/ (copy first, delete after: safe to "
      "interrupt and run again) and delete their .error.json reasons.");
  CLI::App* process = app.add_subcommand(
      "process",
      "Run one processor on a local FILE (no S3) and write the result to --output or stdout. "
      "Exit 1 with 'rejected: REASON' when the processor rejects it. For debugging routes.");

  CLI::App* config = app.add_subcommand("config", "Work with a config file without running.");
  config->require_subcommand(1);
  CLI::App* config_check = config->add_subcommand(
      "check",
      "Load FILE as 'run --config FILE' would, without the S3PROC_* environment or flags, and "
      "validate it; touch no network and no work dir. Print 'FILE: ok' and exit 0, or the error "
      "(with the file and line) and exit 2. For a config management tool's validate step.");
  config_check->add_option("file", inv.file, "The TOML config file (any name).")
      ->required()
      ->type_name("FILE");

  for (CLI::App* sub : {run, status, redrive, process}) {
    sub->add_option("--config", inv.config_file,
                    "TOML config file [env S3PROC_CONFIG; default: /etc/s3proc/s3proc.toml when "
                    "it exists]")
        ->type_name("FILE");
  }
  std::vector<std::string> exec_after_dashes;
  for (const SettingInfo& s : RunSettings()) AddSetting(run, s.key, &inv.flags);
  run->add_option("command", exec_after_dashes,
                  "After '--': the exec processor's command and arguments (same as "
                  "--exec-command).");

  for (std::string_view key : kWhereSettings) {
    AddSetting(status, key, &inv.flags);
    AddSetting(redrive, key, &inv.flags);
  }
  // -q: what a cron job's mail should hold, only the problems.
  for (CLI::App* app_with_logs : {run, status, redrive}) {
    app_with_logs->add_flag_function(
        "-q,--quiet", [&inv](std::int64_t) { inv.flags["log_level"] = {"warning"}; },
        "Log problems only (--log-level warning).");
  }
  AddSetting(status, "queue_url", &inv.flags);  // status shows the queue's counts
  status->add_flag("--json", inv.json, "Print JSON (also with --log-format json).");
  redrive
      ->add_option("--filter", inv.filter,
                   "Only objects whose key relative to the error prefix matches this glob "
                   "(*, **, ?, [a-z]).")
      ->type_name("GLOB");
  AddSetting(redrive, "dry_run", &inv.flags);

  process
      ->add_option(
          "file", inv.file,
          "The local input file; - reads standard input (give --key to route it as an object).")
      ->required()
      ->type_name("FILE");
  std::vector<std::string> process_exec_after_dashes;
  process->add_option("command", process_exec_after_dashes,
                      "After '--': the exec processor's command and arguments.");
  std::string processor;
  process
      ->add_option("--processor", processor,
                   "Use this processor (json, ndjson, csv, passthrough, exec) instead of the "
                   "routes.")
      ->type_name("NAME");
  process->add_option("--output", inv.output, "Write the result here (default: stdout).")
      ->type_name("FILE");
  process
      ->add_option("--key", inv.key,
                   "Route as if the object's key relative to the input prefix were KEY "
                   "(default: FILE's name).")
      ->type_name("KEY");
  for (std::string_view key :
       {"route", "exec_command", "exec_timeout_seconds", "exec_env", "exec_max_output_bytes",
        "exec_network", "max_decompressed_bytes", "max_document_bytes"}) {
    AddSetting(process, key, &inv.flags);
  }

  // Everything after the first "--" is the exec command, taken here rather than by CLI11: a
  // list option before it (--route A B --) would otherwise end at that "--" and leave the
  // command's own options ("sh -c ...") to be parsed as s3proc's.
  std::vector<std::string> after_dashes;
  std::vector<const char*> argv;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0 && args[i] == "--") {
      after_dashes.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
      break;
    }
    argv.push_back(args[i].c_str());
  }
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    std::ostringstream out_text, err_text;
    int code = app.exit(e, out_text, err_text);
    std::fputs(out_text.str().c_str(), out);
    if (code == 0) {
      result.exit_code = 0;
      return result;
    }
    std::string sub = SubcommandIn(args);
    std::string message = TypoMessage(app, e);
    std::fprintf(err, "s3proc: error: %s\nrun 's3proc%s%s --help'\n",
                 message.empty() ? e.what() : message.c_str(), sub.empty() ? "" : " ", sub.c_str());
    result.exit_code = 2;
    return result;
  }

  if (run->parsed()) {
    inv.command = CommandKind::kRun;
    exec_after_dashes.insert(exec_after_dashes.end(), after_dashes.begin(), after_dashes.end());
    if (!exec_after_dashes.empty()) inv.flags["exec_command"] = exec_after_dashes;
  } else if (status->parsed()) {
    inv.command = CommandKind::kStatus;
  } else if (redrive->parsed()) {
    inv.command = CommandKind::kRedrive;
  } else if (config_check->parsed()) {
    inv.command = CommandKind::kConfigCheck;
  } else {
    inv.command = CommandKind::kProcess;
    process_exec_after_dashes.insert(process_exec_after_dashes.end(), after_dashes.begin(),
                                     after_dashes.end());
    if (!process_exec_after_dashes.empty()) inv.flags["exec_command"] = process_exec_after_dashes;
    if (!processor.empty()) {
      inv.flags["default_processor"] = {processor};
      inv.flags["route"] = {};  // a named processor overrides the routes
    }
  }
  return result;
}

}  // namespace s3proc
