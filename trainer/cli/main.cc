// reasonrl: the one binary. Each subcommand lives in its own file (commands.h).
#include <iostream>

#include "trainer/cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"reasonrl: train reasoning language models with reinforcement learning"};
  app.require_subcommand(1);
  reasonrl::cli::Action action;
  reasonrl::cli::AddForwardCommand(app, action);
  reasonrl::cli::AddGenerateCommand(app, action);
  reasonrl::cli::AddInitCommand(app, action);
  reasonrl::cli::AddConvertCommand(app, action);
  reasonrl::cli::AddServeCommand(app, action);
  reasonrl::cli::AddDataCommand(app, action);
  reasonrl::cli::AddTokenizeCommand(app, action);
  reasonrl::cli::AddScoreCommand(app, action);
  CLI11_PARSE(app, argc, argv);
  absl::Status status;
  try {
    status = action ? action() : absl::InternalError("no subcommand ran");
  } catch (const std::exception& e) {  // c10::Error from a violated tensor precondition
    status = absl::InternalError(e.what());
  }
  if (!status.ok()) {
    std::cerr << "reasonrl: error: " << status.message() << "\n";
    return 1;
  }
  return 0;
}
