// Subcommands of the `reasonrl` binary: each file adds one subcommand to the CLI11 app and runs it.
// A command returns absl::Status; main() prints a non-OK status and exits non-zero.
#pragma once

#include <functional>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"

namespace reasonrl::cli {

// Where a subcommand stores what it will run once CLI11 has parsed the flags.
using Action = std::function<absl::Status()>;

void AddForwardCommand(CLI::App& app, Action& action);
void AddGenerateCommand(CLI::App& app, Action& action);
void AddInitCommand(CLI::App& app, Action& action);
void AddConvertCommand(CLI::App& app, Action& action);
// serve_command.cc: `serve rollout|reward` (torch-free, library reasonrl_cli_serve).
void AddServeCommand(CLI::App& app, Action& action);
// data_command.cc: `data countdown|arithmetic|tiny-tokenizer` (torch-free, library reasonrl_cli_data).
void AddDataCommand(CLI::App& app, Action& action);
// tokenize_command.cc: `tokenize` (torch-free, library reasonrl_cli_text).
void AddTokenizeCommand(CLI::App& app, Action& action);
// score_command.cc: `score` (torch-free, gRPC-free, library reasonrl_cli_reward).
void AddScoreCommand(CLI::App& app, Action& action);

}  // namespace reasonrl::cli
